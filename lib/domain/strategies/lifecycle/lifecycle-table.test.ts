import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { nyParts, nyTime } from '../../market/calendar';
import type { OptionContract, OrderLeg, OrderStatus } from '../../market/types';
import { machineGraph, acceptedEvents } from '../machine-graph';
import { ipmccMachine } from '../ipmcc/ipmcc.machine';
import { closingLegs, type Position } from '../position';
import { barAt, tick } from '../testing/model';
import { zeroDteRules } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { createStrategyMachine } from './create-strategy-machine';
import { BASE_SHAPE } from './lifecycle-table';
import { clientOrderId } from './order-ids';
import { beginRecovery } from './recovery-policy';
import { contextOf } from './strategy-snapshot';
import {
  LIFECYCLE_STATES,
  STRATEGY_EVENT_TYPES,
  type OrderPurpose,
  type OrderUpdate,
  type PendingOrder,
  type StrategyContext,
  type StrategyEvent,
  type StrategyRules,
} from './types';

const descriptionsOf = (machine: AnyStateMachine) =>
  new Map(machineGraph(machine).states.map((state) => [state.id, state.description]));

describe('the states a strategy page describes', () => {
  it('describes every shared state in words of its own', () => {
    const descriptions = descriptionsOf(zeroDteMachine);
    for (const state of LIFECYCLE_STATES) {
      expect(descriptions.get(state), state).toMatch(/^[A-Z].{20,}\.$/);
    }
    expect(new Set(descriptions.values()).size).toBe(LIFECYCLE_STATES.length);
    expect(descriptions.get('RECOVERY')).toMatch(/at most 30 minutes/);
    expect(descriptions.get('ERROR')).toMatch(/Only an operator clears it/);
  });

  it("takes a strategy's own description of a state over the shared one", () => {
    const shared = descriptionsOf(zeroDteMachine);
    const ipmcc = descriptionsOf(ipmccMachine);
    expect(ipmcc.get('ROLLING')).toMatch(/^Buys back the short call/);
    expect(ipmcc.get('WAITING')).toMatch(/VIX above 12 and at most 40/);
    expect(ipmcc.get('RECOVERY')).toBe(shared.get('RECOVERY'));
  });

  it('names a state nobody described by its name', () => {
    const hedging = createStrategyMachine({
      rules: zeroDteRules,
      shape: { ...BASE_SHAPE, decisions: { ...BASE_SHAPE.decisions, ACTIVE: ['HEDGING'] }, adjustingStates: ['HEDGING'] },
    });
    expect(descriptionsOf(hedging).get('HEDGING')).toBe('HEDGING');
  });

  it("names the machine by its kind and describes it as the rules do", () => {
    expect(zeroDteMachine.id).toBe('ZERO_DTE');
    expect(zeroDteMachine.root.description).toBe(zeroDteRules.description);
  });
});

describe('the events a strategy machine is sent', () => {
  it('are exactly the events some shared state has a row for', () => {
    const accepted = new Set(Object.keys(zeroDteMachine.root.states).flatMap((state) => acceptedEvents(zeroDteMachine, state)));
    expect([...STRATEGY_EVENT_TYPES].sort()).toEqual([...accepted].sort());
  });
});

/*
 * The model tests check each machine against its own table, so a wrong row passes them: these tests say what the
 * shared rows must do, on a strategy whose rules never decide anything, started in the situation each row is for.
 */
const FRIDAY = '2026-11-20';
const at = (hour: number, minute: number) => nyTime(FRIDAY, hour, minute);
const put = (strike: number): OptionContract => ({ underlying: 'SPY', expiry: FRIDAY, strike, right: 'P' });

const quietRules: StrategyRules<Record<string, never>> = {
  kind: 'QUIET',
  defaultName: 'Quiet',
  description: 'decides nothing of its own',
  defaults: {},
  cycleKey: (bar) => nyParts(bar.time).date,
  entryProblems: () => ['never enters'],
  propose: () => ({ problems: ['never enters'] }),
  validate: () => [],
  manage: () => null,
  isNextCycle: (context, bar) => nyParts(bar.time).date !== context.cycle,
};
const quietMachine = createStrategyMachine({
  rules: quietRules,
  shape: { ...BASE_SHAPE, decisions: { ...BASE_SHAPE.decisions, ACTIVE: [...(BASE_SHAPE.decisions.ACTIVE ?? []), 'HEDGING'] }, adjustingStates: ['HEDGING'] },
});

/** A put spread sold for a 150 USD credit: short the 580 put at 2.00, long the 575 put at 0.50. */
const SPREAD: Position = { structure: 'PUT_SPREAD', legs: [{ contract: put(580), quantity: -1 }, { contract: put(575), quantity: 1 }], cash: 150, entryCash: 150, openedAt: at(10, 30) };

const orderOut = (purpose: OrderPurpose, legs: readonly OrderLeg[]): PendingOrder => ({
  clientOrderId: clientOrderId('s1', FRIDAY, purpose, 2),
  purpose,
  legs,
  deadline: at(11, 5),
  appliedFills: 0,
});
const CLOSE = orderOut('CLOSE', closingLegs(SPREAD));
/** Rolls the long put down: sell the 575, buy the 570. */
const HEDGE = orderOut('ADJUST', [
  { contract: put(575), side: 'SELL', quantity: 1 },
  { contract: put(570), side: 'BUY', quantity: 1 },
]);

type QuietContext = StrategyContext<Record<string, never>>;
function inState(value: string, context: Partial<QuietContext>): AnyMachineSnapshot {
  return quietMachine.resolveState({
    value,
    context: {
      strategyId: 's1',
      settings: {},
      cycle: FRIDAY,
      entryAttempts: 1,
      orderAttempts: 2,
      errorCount: 0,
      proposal: null,
      order: null,
      position: SPREAD,
      recovery: null,
      lastError: null,
      realizedPnl: 0,
      lastReason: null,
      lastBarTime: at(11, 0),
      ...context,
    },
  });
}
const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent) => transition(quietMachine, snapshot, event)[0];

/** The venue's word on `order`: its first legs filled at `prices`, one price a leg. */
function reply(order: PendingOrder, status: OrderStatus, prices: readonly number[]): OrderUpdate {
  return {
    clientOrderId: order.clientOrderId,
    status,
    legFills: prices.map((price, index) => ({ leg: order.legs[index]!, price })),
    reason: status === 'REJECTED' ? 'not enough buying power' : null,
    time: at(11, 1),
  };
}
const updated = (order: PendingOrder, status: OrderStatus, prices: readonly number[]): StrategyEvent => ({ type: 'order.updated', order: reply(order, status, prices) });

describe('closing a position', () => {
  it('retries a rejected planned or defensive exit as a defensive exit, and a rejected emergency exit as an emergency exit', () => {
    for (const [closing, retryIn] of [['EXITING', 'DEFENSIVE_EXIT'], ['DEFENSIVE_EXIT', 'DEFENSIVE_EXIT'], ['EMERGENCY_EXIT', 'EMERGENCY_EXIT']] as const) {
      const retried = step(inState(closing, { order: CLOSE }), updated(CLOSE, 'REJECTED', []));
      expect(retried.value, closing).toBe(retryIn);
      const context = contextOf(retried);
      expect(context.order).toMatchObject({ purpose: 'CLOSE', legs: CLOSE.legs });
      expect(context.order?.clientOrderId, 'a retry is a new order').not.toBe(CLOSE.clientOrderId);
      expect(context.errorCount).toBe(1);
      expect(context.lastError).toEqual({ errorClass: 'ORDER_REJECTED', message: 'not enough buying power' });
    }
  });

  it('keeps the legs a rejected close bought back before it died, and sends a close for what is left', () => {
    const retried = contextOf(step(inState('DEFENSIVE_EXIT', { order: CLOSE }), updated(CLOSE, 'REJECTED', [1])));
    expect(retried.position).toMatchObject({ legs: [{ contract: put(575), quantity: 1 }], cash: 50 });
    expect(retried.order?.legs).toEqual([{ contract: put(575), side: 'SELL', quantity: 1 }]);
  });

  it("books the cycle's P&L, the credit less what the close cost, when the close fills", () => {
    const done = step(inState('EXITING', { order: CLOSE }), updated(CLOSE, 'FILLED', [1, 0.2]));
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done)).toMatchObject({ realizedPnl: 70, position: null, order: null });
  });

  it('stops in ERROR, holding what the close filled, when its rejection is the third error of the cycle', () => {
    const stopped = step(inState('EXITING', { order: CLOSE, errorCount: 2 }), updated(CLOSE, 'REJECTED', [1]));
    expect(stopped.value).toBe('ERROR');
    const context = contextOf(stopped);
    expect(context.position?.legs).toEqual([{ contract: put(575), quantity: 1 }]);
    expect(context.errorCount).toBe(3);
    expect(context.lastError?.errorClass).toBe('ORDER_REJECTED');
    expect(context.lastReason).toMatch(/^circuit breaker: 3 errors this cycle \(not enough buying power\)/);
  });

  it('takes a part-fill of the close as progress, and refuses a reply that brings nothing new', () => {
    const exiting = inState('EXITING', { order: CLOSE });
    const partFilled = step(exiting, updated(CLOSE, 'PARTIALLY_FILLED', [1]));
    expect(partFilled.value).toBe('EXITING');
    expect(contextOf(partFilled).position?.legs).toHaveLength(1);
    expect(exiting.can(updated(CLOSE, 'WORKING', []))).toBe(false);
    expect(step(exiting, updated(CLOSE, 'WORKING', [])).context).toBe(exiting.context);
  });
});

describe('an order out when its third error comes', () => {
  it('stops in ERROR on a broker failure, keeping the failure for the error record', () => {
    const failed = step(inState('EXITING', { order: CLOSE, errorCount: 2 }), {
      type: 'order.failed',
      clientOrderId: CLOSE.clientOrderId,
      errorClass: 'CONNECTION',
      message: 'connection reset',
      time: at(11, 1),
    });
    expect(failed.value).toBe('ERROR');
    expect(contextOf(failed)).toMatchObject({ errorCount: 3, lastError: { errorClass: 'CONNECTION', message: 'connection reset' } });
    expect(contextOf(failed).lastReason).toMatch(/^circuit breaker: 3 errors this cycle \(connection reset\)/);
  });

  it('stops in ERROR when the order is overdue, noting the timeout', () => {
    const overdue = step(inState('EXITING', { order: CLOSE, errorCount: 2 }), tick(barAt(at(11, 6), 590, 24)));
    expect(overdue.value).toBe('ERROR');
    expect(contextOf(overdue)).toMatchObject({ errorCount: 3, lastError: { errorClass: 'TIMEOUT' } });
    expect(contextOf(overdue).lastReason).toMatch(/^circuit breaker: 3 errors this cycle/);
  });
});

describe('adjusting a position', () => {
  it('goes back to ACTIVE with the position unchanged and no order out when the venue rejects the adjustment unfilled', () => {
    const abandoned = step(inState('HEDGING', { order: HEDGE }), updated(HEDGE, 'REJECTED', []));
    expect(abandoned.value).toBe('ACTIVE');
    expect(contextOf(abandoned)).toMatchObject({ position: SPREAD, order: null, errorCount: 1, lastError: { errorClass: 'ORDER_REJECTED' } });
    expect(contextOf(abandoned).lastReason).toBe('adjustment rejected (not enough buying power): position unchanged');
  });

  it('closes everything it holds, the part-filled adjustment included, when the adjustment dies half-way', () => {
    const closing = step(inState('HEDGING', { order: HEDGE }), updated(HEDGE, 'REJECTED', [0.6]));
    expect(closing.value).toBe('DEFENSIVE_EXIT');
    const context = contextOf(closing);
    expect(context.position).toMatchObject({ legs: [{ contract: put(580), quantity: -1 }], cash: 210 });
    expect(context.order).toMatchObject({ purpose: 'CLOSE', legs: [{ contract: put(580), side: 'BUY', quantity: 1 }] });
    expect(context.errorCount).toBe(1);
  });

  it('stops in ERROR, holding what the adjustment filled, when its death is the third error of the cycle', () => {
    const stopped = step(inState('HEDGING', { order: HEDGE, errorCount: 2 }), updated(HEDGE, 'REJECTED', [0.6]));
    expect(stopped.value).toBe('ERROR');
    expect(contextOf(stopped)).toMatchObject({ position: { legs: [{ contract: put(580), quantity: -1 }] }, errorCount: 3 });
    expect(contextOf(stopped).lastReason).toMatch(/^circuit breaker: 3 errors this cycle/);
  });

  it('takes a part-fill of the adjustment as progress, and refuses a reply that brings nothing new', () => {
    const hedging = inState('HEDGING', { order: HEDGE });
    expect(step(hedging, updated(HEDGE, 'PARTIALLY_FILLED', [0.6])).value).toBe('HEDGING');
    expect(hedging.can(updated(HEDGE, 'WORKING', []))).toBe(false);
  });
});

describe('a strategy in ERROR', () => {
  it('holds fills that still arrive for the order in doubt, and refuses replies that bring none', () => {
    const stopped = inState('ERROR', { order: CLOSE, errorCount: 3 });
    expect(contextOf(step(stopped, updated(CLOSE, 'PARTIALLY_FILLED', [1]))).position?.legs).toEqual([{ contract: put(575), quantity: 1 }]);
    expect(stopped.can(updated(CLOSE, 'WORKING', []))).toBe(false);
  });

  it("lets an operator close its position, with a close order for every leg, only once no order is in doubt", () => {
    for (const [type, target] of [['operator.defensiveExit', 'DEFENSIVE_EXIT'], ['operator.emergencyExit', 'EMERGENCY_EXIT']] as const) {
      const command: StrategyEvent = { type, actor: 'dana', reason: 'flatten before the close', time: at(11, 2) };
      expect(inState('ERROR', { order: CLOSE, errorCount: 3 }).can(command), `${type} with an order in doubt`).toBe(false);
      const closing = step(inState('ERROR', { errorCount: 3 }), command);
      expect(closing.value).toBe(target);
      expect(contextOf(closing)).toMatchObject({ order: { purpose: 'CLOSE', legs: closingLegs(SPREAD) }, lastReason: 'flatten before the close' });
    }
  });
});

describe('recovery settling the order in doubt', () => {
  const restarted = (order: PendingOrder, position: Position) => inState('RECOVERY', { position, recovery: beginRecovery('RESTART', at(11, 0), order) });
  const checked = (order: PendingOrder, prices: readonly number[]): StrategyEvent => ({ type: 'recovery.checked', order: reply(order, 'FILLED', prices), time: at(11, 3) });

  it('waits flat for the next entry, with the P&L booked, when the unwind of a half-filled entry turns out filled', () => {
    const shortPut: Position = { ...SPREAD, legs: [{ contract: put(580), quantity: -1 }], cash: 200, entryCash: 0 };
    const unwind = orderOut('UNWIND', closingLegs(shortPut));
    const waiting = step(restarted(unwind, shortPut), checked(unwind, [2.1]));
    expect(waiting.value).toBe('WAITING');
    expect(contextOf(waiting)).toMatchObject({ position: null, realizedPnl: -10, recovery: null, order: null });
  });

  it('completes the cycle, with the P&L booked, when the close turns out filled', () => {
    const done = step(restarted(CLOSE, SPREAD), checked(CLOSE, [1, 0.2]));
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done)).toMatchObject({ position: null, realizedPnl: 70, recovery: null });
  });
});

describe('a completed cycle', () => {
  it('starts the next cycle with a fresh error budget', () => {
    const next = step(inState('COMPLETE', { position: null, errorCount: 2 }), tick(barAt(nyTime('2026-11-23', 9, 31), 590, 24)));
    expect(next.value).toBe('WAITING');
    expect(contextOf(next)).toMatchObject({ errorCount: 0, lastReason: 'the next cycle begins' });
  });
});

describe('a strategy that describes none of its own states', () => {
  it('shows the shared description of every lifecycle state on its page', () => {
    const descriptions = descriptionsOf(quietMachine);
    for (const state of LIFECYCLE_STATES) {
      expect(descriptions.get(state), state).toMatch(/^[A-Z].{20,}\.$/);
    }
  });
});
