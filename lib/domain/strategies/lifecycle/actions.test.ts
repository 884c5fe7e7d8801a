import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import { MINUTE_MS } from '../../market/time';
import { comboMid } from '../../market/option-pricing';
import type { LegFill, MarketBar, OrderLeg } from '../../market/types';
import { emptyPosition, type Position } from '../position';
import { barAt, gateRefusal, initialSnapshot, tick, update } from '../testing/model';
import { ZERO_DTE_DEFAULTS, zeroDteRules, type ZeroDteSettings } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { lifecycleUpdates } from './actions';
import type { RowParams } from './guards';
import { ruleDecisions } from './rule-decisions';
import { contextOf } from './strategy-snapshot';
import type { OrderPurpose, OrderUpdate, PendingOrder, Proposal, RecoveryContext, StrategyContext, StrategyEvent } from './types';

// The actions with the real 0DTE rules: what each writes into the context, and the reason the audit trail shows.
const FRIDAY = '2026-11-20';
const at = (hour: number, minute: number, spy = 590, vix = 24): MarketBar => barAt(nyTime(FRIDAY, hour, minute), spy, vix);
const decisions = ruleDecisions(zeroDteRules);
type Updates = ReturnType<typeof lifecycleUpdates<ZeroDteSettings>>;
const ROW: RowParams = { from: 'ACTIVE', to: 'EXITING' };

type Context = StrategyContext<ZeroDteSettings>;
const fresh = contextOf<ZeroDteSettings>(initialSnapshot(zeroDteMachine, { strategyId: 'a', settings: ZERO_DTE_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: FRIDAY, ...overrides });
// Built per call, not once at import: what the factory returns is part of what is tested.
const apply = (action: keyof Updates, ctx: Context, event: StrategyEvent, params: RowParams = ROW): Partial<Context> =>
  lifecycleUpdates(decisions)[action]({ context: ctx, event }, params);

const SHORT_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const LONG_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 565, right: 'P' }, side: 'BUY', quantity: 1 };
const SPREAD = [LONG_PUT, SHORT_PUT];
const CLOSING: OrderLeg[] = [{ ...LONG_PUT, side: 'SELL' }, { ...SHORT_PUT, side: 'BUY' }];
const held: Position = {
  ...emptyPosition('PUT_SPREAD', at(10, 31).time),
  legs: [{ contract: LONG_PUT.contract, quantity: 1 }, { contract: SHORT_PUT.contract, quantity: -1 }],
  cash: 40,
  entryCash: 40,
};

const order = (purpose: OrderPurpose, legs: readonly OrderLeg[] = SPREAD, appliedFills = 0): PendingOrder => ({
  clientOrderId: `a:${FRIDAY}:${purpose.toLowerCase()}:1`,
  purpose,
  legs,
  deadline: at(10, 36).time,
  appliedFills,
});
const reply = (out: PendingOrder, status: OrderUpdate['status'], fills: readonly LegFill[] = []): StrategyEvent => ({
  type: 'order.updated',
  order: update(out, status, fills, at(10, 32).time),
});
const fill = (legs: readonly OrderLeg[], price: number): LegFill[] => legs.map((leg) => ({ leg, price }));
const NOT_A_BAR: StrategyEvent = { type: 'system.restored', time: at(10, 33).time };

function proposalAt(bar: MarketBar): Proposal {
  const proposal = zeroDteRules.propose(context(), bar);
  if ('problems' in proposal) throw new Error(proposal.problems.join('; '));
  return proposal;
}

describe('the lifecycle actions before an entry', () => {
  it('note that the data is usable, at the bar it was seen', () => {
    expect(apply('noteReady', context(), tick(at(9, 31)))).toEqual({ lastReason: 'market data usable: ready', lastBarTime: at(9, 31).time });
  });

  it('propose an entry in a new cycle with fresh attempt and error budgets', () => {
    const yesterday = context({ cycle: '2026-11-19', entryAttempts: 2, orderAttempts: 4, errorCount: 2 });
    const proposed = apply('proposeEntry', yesterday, tick(at(10, 30)));
    expect(proposed).toMatchObject({ cycle: FRIDAY, entryAttempts: 1, orderAttempts: 0, errorCount: 0, lastBarTime: at(10, 30).time });
    expect(proposed.proposal?.structure).toBe('IRON_CONDOR');
    expect(proposed.lastReason).toBe(`entry signal: ${proposed.proposal?.note}`);
    expect(proposed.lastReason).toMatch(/^entry signal: iron condor on SPY 590 \(move 0\.00%\), VIX 24$/);
  });

  it('count a second entry of the same cycle against the same budgets', () => {
    const proposed = apply('proposeEntry', context({ entryAttempts: 1, orderAttempts: 2, errorCount: 1 }), tick(at(10, 30)));
    expect(proposed).toMatchObject({ entryAttempts: 2, orderAttempts: 2, errorCount: 1 });
  });

  it('propose nothing without an entry signal or a bar', () => {
    expect(apply('proposeEntry', context(), tick(at(10, 29)))).toEqual({});
    expect(apply('proposeEntry', context(), NOT_A_BAR)).toEqual({});
  });

  it('start the entry order from the validated proposal, with an empty position to fill', () => {
    const proposal = proposalAt(at(10, 30));
    const started = apply('startEntry', context({ proposal, orderAttempts: 1 }), tick(at(10, 31)));
    expect(started.order).toEqual({
      clientOrderId: `a:${FRIDAY}:entry:2`,
      purpose: 'ENTRY',
      legs: proposal.legs,
      deadline: at(10, 36).time,
      appliedFills: 0,
      // Priced on the bar it is decided on, not the proposal's: the gate's collar compares the bar it is sent on.
      decidedPrice: comboMid(proposal.legs, at(10, 31)),
    });
    expect(started.order?.decidedPrice).not.toBe(comboMid(proposal.legs, at(10, 30, 591)));
    expect(started).toMatchObject({ orderAttempts: 2, position: emptyPosition('IRON_CONDOR', at(10, 31).time), lastBarTime: at(10, 31).time });
    expect(started.lastReason).toBe(`validated: ${proposal.note}`);
    expect(apply('startEntry', context(), tick(at(10, 31)))).toEqual({});
    expect(apply('startEntry', context({ proposal }), NOT_A_BAR)).toEqual({});
  });

  it('discard a proposal that fails validation, naming every problem', () => {
    const proposal = proposalAt(at(10, 30));
    const discarded = apply('discardProposal', context({ proposal }), tick(at(10, 35, 590, 36)));
    expect(discarded).toMatchObject({ proposal: null, lastBarTime: at(10, 35).time });
    expect(discarded.lastReason).toBe('validation failed: the proposal is 5 minutes old; VIX 36 is above 35');
    expect(apply('discardProposal', context({ proposal }), NOT_A_BAR)).toEqual({});
  });
});

describe('the lifecycle actions on order replies', () => {
  const entering = (appliedFills = 0) => context({ order: order('ENTRY', SPREAD, appliedFills), position: emptyPosition('PUT_SPREAD', at(10, 31).time) });

  it('apply only the fills not yet applied, and say how far the order got', () => {
    const fills = fill(SPREAD, 1);
    const once = apply('applyOrderUpdate', entering(), reply(order('ENTRY'), 'PARTIALLY_FILLED', fills.slice(0, 1)));
    expect(once.position?.legs).toEqual([{ contract: LONG_PUT.contract, quantity: 1 }]);
    expect(once.order?.appliedFills).toBe(1);
    expect(once.lastReason).toBe(`order a:${FRIDAY}:entry:1: partially_filled, 1 of 2 legs filled`);
    const twice = apply('applyOrderUpdate', entering(1), reply(order('ENTRY', SPREAD, 1), 'FILLED', fills));
    // The first leg was applied before: only the second moves the (still empty) position.
    expect(twice.position?.legs).toEqual([{ contract: SHORT_PUT.contract, quantity: -1 }]);
    expect(twice.order?.appliedFills).toBe(2);
  });

  it('ignore a reply to another order', () => {
    expect(apply('applyOrderUpdate', entering(), reply({ ...order('ENTRY'), clientOrderId: 'other' }, 'FILLED', fill(SPREAD, 1)))).toEqual({});
    expect(apply('applyOrderUpdate', context(), reply(order('ENTRY'), 'FILLED', fill(SPREAD, 1)))).toEqual({});
  });

  it('open the position with its entry cash as the credit or debit', () => {
    const credit = apply('openPosition', context({ order: order('ENTRY'), proposal: proposalAt(at(10, 30)), position: { ...held, cash: 123.456, entryCash: 0 } }), NOT_A_BAR);
    expect(credit).toMatchObject({ order: null, proposal: null, lastReason: 'entry filled: credit 123.46 USD' });
    expect(credit.position?.entryCash).toBe(123.456);
    const debit = apply('openPosition', context({ position: { ...held, cash: -80, entryCash: 0 } }), NOT_A_BAR);
    expect(debit.lastReason).toBe('entry filled: debit 80.00 USD');
    expect(apply('openPosition', context({ position: { ...held, cash: 0 } }), NOT_A_BAR).lastReason).toBe('entry filled: credit 0.00 USD');
    expect(apply('openPosition', context(), NOT_A_BAR)).toEqual({});
  });

  it('book what an unwind left as realised P&L and hold nothing', () => {
    const unwound = apply('finishUnwind', context({ realizedPnl: 10.005, position: { ...held, legs: [], cash: -3.5 }, order: order('UNWIND'), proposal: proposalAt(at(10, 30)) }), NOT_A_BAR);
    expect(unwound).toEqual({ order: null, proposal: null, position: null, realizedPnl: 6.51, lastReason: 'the failed entry is unwound: nothing held' });
  });

  it('note a rejection as an error, with the venue reason', () => {
    const noted = apply('noteOrderRejected', entering(), reply(order('ENTRY'), 'REJECTED'));
    expect(noted).toEqual({ lastError: { errorClass: 'ORDER_REJECTED', message: 'rejected by venue' }, errorCount: 1 });
    expect(apply('noteOrderRejected', context({ errorCount: 1 }), NOT_A_BAR)).toEqual({ lastError: { errorClass: 'ORDER_REJECTED', message: 'order rejected' }, errorCount: 2 });
  });

  it("note the pre-trade gate's refusal as an error for the record, without a step towards the circuit breaker", () => {
    const refused: StrategyEvent = { type: 'order.updated', order: gateRefusal(order('ENTRY'), at(10, 32).time) };
    expect(apply('noteGateRefusal', context({ ...entering(), errorCount: 2 }), refused)).toEqual({
      lastError: { errorClass: 'ORDER_REJECTED', message: 'pre-trade gate: system is HALTED: only orders that reduce risk go out' },
    });
    expect(apply('noteGateRefusal', context(), NOT_A_BAR)).toEqual({ lastError: { errorClass: 'ORDER_REJECTED', message: 'refused by the pre-trade gate' } });
  });

  it('roll back a rejected entry that left nothing, saying why', () => {
    const rolledBack = apply('rollBackEntry', { ...entering(), position: { ...held, legs: [], cash: 0 }, realizedPnl: 5 }, reply(order('ENTRY'), 'REJECTED'));
    expect(rolledBack).toEqual({ order: null, proposal: null, position: null, realizedPnl: 5, lastReason: 'entry rejected (rejected by venue): rolled back, nothing held' });
    expect(apply('rollBackEntry', context(), NOT_A_BAR).lastReason).toBe('entry rejected (no reason): rolled back, nothing held');
  });

  it('unwind the legs a failed entry left, with a new order id', () => {
    const partly: Position = { ...held, legs: [{ contract: LONG_PUT.contract, quantity: 1 }] };
    const unwinding = apply('startUnwind', context({ position: partly, order: order('ENTRY'), orderAttempts: 1 }), reply(order('ENTRY'), 'CANCELLED'));
    expect(unwinding.order).toEqual({
      clientOrderId: `a:${FRIDAY}:unwind:2`,
      purpose: 'UNWIND',
      legs: [{ ...LONG_PUT, side: 'SELL' }],
      deadline: at(10, 32).time + 5 * MINUTE_MS,
      appliedFills: 0,
    });
    expect(unwinding).toMatchObject({ orderAttempts: 2, lastReason: 'entry failed with 1 legs filled: unwinding them' });
    expect(apply('startUnwind', context(), NOT_A_BAR)).toEqual({});
  });
});

describe('the lifecycle actions on failures', () => {
  const failed: StrategyEvent = { type: 'order.failed', clientOrderId: `a:${FRIDAY}:entry:1`, errorClass: 'TIMEOUT', message: 'no answer', time: at(10, 33).time };

  it('open the circuit breaker, saying how many errors and the last one', () => {
    const tripped = apply('tripCircuitBreaker', context({ errorCount: 3, lastError: { errorClass: 'CONNECTION', message: 'socket closed' } }), NOT_A_BAR);
    expect(tripped).toEqual({ lastReason: 'circuit breaker: 3 errors this cycle (socket closed); an operator must clear it' });
    expect(apply('tripCircuitBreaker', context({ errorCount: 3 }), NOT_A_BAR).lastReason).toBe('circuit breaker: 3 errors this cycle (); an operator must clear it');
  });

  it('note an order failure with its class and message', () => {
    expect(apply('noteOrderFailure', context({ errorCount: 1 }), failed)).toEqual({
      lastError: { errorClass: 'TIMEOUT', message: 'no answer' },
      errorCount: 2,
      lastReason: `order a:${FRIDAY}:entry:1 failed: no answer`,
    });
    expect(apply('noteOrderFailure', context(), NOT_A_BAR)).toEqual({});
  });

  it('note an overdue order as a timeout after 5 minutes', () => {
    expect(apply('noteOrderTimeout', context({ order: order('ENTRY') }), tick(at(10, 37)))).toEqual({
      lastError: { errorClass: 'TIMEOUT', message: `order a:${FRIDAY}:entry:1 did not complete within 5 minutes` },
      errorCount: 1,
      lastReason: `order a:${FRIDAY}:entry:1 timed out`,
    });
  });
});

describe('the lifecycle actions in recovery', () => {
  const since = at(10, 40).time;
  const recovery = (overrides: Partial<RecoveryContext> = {}): RecoveryContext => ({ cause: 'CONNECTION', since, attempts: 0, nextAttemptAt: since, order: null, ...overrides });

  it('start recovery by the last error, moving the order in doubt into it', () => {
    const out = order('ENTRY');
    const started = apply('startRecovery', context({ order: out, lastError: { errorClass: 'TIMEOUT', message: 'no answer' } }), { type: 'recovery.failed', message: 'x', time: since });
    expect(started).toEqual({ recovery: recovery({ cause: 'TIMEOUT', order: out }), order: null, lastReason: 'recovering: no answer' });
    const unknown = apply('startRecovery', context(), tick(at(10, 40)));
    expect(unknown).toEqual({ recovery: recovery({ cause: 'UNKNOWN' }), order: null, lastReason: 'recovering: settling the order at the broker' });
  });

  it('start recovery after a restart, naming the order in flight', () => {
    const out = order('CLOSE', CLOSING);
    expect(apply('startRestartRecovery', context({ order: out }), { type: 'system.restored', time: since })).toEqual({
      recovery: recovery({ cause: 'RESTART', order: out }),
      order: null,
      lastReason: `restarted with order a:${FRIDAY}:close:1 in flight: settling it at the broker`,
    });
    expect(apply('startRestartRecovery', context(), { type: 'system.restored', time: since }).lastReason).toBe('restarted with order  in flight: settling it at the broker');
  });

  it("start an operator's recovery with fresh budgets, keeping whichever order is in doubt", () => {
    const inDoubt = order('ENTRY');
    const command: StrategyEvent = { type: 'operator.recover', actor: 'dana', reason: 'limits reset', time: since };
    const fromError = apply('startOperatorRecovery', context({ errorCount: 3, entryAttempts: 3, order: inDoubt }), command);
    expect(fromError).toEqual({ errorCount: 0, entryAttempts: 0, order: null, recovery: recovery({ cause: 'OPERATOR', order: inDoubt }), lastReason: 'limits reset' });
    const fromRecovery = apply('startOperatorRecovery', context({ recovery: recovery({ order: inDoubt, since: 0 }) }), command);
    expect(fromRecovery.recovery).toEqual(recovery({ cause: 'OPERATOR', order: inDoubt }));
    expect(apply('startOperatorRecovery', context(), command).recovery?.order).toBeNull();
    expect(apply('startOperatorRecovery', context(), tick(at(10, 40))).lastReason).toBe('operator recovery');
  });

  it('back off 2, then 4 minutes after failed looks at the broker', () => {
    const failed: StrategyEvent = { type: 'recovery.failed', message: 'broker unreachable', time: since };
    const first = apply('backOffRecovery', context({ recovery: recovery() }), failed);
    expect(first).toEqual({
      recovery: recovery({ attempts: 1, nextAttemptAt: since + 2 * MINUTE_MS }),
      lastError: { errorClass: 'CONNECTION', message: 'broker unreachable' },
      lastReason: 'recovery attempt 1 failed (broker unreachable): next in 2 min',
    });
    const second = apply('backOffRecovery', context({ recovery: recovery({ attempts: 1 }) }), tick(at(10, 40)));
    expect(second.recovery?.nextAttemptAt).toBe(since + 4 * MINUTE_MS);
    expect(second.lastReason).toBe('recovery attempt 2 failed (broker unavailable): next in 4 min');
    expect(apply('backOffRecovery', context(), failed)).toEqual({});
  });

  it('give up recovery after 30 minutes as a timeout error', () => {
    expect(apply('noteRecoveryTimeout', context({ recovery: recovery(), errorCount: 1 }), tick(at(11, 11)))).toEqual({
      lastError: { errorClass: 'TIMEOUT', message: 'recovery did not finish within 30 minutes' },
      errorCount: 2,
      recovery: null,
      lastReason: 'recovery timed out: an operator must look',
    });
  });

  it('open a recovered entry with its cash as the entry cash', () => {
    const entry = order('ENTRY');
    const fills = fill(SPREAD, 1);
    const checked: StrategyEvent = { type: 'recovery.checked', order: update(entry, 'FILLED', fills, since), time: since };
    const applied = apply('applyRecovery', context({ recovery: recovery({ order: entry }), proposal: proposalAt(at(10, 30)) }), checked);
    expect(applied).toMatchObject({ recovery: null, order: null, proposal: null, lastReason: `order a:${FRIDAY}:entry:1 filled: position held` });
    // Buying the 565 put at 1 and selling the 570 put at 1: no cash either way.
    expect(applied.position).toMatchObject({ cash: 0, entryCash: 0, legs: [{ contract: LONG_PUT.contract, quantity: 1 }, { contract: SHORT_PUT.contract, quantity: -1 }] });
    expect(apply('applyRecovery', context(), tick(at(10, 41)))).toEqual({});
  });

  it('leave the entry cash of an entry recovery found part-filled: it is closed, never opened', () => {
    const entry = order('ENTRY');
    const checked: StrategyEvent = { type: 'recovery.checked', order: update(entry, 'CANCELLED', fill(SPREAD.slice(0, 1), 2), since), time: since };
    const applied = apply('applyRecovery', context({ position: emptyPosition('PUT_SPREAD', since), recovery: recovery({ order: entry }) }), checked);
    expect(applied.lastReason).toBe(`order a:${FRIDAY}:entry:1 cancelled with legs held: closing them`);
    expect(applied.position).toMatchObject({ cash: -200, entryCash: 0 });
  });

  it('keep the entry cash of a position whose adjustment recovered filled', () => {
    const adjust = order('ADJUST', [{ ...SHORT_PUT, side: 'BUY' }]);
    const checked: StrategyEvent = { type: 'recovery.checked', order: update(adjust, 'FILLED', fill(adjust.legs, 0.5), since), time: since };
    const applied = apply('applyRecovery', context({ position: held, recovery: recovery({ order: adjust }) }), checked);
    expect(applied.position).toMatchObject({ cash: -10, entryCash: 40 });
  });

  it('book a position recovery found flat', () => {
    expect(apply('finishRecoveryFlat', context({ realizedPnl: 1, position: { ...held, legs: [], cash: 2.5 }, proposal: proposalAt(at(10, 30)) }), NOT_A_BAR)).toEqual({
      realizedPnl: 3.5,
      position: null,
      proposal: null,
    });
  });
});

describe('the lifecycle actions on a held position', () => {
  it('close every leg for the reason the rules give', () => {
    const closing = apply('startClose', context({ position: held, orderAttempts: 1 }), tick(at(11, 0, 570)), { from: 'ACTIVE', to: 'DEFENSIVE_EXIT' });
    expect(closing.order).toMatchObject({ clientOrderId: `a:${FRIDAY}:close:2`, purpose: 'CLOSE', legs: CLOSING, deadline: at(11, 5).time });
    expect(closing).toMatchObject({ orderAttempts: 2, lastReason: 'SPY 570 breached the short put 570' });
    expect(apply('startClose', context(), tick(at(11, 0, 570)))).toEqual({});
  });

  it("close every leg on an operator's command, for the operator's reason", () => {
    const command: StrategyEvent = { type: 'operator.defensiveExit', actor: 'dana', reason: 'news', time: at(11, 0).time };
    const closing = apply('startOperatorClose', context({ position: held, recovery: { cause: 'OPERATOR', since: 0, attempts: 0, nextAttemptAt: 0, order: null } }), command);
    expect(closing).toMatchObject({ orderAttempts: 1, recovery: null, lastReason: 'news' });
    expect(closing.order).toMatchObject({ purpose: 'CLOSE', legs: CLOSING, deadline: at(11, 5).time });
    expect(apply('startOperatorClose', context({ position: held }), tick(at(11, 0))).lastReason).toBe('operator');
    expect(apply('startOperatorClose', context(), command)).toEqual({});
  });

  it('send a new close order after a rejected one', () => {
    const retried = apply('retryClose', context({ position: held, orderAttempts: 2, lastError: { errorClass: 'ORDER_REJECTED', message: 'no bid' } }), reply(order('CLOSE', CLOSING), 'REJECTED'));
    expect(retried.order).toMatchObject({ clientOrderId: `a:${FRIDAY}:close:3`, purpose: 'CLOSE', legs: CLOSING });
    expect(retried).toMatchObject({ orderAttempts: 3, lastReason: 'close rejected (no bid): sending a new close order' });
    expect(apply('retryClose', context({ position: held }), NOT_A_BAR).lastReason).toBe('close rejected (): sending a new close order');
    expect(apply('retryClose', context(), NOT_A_BAR)).toEqual({});
  });

  it('note a decision that needs no order, by its reason or else the target state', () => {
    // 40 USD earned of a 100 USD credit: short of the profit target, so the clock decides.
    const managing = apply('noteDecision', context({ position: { ...held, entryCash: 100 } }), tick(at(15, 30, 600)), { from: 'ACTIVE', to: 'MANAGING' });
    expect(managing).toEqual({ lastReason: '15:30 ET: time-based management' });
    expect(apply('noteDecision', context({ position: held }), NOT_A_BAR, { from: 'ACTIVE', to: 'MANAGING' })).toEqual({ lastReason: 'MANAGING' });
  });

  it('send no adjustment when the rules give no legs, or decide nothing', () => {
    expect(apply('startAdjustment', context({ position: held }), tick(at(11, 0, 570)), { from: 'ACTIVE', to: 'ROLLING' })).toEqual({});
    expect(apply('startAdjustment', context({ position: held }), NOT_A_BAR, { from: 'ACTIVE', to: 'ROLLING' })).toEqual({});
  });

  it('finish or abandon an adjustment, saying what is held', () => {
    expect(apply('finishAdjustment', context({ position: held, order: order('ADJUST') }), NOT_A_BAR)).toEqual({ order: null, lastReason: 'adjustment filled: 2 legs held' });
    expect(apply('finishAdjustment', context(), NOT_A_BAR)).toEqual({ order: null, lastReason: 'adjustment filled: 0 legs held' });
    expect(apply('abandonAdjustment', context({ lastError: { errorClass: 'ORDER_REJECTED', message: 'no bid' } }), NOT_A_BAR)).toEqual({
      order: null,
      lastReason: 'adjustment rejected (no bid): position unchanged',
    });
    expect(apply('abandonAdjustment', context(), NOT_A_BAR).lastReason).toBe('adjustment rejected (): position unchanged');
  });

  it("close the cycle, booking its P&L", () => {
    const closed = apply('closeCycle', context({ realizedPnl: 100, position: { ...held, legs: [], cash: 25.5 }, order: order('CLOSE'), recovery: { cause: 'RESTART', since: 0, attempts: 0, nextAttemptAt: 0, order: null } }), NOT_A_BAR);
    expect(closed).toEqual({ order: null, recovery: null, position: null, realizedPnl: 125.5, lastReason: 'closed: P&L 25.50 USD this cycle' });
    expect(apply('closeCycle', context(), NOT_A_BAR).lastReason).toBe('closed: P&L 0.00 USD this cycle');
  });

  it('begin the next cycle with a fresh error budget', () => {
    expect(apply('startNextCycle', context({ errorCount: 2, proposal: proposalAt(at(10, 30)) }), tick(at(9, 31)))).toEqual({
      proposal: null,
      errorCount: 0,
      lastBarTime: at(9, 31).time,
      lastReason: 'the next cycle begins',
    });
  });
});
