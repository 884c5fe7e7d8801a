import { describe, expect, it } from 'vitest';
import { comboMid } from '../../market/option-pricing';
import type { OrderLeg } from '../../market/types';
import { MINUTE_MS } from '../../market/time';
import { barAt, initialSnapshot } from '../testing/model';
import { ZERO_DTE_DEFAULTS } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { clientOrderId, nextOrder } from './order-ids';
import { contextOf } from './strategy-snapshot';

const LEG: OrderLeg = { contract: { underlying: 'SPY', expiry: '2026-11-20', strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const fresh = contextOf(initialSnapshot(zeroDteMachine, { strategyId: 'o', settings: ZERO_DTE_DEFAULTS }));

describe('client order ids', () => {
  it('name the strategy, the cycle, the purpose and the attempt, so a resend is the same order', () => {
    expect(clientOrderId('s1', '2026-11-20', 'UNWIND', 3)).toBe('s1:2026-11-20:unwind:3');
    expect(clientOrderId('s1', null, 'ENTRY', 1)).toBe('s1:null:entry:1');
  });

  it('give every next order a new attempt number and a 5-minute deadline', () => {
    const context = { ...fresh, cycle: '2026-11-20', orderAttempts: 4 };
    expect(nextOrder(context, 'CLOSE', [LEG], 1_000)).toEqual({
      order: { clientOrderId: 'o:2026-11-20:close:5', purpose: 'CLOSE', legs: [LEG], deadline: 1_000 + 5 * MINUTE_MS, appliedFills: 0 },
      orderAttempts: 5,
    });
  });

  it('keep the combo mid of the bar an order is decided on, for the pre-trade collar; none without a bar', () => {
    const bar = barAt(Date.parse('2026-11-20T15:31:00Z'), 590, 24);
    const { order } = nextOrder({ ...fresh, cycle: '2026-11-20' }, 'ENTRY', [LEG], bar.time, bar);
    expect(order.decidedPrice).toBe(comboMid([LEG], bar));
    expect(order.decidedPrice).toBeGreaterThan(0);
  });
});
