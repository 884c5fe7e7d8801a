import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import type { LegFill, MarketBar, OrderLeg } from '../../market/types';
import { emptyPosition, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot, tick, update } from '../testing/model';
import { ZERO_DTE_DEFAULTS, zeroDteRules, type ZeroDteSettings } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { lifecycleGuards, type RowParams } from './guards';
import { MINUTE_MS } from '../../market/time';
import { ruleDecisions } from './rule-decisions';
import { contextOf } from './strategy-snapshot';
import type { OrderPurpose, OrderUpdate, PendingOrder, StrategyContext, StrategyEvent } from './types';

// The guards asked with the real 0DTE rules: a Friday 10:30 bar is its entry signal.
const FRIDAY = '2026-11-20';
const at = (hour: number, minute: number, spy = 590, vix = 24): MarketBar => barAt(nyTime(FRIDAY, hour, minute), spy, vix);
const guards = lifecycleGuards(ruleDecisions(zeroDteRules));
const ROW: RowParams = { from: 'ENTERING', to: 'ACTIVE' };

type Context = StrategyContext<ZeroDteSettings>;
const fresh = contextOf<ZeroDteSettings>(initialSnapshot(zeroDteMachine, { strategyId: 'g', settings: ZERO_DTE_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: FRIDAY, ...overrides });

const SHORT_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const LONG_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 565, right: 'P' }, side: 'BUY', quantity: 1 };
const SPREAD = [LONG_PUT, SHORT_PUT];
const DEADLINE = at(10, 36).time;

const order = (purpose: OrderPurpose, legs: readonly OrderLeg[] = SPREAD, appliedFills = 0): PendingOrder => ({
  clientOrderId: `g:${FRIDAY}:${purpose.toLowerCase()}:1`,
  purpose,
  legs,
  deadline: DEADLINE,
  appliedFills,
});
/** The spread as held once both legs filled. */
const held: Position = { ...emptyPosition('PUT_SPREAD', at(10, 31).time), legs: [{ contract: LONG_PUT.contract, quantity: 1 }, { contract: SHORT_PUT.contract, quantity: -1 }] };
const CLOSING: OrderLeg[] = [{ ...LONG_PUT, side: 'SELL' }, { ...SHORT_PUT, side: 'BUY' }];

const reply = (out: PendingOrder, status: OrderUpdate['status'], fills: readonly LegFill[] = []): StrategyEvent => ({
  type: 'order.updated',
  order: update(out, status, fills, at(10, 32).time),
});
const failure = (out: PendingOrder, errorClass: 'CONNECTION' | 'TIMEOUT' | 'UNKNOWN' = 'CONNECTION'): StrategyEvent => ({
  type: 'order.failed',
  clientOrderId: out.clientOrderId,
  errorClass,
  message: 'socket closed',
  time: at(10, 32).time,
});
const ask = (guard: keyof typeof guards, ctx: Context, event: StrategyEvent, params: RowParams = ROW): boolean => guards[guard]({ context: ctx, event }, params);

describe('the lifecycle guards on market data', () => {
  it('find a fresh, sane bar usable, and not a stale one or an event that is no bar', () => {
    expect(ask('isMarketDataUsable', context(), tick(at(10, 0)))).toBe(true);
    expect(ask('isMarketDataUsable', context(), tick({ ...at(10, 0), isStale: true }))).toBe(false);
    expect(ask('isMarketDataUsable', context(), { type: 'system.restored', time: at(10, 0).time })).toBe(false);
  });

  it('see an entry signal only on a bar the rules would enter on', () => {
    expect(ask('hasEntrySignal', context(), tick(at(10, 30)))).toBe(true);
    expect(ask('hasEntrySignal', context(), tick(at(10, 29)))).toBe(false);
    expect(ask('hasEntrySignal', context(), { type: 'recovery.failed', message: 'x', time: at(10, 30).time })).toBe(false);
  });

  it('pass a proposal only on a bar that validates it, and never without a bar', () => {
    const proposal = zeroDteRules.propose(context(), at(10, 30));
    if ('problems' in proposal) throw new Error(proposal.problems.join('; '));
    const proposed = context({ proposal });
    expect(ask('isProposalValid', proposed, tick(at(10, 31)))).toBe(true);
    expect(ask('isProposalValid', proposed, tick(at(10, 31, 590, 36)))).toBe(false);
    expect(ask('isProposalValid', proposed, { type: 'system.restored', time: at(10, 31).time })).toBe(false);
  });

  it('start the next cycle on a usable bar the rules accept, not on a stale one', () => {
    const done = context({ cycle: '2026-11-19' });
    expect(ask('isNextCycle', done, tick(at(9, 31)))).toBe(true);
    expect(ask('isNextCycle', done, tick({ ...at(9, 31), isStale: true }))).toBe(false);
    expect(ask('isNextCycle', context(), tick(at(9, 31)))).toBe(false);
    expect(ask('isNextCycle', done, { type: 'system.restored', time: at(9, 31).time })).toBe(false);
  });
});

describe('the lifecycle guards on replies to the order out', () => {
  const entering = (purpose: OrderPurpose = 'ENTRY') => context({ order: order(purpose), position: emptyPosition('PUT_SPREAD', at(10, 31).time) });

  it('tell an entry fill from an unwind fill and any other fill', () => {
    const fills = fillsFor(SPREAD, at(10, 31));
    expect(ask('isEntryFilled', entering(), reply(order('ENTRY'), 'FILLED', fills))).toBe(true);
    expect(ask('isEntryFilled', entering('UNWIND'), reply(order('UNWIND'), 'FILLED', fills))).toBe(false);
    expect(ask('isEntryFilled', entering(), reply(order('ENTRY'), 'PARTIALLY_FILLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('isUnwindFilled', entering('UNWIND'), reply(order('UNWIND'), 'FILLED', fills))).toBe(true);
    expect(ask('isUnwindFilled', entering(), reply(order('ENTRY'), 'FILLED', fills))).toBe(false);
    expect(ask('isUnwindFilled', entering('UNWIND'), reply(order('UNWIND'), 'CANCELLED'))).toBe(false);
    expect(ask('isOrderFilled', entering('ADJUST'), reply(order('ADJUST'), 'FILLED', fills))).toBe(true);
    expect(ask('isOrderFilled', entering('ADJUST'), reply(order('ADJUST'), 'WORKING'))).toBe(false);
  });

  it('ignore a reply to another order, however final', () => {
    const other = { ...order('ENTRY'), clientOrderId: `g:${FRIDAY}:entry:0` };
    const fills = fillsFor(SPREAD, at(10, 31));
    expect(ask('isEntryFilled', entering(), reply(other, 'FILLED', fills))).toBe(false);
    expect(ask('isOrderFilled', entering(), reply(other, 'FILLED', fills))).toBe(false);
    expect(ask('isDead', entering(), reply(other, 'REJECTED'))).toBe(false);
    expect(ask('isDeadUnfilled', entering(), reply(other, 'REJECTED'))).toBe(false);
    expect(ask('isProgress', entering(), reply(other, 'PARTIALLY_FILLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('hasNewFills', entering(), reply(other, 'PARTIALLY_FILLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('isDeadLeavingFlat', entering(), reply(other, 'REJECTED'))).toBe(false);
    expect(ask('isDeadLeavingLegs', entering(), reply(other, 'CANCELLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('isFilledAndFlat', context({ order: order('CLOSE', CLOSING), position: held }), reply({ ...order('CLOSE', CLOSING), clientOrderId: 'other' }, 'FILLED', fillsFor(CLOSING, at(10, 40))))).toBe(false);
    expect(ask('isUnwindFilled', entering('UNWIND'), reply({ ...order('UNWIND'), clientOrderId: 'other' }, 'FILLED', fills))).toBe(false);
  });

  it('count rejected and cancelled orders as dead, and working or part-filled ones as alive', () => {
    expect(ask('isDead', entering(), reply(order('ENTRY'), 'REJECTED'))).toBe(true);
    expect(ask('isDead', entering(), reply(order('ENTRY'), 'CANCELLED'))).toBe(true);
    expect(ask('isDead', entering(), reply(order('ENTRY'), 'PARTIALLY_FILLED'))).toBe(false);
    expect(ask('isDead', entering(), reply(order('ENTRY'), 'FILLED'))).toBe(false);
  });

  it("tell the pre-trade gate's refusal (never sent, nothing filled) from the broker's rejection", () => {
    const refused = (out: PendingOrder, status: OrderUpdate['status'] = 'REJECTED', legFills: readonly LegFill[] = []): StrategyEvent => ({
      type: 'order.updated',
      order: { ...update(out, status, legFills, at(10, 32).time), reason: 'pre-trade gate: system is HALTED', isGateRefusal: true },
    });
    expect(ask('isRefusedByGate', entering(), refused(order('ENTRY')))).toBe(true);
    expect(ask('isRefusedByGate', entering('ADJUST'), refused(order('ADJUST')))).toBe(true);
    expect(ask('isRefusedByGate', entering(), reply(order('ENTRY'), 'REJECTED'))).toBe(false);
    expect(ask('isRefusedByGate', entering(), refused(order('ENTRY'), 'CANCELLED'))).toBe(false);
    expect(ask('isRefusedByGate', entering(), refused(order('ENTRY'), 'REJECTED', fillsFor(SPREAD, at(10, 31)).slice(0, 1)))).toBe(false);
    expect(ask('isRefusedByGate', entering(), refused({ ...order('ENTRY'), clientOrderId: 'other' }))).toBe(false);
  });

  it('open the circuit on a dead order only when it is the third error of the cycle', () => {
    const rejected = reply(order('ENTRY'), 'REJECTED');
    expect(ask('isDeadWithOpenCircuit', { ...entering(), errorCount: 1 }, rejected)).toBe(false);
    expect(ask('isDeadWithOpenCircuit', { ...entering(), errorCount: 2 }, rejected)).toBe(true);
    expect(ask('isDeadWithOpenCircuit', { ...entering(), errorCount: 2 }, reply(order('ENTRY'), 'PARTIALLY_FILLED'))).toBe(false);
  });

  it('tell a dead entry that left nothing from one that left legs to unwind', () => {
    const oneLeg = fillsFor(SPREAD, at(10, 31)).slice(0, 1);
    expect(ask('isDeadLeavingFlat', entering(), reply(order('ENTRY'), 'REJECTED'))).toBe(true);
    expect(ask('isDeadLeavingLegs', entering(), reply(order('ENTRY'), 'REJECTED'))).toBe(false);
    expect(ask('isDeadLeavingFlat', entering(), reply(order('ENTRY'), 'CANCELLED', oneLeg))).toBe(false);
    expect(ask('isDeadLeavingLegs', entering(), reply(order('ENTRY'), 'CANCELLED', oneLeg))).toBe(true);
    // A part fill is not dead: neither rollback nor unwind yet.
    expect(ask('isDeadLeavingFlat', entering(), reply(order('ENTRY'), 'WORKING'))).toBe(false);
    expect(ask('isDeadLeavingLegs', entering(), reply(order('ENTRY'), 'PARTIALLY_FILLED', oneLeg))).toBe(false);
  });

  it('find a dead adjustment unfilled only when the venue filled none of its legs', () => {
    const adjusting = context({ order: order('ADJUST'), position: held });
    expect(ask('isDeadUnfilled', adjusting, reply(order('ADJUST'), 'REJECTED'))).toBe(true);
    expect(ask('isDeadUnfilled', adjusting, reply(order('ADJUST'), 'CANCELLED', fillsFor(SPREAD, at(10, 31)).slice(0, 1)))).toBe(false);
    expect(ask('isDeadUnfilled', adjusting, reply(order('ADJUST'), 'WORKING'))).toBe(false);
  });

  it('see progress only in new fills of an order still working', () => {
    const fills = fillsFor(SPREAD, at(10, 31));
    const oneApplied = context({ order: order('ENTRY', SPREAD, 1), position: emptyPosition('PUT_SPREAD', 0) });
    expect(ask('isProgress', entering(), reply(order('ENTRY'), 'PARTIALLY_FILLED', fills.slice(0, 1)))).toBe(true);
    expect(ask('isProgress', oneApplied, reply(order('ENTRY', SPREAD, 1), 'PARTIALLY_FILLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('isProgress', entering(), reply(order('ENTRY'), 'FILLED', fills))).toBe(false);
    expect(ask('isProgress', entering(), reply(order('ENTRY'), 'CANCELLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('hasNewFills', entering(), reply(order('ENTRY'), 'CANCELLED', fills.slice(0, 1)))).toBe(true);
    expect(ask('hasNewFills', oneApplied, reply(order('ENTRY', SPREAD, 1), 'CANCELLED', fills.slice(0, 1)))).toBe(false);
  });

  it('find a close filled and flat only when nothing is left held', () => {
    const closing = context({ order: order('CLOSE', CLOSING), position: held });
    const fills = fillsFor(CLOSING, at(10, 40));
    expect(ask('isFilledAndFlat', closing, reply(order('CLOSE', CLOSING), 'FILLED', fills))).toBe(true);
    expect(ask('isFilledAndFlat', closing, reply(order('CLOSE', CLOSING), 'FILLED', fills.slice(0, 1)))).toBe(false);
    expect(ask('isFilledAndFlat', closing, reply(order('CLOSE', CLOSING), 'CANCELLED', fills))).toBe(false);
  });
});

describe('the lifecycle guards on failures and deadlines', () => {
  const out = order('ENTRY');
  const entering = (errorCount = 0) => context({ order: out, errorCount });

  it('retry a connection or timeout failure of the order out, not an unknown one or another order', () => {
    expect(ask('isRecoverableFailure', entering(), failure(out, 'CONNECTION'))).toBe(true);
    expect(ask('isRecoverableFailure', entering(), failure(out, 'TIMEOUT'))).toBe(true);
    expect(ask('isRecoverableFailure', entering(), failure(out, 'UNKNOWN'))).toBe(false);
    expect(ask('isRecoverableFailure', entering(), failure({ ...out, clientOrderId: 'other' }))).toBe(false);
    expect(ask('isRecoverableFailure', context(), failure(out))).toBe(false);
  });

  it('open the circuit at the failure that is the third error of the cycle', () => {
    expect(ask('isCircuitOpen', entering(1), failure(out))).toBe(false);
    expect(ask('isCircuitOpen', entering(2), failure(out))).toBe(true);
    expect(ask('isCircuitOpen', entering(2), failure({ ...out, clientOrderId: 'other' }))).toBe(false);
    // Only an order failure counts, even with no order out to compare ids with.
    expect(ask('isCircuitOpen', context({ errorCount: 2 }), { type: 'system.restored', time: at(10, 32).time })).toBe(false);
  });

  it('find an order overdue on the first bar after its deadline, not on the deadline itself', () => {
    const atDeadline = tick({ ...at(10, 0), time: DEADLINE });
    const after = tick({ ...at(10, 0), time: DEADLINE + MINUTE_MS });
    expect(ask('isOrderOverdue', entering(), atDeadline)).toBe(false);
    expect(ask('isOrderOverdue', entering(), after)).toBe(true);
    expect(ask('isOrderOverdue', context(), after)).toBe(false);
    expect(ask('isOrderOverdue', entering(), { type: 'system.restored', time: DEADLINE + MINUTE_MS })).toBe(false);
    expect(ask('isOrderOverdueWithOpenCircuit', entering(1), after)).toBe(false);
    expect(ask('isOrderOverdueWithOpenCircuit', entering(2), after)).toBe(true);
    expect(ask('isOrderOverdueWithOpenCircuit', entering(2), atDeadline)).toBe(false);
  });
});

describe('the lifecycle guards on a held position', () => {
  it('flatten in an emergency only what is held, and not under a mere halt or reduction', () => {
    expect(ask('isEmergencyWithPosition', context({ position: held }), tick(at(11, 0), 'EMERGENCY'))).toBe(true);
    expect(ask('isEmergencyWithPosition', context({ position: held }), tick(at(11, 0)))).toBe(false);
    expect(ask('isEmergencyWithPosition', context({ position: held }), tick(at(11, 0), 'HALTED'))).toBe(false);
    expect(ask('isEmergencyWithPosition', context({ position: held }), tick(at(11, 0), 'REDUCING'))).toBe(false);
    expect(ask('isEmergencyWithPosition', context(), tick(at(11, 0), 'EMERGENCY'))).toBe(false);
    expect(ask('isEmergencyWithPosition', context({ position: held }), { type: 'system.restored', time: at(11, 0).time })).toBe(false);
  });

  it('take a decision row only for the state the rules decide on', () => {
    // SPY at the short put's strike breaches it: 0DTE exits defensively.
    const breach = tick(at(11, 0, 570));
    expect(ask('isDecision', context({ position: held }), breach, { from: 'ACTIVE', to: 'DEFENSIVE_EXIT', next: 'DEFENSIVE_EXIT' })).toBe(true);
    expect(ask('isDecision', context({ position: held }), breach, { from: 'ACTIVE', to: 'EXITING', next: 'EXITING' })).toBe(false);
  });

  it('close from ERROR only a held position with no order in doubt', () => {
    const operator: StrategyEvent = { type: 'operator.defensiveExit', actor: 'dana', reason: 'flatten', time: at(11, 0).time };
    expect(ask('canCloseFromError', context({ position: held }), operator)).toBe(true);
    expect(ask('canCloseFromError', context({ position: held, order: order('CLOSE', CLOSING) }), operator)).toBe(false);
    expect(ask('canCloseFromError', context(), operator)).toBe(false);
  });
});

describe('the lifecycle guards on recovery', () => {
  const since = at(10, 40).time;
  const recovering = (inDoubt: PendingOrder | null) =>
    context({ position: held, recovery: { cause: 'CONNECTION', since, attempts: 0, nextAttemptAt: since, order: inDoubt } });

  it('land where the settled order says, and only on a recovery check', () => {
    const close = order('CLOSE', CLOSING);
    const filled: StrategyEvent = { type: 'recovery.checked', order: update(close, 'FILLED', fillsFor(CLOSING, at(10, 41)), since), time: since };
    expect(ask('isRecoveryOutcome', recovering(close), filled, { from: 'RECOVERY', to: 'COMPLETE', next: 'COMPLETE' })).toBe(true);
    expect(ask('isRecoveryOutcome', recovering(close), filled, { from: 'RECOVERY', to: 'ACTIVE', next: 'ACTIVE' })).toBe(false);
    expect(ask('isRecoveryOutcome', context({ position: held }), filled, { from: 'RECOVERY', to: 'ACTIVE', next: 'ACTIVE' })).toBe(false);
    expect(ask('isRecoveryOutcome', recovering(close), tick(at(10, 41)), { from: 'RECOVERY', to: 'COMPLETE', next: 'COMPLETE' })).toBe(false);
  });

  it('give up on recovery after more than 30 minutes of market time', () => {
    const bar = (minutes: number) => tick({ ...at(10, 0), time: since + minutes * MINUTE_MS });
    expect(ask('isRecoveryOverdue', recovering(null), bar(30))).toBe(false);
    expect(ask('isRecoveryOverdue', recovering(null), bar(31))).toBe(true);
    expect(ask('isRecoveryOverdue', context(), bar(31))).toBe(false);
    expect(ask('isRecoveryOverdue', recovering(null), { type: 'recovery.failed', message: 'x', time: since + 31 * MINUTE_MS })).toBe(false);
  });
});
