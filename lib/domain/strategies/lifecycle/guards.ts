import { isFlat } from '../position';
import { isAdjustmentHeld } from './adjustment-backoff';
import { asTick } from './lifecycle-events';
import { MAX_ERRORS, RECOVERY_TIMEOUT_MS } from './lifecycle-limits';
import { marketDataProblems } from './market-data';
import { isDeadStatus, positionAfter, replyTo } from './order-replies';
import { resolveRecovery } from './recovery-policy';
import type { RuleDecisions } from './rule-decisions';
import type { StrategyContext, StrategyEvent } from './types';

/** A row's own states, given to every guard and action (see compile-table.ts), and the target a shared guard asks about. */
export interface RowParams {
  readonly from: string;
  readonly to: string;
  readonly next?: string;
}

export interface LifecycleArgs<Settings> {
  readonly context: StrategyContext<Settings>;
  readonly event: StrategyEvent;
}

export type LifecycleGuard<Settings> = (args: LifecycleArgs<Settings>, params: RowParams) => boolean;

/** Whether one more error this cycle opens the circuit breaker. */
const isLastError = (context: StrategyContext<unknown>): boolean => context.errorCount + 1 >= MAX_ERRORS;

/**
 * The lifecycle's guards, by the names the table's rows use: yes/no questions about the event and the
 * context, pure. Replies to orders other than the one out are never matched (`replyTo`).
 */
export function lifecycleGuards<Settings>(decisions: RuleDecisions<Settings>) {
  type Guard = LifecycleGuard<Settings>;

  const isDead: Guard = ({ context, event }) => {
    const update = replyTo(context, event);
    return update !== null && isDeadStatus(update);
  };
  const isOverdueOrder: Guard = ({ context, event }) => {
    const tick = asTick(event);
    return tick !== null && context.order !== null && tick.bar.time > context.order.deadline;
  };
  const isFailureOfOrderOut: Guard = ({ context, event }) =>
    event.type === 'order.failed' && event.clientOrderId === context.order?.clientOrderId;

  return {
    isMarketDataUsable: ({ event }) => {
      const tick = asTick(event);
      return tick !== null && marketDataProblems(tick.bar).length === 0;
    },
    hasEntrySignal: ({ context, event }) => {
      const tick = asTick(event);
      return tick !== null && 'proposal' in decisions.entry(context, tick);
    },
    isProposalValid: ({ context, event }) => {
      const tick = asTick(event);
      return tick !== null && decisions.validationProblems(context, tick).length === 0;
    },
    isEntryFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED' && context.order?.purpose === 'ENTRY',
    isUnwindFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED' && context.order?.purpose === 'UNWIND',
    isOrderFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED',
    isFilledAndFlat: ({ context, event }) => {
      const update = replyTo(context, event);
      return update?.status === 'FILLED' && context.order !== null && isFlat(positionAfter(context, context.order, update));
    },
    isDead,
    isDeadWithOpenCircuit: (args, params) =>
      isDead(args, params) && isLastError(args.context) && replyTo(args.context, args.event)?.isHaltCancel !== true,
    isDeadLeavingFlat: ({ context, event }) => {
      const update = replyTo(context, event);
      return update !== null && context.order !== null && isDeadStatus(update) && isFlat(positionAfter(context, context.order, update));
    },
    isDeadLeavingLegs: ({ context, event }) => {
      const update = replyTo(context, event);
      return update !== null && context.order !== null && isDeadStatus(update) && !isFlat(positionAfter(context, context.order, update));
    },
    isRefusedByGate: ({ context, event }) => {
      const update = replyTo(context, event);
      return update?.isGateRefusal === true && update.status === 'REJECTED' && update.legFills.length === 0;
    },
    isDeadUnfilled: ({ context, event }) => {
      const update = replyTo(context, event);
      return update !== null && isDeadStatus(update) && update.legFills.length === 0;
    },
    isProgress: ({ context, event }) => {
      const update = replyTo(context, event);
      return (
        update !== null &&
        context.order !== null &&
        !isDeadStatus(update) &&
        update.status !== 'FILLED' &&
        update.legFills.length > context.order.appliedFills
      );
    },
    hasNewFills: ({ context, event }) => {
      const update = replyTo(context, event);
      return update !== null && context.order !== null && update.legFills.length > context.order.appliedFills;
    },
    isCircuitOpen: (args, params) => isFailureOfOrderOut(args, params) && isLastError(args.context),
    isRecoverableFailure: (args, params) =>
      isFailureOfOrderOut(args, params) && args.event.type === 'order.failed' && args.event.errorClass !== 'UNKNOWN',
    isOrderOverdue: isOverdueOrder,
    isOrderOverdueWithOpenCircuit: (args, params) => isOverdueOrder(args, params) && isLastError(args.context),
    isEmergencyWithPosition: ({ context, event }) => {
      const tick = asTick(event);
      // Flattening waits for a usable bar too: an exit priced from a stale or suspect bar could cost anything.
      return tick !== null && tick.systemMode === 'EMERGENCY' && !isFlat(context.position) && marketDataProblems(tick.bar).length === 0;
    },
    isDecision: ({ context, event }, params) => decisions.positionDecision(context, event, params.from)?.next === params.next,
    // An adjustment the pre-trade gate refused waits out its back-off; exits are other rows and never wait.
    isAdjustmentDue: ({ context, event }, params) => {
      const tick = asTick(event);
      const decision = decisions.positionDecision(context, event, params.from);
      if (tick === null || !decision || decision.next !== params.next) return false;
      const { position, adjustmentBackoff } = context;
      return !isAdjustmentHeld(adjustmentBackoff, { legs: decision.legs ?? [], position, time: tick.bar.time, systemMode: tick.systemMode });
    },
    isNextCycle: ({ context, event }) => {
      const tick = asTick(event);
      return tick !== null && marketDataProblems(tick.bar).length === 0 && decisions.isNextCycle(context, tick);
    },
    canCloseFromError: ({ context }) => !isFlat(context.position) && context.order === null,
    isRecoveryOutcome: ({ context, event }, params) =>
      event.type === 'recovery.checked' && context.recovery !== null && resolveRecovery(context, event.order).next === params.next,
    isRecoveryOverdue: ({ context, event }) => {
      const tick = asTick(event);
      return tick !== null && context.recovery !== null && tick.bar.time - context.recovery.since > RECOVERY_TIMEOUT_MS;
    },
  } satisfies Record<string, Guard>;
}
