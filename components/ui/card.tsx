import type { ReactNode } from 'react';

interface CardProps {
  title?: string;
  /** Controls shown at the right of the title, e.g. an action button. */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

export function Card({ title, actions, className = '', children }: CardProps) {
  return (
    <section
      aria-label={title}
      className={`rounded-lg border border-slate-800 bg-slate-900 p-4 shadow-sm ${className}`}
    >
      {(title || actions) && (
        <div className="mb-3 flex items-center justify-between gap-4">
          {title && <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
