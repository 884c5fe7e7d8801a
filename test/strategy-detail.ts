/** A strategy page's data for the browser code's unit tests. */
import type { StrategyChange, StrategyDetail, TransitionRow } from '@/lib/api/contract';

/** A history row of seq `seq`, a tick that changed nothing. */
export const transitionRow = (seq: number): TransitionRow => ({
  seq,
  fromState: 'WAITING',
  toState: 'WAITING',
  eventType: 'market.tick',
  actor: 'system',
  reason: `row ${seq}`,
  marketTime: '2026-11-20T15:00:00.000Z',
  wallTime: '2026-11-20T15:00:00.000Z',
});

/** The 0DTE page at `version`, holding the transitions `seqs` (newest first). */
export function strategyDetail(version: number, seqs: number[]): StrategyDetail {
  return {
    system: { mode: 'RUNNING', cause: 'operator', actor: 'system', reason: null, changedAt: '2026-11-20T14:30:00.000Z', pendingResume: null, unconfirmedCancels: 0 },
    market: null,
    strategy: {
      id: 'zero-dte',
      name: '0DTE',
      kind: 'ZERO_DTE',
      description: '',
      state: 'WAITING',
      stateSince: '2026-11-20T15:00:00.000Z',
      version,
      pause: null,
      position: null,
      pnl: null,
      realizedPnl: 0,
      entryPermit: { allowed: true, reasons: [] },
      errorCount: 0,
      lastReason: null,
    },
    graph: { states: [{ id: 'WAITING', description: null }], transitions: [] },
    transitions: seqs.map(transitionRow),
    errors: [],
    refusals: [],
  };
}

/** A live transition's data: the strategy at `version`, moved to ENTERING, and the transitions `seqs` (newest first). */
export function strategyChange(version: number, seqs: number[]): StrategyChange {
  const whole = strategyDetail(version, seqs);
  return { strategy: { ...whole.strategy, state: 'ENTERING', lastReason: `moved to ${version}` }, transitions: whole.transitions };
}
