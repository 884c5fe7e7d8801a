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

const MODE_BADGE: Record<System['mode'], string> = {
  RUNNING: 'bg-green-900 text-green-200 ring-1 ring-green-500',
  REDUCING: 'bg-amber-500 text-slate-950 ring-2 ring-amber-200',
  HALTED: 'bg-red-700 text-white ring-2 ring-red-300',
  EMERGENCY: 'bg-red-600 text-white ring-4 ring-red-300 animate-pulse',
};

/** The system mode as text, so it reads the same to a screen reader and a test as to the eye. */
export function TradingModeStatus({ system }: { system: System }) {
  return (
    <span className="flex items-baseline gap-2 text-sm">
      <span className="text-slate-400">System</span>
      <span data-testid="system-mode" className={`rounded px-2 py-0.5 font-mono text-sm font-bold ${MODE_BADGE[system.mode]}`}>
        {system.mode}
      </span>
    </span>
  );
}

/**
 * The cancels an emergency halt asked the broker for and the broker has not answered yet, as stored: shown until
 * there are none, so nobody takes the book for settled while an order may still trade.
 */
export function UnconfirmedCancels({ system }: { system: System }) {
  const count = system.unconfirmedCancels;
  if (count === 0) return null;
  return (
    <span role="status" aria-label="Unconfirmed cancels" className="rounded bg-amber-500 px-2 py-0.5 text-sm font-semibold text-slate-950">
      {count} {count === 1 ? 'cancel' : 'cancels'} unconfirmed
    </span>
  );
}

interface ModeExplanation {
  readonly label: string;
  readonly headline: string;
  readonly effect: string;
  readonly tone: string;
}

function explain(system: System): ModeExplanation | null {
  const by = system.actor === 'system' ? 'the system' : system.actor;
  switch (system.mode) {
    case 'RUNNING':
      return null;
    case 'REDUCING': {
      const why = system.cause === 'loss-limit' ? 'a loss limit' : system.cause === 'market-data' ? 'suspect market data' : by;
      return {
        label: 'Reducing risk only',
        headline: `Reducing risk only, set by ${why}`,
        effect:
          system.cause === 'market-data'
            ? 'Only orders that shrink risk go out; this ends by itself when the market data is good again.'
            : 'Only orders that shrink risk go out: no entries, no roll that opens a leg; exits go on. Two operators resume: one asks, another approves.',
        tone: 'border-amber-400 bg-amber-950 text-amber-50',
      };
    }
    case 'HALTED':
      return {
        label: 'Trading halted',
        headline: `Trading halted by ${by}`,
        effect: 'No strategy enters a new position; held positions are still managed by their rules. Two operators resume: one asks, another approves.',
        tone: 'border-red-500 bg-red-950 text-red-50',
      };
    case 'EMERGENCY':
      return {
        label: 'Emergency',
        headline: `Emergency halt by ${by}: flattening every position`,
        effect: 'Every strategy holding a position exits it now; once all are flat the system is HALTED.',
        tone: 'border-red-400 bg-red-900 text-white',
      };
  }
}

/** Shown whenever the system is not RUNNING: impossible to miss, and says who set the mode, why, and what it means. */
export function ModeBanner({ system }: { system: System }) {
  const explanation = explain(system);
  if (!explanation) return null;
  return (
    <section aria-label={explanation.label} className={`rounded-lg border-2 px-4 py-3 ${explanation.tone}`}>
      <p className="text-base font-bold">
        {explanation.headline} since {formatMarketTime(system.changedAt)}
      </p>
      <p className="text-sm">Reason: {system.reason ?? 'none given'}</p>
      <p className="text-sm opacity-80">{explanation.effect}</p>
      {system.pendingResume && (
        <p className="mt-1 text-sm font-semibold text-amber-200" data-testid="pending-resume">
          Resume requested by {system.pendingResume.requestedBy} (“{system.pendingResume.reason}”): waiting for another operator&apos;s
          approval until {formatClockTime(system.pendingResume.expiresAt)}.
        </p>
      )}
    </section>
  );
}
