import { assign, setup } from 'xstate';
import type { EpochMs, OrderLeg } from '../../market/types';
import { applyFills, closingLegs, emptyPosition, isFlat, roundCents, type Position } from '../position';
import { lifecycleRows, type GuardRef, type LifecycleShape, type TransitionRow } from './lifecycle-table';
import { marketDataProblems } from './market-data';
import type {
  ErrorClass,
  MarketTickEvent,
  OrderPurpose,
  OrderUpdate,
  PendingOrder,
  PositionDecision,
  StrategyContext,
  StrategyEvent,
  StrategyRules,
} from './types';

/** The seed's numbers: three errors in a cycle open the circuit breaker; orders get 5 minutes; recovery 30. */
export const MAX_ERRORS = 3;
export const ORDER_TIMEOUT_MS = 5 * 60_000;
export const RECOVERY_TIMEOUT_MS = 30 * 60_000;
export const MAX_ENTRY_ATTEMPTS = 3;
/** A proposal older than this when validated is stale and discarded. */
export const MAX_PROPOSAL_AGE_MS = 2 * 60_000;
const MAX_BACKOFF_MINUTES = 16;

export interface StrategyInput<Settings> {
  readonly strategyId: string;
  readonly settings: Settings;
}

type Context = StrategyContext<unknown>;
type Params = { from: string; to: string; next?: string };

function eventTime(event: StrategyEvent, context: Context): EpochMs {
  switch (event.type) {
    case 'market.tick':
      return event.bar.time;
    case 'order.updated':
      return event.order.time;
    default:
      return event.time ?? context.lastBarTime ?? 0;
  }
}

const asTick = (event: StrategyEvent): MarketTickEvent | null => (event.type === 'market.tick' ? event : null);

function replyTo(context: Context, event: StrategyEvent): OrderUpdate | null {
  if (event.type !== 'order.updated' || !context.order) return null;
  return event.order.clientOrderId === context.order.clientOrderId ? event.order : null;
}

const isDeadStatus = (update: OrderUpdate): boolean => update.status === 'REJECTED' || update.status === 'CANCELLED';

/** The position once `update`'s fills not yet applied are in. */
function positionAfter(context: Context, order: PendingOrder, update: OrderUpdate): Position {
  const base = context.position ?? emptyPosition(context.proposal?.structure ?? 'POSITION', update.time);
  return applyFills(base, update.legFills.slice(order.appliedFills));
}

function newOrder(context: Context, purpose: OrderPurpose, legs: readonly OrderLeg[], time: EpochMs) {
  const attempt = context.orderAttempts + 1;
  const order: PendingOrder = {
    clientOrderId: `${context.strategyId}:${context.cycle}:${purpose.toLowerCase()}:${attempt}`,
    purpose,
    legs,
    deadline: time + ORDER_TIMEOUT_MS,
    appliedFills: 0,
  };
  return { order, orderAttempts: attempt };
}

function withError(context: Context, errorClass: ErrorClass, message: string) {
  return { lastError: { errorClass, message }, errorCount: context.errorCount + 1 };
}

export interface RecoveryResolution {
  readonly next: 'ACTIVE' | 'WAITING' | 'COMPLETE' | 'DEFENSIVE_EXIT';
  readonly position: Position | null;
  readonly reason: string;
}

/**
 * Where recovery lands once the order in doubt is settled at the broker (cancelled if still working, its
 * fills read): never guessing, and never sending the same intent twice — a new order gets a new id.
 */
export function resolveRecovery(context: Context, update: OrderUpdate | null): RecoveryResolution {
  const order = context.recovery?.order ?? null;
  const matches = update !== null && order !== null && update.clientOrderId === order.clientOrderId;
  const position = matches ? positionAfter(context, order, update) : context.position;
  const flat = isFlat(position);
  const status = matches ? update.status : 'UNKNOWN';
  const what = order ? `order ${order.clientOrderId} ${status.toLowerCase()}` : 'no order in doubt';
  if (order && status === 'FILLED') {
    if (order.purpose === 'CLOSE') return flat ? { next: 'COMPLETE', position, reason: `${what}: closed` } : { next: 'DEFENSIVE_EXIT', position, reason: `${what} but legs remain: closing them` };
    if (order.purpose === 'UNWIND') return flat ? { next: 'WAITING', position, reason: `${what}: entry unwound` } : { next: 'DEFENSIVE_EXIT', position, reason: `${what} but legs remain: closing them` };
    return { next: 'ACTIVE', position, reason: `${what}: position held` };
  }
  if (flat) {
    return order?.purpose === 'CLOSE' || order?.purpose === 'UNWIND'
      ? { next: order.purpose === 'CLOSE' ? 'COMPLETE' : 'WAITING', position, reason: `${what}: nothing held` }
      : { next: 'WAITING', position, reason: `${what}: nothing held` };
  }
  if (!order) return { next: 'ACTIVE', position, reason: 'no order in doubt: position held' };
  if (order.purpose === 'ADJUST' && (!matches || update.legFills.length === 0)) {
    return { next: 'ACTIVE', position, reason: `${what}: adjustment not made, position unchanged` };
  }
  return { next: 'DEFENSIVE_EXIT', position, reason: `${what} with legs held: closing them` };
}

/** Guard and action references get the row's own states as parameters, so one implementation serves every row. */
function withRowParams(ref: GuardRef | string, rowDef: TransitionRow) {
  const base = typeof ref === 'string' ? { type: ref, params: {} } : ref;
  return { type: base.type, params: { ...base.params, from: rowDef.from, to: rowDef.to } };
}

export interface StrategyMachineOptions<Settings> {
  readonly rules: StrategyRules<Settings>;
  readonly shape: LifecycleShape;
  /** Descriptions of the strategy's own states (the lifecycle's are shared). */
  readonly stateDescriptions?: Readonly<Record<string, string>>;
}

const LIFECYCLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  INITIALIZING: 'Start-up validation: waits for usable market data.',
  WAITING: 'Flat: waits for the entry signal and the coordinator\'s permit.',
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

/**
 * Builds a strategy's machine from the shared lifecycle table and its rules. Every guard and action is a
 * named, pure function of context and event; orders are decided here and sent by the engine, which reads
 * them from the context (`context.order`) and reports back with `order.updated` / `order.failed`.
 */
export function createStrategyMachine<Settings>({ rules, shape, stateDescriptions = {} }: StrategyMachineOptions<Settings>) {
  const rows = lifecycleRows(shape);
  type C = StrategyContext<Settings>;

  const decide = (context: C, event: StrategyEvent, from: string): PositionDecision | null => {
    const tick = asTick(event);
    if (!tick || !context.position || isFlat(context.position) || marketDataProblems(tick.bar).length > 0) return null;
    return rules.manage(context, tick.bar, from);
  };

  const entryProblems = (context: C, tick: MarketTickEvent): string[] => {
    const dataProblems = marketDataProblems(tick.bar);
    if (dataProblems.length > 0) return dataProblems;
    const problems = [...tick.permit.reasons];
    const sameCycle = context.cycle === rules.cycleKey(tick.bar);
    if (sameCycle && context.entryAttempts >= MAX_ENTRY_ATTEMPTS) problems.push(`${context.entryAttempts} entry attempts this cycle`);
    problems.push(...rules.entryProblems(context, tick.bar));
    if (problems.length > 0) return problems;
    const proposal = rules.propose(context, tick.bar);
    return 'problems' in proposal ? proposal.problems : [];
  };

  const validationProblems = (context: C, tick: MarketTickEvent): string[] => {
    const { proposal } = context;
    if (!proposal) return ['no proposal'];
    const dataProblems = marketDataProblems(tick.bar);
    if (dataProblems.length > 0) return dataProblems;
    const problems = [...tick.permit.reasons];
    const age = tick.bar.time - proposal.proposedAt;
    if (age < 0 || age > MAX_PROPOSAL_AGE_MS) problems.push(`the proposal is ${Math.round(age / 60_000)} minutes old`);
    if (rules.cycleKey(tick.bar) !== context.cycle) problems.push('the proposal is from another cycle');
    problems.push(...rules.validate(context, proposal, tick.bar));
    return problems;
  };

  const closeReason = (context: C, event: StrategyEvent, from: string): string => {
    if (event.type === 'market.tick') {
      if (event.systemMode === 'HALTED' && !isFlat(context.position)) return 'system is HALTED: the position is flattened';
      return decide(context, event, from)?.reason ?? 'closing';
    }
    if (event.type === 'recovery.checked') return resolveRecovery(context, event.order).reason;
    if ('reason' in event && typeof event.reason === 'string') return event.reason;
    return 'an order failed part-filled: closing what is held';
  };

  const machine = setup({
    types: {
      context: {} as C,
      events: {} as StrategyEvent,
      input: {} as StrategyInput<Settings>,
    },
    guards: {
      isMarketDataUsable: ({ event }) => {
        const tick = asTick(event);
        return tick !== null && marketDataProblems(tick.bar).length === 0;
      },
      hasEntrySignal: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && entryProblems(context, tick).length === 0;
      },
      isProposalValid: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && validationProblems(context, tick).length === 0;
      },
      isEntryFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED' && context.order?.purpose === 'ENTRY',
      isUnwindFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED' && context.order?.purpose === 'UNWIND',
      isOrderFilled: ({ context, event }) => replyTo(context, event)?.status === 'FILLED',
      isFilledAndFlat: ({ context, event }) => {
        const update = replyTo(context, event);
        return update?.status === 'FILLED' && isFlat(positionAfter(context, context.order!, update));
      },
      isDead: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && isDeadStatus(update);
      },
      isDeadWithOpenCircuit: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && isDeadStatus(update) && context.errorCount + 1 >= MAX_ERRORS;
      },
      isDeadLeavingFlat: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && isDeadStatus(update) && isFlat(positionAfter(context, context.order!, update));
      },
      isDeadLeavingLegs: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && isDeadStatus(update) && !isFlat(positionAfter(context, context.order!, update));
      },
      isDeadUnfilled: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && isDeadStatus(update) && update.legFills.length === 0;
      },
      isProgress: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && !isDeadStatus(update) && update.status !== 'FILLED' && update.legFills.length > context.order!.appliedFills;
      },
      hasNewFills: ({ context, event }) => {
        const update = replyTo(context, event);
        return update !== null && update.legFills.length > context.order!.appliedFills;
      },
      isCircuitOpen: ({ context, event }) =>
        event.type === 'order.failed' && event.clientOrderId === context.order?.clientOrderId && context.errorCount + 1 >= MAX_ERRORS,
      isRecoverableFailure: ({ context, event }) =>
        event.type === 'order.failed' && event.clientOrderId === context.order?.clientOrderId && event.errorClass !== 'UNKNOWN',
      isFailureOfPendingOrder: ({ context, event }) => event.type === 'order.failed' && event.clientOrderId === context.order?.clientOrderId,
      isOrderOverdue: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && context.order !== null && tick.bar.time > context.order.deadline;
      },
      isOrderOverdueWithOpenCircuit: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && context.order !== null && tick.bar.time > context.order.deadline && context.errorCount + 1 >= MAX_ERRORS;
      },
      isHaltedWithPosition: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && tick.systemMode === 'HALTED' && !isFlat(context.position);
      },
      isDecision: ({ context, event }, params: Params) => decide(context, event, params.from)?.next === params.next,
      isNextCycle: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && marketDataProblems(tick.bar).length === 0 && rules.isNextCycle(context, tick.bar);
      },
      canCloseFromError: ({ context }) => !isFlat(context.position) && context.order === null,
      recoveryResolvesTo: ({ context, event }, params: Params) =>
        event.type === 'recovery.checked' && context.recovery !== null && resolveRecovery(context, event.order).next === params.next,
      isRecoveryOverdue: ({ context, event }) => {
        const tick = asTick(event);
        return tick !== null && context.recovery !== null && tick.bar.time - context.recovery.since > RECOVERY_TIMEOUT_MS;
      },
    },
    actions: {
      noteReady: assign(({ event, context }) => ({ lastReason: 'market data usable: ready', lastBarTime: eventTime(event, context) })),
      proposeEntry: assign(({ context, event }) => {
        const tick = asTick(event);
        if (!tick) return {};
        const cycle = rules.cycleKey(tick.bar);
        const isNewCycle = cycle !== context.cycle;
        const proposal = rules.propose(context, tick.bar);
        if ('problems' in proposal) return {};
        return {
          cycle,
          entryAttempts: (isNewCycle ? 0 : context.entryAttempts) + 1,
          orderAttempts: isNewCycle ? 0 : context.orderAttempts,
          errorCount: isNewCycle ? 0 : context.errorCount,
          proposal,
          lastBarTime: tick.bar.time,
          lastReason: `entry signal: ${proposal.note}`,
        };
      }),
      sendEntryOrder: assign(({ context, event }) => {
        const tick = asTick(event);
        if (!tick || !context.proposal) return {};
        const { order, orderAttempts } = newOrder(context, 'ENTRY', context.proposal.legs, tick.bar.time);
        return {
          order,
          orderAttempts,
          position: emptyPosition(context.proposal.structure, tick.bar.time),
          lastBarTime: tick.bar.time,
          lastReason: `validated: ${context.proposal.note}`,
        };
      }),
      discardProposal: assign(({ context, event }) => {
        const tick = asTick(event);
        if (!tick) return {};
        return { proposal: null, lastBarTime: tick.bar.time, lastReason: `validation failed: ${validationProblems(context, tick).join('; ')}` };
      }),
      applyOrderUpdate: assign(({ context, event }) => {
        const update = replyTo(context, event);
        if (!update || !context.order) return {};
        return {
          position: positionAfter(context, context.order, update),
          order: { ...context.order, appliedFills: update.legFills.length },
          lastReason: `order ${update.clientOrderId}: ${update.status.toLowerCase()}, ${update.legFills.length} of ${context.order.legs.length} legs filled`,
        };
      }),
      openPosition: assign(({ context }) => {
        if (!context.position) return {};
        return {
          order: null,
          proposal: null,
          position: { ...context.position, entryCash: context.position.cash },
          lastReason: `entry filled: ${context.position.cash >= 0 ? 'credit' : 'debit'} ${Math.abs(context.position.cash).toFixed(2)} USD`,
        };
      }),
      finishUnwind: assign(({ context }) => ({
        order: null,
        proposal: null,
        realizedPnl: roundCents(context.realizedPnl + (context.position?.cash ?? 0)),
        position: null,
        lastReason: 'the failed entry is unwound: nothing held',
      })),
      noteOrderRejected: assign(({ context, event }) => {
        const update = replyTo(context, event);
        return withError(context, 'ORDER_REJECTED', update?.reason ?? 'order rejected');
      }),
      rollBackEntry: assign(({ context, event }) => ({
        order: null,
        proposal: null,
        realizedPnl: roundCents(context.realizedPnl + (context.position?.cash ?? 0)),
        position: null,
        lastReason: `entry rejected (${replyTo(context, event)?.reason ?? 'no reason'}): rolled back, nothing held`,
      })),
      startUnwind: assign(({ context, event }) => {
        if (!context.position) return {};
        const { order, orderAttempts } = newOrder(context, 'UNWIND', closingLegs(context.position), eventTime(event, context));
        return { order, orderAttempts, lastReason: `entry failed with ${context.position.legs.length} legs filled: unwinding them` };
      }),
      // The order stays in the context: it may exist at the broker, and an operator's recovery settles it.
      tripCircuitBreaker: assign(({ context }) => ({
        lastReason: `circuit breaker: ${context.errorCount} errors this cycle (${context.lastError?.message ?? ''}); an operator must clear it`,
      })),
      noteOrderFailure: assign(({ context, event }) => {
        if (event.type !== 'order.failed') return {};
        return { ...withError(context, event.errorClass, event.message), lastReason: `order ${event.clientOrderId} failed: ${event.message}` };
      }),
      noteOrderTimeout: assign(({ context }) => ({
        ...withError(context, 'TIMEOUT', `order ${context.order?.clientOrderId} did not complete within ${ORDER_TIMEOUT_MS / 60_000} minutes`),
        lastReason: `order ${context.order?.clientOrderId} timed out`,
      })),
      startRecovery: assign(({ context, event }) => {
        const time = eventTime(event, context);
        return {
          recovery: { cause: context.lastError?.errorClass ?? 'UNKNOWN', since: time, attempts: 0, nextAttemptAt: time, order: context.order },
          order: null,
          lastReason: `recovering: ${context.lastError?.message ?? 'settling the order at the broker'}`,
        };
      }),
      startRestartRecovery: assign(({ context, event }) => {
        const time = eventTime(event, context);
        return {
          recovery: { cause: 'RESTART' as const, since: time, attempts: 0, nextAttemptAt: time, order: context.order },
          order: null,
          lastReason: `restarted with order ${context.order?.clientOrderId ?? ''} in flight: settling it at the broker`,
        };
      }),
      startOperatorRecovery: assign(({ event, context }) => {
        const time = eventTime(event, context);
        // The operator has dealt with the cause: the cycle's error and entry-attempt budgets start again.
        return {
          errorCount: 0,
          entryAttempts: 0,
          order: null,
          recovery: { cause: 'OPERATOR' as const, since: time, attempts: 0, nextAttemptAt: time, order: context.order ?? context.recovery?.order ?? null },
          lastReason: 'reason' in event ? event.reason : 'operator recovery',
        };
      }),
      backOffRecovery: assign(({ context, event }) => {
        if (!context.recovery) return {};
        const attempts = context.recovery.attempts + 1;
        const delayMinutes = Math.min(2 ** attempts, MAX_BACKOFF_MINUTES);
        const message = event.type === 'recovery.failed' ? event.message : 'broker unavailable';
        return {
          recovery: { ...context.recovery, attempts, nextAttemptAt: eventTime(event, context) + delayMinutes * 60_000 },
          lastError: { errorClass: 'CONNECTION' as const, message },
          lastReason: `recovery attempt ${attempts} failed (${message}): next in ${delayMinutes} min`,
        };
      }),
      noteRecoveryTimeout: assign(({ context }) => ({
        ...withError(context, 'TIMEOUT', `recovery did not finish within ${RECOVERY_TIMEOUT_MS / 60_000} minutes`),
        recovery: null,
        lastReason: 'recovery timed out: an operator must look',
      })),
      applyRecovery: assign(({ context, event }) => {
        if (event.type !== 'recovery.checked') return {};
        const resolution = resolveRecovery(context, event.order);
        // An entry that filled while in doubt opens the position as a normal fill would: its cash is the entry's.
        const isRecoveredEntry = resolution.next === 'ACTIVE' && context.recovery?.order?.purpose === 'ENTRY' && resolution.position;
        const position = isRecoveredEntry ? { ...resolution.position!, entryCash: resolution.position!.cash } : resolution.position;
        return { position, recovery: null, order: null, proposal: null, lastReason: resolution.reason };
      }),
      finishRecoveryFlat: assign(({ context }) => ({
        realizedPnl: roundCents(context.realizedPnl + (context.position?.cash ?? 0)),
        position: null,
        proposal: null,
      })),
      startClose: assign(({ context, event }, params: Params) => {
        if (!context.position) return {};
        const { order, orderAttempts } = newOrder(context, 'CLOSE', closingLegs(context.position), eventTime(event, context));
        return { order, orderAttempts, lastReason: closeReason(context, event, params.from) };
      }),
      startOperatorClose: assign(({ context, event }) => {
        if (!context.position) return {};
        const { order, orderAttempts } = newOrder(context, 'CLOSE', closingLegs(context.position), eventTime(event, context));
        return { order, orderAttempts, recovery: null, lastReason: 'reason' in event ? event.reason : 'operator' };
      }),
      retryClose: assign(({ context, event }) => {
        if (!context.position) return {};
        const { order, orderAttempts } = newOrder(context, 'CLOSE', closingLegs(context.position), eventTime(event, context));
        return { order, orderAttempts, lastReason: `close rejected (${context.lastError?.message ?? ''}): sending a new close order` };
      }),
      startAdjustment: assign(({ context, event }, params: Params) => {
        const decision = decide(context, event, params.from);
        if (!decision?.legs) return {};
        const { order, orderAttempts } = newOrder(context, 'ADJUST', decision.legs, eventTime(event, context));
        return { order, orderAttempts, lastReason: decision.reason };
      }),
      finishAdjustment: assign(({ context }) => ({ order: null, lastReason: `adjustment filled: ${context.position?.legs.length ?? 0} legs held` })),
      abandonAdjustment: assign(({ context }) => ({
        order: null,
        lastReason: `adjustment rejected (${context.lastError?.message ?? ''}): position unchanged`,
      })),
      noteDecision: assign(({ context, event }, params: Params) => ({
        lastReason: decide(context, event, params.from)?.reason ?? params.to,
      })),
      closeCycle: assign(({ context }) => {
        const pnl = context.position?.cash ?? 0;
        return {
          order: null,
          recovery: null,
          realizedPnl: roundCents(context.realizedPnl + pnl),
          position: null,
          lastReason: `closed: P&L ${pnl.toFixed(2)} USD this cycle`,
        };
      }),
      startNextCycle: assign(({ event, context }) => ({
        proposal: null,
        errorCount: 0,
        lastBarTime: eventTime(event, context),
        lastReason: 'the next cycle begins',
      })),
    },
  });

  const states: Record<string, { description: string; on: Record<string, unknown[]> }> = {};
  for (const rowDef of rows) {
    const state = (states[rowDef.from] ??= {
      description: stateDescriptions[rowDef.from] ?? LIFECYCLE_DESCRIPTIONS[rowDef.from] ?? rowDef.from,
      on: {},
    });
    (state.on[rowDef.event] ??= []).push({
      target: rowDef.to,
      guard: rowDef.guard ? withRowParams(rowDef.guard, rowDef) : undefined,
      actions: rowDef.actions.map((action) => withRowParams(action, rowDef)),
    });
  }

  type MachineConfig = Parameters<typeof machine.createMachine>[0];
  return machine.createMachine({
    id: rules.kind,
    description: rules.description,
    initial: 'INITIALIZING',
    context: ({ input }) => ({
      strategyId: input.strategyId,
      settings: input.settings,
      cycle: null,
      entryAttempts: 0,
      orderAttempts: 0,
      errorCount: 0,
      proposal: null,
      order: null,
      position: null,
      recovery: null,
      lastError: null,
      realizedPnl: 0,
      lastReason: null,
      lastBarTime: null,
    }),
    // Generated from the table, so its shape is only known at run time; xstate checks every guard and
    // action name against setup() when the machine is created.
    states: states as MachineConfig['states'],
  });
}
