import { formatMoney } from '@/components/format';

/** Dollars, green for a gain and red for a loss; the sign is in the text too. */
export function Money({ dollars }: { dollars: number | null }) {
  if (dollars === null) return <span className="text-slate-400">—</span>;
  const color = dollars > 0 ? 'text-green-400' : dollars < 0 ? 'text-red-400' : 'text-slate-300';
  return <span className={`font-mono tabular-nums ${color}`}>{formatMoney(dollars)}</span>;
}
