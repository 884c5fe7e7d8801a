import { describe, expect, it } from 'vitest';
import type { OrderLeg } from '../../market/types';
import { initialSnapshot, update } from '../testing/model';
import { ZERO_DTE_DEFAULTS } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { isDeadStatus, positionAfter, replyTo } from './order-replies';
import { contextOf } from './strategy-snapshot';
import type { PendingOrder } from './types';

const LEG: OrderLeg = { contract: { underlying: 'SPY', expiry: '2026-11-20', strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const OTHER: OrderLeg = { ...LEG, contract: { ...LEG.contract, strike: 565 }, side: 'BUY' };
const fresh = contextOf(initialSnapshot(zeroDteMachine, { strategyId: 'o', settings: ZERO_DTE_DEFAULTS }));
const out: PendingOrder = { clientOrderId: 'o:1', purpose: 'ENTRY', legs: [LEG, OTHER], deadline: 0, appliedFills: 0 };

describe('replies to the order out', () => {
  it('are the replies carrying its id, and nothing else', () => {
    const reply = update(out, 'WORKING', [], 5);
    expect(replyTo({ ...fresh, order: out }, { type: 'order.updated', order: reply })).toBe(reply);
    expect(replyTo({ ...fresh, order: out }, { type: 'order.updated', order: { ...reply, clientOrderId: 'o:0' } })).toBeNull();
    expect(replyTo(fresh, { type: 'order.updated', order: reply })).toBeNull();
    expect(replyTo({ ...fresh, order: out }, { type: 'order.failed', clientOrderId: 'o:1', errorClass: 'UNKNOWN', message: 'x', time: 5 })).toBeNull();
  });

  it('end the order when rejected or cancelled', () => {
    const statuses = ['WORKING', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELLED'] as const;
    expect(statuses.filter((status) => isDeadStatus(update(out, status, [], 0)))).toEqual(['REJECTED', 'CANCELLED']);
  });

  it('move the position by the fills not applied yet, starting from an empty one named by the proposal', () => {
    const fills = [{ leg: LEG, price: 1.5 }, { leg: OTHER, price: 1 }];
    const fromProposal = positionAfter({ ...fresh, proposal: { structure: 'PUT_SPREAD', legs: [], proposedAt: 0, note: '' } }, out, update(out, 'FILLED', fills, 7));
    expect(fromProposal).toEqual({ structure: 'PUT_SPREAD', legs: [{ contract: LEG.contract, quantity: -1 }, { contract: OTHER.contract, quantity: 1 }], cash: 50, entryCash: 0, openedAt: 7 });
    const unnamed = positionAfter(fresh, { ...out, appliedFills: 1 }, update(out, 'FILLED', fills, 7));
    expect(unnamed).toEqual({ structure: 'POSITION', legs: [{ contract: OTHER.contract, quantity: 1 }], cash: -100, entryCash: 0, openedAt: 7 });
  });
});
