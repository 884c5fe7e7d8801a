import { describe, it, expect } from 'vitest';
import { nyTime } from '../domain/market/calendar';
import { comboMid, quoteOption } from '../domain/market/option-pricing';
import type { ComboOrder, MarketBar, OrderLeg } from '../domain/market/types';
import { PaperBroker } from './paper-broker';

const TODAY = '2026-11-20';
const bar: MarketBar = { time: nyTime(TODAY, 10, 30), spy: 590, vix: 24, spyOpen: 589 };

const leg = (side: 'BUY' | 'SELL', strike: number, right: 'C' | 'P', overrides: Partial<OrderLeg> = {}): OrderLeg => ({
  contract: { underlying: 'SPY', expiry: TODAY, strike, right },
  side,
  quantity: 1,
  ...overrides,
});

const condor = (clientOrderId: string, legs?: readonly OrderLeg[]): ComboOrder => ({
  clientOrderId,
  legs: legs ?? [leg('SELL', 585, 'P'), leg('BUY', 580, 'P'), leg('SELL', 595, 'C'), leg('BUY', 600, 'C')],
});

describe('PaperBroker', () => {
  it('fills every leg at its mid at the bar time, netting SELL against BUY', async () => {
    const broker = new PaperBroker();
    const order = condor('s1:c1:entry:1');
    const placed = await broker.placeCombo(order, bar);

    expect(placed.status).toBe('FILLED');
    expect(placed.rejectReason).toBeNull();
    expect(placed.legs).toEqual(order.legs);
    expect(placed.fill?.clientOrderId).toBe('s1:c1:entry:1');
    expect(placed.fill?.time).toBe(bar.time);
    expect(placed.fill?.fills.map((f) => f.price)).toEqual(order.legs.map((l) => quoteOption(l.contract, bar).mid));
    expect(placed.fill?.fills.map((f) => f.leg)).toEqual(order.legs);
    expect(placed.fill?.netCredit).toBe(comboMid(order.legs, bar));
    expect(placed.fill?.netCredit).toBeGreaterThan(0);
  });

  it('records a debit as a negative net credit', async () => {
    const placed = await new PaperBroker().placeCombo(condor('debit', [leg('BUY', 590, 'C')]), bar);
    expect(placed.fill?.netCredit).toBeLessThan(0);
  });

  it('returns the stored order for a repeated clientOrderId, even after the market moved', async () => {
    const broker = new PaperBroker();
    const first = await broker.placeCombo(condor('same-id'), bar);
    const moved: MarketBar = { ...bar, time: bar.time + 5 * 60_000, spy: 580, vix: 30 };
    const repeat = await broker.placeCombo(condor('same-id'), moved);

    expect(repeat).toEqual(first);
    expect(broker.orderCount()).toBe(1);
  });

  it('finds placed orders by clientOrderId and returns null for unknown ids', async () => {
    const broker = new PaperBroker();
    const placed = await broker.placeCombo(condor('findable'), bar);
    expect(await broker.findOrder('findable')).toEqual(placed);
    expect(await broker.findOrder('never-sent')).toBeNull();
  });

  it('rejects when the market is closed at the bar time', async () => {
    const broker = new PaperBroker();
    const afterClose: MarketBar = { ...bar, time: nyTime(TODAY, 16, 0) };
    const placed = await broker.placeCombo(condor('late'), afterClose);
    expect(placed).toMatchObject({ status: 'REJECTED', fill: null });
    expect(placed.rejectReason).toMatch(/market is closed/);
  });

  it('rejects on a holiday', async () => {
    const thanksgiving: MarketBar = { ...bar, time: nyTime('2026-11-26', 10, 30) };
    const placed = await new PaperBroker().placeCombo(condor('holiday'), thanksgiving);
    expect(placed.rejectReason).toMatch(/market is closed/);
  });

  it('rejects an order with no legs', async () => {
    const placed = await new PaperBroker().placeCombo({ clientOrderId: 'empty', legs: [] }, bar);
    expect(placed).toMatchObject({ status: 'REJECTED', rejectReason: 'order has no legs', fill: null });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a leg with quantity %s', async (quantity) => {
    const legs = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P', { quantity })];
    const placed = await new PaperBroker().placeCombo(condor('bad-qty', legs), bar);
    expect(placed.status).toBe('REJECTED');
    expect(placed.rejectReason).toMatch(/leg 2 .*quantity must be a positive whole number/);
  });

  it.each([0, -580, Number.NaN, Number.POSITIVE_INFINITY])('rejects a leg with strike %s', async (strike) => {
    const legs = [leg('SELL', 585, 'P'), leg('BUY', strike, 'P')];
    const placed = await new PaperBroker().placeCombo(condor('bad-strike', legs), bar);
    expect(placed.status).toBe('REJECTED');
    expect(placed.rejectReason).toMatch(/leg 2 .*strike must be a positive price/);
  });

  it('rejects a leg whose contract has already expired', async () => {
    const expired = leg('SELL', 585, 'P', {
      contract: { underlying: 'SPY', expiry: '2026-11-19', strike: 585, right: 'P' },
    });
    const placed = await new PaperBroker().placeCombo(condor('stale', [leg('BUY', 580, 'P'), expired]), bar);
    expect(placed.status).toBe('REJECTED');
    expect(placed.rejectReason).toMatch(/leg 2 .*expired/);
  });

  it('fills nothing when one leg is bad: all legs or none', async () => {
    const legs = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P'), leg('SELL', 595, 'C', { quantity: 0 })];
    const placed = await new PaperBroker().placeCombo(condor('partial', legs), bar);
    expect(placed.status).toBe('REJECTED');
    expect(placed.fill).toBeNull();
  });

  it('keeps a rejection for its clientOrderId: the retry needs a new id', async () => {
    const broker = new PaperBroker();
    await broker.placeCombo(condor('retry'), { ...bar, time: nyTime(TODAY, 8, 0) });
    const again = await broker.placeCombo(condor('retry'), bar);
    const fresh = await broker.placeCombo(condor('retry:2'), bar);
    expect(again.status).toBe('REJECTED');
    expect(fresh.status).toBe('FILLED');
    expect(broker.orderCount()).toBe(2);
  });

  it('counts each distinct order once', async () => {
    const broker = new PaperBroker();
    expect(broker.orderCount()).toBe(0);
    await broker.placeCombo(condor('a'), bar);
    await broker.placeCombo(condor('b'), bar);
    await broker.placeCombo(condor('a'), bar);
    expect(broker.orderCount()).toBe(2);
  });
});
