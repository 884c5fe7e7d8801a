import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { comboMid, quoteOption } from '../market/option-pricing';
import type { MarketBar, OptionContract } from '../market/types';
import { clientOrderId } from './lifecycle/order-ids';
import type { StoredSnapshot } from './lifecycle/stored-snapshot';
import { contextOf } from './lifecycle/strategy-snapshot';
import type { PendingOrder, StrategyContext } from './lifecycle/types';
import { describePlan, emergencyHaltPlan, fnv1a, overrideEvent, previewDifference, singleStrategyPlan, type PlanSubject } from './override-plan';
import type { Position } from './position';
import { pureTransition } from './pure-transition';
import { strategyDefinition } from './registry';
import { restoreSnapshot, strategyInput } from './restore-snapshot';
import { barAt } from './testing/model';
import { ZERO_DTE_DEFAULTS } from './zero-dte/zero-dte.rules';

const DAY = '2026-11-20';
const machine = strategyDefinition('ZERO_DTE').machine;
const bar = (spy = 590, minute = 0): MarketBar => barAt(nyTime(DAY, 11, minute), spy, 24);

const put = (strike: number): OptionContract => ({ underlying: 'SPY', expiry: DAY, strike, right: 'P' });
const call = (strike: number): OptionContract => ({ underlying: 'SPY', expiry: DAY, strike, right: 'C' });

/** A 0DTE iron condor held short the inner strikes, long the wings. */
const CONDOR: Position = {
  structure: 'IRON_CONDOR',
  legs: [
    { contract: put(575), quantity: 1 },
    { contract: put(580), quantity: -1 },
    { contract: call(600), quantity: -1 },
    { contract: call(605), quantity: 1 },
  ],
  cash: 120,
  entryCash: 120,
  openedAt: nyTime(DAY, 10, 30),
};

const entryOrder = (purpose: PendingOrder['purpose'], attempt: number): PendingOrder => ({
  clientOrderId: clientOrderId('s', DAY, purpose, attempt),
  purpose,
  legs: [{ contract: put(580), side: 'SELL', quantity: 1 }],
  deadline: nyTime(DAY, 11, 5),
  appliedFills: 0,
});

/** A 0DTE strategy stored in `state` with `context` changed as given, as the engine and the preview restore it. */
function subject(id: string, state: string, changes: Partial<StrategyContext<unknown>>): PlanSubject {
  const fresh = machine.getPersistedSnapshot(restoreSnapshot(machine, null, id, ZERO_DTE_DEFAULTS)) as unknown as StoredSnapshot;
  const stored = { ...fresh, value: state, context: { ...fresh.context, cycle: DAY, orderAttempts: 1, ...changes } } as StoredSnapshot;
  const snapshot = restoreSnapshot(machine, stored, id, ZERO_DTE_DEFAULTS);
  return { id, name: `Strategy ${id}`, machine, snapshot, transition: pureTransition(machine, strategyInput(id, ZERO_DTE_DEFAULTS)) };
}

describe('the orders an override would send', () => {
  it('a defensive exit closes every held leg in one CLOSE order under the next id, each leg at its mid in the chain', () => {
    const held = subject('s', 'ACTIVE', { position: CONDOR });
    const plan = singleStrategyPlan('defensive-exit', held, bar());
    expect(plan.strategies).toHaveLength(1);
    const [strategy] = plan.strategies;
    expect(strategy).toMatchObject({ from: 'ACTIVE', to: 'DEFENSIVE_EXIT', refusal: null, cancels: [] });
    expect(strategy!.orders).toHaveLength(1);
    const [order] = strategy!.orders;
    expect(order).toMatchObject({ clientOrderId: `s:${DAY}:close:2`, purpose: 'CLOSE', when: 'now' });
    expect(order!.legs).toEqual([
      { ...put(575), side: 'SELL', quantity: 1, limitPrice: quoteOption(put(575), bar()).mid },
      { ...put(580), side: 'BUY', quantity: 1, limitPrice: quoteOption(put(580), bar()).mid },
      { ...call(600), side: 'BUY', quantity: 1, limitPrice: quoteOption(call(600), bar()).mid },
      { ...call(605), side: 'SELL', quantity: 1, limitPrice: quoteOption(call(605), bar()).mid },
    ]);
    expect(order!.netPrice).toBeLessThan(0);
  });

  it('is exactly the order the machine decides when the event is sent', () => {
    const held = subject('s', 'ACTIVE', { position: CONDOR });
    const [order] = singleStrategyPlan('defensive-exit', held, bar()).strategies[0]!.orders;
    const sent = contextOf(held.transition(held.snapshot, overrideEvent('defensive-exit', bar().time, 'carol', 'risk off'))).order!;
    expect(sent.clientOrderId).toBe(order!.clientOrderId);
    expect(sent.legs.map(({ contract, side, quantity }) => ({ ...contract, side, quantity }))).toEqual(
      order!.legs.map(({ underlying, expiry, strike, right, side, quantity }) => ({ underlying, expiry, strike, right, side, quantity })),
    );
    expect(comboMid(sent.legs, bar())).toBe(order!.netPrice);
  });

  it('sends nothing where the machine refuses the event, and says why', () => {
    const plan = singleStrategyPlan('defensive-exit', subject('s', 'WAITING', {}), bar());
    expect(plan.strategies[0]).toMatchObject({ to: null, orders: [], cancels: [], refusal: expect.stringContaining('WAITING does not accept operator.defensiveExit') });
    expect(describePlan(plan)).toContain('refused');
  });

  it('a defensive exit from ERROR waits for a recovery while an order is in doubt: a second close could double it', () => {
    const plan = singleStrategyPlan('defensive-exit', subject('s', 'ERROR', { position: CONDOR, order: entryOrder('CLOSE', 1) }), bar());
    expect(plan.strategies[0]).toMatchObject({ to: null, orders: [], refusal: expect.stringContaining('canCloseFromError') });
  });

  it('a recovery settles the order in doubt at the broker, then closes what is held if nothing more filled', () => {
    const inDoubt = entryOrder('CLOSE', 1);
    const plan = singleStrategyPlan('recover', subject('s', 'ERROR', { position: CONDOR, order: inDoubt, errorCount: 3 }), bar());
    const [strategy] = plan.strategies;
    expect(strategy).toMatchObject({ from: 'ERROR', to: 'RECOVERY', landsIn: 'DEFENSIVE_EXIT', cancels: [{ strategyId: 's', clientOrderId: inDoubt.clientOrderId, purpose: 'CLOSE' }] });
    expect(strategy!.orders).toMatchObject([{ clientOrderId: `s:${DAY}:close:2`, purpose: 'CLOSE', when: 'after-settling' }]);
    expect(strategy!.orders[0]!.legs).toHaveLength(4);
  });

  it('a recovery with nothing in doubt and nothing held sends nothing and waits flat for the next entry', () => {
    const plan = singleStrategyPlan('recover', subject('s', 'ERROR', {}), bar());
    expect(plan.strategies[0]).toMatchObject({ to: 'RECOVERY', landsIn: 'WAITING', orders: [], cancels: [], notes: [expect.stringContaining('no order in doubt')] });
  });
});

describe('an emergency halt', () => {
  const holding = subject('holding', 'ACTIVE', { position: CONDOR });
  const entering = subject('entering', 'ENTERING', { order: entryOrder('ENTRY', 1) });
  const closing = subject('closing', 'EXITING', { position: CONDOR, order: entryOrder('CLOSE', 1) });
  const flat = subject('flat', 'WAITING', {});

  it('closes each holding strategy, cancels each order that adds risk, keeps closes out, and leaves the flat alone', () => {
    const plan = emergencyHaltPlan([holding, entering, closing, flat], 'RUNNING', bar());
    expect(plan.strategies.map((strategy) => strategy.strategyId)).toEqual(['holding', 'entering', 'closing']);
    const [exit, cancel, kept] = plan.strategies;
    expect(exit).toMatchObject({ to: 'EMERGENCY_EXIT', orders: [{ clientOrderId: `holding:${DAY}:close:2`, purpose: 'CLOSE', when: 'now' }], cancels: [] });
    expect(cancel).toMatchObject({ to: null, orders: [], cancels: [{ strategyId: 'entering', clientOrderId: `s:${DAY}:entry:1`, purpose: 'ENTRY' }] });
    expect(kept).toMatchObject({ to: null, orders: [], cancels: [], notes: [expect.stringContaining('close order out is kept')] });
  });

  it('sends no exit on an unusable bar: each flattens on the first usable one', () => {
    const stale = { ...bar(), isStale: true };
    const plan = emergencyHaltPlan([holding], 'RUNNING', stale);
    expect(plan.strategies[0]).toMatchObject({ to: null, orders: [], notes: [expect.stringContaining('first usable bar')] });
  });

  it('changes nothing when the system already is in EMERGENCY', () => {
    const plan = emergencyHaltPlan([holding, entering], 'EMERGENCY', bar());
    expect(plan.strategies).toEqual([]);
    expect(plan.notes).toEqual([expect.stringContaining('already in EMERGENCY')]);
  });
});

describe('the fingerprint of a plan', () => {
  const held = subject('s', 'ACTIVE', { position: CONDOR });
  const inError = subject('s', 'ERROR', { position: CONDOR, order: entryOrder('CLOSE', 1) });
  const exitOn = (market: MarketBar, who = held) => singleStrategyPlan('defensive-exit', who, market);

  it('is the same for the same orders at the same prices', () => {
    expect(exitOn(bar()).fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(previewDifference(exitOn(bar()).fingerprint, exitOn(bar()))).toBe('same');
  });

  it('tells limit prices that moved from orders that changed', () => {
    expect(previewDifference(exitOn(bar()).fingerprint, exitOn(bar(592)))).toBe('prices');
    const smaller = subject('s', 'ACTIVE', { position: { ...CONDOR, legs: CONDOR.legs.slice(0, 2) } });
    expect(previewDifference(exitOn(bar()).fingerprint, exitOn(bar(), smaller))).toBe('orders');
  });

  it('of a recovery, changes its orders part when the order it settles is another', () => {
    const shown = singleStrategyPlan('recover', inError, bar()).fingerprint;
    expect(previewDifference(shown, singleStrategyPlan('recover', inError, bar(592)))).toBe('prices');
    const otherInDoubt = subject('s', 'ERROR', { position: CONDOR, order: entryOrder('CLOSE', 2), orderAttempts: 2 });
    expect(previewDifference(shown, singleStrategyPlan('recover', otherInDoubt, bar()))).toBe('orders');
  });

  it('is FNV-1a in 8 hex digits per part', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
  });
});
