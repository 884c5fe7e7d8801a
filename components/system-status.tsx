import { formatClockTime, formatMarketTime, formatPrice } from '@/components/format';
import type { Overview } from '@/lib/api/contract';

type System = Overview['system'];
type Market = Overview['market'];

/** The market clock as the engine sees it: New York time, SPY, VIX, and whether the session is open. */
export function MarketClock({ market }: { market: Market }) {
  if (!market) return <span className="text-sm text-slate-400">No market data yet</span>;
  return (
    <dl className="flex flex-wrap items-baseline gap-x-5 gap-y-1 text-sm">
      <div>
        <dt className="sr-only">Market time</dt>
        <dd className="font-mono text-base font-semibold text-slate-50">{formatMarketTime(market.time)}</dd>
      </div>
      <div className="flex gap-1.5">
        <dt className="text-slate-400">SPY</dt>
        <dd className="font-mono tabular-nums">{formatPrice(market.spy)}</dd>
      </div>
      <div className="flex gap-1.5">
        <dt className="text-slate-400">VIX</dt>
        <dd className="font-mono tabular-nums">{formatPrice(market.vix)}</dd>
      </div>
      <div>
        <dt className="sr-only">Session</dt>
        <dd
          className={`rounded px-1.5 py-0.5 text-xs font-semibold ${
            market.isOpen ? 'bg-green-900 text-green-100' : 'bg-slate-700 text-slate-200'
          }`}
        >
          {market.isOpen ? 'Open' : 'Closed'}
        </dd>
      </div>
    </dl>
  );
}

/** The system mode as text, so it reads the same to a screen reader and a test as to the eye. */
export function TradingModeStatus({ system }: { system: System }) {
  const isRunning = system.mode === 'RUNNING';
  return (
    <span className="flex items-baseline gap-2 text-sm">
      <span className="text-slate-400">System</span>
      <span
        data-testid="system-mode"
        className={`rounded px-2 py-0.5 font-mono text-sm font-bold ${
          isRunning ? 'bg-green-900 text-green-200 ring-1 ring-green-500' : 'bg-red-700 text-white ring-2 ring-red-300'
        }`}
      >
        {system.mode}
      </span>
    </span>
  );
}

/** Shown while the system is halted: impossible to miss, and says who halted it and why. */
export function HaltedBanner({ system }: { system: System }) {
  if (system.mode !== 'HALTED') return null;
  return (
    <section aria-label="Trading halted" className="rounded-lg border-2 border-red-500 bg-red-950 px-4 py-3 text-red-50">
      <p className="text-base font-bold">
        Trading halted by {system.actor} since {formatMarketTime(system.changedAt)}
      </p>
      <p className="text-sm">Reason: {system.reason ?? 'none given'}</p>
      <p className="text-sm text-red-200">No strategy enters a new position until two operators resume: one asks, another approves.</p>
      {system.pendingResume && (
        <p className="mt-1 text-sm font-semibold text-amber-200" data-testid="pending-resume">
          Resume requested by {system.pendingResume.requestedBy} (“{system.pendingResume.reason}”): waiting for another operator&apos;s
          approval until {formatClockTime(system.pendingResume.expiresAt)}.
        </p>
      )}
    </section>
  );
}
