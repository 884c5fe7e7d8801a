'use client';

import { OperatorActionDialog } from '@/components/operator-action-dialog';
import type { StrategySummary } from '@/lib/api/contract';

/**
 * Pause one strategy (no new entries; what it holds is still managed and exited), or resume its entries: on the
 * strategy's page and beside it in the risk panel. Pausing is one click with a reason; resuming says who paused it and why.
 */
export function StrategyPauseAction({ strategy }: { strategy: Pick<StrategySummary, 'id' | 'name' | 'pause'> }) {
  const base = `/api/strategies/${encodeURIComponent(strategy.id)}`;
  if (strategy.pause) {
    return (
      <OperatorActionDialog
        key="resume-strategy"
        label="Resume Entries"
        title={`Resume entries: ${strategy.name}`}
        variant="primary"
        url={`${base}/resume`}
        explanation={
          <p>
            Paused by {strategy.pause.actor}: “{strategy.pause.reason}”. The strategy may enter new positions again, subject to its rules
            and the coordinator.
          </p>
        }
      />
    );
  }
  return (
    <OperatorActionDialog
      key="pause-strategy"
      label="Pause"
      title={`Pause: ${strategy.name}`}
      variant="secondary"
      url={`${base}/pause`}
      explanation={<p>No new entries for this strategy until an operator resumes it. What it holds is still managed and exited by its rules.</p>}
    />
  );
}
