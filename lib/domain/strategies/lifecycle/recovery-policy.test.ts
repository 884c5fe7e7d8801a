import { describe, expect, it } from 'vitest';
import type { LegFill, OrderLeg } from '../../market/types';
import { emptyPosition, type Position } from '../position';
import { initialSnapshot, update } from '../testing/model';
import { ZERO_DTE_DEFAULTS } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { backoffMinutes, beginRecovery, resolveRecovery } from './recovery-policy';
import { contextOf } from './strategy-snapshot';
import type { OrderPurpose, OrderUpdate, PendingOrder, StrategyContext } from './types';

const EXPIRY = '2026-11-20';
const SHORT_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: EXPIRY, strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const LONG_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: EXPIRY, strike: 565, right: 'P' }, side: 'BUY', quantity: 1 };
const SPREAD = [LONG_PUT, SHORT_PUT];
const CLOSING: OrderLeg[] = [{ ...LONG_PUT, side: 'SELL' }, { ...SHORT_PUT, side: 'BUY' }];
const held: Position = {
  ...emptyPosition('PUT_SPREAD', 0),
  legs: [{ contract: LONG_PUT.contract, quantity: 1 }, { contract: SHORT_PUT.contract, quantity: -1 }],
  cash: 40,
  entryCash: 40,
};

const fresh = contextOf(initialSnapshot(zeroDteMachine, { strategyId: 'r', settings: ZERO_DTE_DEFAULTS }));
const order = (purpose: OrderPurpose, legs: readonly OrderLeg[]): PendingOrder => ({ clientOrderId: `r:${purpose.toLowerCase()}:1`, purpose, legs, deadline: 0, appliedFills: 0 });
/** Recovering with `inDoubt` while holding `position`. */
const recovering = (inDoubt: PendingOrder | null, position: Position | null): StrategyContext<unknown> => ({
  ...fresh,
  position,
  recovery: beginRecovery('CONNECTION', 0, inDoubt),
});
const fill = (legs: readonly OrderLeg[]): LegFill[] => legs.map((leg) => ({ leg, price: 1 }));
const settled = (inDoubt: PendingOrder, status: OrderUpdate['status'], fills: readonly LegFill[]) => update(inDoubt, status, fills, 0);

describe('where recovery lands once the order in doubt is settled', () => {
  it('completes the cycle when a close filled and nothing is left', () => {
    const close = order('CLOSE', CLOSING);
    const resolution = resolveRecovery(recovering(close, held), settled(close, 'FILLED', fill(CLOSING)));
    expect(resolution).toMatchObject({ next: 'COMPLETE', reason: 'order r:close:1 filled: closed' });
    expect(resolution.position?.legs).toEqual([]);
  });

  it('closes what a filled close or unwind left behind', () => {
    const close = order('CLOSE', CLOSING);
    expect(resolveRecovery(recovering(close, held), settled(close, 'FILLED', fill(CLOSING.slice(0, 1))))).toMatchObject({
      next: 'DEFENSIVE_EXIT',
      reason: 'order r:close:1 filled but legs remain: closing them',
    });
    const unwind = order('UNWIND', CLOSING);
    expect(resolveRecovery(recovering(unwind, held), settled(unwind, 'FILLED', fill(CLOSING.slice(1))))).toMatchObject({
      next: 'DEFENSIVE_EXIT',
      reason: 'order r:unwind:1 filled but legs remain: closing them',
    });
  });

  it('waits for the next entry when an unwind filled and nothing is left', () => {
    const unwind = order('UNWIND', CLOSING);
    expect(resolveRecovery(recovering(unwind, held), settled(unwind, 'FILLED', fill(CLOSING)))).toMatchObject({ next: 'WAITING', reason: 'order r:unwind:1 filled: entry unwound' });
  });

  it('holds the position an entry filled while in doubt', () => {
    const entry = order('ENTRY', SPREAD);
    const resolution = resolveRecovery(recovering(entry, emptyPosition('PUT_SPREAD', 0)), settled(entry, 'FILLED', fill(SPREAD)));
    expect(resolution).toMatchObject({ next: 'ACTIVE', reason: 'order r:entry:1 filled: position held' });
    expect(resolution.position?.legs).toEqual(held.legs);
  });

  it('with nothing held, completes after a close, waits after an unwind or an entry', () => {
    const close = order('CLOSE', CLOSING);
    expect(resolveRecovery(recovering(close, null), settled(close, 'CANCELLED', []))).toMatchObject({ next: 'COMPLETE', reason: 'order r:close:1 cancelled: nothing held' });
    const unwind = order('UNWIND', CLOSING);
    expect(resolveRecovery(recovering(unwind, null), settled(unwind, 'CANCELLED', []))).toMatchObject({ next: 'WAITING', reason: 'order r:unwind:1 cancelled: nothing held' });
    const entry = order('ENTRY', SPREAD);
    expect(resolveRecovery(recovering(entry, null), settled(entry, 'REJECTED', []))).toMatchObject({ next: 'WAITING', reason: 'order r:entry:1 rejected: nothing held' });
    expect(resolveRecovery(recovering(null, null), null)).toMatchObject({ next: 'WAITING', reason: 'no order in doubt: nothing held' });
  });

  it('holds a position with no order in doubt', () => {
    expect(resolveRecovery(recovering(null, held), null)).toEqual({ next: 'ACTIVE', position: held, reason: 'no order in doubt: position held' });
  });

  it('keeps a position unchanged when its adjustment filled nothing, or its fate is unknown', () => {
    const adjust = order('ADJUST', [{ ...SHORT_PUT, side: 'BUY' }]);
    expect(resolveRecovery(recovering(adjust, held), settled(adjust, 'CANCELLED', []))).toMatchObject({
      next: 'ACTIVE',
      position: held,
      reason: 'order r:adjust:1 cancelled: adjustment not made, position unchanged',
    });
    expect(resolveRecovery(recovering(adjust, held), null)).toMatchObject({ next: 'ACTIVE', reason: 'order r:adjust:1 unknown: adjustment not made, position unchanged' });
  });

  it('closes a position a part-filled adjustment or entry left', () => {
    const adjust = order('ADJUST', CLOSING);
    expect(resolveRecovery(recovering(adjust, held), settled(adjust, 'CANCELLED', fill(CLOSING.slice(0, 1))))).toMatchObject({
      next: 'DEFENSIVE_EXIT',
      reason: 'order r:adjust:1 cancelled with legs held: closing them',
    });
    const entry = order('ENTRY', SPREAD);
    const partly = resolveRecovery(recovering(entry, emptyPosition('PUT_SPREAD', 0)), settled(entry, 'CANCELLED', fill(SPREAD.slice(0, 1))));
    expect(partly).toMatchObject({ next: 'DEFENSIVE_EXIT', reason: 'order r:entry:1 cancelled with legs held: closing them' });
    expect(partly.position?.legs).toEqual([{ contract: LONG_PUT.contract, quantity: 1 }]);
  });

  it('never takes the broker word on another order for the order in doubt', () => {
    const close = order('CLOSE', CLOSING);
    const other = { ...close, clientOrderId: 'r:close:0' };
    expect(resolveRecovery(recovering(close, held), settled(other, 'FILLED', fill(CLOSING)))).toEqual({
      next: 'DEFENSIVE_EXIT',
      position: held,
      reason: 'order r:close:1 unknown with legs held: closing them',
    });
  });
});

describe('the pace of recovery', () => {
  it('looks at the broker at once when it starts', () => {
    const inDoubt = order('ENTRY', SPREAD);
    expect(beginRecovery('RESTART', 1_000, inDoubt)).toEqual({ cause: 'RESTART', since: 1_000, attempts: 0, nextAttemptAt: 1_000, order: inDoubt });
  });

  it('backs off 2, 4, 8, 16 minutes, then stays at 16', () => {
    expect([1, 2, 3, 4, 5, 8].map(backoffMinutes)).toEqual([2, 4, 8, 16, 16, 16]);
  });
});
