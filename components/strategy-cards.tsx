import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatPosition, formatTimeInState } from '@/components/format';
import { Money } from '@/components/ui/money';
import { StateBadge } from '@/components/ui/state-badge';
import type { StrategySummary } from '@/lib/api/contract';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-400">{label}</dt>
      <dd className="text-sm break-words">{children}</dd>
    </div>
  );
}

function StrategyCard({ strategy, marketTime }: { strategy: StrategySummary; marketTime: string | undefined }) {
  return (
    <li className="rounded-lg border border-slate-800 bg-slate-900 p-3">
      <div className="flex items-start justify-between gap-2">
        <Link href={`/strategies/${encodeURIComponent(strategy.id)}`} className="font-semibold text-sky-300 underline">
          {strategy.name}
        </Link>
        <StateBadge state={strategy.state} />
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-2">
        <Fact label="In state">
          <span className="font-mono">{formatTimeInState(strategy.stateSince, marketTime) ?? '—'}</span>
        </Fact>
        <Fact label="Unrealised P&L">
          <Money dollars={strategy.pnl} />
        </Fact>
        <Fact label="Position">
          <span className="font-mono text-xs">{formatPosition(strategy.position)}</span>
        </Fact>
        <Fact label="Realised P&L">
          <Money dollars={strategy.realizedPnl} />
        </Fact>
      </dl>
    </li>
  );
}

/** The strategies on a phone: one card each, with what the table's wide rows show first (state, time in it, position, P&L). */
export function StrategyCards({ strategies, marketTime, className = '' }: { strategies: readonly StrategySummary[]; marketTime: string | undefined; className?: string }) {
  return (
    <div className={className}>
      {strategies.length === 0 ? (
        <p className="text-sm text-slate-400 italic">No strategies configured.</p>
      ) : (
        <ul aria-label="Strategies" className="space-y-2">
          {strategies.map((strategy) => (
            <StrategyCard key={strategy.id} strategy={strategy} marketTime={marketTime} />
          ))}
        </ul>
      )}
    </div>
  );
}
