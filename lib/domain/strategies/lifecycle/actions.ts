import { closingLegs, emptyPosition, roundCents } from '../position';
import type { LifecycleArgs, RowParams } from './guards';
import { adjustmentBackoffMinutes, adjustmentBasis, backOffAdjustment, isRepeatedRefusal } from './adjustment-backoff';
import { asTick, eventTime } from './lifecycle-events';
import { ORDER_TIMEOUT_MS, RECOVERY_TIMEOUT_MS } from './lifecycle-limits';
import { nextOrder } from './order-ids';
import { positionAfter, replyTo } from './order-replies';
import { operatorCloseOrder, operatorRecovery } from './override-orders';
import { backoffMinutes, beginRecovery, resolveRecovery } from './recovery-policy';
import type { RuleDecisions } from './rule-decisions';
import type { ErrorClass, StrategyContext } from './types';
import { MINUTE_MS } from '../../market/time';

/** What an action changes in the context; the machine factory wraps each in xstate's `assign`. */
export type ContextUpdate<Settings> = (args: LifecycleArgs<Settings>, params: RowParams) => Partial<StrategyContext<Settings>>;

function withError(context: StrategyContext<unknown>, errorClass: ErrorClass, message: string) {
  return { lastError: { errorClass, message }, errorCount: context.errorCount + 1 };
}

/** The realised P&L once the position's cash is booked and nothing is held (so no adjustment is held back either). */
const bookPosition = (context: StrategyContext<unknown>) => ({
  realizedPnl: roundCents(context.realizedPnl + (context.position?.cash ?? 0)),
  position: null,
  adjustmentBackoff: undefined,
});

/**
 * The lifecycle's actions, by the names the table's rows use: each a pure change to the context, with the
 * reason for the audit trail in `lastReason`. Orders are only decided here (`context.order`): the engine
 * sends them and reports back, so a restored snapshot says exactly what is outstanding.
 */
export function lifecycleUpdates<Settings>(decisions: RuleDecisions<Settings>) {
  type Update = ContextUpdate<Settings>;

  return {
    noteReady: ({ event, context }) => ({ lastReason: 'market data usable: ready', lastBarTime: eventTime(event, context) }),
    proposeEntry: ({ context, event }) => {
      const tick = asTick(event);
      if (!tick) return {};
      const evaluation = decisions.entry(context, tick);
      if (!('proposal' in evaluation)) return {};
      const { proposal } = evaluation;
      const cycle = decisions.cycleKey(tick);
      const isNewCycle = cycle !== context.cycle;
      return {
        cycle,
        entryAttempts: (isNewCycle ? 0 : context.entryAttempts) + 1,
        orderAttempts: isNewCycle ? 0 : context.orderAttempts,
        errorCount: isNewCycle ? 0 : context.errorCount,
        proposal,
        lastBarTime: tick.bar.time,
        lastReason: `entry signal: ${proposal.note}`,
      };
    },
    startEntry: ({ context, event }) => {
      const tick = asTick(event);
      if (!tick || !context.proposal) return {};
      const { order, orderAttempts } = nextOrder(context, 'ENTRY', context.proposal.legs, tick.bar.time, tick.bar);
      return {
        order,
        orderAttempts,
        position: emptyPosition(context.proposal.structure, tick.bar.time),
        lastBarTime: tick.bar.time,
        lastReason: `validated: ${context.proposal.note}`,
      };
    },
    discardProposal: ({ context, event }) => {
      const tick = asTick(event);
      if (!tick) return {};
      return { proposal: null, lastBarTime: tick.bar.time, lastReason: `validation failed: ${decisions.validationProblems(context, tick).join('; ')}` };
    },
    applyOrderUpdate: ({ context, event }) => {
      const update = replyTo(context, event);
      if (!update || !context.order) return {};
      return {
        position: positionAfter(context, context.order, update),
        order: { ...context.order, appliedFills: update.legFills.length },
        lastReason: `order ${update.clientOrderId}: ${update.status.toLowerCase()}, ${update.legFills.length} of ${context.order.legs.length} legs filled`,
      };
    },
    openPosition: ({ context }) => {
      if (!context.position) return {};
      return {
        order: null,
        proposal: null,
        position: { ...context.position, entryCash: context.position.cash },
        lastReason: `entry filled: ${context.position.cash >= 0 ? 'credit' : 'debit'} ${Math.abs(context.position.cash).toFixed(2)} USD`,
      };
    },
    finishUnwind: ({ context }) => ({
      order: null,
      proposal: null,
      ...bookPosition(context),
      lastReason: 'the failed entry is unwound: nothing held',
    }),
    noteOrderRejected: ({ context, event }) => {
      const update = replyTo(context, event);
      const message = update?.reason ?? 'order rejected';
      // Recorded, but an emergency halt's cancel is no fault of the strategy's: it does not count towards the breaker.
      if (update?.isHaltCancel) return { lastError: { errorClass: 'ORDER_REJECTED' as const, message: `${message} (emergency halt)` } };
      return withError(context, 'ORDER_REJECTED', message);
    },
    // Recorded as an error (the engine writes the record) without counting towards the circuit breaker.
    noteGateRefusal: ({ context, event }) => ({
      lastError: { errorClass: 'ORDER_REJECTED' as const, message: replyTo(context, event)?.reason ?? 'refused by the pre-trade gate' },
    }),
    rollBackEntry: ({ context, event }) => ({
      order: null,
      proposal: null,
      ...bookPosition(context),
      lastReason: `entry rejected (${replyTo(context, event)?.reason ?? 'no reason'}): rolled back, nothing held`,
    }),
    startUnwind: ({ context, event }) => {
      if (!context.position) return {};
      const { order, orderAttempts } = nextOrder(context, 'UNWIND', closingLegs(context.position), eventTime(event, context));
      return { order, orderAttempts, lastReason: `entry failed with ${context.position.legs.length} legs filled: unwinding them` };
    },
    // The order stays in the context: it may exist at the broker, and an operator's recovery settles it.
    tripCircuitBreaker: ({ context }) => ({
      lastReason: `circuit breaker: ${context.errorCount} errors this cycle (${context.lastError?.message ?? ''}); an operator must clear it`,
    }),
    noteOrderFailure: ({ context, event }) => {
      if (event.type !== 'order.failed') return {};
      return { ...withError(context, event.errorClass, event.message), lastReason: `order ${event.clientOrderId} failed: ${event.message}` };
    },
    noteOrderTimeout: ({ context }) => ({
      ...withError(context, 'TIMEOUT', `order ${context.order?.clientOrderId} did not complete within ${ORDER_TIMEOUT_MS / MINUTE_MS} minutes`),
      lastReason: `order ${context.order?.clientOrderId} timed out`,
    }),
    startRecovery: ({ context, event }) => ({
      recovery: beginRecovery(context.lastError?.errorClass ?? 'UNKNOWN', eventTime(event, context), context.order),
      order: null,
      lastReason: `recovering: ${context.lastError?.message ?? 'settling the order at the broker'}`,
    }),
    startRestartRecovery: ({ context, event }) => ({
      recovery: beginRecovery('RESTART', eventTime(event, context), context.order),
      order: null,
      lastReason: `restarted with order ${context.order?.clientOrderId ?? ''} in flight: settling it at the broker`,
    }),
    // The operator has dealt with the cause: the cycle's error and entry-attempt budgets start again.
    startOperatorRecovery: ({ event, context }) => ({
      errorCount: 0,
      entryAttempts: 0,
      order: null,
      recovery: operatorRecovery(context, eventTime(event, context)),
      lastReason: 'reason' in event ? event.reason : 'operator recovery',
    }),
    backOffRecovery: ({ context, event }) => {
      if (!context.recovery) return {};
      const attempts = context.recovery.attempts + 1;
      const delayMinutes = backoffMinutes(attempts);
      const message = event.type === 'recovery.failed' ? event.message : 'broker unavailable';
      return {
        recovery: { ...context.recovery, attempts, nextAttemptAt: eventTime(event, context) + delayMinutes * MINUTE_MS },
        lastError: { errorClass: 'CONNECTION' as const, message },
        lastReason: `recovery attempt ${attempts} failed (${message}): next in ${delayMinutes} min`,
      };
    },
    noteRecoveryTimeout: ({ context }) => ({
      ...withError(context, 'TIMEOUT', `recovery did not finish within ${RECOVERY_TIMEOUT_MS / MINUTE_MS} minutes`),
      recovery: null,
      lastReason: 'recovery timed out: an operator must look',
    }),
    applyRecovery: ({ context, event }) => {
      if (event.type !== 'recovery.checked') return {};
      const resolution = resolveRecovery(context, event.order);
      // An entry that filled while in doubt opens the position as a normal fill would: its cash is the entry's.
      const isRecoveredEntry = resolution.next === 'ACTIVE' && context.recovery?.order?.purpose === 'ENTRY';
      const position =
        isRecoveredEntry && resolution.position ? { ...resolution.position, entryCash: resolution.position.cash } : resolution.position;
      return { position, recovery: null, order: null, proposal: null, lastReason: resolution.reason };
    },
    finishRecoveryFlat: ({ context }) => ({ ...bookPosition(context), proposal: null }),
    startClose: ({ context, event }, params) => {
      if (!context.position) return {};
      const { order, orderAttempts } = nextOrder(context, 'CLOSE', closingLegs(context.position), eventTime(event, context));
      return { order, orderAttempts, lastReason: decisions.closeReason(context, event, params.from) };
    },
    startOperatorClose: ({ context, event }) => {
      const close = operatorCloseOrder(context, eventTime(event, context));
      if (!close) return {};
      return { ...close, recovery: null, lastReason: 'reason' in event ? event.reason : 'operator' };
    },
    retryClose: ({ context, event }) => {
      if (!context.position) return {};
      const { order, orderAttempts } = nextOrder(context, 'CLOSE', closingLegs(context.position), eventTime(event, context));
      return { order, orderAttempts, lastReason: `close rejected (${context.lastError?.message ?? ''}): sending a new close order` };
    },
    startAdjustment: ({ context, event }, params) => {
      const decision = decisions.positionDecision(context, event, params.from);
      if (!decision?.legs) return {};
      const { order, orderAttempts } = nextOrder(context, 'ADJUST', decision.legs, eventTime(event, context), asTick(event)?.bar);
      return { order, orderAttempts, lastReason: decision.reason };
    },
    finishAdjustment: ({ context }) => ({
      order: null,
      adjustmentBackoff: undefined,
      lastReason: `adjustment filled: ${context.position?.legs.length ?? 0} legs held`,
    }),
    abandonAdjustment: ({ context }) => ({
      order: null,
      lastReason: `adjustment rejected (${context.lastError?.message ?? ''}): position unchanged`,
    }),
    // After abandonAdjustment (the order is gone by then): the refusal is the event's. A refusal repeated under the
    // same basis keeps the error already recorded, so the engine records it once, not on every retry.
    backOffAdjustment: ({ context, event }) => {
      if (event.type !== 'order.updated') return {};
      const reason = event.order.reason ?? 'refused by the pre-trade gate';
      const basis = adjustmentBasis(context.position, event.order.gateSystemMode ?? null);
      const backoff = backOffAdjustment(context.adjustmentBackoff, { reason, time: eventTime(event, context), basis });
      return {
        adjustmentBackoff: backoff,
        lastError: isRepeatedRefusal(backoff) ? context.lastError : { errorClass: 'ORDER_REJECTED' as const, message: reason },
        lastReason:
          `adjustment refused (${reason}): position unchanged; asked again in ${adjustmentBackoffMinutes(backoff.refusals)} min ` +
          `(refusal ${backoff.refusals} in a row), or as soon as the position or the system mode changes`,
      };
    },
    noteDecision: ({ context, event }, params) => ({
      lastReason: decisions.positionDecision(context, event, params.from)?.reason ?? params.to,
    }),
    closeCycle: ({ context }) => {
      const pnl = context.position?.cash ?? 0;
      return { order: null, recovery: null, ...bookPosition(context), lastReason: `closed: P&L ${pnl.toFixed(2)} USD this cycle` };
    },
    startNextCycle: ({ event, context }) => ({
      proposal: null,
      errorCount: 0,
      lastBarTime: eventTime(event, context),
      lastReason: 'the next cycle begins',
    }),
  } satisfies Record<string, Update>;
}
