import type { StrategySummary } from '@/lib/api/contract';

/** A waiting strategy's last proposal that the risk limits or the pre-trade gate turned down: it will meet them again. */
const refusedByRisk = ({ state, lastReason }: Pick<StrategySummary, 'state' | 'lastReason'>): string | null =>
  state === 'WAITING' && lastReason !== null && /risk limit:|pre-trade gate/.test(lastReason) ? lastReason : null;

/**
 * The coordinator's answer to "may this strategy enter now?", with its reasons when it may not, and, for a strategy
 * whose last proposal the risk limits refused, that refusal with its figures.
 */
export function EntryPermit({ strategy }: { strategy: Pick<StrategySummary, 'entryPermit' | 'state' | 'lastReason'> }) {
  const { entryPermit: permit } = strategy;
  const refusal = refusedByRisk(strategy);
  return (
    <div className="space-y-0.5">
      {permit.allowed ? (
        <span className="text-green-400">allowed</span>
      ) : (
        <span className="text-amber-300">blocked: {permit.reasons.join('; ') || 'no reason given'}</span>
      )}
      {refusal && (
        <p className="text-amber-300" data-testid="risk-refusal">
          last proposal refused: {refusal}
        </p>
      )}
    </div>
  );
}
