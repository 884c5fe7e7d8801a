import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';

interface TableProps {
  /** The table's accessible name, shown above it. */
  caption: string;
  /** A line under the caption saying how to read the table. */
  note?: string;
  children: ReactNode;
}

/**
 * A table in a frame of its own that scrolls sideways when the table is wider than the screen (a phone), so the page
 * does not. The frame takes the keyboard's focus, so its arrow keys scroll it too, and is named after the table.
 */
export function Table({ caption, note, children }: TableProps) {
  return (
    <div role="region" aria-label={caption} tabIndex={0} className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-sky-400">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="pb-2 text-left caption-top">
          <span className="block text-sm font-semibold tracking-wide text-slate-300 uppercase">{caption}</span>
          {note && <span className="block text-xs text-slate-400">{note}</span>}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ className = '', ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-slate-700 px-2 py-1.5 text-xs font-medium whitespace-nowrap text-slate-400 ${className}`}
      {...props}
    />
  );
}

export function Td({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`border-b border-slate-800 px-2 py-1.5 align-top ${className}`} {...props} />;
}

/** The one row a table shows when it has nothing to list. */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="px-2 py-3 text-slate-400 italic">
        {children}
      </td>
    </tr>
  );
}
