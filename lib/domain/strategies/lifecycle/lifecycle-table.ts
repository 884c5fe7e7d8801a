import type { StrategyEventType } from './types';

/** A guard by name, with parameters when it is shared by several rows (`isDecision` for each target state). */
export type GuardRef = string | { readonly type: string; readonly params: Readonly<Record<string, string>> };

/**
 * One allowed transition. A machine's rows, in order, are its whole behaviour: the first row whose event
 * matches and whose guard holds is taken. The xstate machine, the dashboard's graph, the tests and the
 * refusal messages are all made from these rows.
 */
export interface TransitionRow {
  readonly from: string;
  readonly event: StrategyEventType;
  readonly to: string;
  readonly guard?: GuardRef;
  readonly actions: readonly string[];
}

const row = (from: string, event: StrategyEventType, to: string, guard?: GuardRef, ...actions: string[]): TransitionRow => ({
  from,
  event,
  to,
  guard,
  actions,
});

const decision = (next: string): GuardRef => ({ type: 'isDecision', params: { next } });
const adjustmentDue = (next: string): GuardRef => ({ type: 'isAdjustmentDue', params: { next } });
const resolvesTo = (next: string): GuardRef => ({ type: 'isRecoveryOutcome', params: { next } });

/** What each shared state is for, as the strategy page shows it (a strategy may describe its own states). */
export const LIFECYCLE_STATE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  INITIALIZING: 'Start-up validation: waits for usable market data.',
  WAITING: "Flat: waits for the entry signal and the coordinator's permit.",
  VALIDATION: 'Checks the proposed order against the next bar: fresh sane data, prices, permit.',
  ENTERING: 'The entry order is out, all legs as one; a failure rolls back (filled legs unwound).',
  ACTIVE: 'Holds the position and manages it bar by bar.',
  MANAGING: 'Time-based management before the exit.',
  DEFENSIVE_EXIT: 'Risk-triggered close of every leg.',
  EXITING: 'Planned close of every leg.',
  COMPLETE: 'The cycle is closed; waits for the next one.',
  ERROR: 'Stopped: the circuit breaker opened or a failure is not understood. Only an operator clears it.',
  RECOVERY: 'Settles the order in doubt at the broker, with retries and backoff, for at most 30 minutes.',
  EMERGENCY_EXIT: 'Flattens the position under an emergency halt.',
};

/** The shape of a strategy beyond the shared lifecycle. */
export interface LifecycleShape {
  /** States that hold a position and are managed bar by bar (ACTIVE and MANAGING are always there). */
  readonly holdingStates: readonly string[];
  /** For each holding state, the states its rules may decide to move to, in priority order. */
  readonly decisions: Readonly<Record<string, readonly string[]>>;
  /** States that close the whole position with one order (EXITING, DEFENSIVE_EXIT, EMERGENCY_EXIT, and e.g. DEFENSIVE_21DTE). */
  readonly closingStates: readonly string[];
  /** States that change the position and keep it (a roll, a new rung), returning to ACTIVE. */
  readonly adjustingStates: readonly string[];
}

export const BASE_SHAPE: LifecycleShape = {
  holdingStates: ['ACTIVE', 'MANAGING'],
  decisions: { ACTIVE: ['DEFENSIVE_EXIT', 'EXITING', 'MANAGING'], MANAGING: ['DEFENSIVE_EXIT', 'EXITING'] },
  closingStates: ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT'],
  adjustingStates: [],
};

/** Rows every state with an order in flight shares: failures, the 5-minute deadline, and a restart. */
function orderFailureRows(state: string): TransitionRow[] {
  return [
    row(state, 'order.failed', 'ERROR', 'isCircuitOpen', 'noteOrderFailure', 'tripCircuitBreaker'),
    row(state, 'order.failed', 'RECOVERY', 'isRecoverableFailure', 'noteOrderFailure', 'startRecovery'),
    row(state, 'order.failed', 'ERROR', undefined, 'noteOrderFailure'),
    row(state, 'market.tick', 'ERROR', 'isOrderOverdueWithOpenCircuit', 'noteOrderTimeout', 'tripCircuitBreaker'),
    row(state, 'market.tick', 'RECOVERY', 'isOrderOverdue', 'noteOrderTimeout', 'startRecovery'),
    row(state, 'system.restored', 'RECOVERY', undefined, 'startRestartRecovery'),
  ];
}

/**
 * The shared lifecycle's rows for a strategy of `shape`, in the design's words:
 * INITIALIZING -> WAITING -> VALIDATION -> ENTERING -> ACTIVE -> MANAGING -> EXITING -> COMPLETE -> WAITING;
 * holding states -> DEFENSIVE_EXIT -> COMPLETE; failures -> RECOVERY -> (ACTIVE | WAITING | DEFENSIVE_EXIT | ERROR);
 * a position under a halt -> EMERGENCY_EXIT -> COMPLETE; ENTERING -> WAITING when the entry fails (legs unwound).
 */
export function lifecycleRows(shape: LifecycleShape): TransitionRow[] {
  const rows: TransitionRow[] = [
    row('INITIALIZING', 'market.tick', 'WAITING', 'isMarketDataUsable', 'noteReady'),

    row('WAITING', 'market.tick', 'VALIDATION', 'hasEntrySignal', 'proposeEntry'),

    row('VALIDATION', 'market.tick', 'ENTERING', 'isProposalValid', 'startEntry'),
    row('VALIDATION', 'market.tick', 'WAITING', undefined, 'discardProposal'),

    row('ENTERING', 'order.updated', 'ACTIVE', 'isEntryFilled', 'applyOrderUpdate', 'openPosition'),
    row('ENTERING', 'order.updated', 'WAITING', 'isUnwindFilled', 'applyOrderUpdate', 'finishUnwind'),
    // Refused by the pre-trade gate, never sent: the limits at work, not a fault, so no step towards the breaker.
    row('ENTERING', 'order.updated', 'WAITING', 'isRefusedByGate', 'applyOrderUpdate', 'noteGateRefusal', 'rollBackEntry'),
    row('ENTERING', 'order.updated', 'ERROR', 'isDeadWithOpenCircuit', 'applyOrderUpdate', 'noteOrderRejected', 'tripCircuitBreaker'),
    row('ENTERING', 'order.updated', 'WAITING', 'isDeadLeavingFlat', 'applyOrderUpdate', 'noteOrderRejected', 'rollBackEntry'),
    row('ENTERING', 'order.updated', 'ENTERING', 'isDeadLeavingLegs', 'applyOrderUpdate', 'noteOrderRejected', 'startUnwind'),
    row('ENTERING', 'order.updated', 'ENTERING', 'isProgress', 'applyOrderUpdate'),
    ...orderFailureRows('ENTERING'),
  ];

  for (const state of shape.holdingStates) {
    rows.push(row(state, 'market.tick', 'EMERGENCY_EXIT', 'isEmergencyWithPosition', 'startClose'));
    for (const next of shape.decisions[state] ?? []) {
      if (shape.adjustingStates.includes(next)) rows.push(row(state, 'market.tick', next, adjustmentDue(next), 'startAdjustment'));
      else rows.push(row(state, 'market.tick', next, decision(next), shape.closingStates.includes(next) ? 'startClose' : 'noteDecision'));
    }
    rows.push(row(state, 'operator.defensiveExit', 'DEFENSIVE_EXIT', undefined, 'startOperatorClose'));
    rows.push(row(state, 'operator.emergencyExit', 'EMERGENCY_EXIT', undefined, 'startOperatorClose'));
  }

  for (const state of shape.closingStates) {
    const retryIn = state === 'EMERGENCY_EXIT' ? 'EMERGENCY_EXIT' : 'DEFENSIVE_EXIT';
    rows.push(
      row(state, 'order.updated', 'COMPLETE', 'isFilledAndFlat', 'applyOrderUpdate', 'closeCycle'),
      row(state, 'order.updated', 'ERROR', 'isDeadWithOpenCircuit', 'applyOrderUpdate', 'noteOrderRejected', 'tripCircuitBreaker'),
      row(state, 'order.updated', retryIn, 'isDead', 'applyOrderUpdate', 'noteOrderRejected', 'retryClose'),
      row(state, 'order.updated', state, 'isProgress', 'applyOrderUpdate'),
      ...orderFailureRows(state),
    );
  }

  for (const state of shape.adjustingStates) {
    rows.push(
      row(state, 'order.updated', 'ACTIVE', 'isOrderFilled', 'applyOrderUpdate', 'finishAdjustment'),
      // A roll refused by the pre-trade gate keeps the position managed: counted as an error, a refusal repeated on
      // three bars (a REDUCING system refuses every roll) would open the breaker and leave the position unmanaged.
      // Nor is it asked again on every bar: it backs off (isAdjustmentDue) until its time or its basis changes.
      row(state, 'order.updated', 'ACTIVE', 'isRefusedByGate', 'applyOrderUpdate', 'abandonAdjustment', 'backOffAdjustment'),
      row(state, 'order.updated', 'ERROR', 'isDeadWithOpenCircuit', 'applyOrderUpdate', 'noteOrderRejected', 'tripCircuitBreaker'),
      row(state, 'order.updated', 'ACTIVE', 'isDeadUnfilled', 'applyOrderUpdate', 'noteOrderRejected', 'abandonAdjustment'),
      row(state, 'order.updated', 'DEFENSIVE_EXIT', 'isDead', 'applyOrderUpdate', 'noteOrderRejected', 'startClose'),
      row(state, 'order.updated', state, 'isProgress', 'applyOrderUpdate'),
      ...orderFailureRows(state),
    );
  }

  rows.push(
    row('COMPLETE', 'market.tick', 'WAITING', 'isNextCycle', 'startNextCycle'),

    row('ERROR', 'operator.recover', 'RECOVERY', undefined, 'startOperatorRecovery'),
    // An order still in doubt may yet fill: what the venue filled is held, whatever the state.
    row('ERROR', 'order.updated', 'ERROR', 'hasNewFills', 'applyOrderUpdate'),
    // With an order still in doubt, a new close could double what the venue holds: recover first.
    row('ERROR', 'operator.defensiveExit', 'DEFENSIVE_EXIT', 'canCloseFromError', 'startOperatorClose'),
    row('ERROR', 'operator.emergencyExit', 'EMERGENCY_EXIT', 'canCloseFromError', 'startOperatorClose'),

    row('RECOVERY', 'recovery.checked', 'ACTIVE', resolvesTo('ACTIVE'), 'applyRecovery'),
    row('RECOVERY', 'recovery.checked', 'WAITING', resolvesTo('WAITING'), 'applyRecovery', 'finishRecoveryFlat'),
    row('RECOVERY', 'recovery.checked', 'COMPLETE', resolvesTo('COMPLETE'), 'applyRecovery', 'closeCycle'),
    row('RECOVERY', 'recovery.checked', 'DEFENSIVE_EXIT', resolvesTo('DEFENSIVE_EXIT'), 'applyRecovery', 'startClose'),
    row('RECOVERY', 'recovery.failed', 'RECOVERY', undefined, 'backOffRecovery'),
    row('RECOVERY', 'market.tick', 'ERROR', 'isRecoveryOverdue', 'noteRecoveryTimeout'),
  );
  return rows;
}
