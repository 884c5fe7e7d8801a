import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import type { ChangeEvent } from '../api/contract';
import type { Db } from '../db/client';
import { NotificationHub } from '../db/notifications';
import { nyTime } from '../domain/market/calendar';
import { comboNetCredit, quoteOption } from '../domain/market/option-pricing';
import type { ComboOrder, MarketBar, OrderLeg, Underlying } from '../domain/market/types';
import { BrokerConnectionError, BrokerTimeoutError, type BrokerOrder } from './broker';
import { NO_FAULTS, type BrokerFaultsChange } from '../domain/venue-faults';
import { PaperBroker } from './paper-broker';
import { LeaseRepository } from '../db/lease-repository';
import { PaperBrokerSettingsRepository } from '../db/paper-broker-settings-repository';

const TODAY = '2026-11-20';
const db: Db = testDb();
const settings = new PaperBrokerSettingsRepository(db);

/** A fresh, fault-free bar at `hour:minute` New York time today; override prices or staleness per test. */
function bar(hour: number, minute: number, overrides: { spy?: number; isStale?: boolean; date?: string } = {}): MarketBar {
  const price = (underlying: Underlying, standard: number) => {
    const value = underlying === 'SPY' ? (overrides.spy ?? standard) : standard;
    return { price: value, open: standard };
  };
  return {
    time: nyTime(overrides.date ?? TODAY, hour, minute),
    vix: 20,
    underlyings: { SPY: price('SPY', 590), QQQ: price('QQQ', 510), IWM: price('IWM', 235), ES: price('ES', 5900) },
    ...(overrides.isStale === undefined ? {} : { isStale: overrides.isStale }),
  };
}

const leg = (side: 'BUY' | 'SELL', strike: number, right: 'C' | 'P', overrides: Partial<OrderLeg> = {}): OrderLeg => ({
  contract: { underlying: 'SPY', expiry: TODAY, strike, right },
  side,
  quantity: 1,
  ...overrides,
});

const CONDOR: readonly OrderLeg[] = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P'), leg('SELL', 595, 'C'), leg('BUY', 600, 'C')];
const condor = (clientOrderId: string, legs: readonly OrderLeg[] = CONDOR): ComboOrder => ({ clientOrderId, legs });
const closing = (clientOrderId: string): ComboOrder => ({
  clientOrderId,
  legs: CONDOR.map((open) => ({ ...open, side: open.side === 'BUY' ? 'SELL' : 'BUY' })),
});
const mids = (legs: readonly OrderLeg[], at: MarketBar) => legs.map((l) => quoteOption(l.contract, at).mid);

/** A broker reading faults from the settings row, after they were set. */
async function brokerWith(faults: BrokerFaultsChange = {}): Promise<PaperBroker> {
  await settings.setFaults(faults);
  return new PaperBroker(db);
}

const count = async (table: 'paper_order' | 'paper_fill' | 'paper_position') => {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n;
};

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await db.$disconnect();
});

describe('PaperBroker filling combos', () => {
  it('fills every leg at its mid in one go, records the fills and opens a signed position per leg', async () => {
    const broker = await brokerWith();
    const at = bar(10, 30);
    const placed = await broker.placeCombo(condor('s1:c1:entry:1'), at);

    const prices = mids(CONDOR, at);
    expect(placed).toMatchObject({ clientOrderId: 's1:c1:entry:1', status: 'FILLED', rejectReason: null, updatedAt: at.time });
    expect(placed.legs).toEqual(CONDOR);
    expect(placed.legFills).toEqual(CONDOR.map((l, i) => ({ leg: l, price: prices[i] })));
    expect(placed.fill).toEqual({
      clientOrderId: 's1:c1:entry:1',
      time: at.time,
      fills: placed.legFills,
      netCredit: comboNetCredit(placed.legFills),
    });
    expect(placed.fill?.netCredit).toBeGreaterThan(0);
    expect(await count('paper_fill')).toBe(4);

    expect(await broker.positions()).toEqual([
      { underlying: 'SPY', expiry: TODAY, strike: 580, right: 'P', quantity: 1, averagePrice: prices[1] },
      { underlying: 'SPY', expiry: TODAY, strike: 585, right: 'P', quantity: -1, averagePrice: prices[0] },
      { underlying: 'SPY', expiry: TODAY, strike: 595, right: 'C', quantity: -1, averagePrice: prices[2] },
      { underlying: 'SPY', expiry: TODAY, strike: 600, right: 'C', quantity: 1, averagePrice: prices[3] },
    ]);
  });

  it('fills nothing when one leg is bad: all legs or none', async () => {
    const broker = await brokerWith();
    const legs = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P'), leg('SELL', 595, 'C', { quantity: 0 })];
    const placed = await broker.placeCombo(condor('one-bad-leg', legs), bar(10, 30));

    expect(placed).toMatchObject({ status: 'REJECTED', legFills: [], fill: null });
    expect(placed.rejectReason).toMatch(/leg 3 .*quantity must be a positive whole number/);
    expect(await count('paper_fill')).toBe(0);
    expect(await broker.positions()).toEqual([]);
  });

  it('nets positions out to nothing after the closing combo, and averages the price of a growing position', async () => {
    const broker = await brokerWith();
    await broker.placeCombo(condor('open'), bar(10, 30));
    const closed = await broker.placeCombo(closing('close'), bar(11, 0, { spy: 588 }));
    expect(closed.status).toBe('FILLED');
    expect(await broker.positions()).toEqual([]);

    const single = [leg('BUY', 590, 'C')];
    const first = bar(11, 1);
    const second = bar(11, 2, { spy: 592 });
    await broker.placeCombo(condor('buy-1', single), first);
    await broker.placeCombo(condor('buy-2', single), second);
    const [firstPrice, secondPrice] = [mids(single, first)[0]!, mids(single, second)[0]!];
    const [position] = await broker.positions();
    expect(position?.quantity).toBe(2);
    expect(position?.averagePrice).toBeCloseTo((firstPrice + secondPrice) / 2, 10);
  });

  it('records a debit as a negative net credit', async () => {
    const placed = await (await brokerWith()).placeCombo(condor('debit', [leg('BUY', 590, 'C')]), bar(10, 30));
    expect(placed.fill?.netCredit).toBeLessThan(0);
  });

  it('keeps fills append-only', async () => {
    await (await brokerWith()).placeCombo(condor('filled'), bar(10, 30));
    await expect(db.$executeRawUnsafe('UPDATE paper_fill SET price = 0')).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('DELETE FROM paper_fill')).rejects.toThrow(/append-only/);
  });
});

describe('PaperBroker validation', () => {
  const rejectionOf = async (order: ComboOrder, at: MarketBar = bar(10, 30)) => {
    const placed = await (await brokerWith()).placeCombo(order, at);
    expect(placed).toMatchObject({ status: 'REJECTED', fill: null, legFills: [] });
    return placed.rejectReason;
  };

  it('rejects when the market is closed at the bar time, or on a holiday', async () => {
    expect(await rejectionOf(condor('late'), bar(16, 0))).toMatch(/market is closed/);
    expect(await rejectionOf(condor('holiday'), bar(10, 30, { date: '2026-11-26' }))).toMatch(/market is closed/);
  });

  it('rejects an order with no legs', async () => {
    expect(await rejectionOf({ clientOrderId: 'empty', legs: [] })).toBe('order has no legs');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a leg with quantity %s and keeps the legs as sent', async (quantity) => {
    const legs = [leg('SELL', 585, 'P'), leg('BUY', 580, 'P', { quantity })];
    expect(await rejectionOf(condor('bad-qty', legs))).toMatch(/leg 2 .*quantity must be a positive whole number/);
    expect((await new PaperBroker(db).findOrder('bad-qty'))?.legs).toEqual(legs);
  });

  it.each([0, -580, Number.NaN, Number.POSITIVE_INFINITY])('rejects a leg with strike %s', async (strike) => {
    const legs = [leg('SELL', 585, 'P'), leg('BUY', strike, 'P')];
    expect(await rejectionOf(condor('bad-strike', legs))).toMatch(/leg 2 .*strike must be a positive price/);
  });

  it('rejects a leg whose contract has already expired', async () => {
    const expired = leg('SELL', 585, 'P', { contract: { underlying: 'SPY', expiry: '2026-11-19', strike: 585, right: 'P' } });
    expect(await rejectionOf(condor('expired', [leg('BUY', 580, 'P'), expired]))).toMatch(/leg 2 .*expired/);
  });

  it('keeps a rejection for its client order id: the retry needs a new id', async () => {
    const broker = await brokerWith();
    await broker.placeCombo(condor('retry'), bar(8, 0));
    expect((await broker.placeCombo(condor('retry'), bar(10, 30))).status).toBe('REJECTED');
    expect((await broker.placeCombo(condor('retry:2'), bar(10, 30))).status).toBe('FILLED');
    expect(await count('paper_order')).toBe(2);
  });
});

describe('PaperBroker client order ids', () => {
  it('returns the stored order for a repeated id, even after the market moved, and writes nothing new', async () => {
    const broker = await brokerWith();
    const first = await broker.placeCombo(condor('same-id'), bar(10, 30));
    const repeat = await broker.placeCombo(condor('same-id', [leg('BUY', 590, 'C')]), bar(10, 35, { spy: 580 }));

    expect(repeat).toEqual(first);
    expect(await broker.findOrder('same-id')).toEqual(first);
    expect([await count('paper_order'), await count('paper_fill'), await count('paper_position')]).toEqual([1, 4, 4]);
    expect((await broker.positions()).map((p) => Math.abs(p.quantity))).toEqual([1, 1, 1, 1]);
  });

  it('places one order when the same id arrives several times at once', async () => {
    const brokers = [await brokerWith(), new PaperBroker(db), new PaperBroker(db)];
    const at = bar(10, 30);
    const placed = await Promise.all([...brokers, ...brokers].map((broker) => broker.placeCombo(condor('racing'), at)));

    for (const order of placed) expect(order).toEqual(placed[0]);
    expect(placed[0]?.status).toBe('FILLED');
    expect([await count('paper_order'), await count('paper_fill'), await count('paper_position')]).toEqual([1, 4, 4]);
  });

  it('answers null for an id it never saw', async () => {
    const broker = await brokerWith();
    expect(await broker.findOrder('never-sent')).toBeNull();
    expect(await broker.cancel('never-sent', bar(10, 30))).toBeNull();
  });

  it('counts every submission of an id, and never trades an order that arrives after its id was cancelled', async () => {
    const broker = await brokerWith();
    await broker.placeCombo(condor('sent-twice'), bar(10, 30));
    await broker.placeCombo(condor('sent-twice'), bar(10, 31));
    // A server that lost its lease, paused between its lease check and the send: the new owner cancels the id first.
    expect(await broker.cancel('late', bar(10, 30))).toBeNull();
    const late = await broker.placeCombo(condor('late'), bar(10, 31));

    expect(late).toMatchObject({ status: 'CANCELLED', legFills: [] });
    const orders = await db.paperOrder.findMany({ orderBy: { id: 'asc' }, select: { clientOrderId: true, submissions: true } });
    expect(orders).toEqual([
      { clientOrderId: 'sent-twice', submissions: 2 },
      { clientOrderId: 'late', submissions: 1 },
    ]);
    expect([await count('paper_fill'), await count('paper_position')]).toEqual([4, 4]);
  });

  it('refuses an order whose sender no longer holds its lease, and counts nothing; the holder of the new grant is served', async () => {
    const broker = await brokerWith();
    const leases = new LeaseRepository(db);
    const [lost] = await leases.acquire('server-a', ['strategy:s1'], 60_000);
    await db.$executeRawUnsafe(`UPDATE lease SET expires_at = now() WHERE name = 'strategy:s1'`);
    const [current] = await leases.acquire('server-b', ['strategy:s1'], 60_000);

    await expect(broker.placeCombo(condor('s1:late'), bar(10, 30), lost)).rejects.toMatchObject({ code: 'FENCED' });
    expect(await count('paper_order')).toBe(0);
    // A repeat under the lost lease of an id the new holder sent is refused too, and not counted as a submission.
    const placed = await broker.placeCombo(condor('s1:late'), bar(10, 31), current);
    await expect(broker.placeCombo(condor('s1:late'), bar(10, 32), lost)).rejects.toMatchObject({ code: 'FENCED' });
    expect(placed.status).toBe('FILLED');
    expect(await db.paperOrder.findMany({ select: { clientOrderId: true, submissions: true } })).toEqual([{ clientOrderId: 's1:late', submissions: 1 }]);
  });
});

describe('PaperBroker injected faults', () => {
  it('rejects the next orders with the injected reason, counting the fault down in the settings row', async () => {
    const broker = await brokerWith({ rejectNext: 2, rejectReason: 'venue says no' });
    const at = bar(10, 30);

    expect(await broker.placeCombo(condor('r1'), at)).toMatchObject({ status: 'REJECTED', rejectReason: 'venue says no' });
    expect((await settings.getFaults()).rejectNext).toBe(1);
    expect((await broker.placeCombo(condor('r1'), at)).status).toBe('REJECTED');
    expect((await settings.getFaults()).rejectNext).toBe(1);
    expect((await broker.placeCombo(condor('r2'), at)).status).toBe('REJECTED');
    expect((await settings.getFaults()).rejectNext).toBe(0);
    expect((await broker.placeCombo(condor('r3'), at)).status).toBe('FILLED');
    expect(await count('paper_fill')).toBe(4);
  });

  it('rejects no more orders than armed when several brokers share the settings', async () => {
    const brokers = [await brokerWith({ rejectNext: 2 }), new PaperBroker(db), new PaperBroker(db)];
    const at = bar(10, 30);
    const placed = await Promise.all(brokers.map((broker, i) => broker.placeCombo(condor(`shared-${i}`), at)));
    expect(placed.map((order) => order.status).sort()).toEqual(['FILLED', 'REJECTED', 'REJECTED']);
    expect((await settings.getFaults()).rejectNext).toBe(0);
  });

  it('keeps an order WORKING for the injected latency, then fills it at the mids of the bar it fills on', async () => {
    const broker = await brokerWith({ latencyBars: 2 });
    const placed = await broker.placeCombo(condor('slow'), bar(10, 30));
    expect(placed).toMatchObject({ status: 'WORKING', legFills: [], fill: null });
    expect(await count('paper_fill')).toBe(0);

    expect(await broker.onBar(bar(10, 31))).toEqual([]);
    const fillBar = bar(10, 32, { spy: 592 });
    const changed = await broker.onBar(fillBar);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ clientOrderId: 'slow', status: 'FILLED', updatedAt: fillBar.time });
    expect(changed[0]?.legFills.map((f) => f.price)).toEqual(mids(CONDOR, fillBar));
    expect(changed[0]?.fill?.time).toBe(fillBar.time);
    expect(await broker.onBar(bar(10, 33))).toEqual([]);
    expect(await broker.positions()).toHaveLength(4);
  });

  it('holds a due order through a stale bar and fills it on the next fresh one', async () => {
    const broker = await brokerWith({ latencyBars: 1 });
    await broker.placeCombo(condor('held'), bar(15, 58));
    expect(await broker.onBar(bar(15, 59, { isStale: true }))).toEqual([]);
    const [filled] = await broker.onBar(bar(15, 59));
    expect(filled?.status).toBe('FILLED');
  });

  it('times out a new order: stored WORKING, never filled, found later by id, then cancelled', async () => {
    const broker = await brokerWith({ timeout: true });
    const at = bar(10, 30);
    await expect(broker.placeCombo(condor('silent'), at)).rejects.toBeInstanceOf(BrokerTimeoutError);

    const found = await broker.findOrder('silent');
    expect(found).toMatchObject({ status: 'WORKING', legFills: [], fill: null });
    expect(await broker.placeCombo(condor('silent'), at)).toEqual(found);
    for (let minute = 31; minute < 40; minute += 1) expect(await broker.onBar(bar(10, minute))).toEqual([]);

    const cancelled = await broker.cancel('silent', bar(10, 40));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', legFills: [], fill: null, updatedAt: bar(10, 40).time });
    expect(cancelled?.rejectReason).toMatch(/cancelled by the client before any leg filled/);
    expect(await count('paper_fill')).toBe(0);
  });

  it('throws on every call while the connection is dropped and writes nothing; a retry after it returns fills', async () => {
    const broker = await brokerWith({ dropConnection: true });
    const at = bar(10, 30);
    await expect(broker.placeCombo(condor('unreachable'), at)).rejects.toBeInstanceOf(BrokerConnectionError);
    await expect(broker.findOrder('unreachable')).rejects.toBeInstanceOf(BrokerConnectionError);
    await expect(broker.cancel('unreachable', at)).rejects.toBeInstanceOf(BrokerConnectionError);
    await expect(broker.onBar(at)).rejects.toBeInstanceOf(BrokerConnectionError);
    await expect(broker.positions()).rejects.toBeInstanceOf(BrokerConnectionError);
    await expect(broker.account(at)).rejects.toBeInstanceOf(BrokerConnectionError);
    expect(await count('paper_order')).toBe(0);

    await settings.setFaults({ dropConnection: false });
    await broker.refreshFaults();
    expect((await broker.placeCombo(condor('unreachable'), at)).status).toBe('FILLED');
  });

  it('rejects an order on a stale bar, and on any bar while stale quotes are injected', async () => {
    const broker = await brokerWith();
    const stale = await broker.placeCombo(condor('stale-bar'), bar(10, 30, { isStale: true }));
    expect(stale).toMatchObject({ status: 'REJECTED', rejectReason: 'stale quotes: no fills on stale data' });

    await settings.setFaults({ staleQuotes: true });
    await broker.refreshFaults();
    expect((await broker.placeCombo(condor('stale-fault'), bar(10, 31))).rejectReason).toBe('stale quotes: no fills on stale data');
    expect(await count('paper_fill')).toBe(0);
  });

  it('fills a legged combo one leg per bar, PARTIALLY_FILLED until the last leg', async () => {
    const broker = await brokerWith({ legged: true });
    const placed = await broker.placeCombo(condor('legged'), bar(10, 30));
    expect(placed).toMatchObject({ status: 'PARTIALLY_FILLED', fill: null });
    expect(placed.legFills.map((f) => f.leg)).toEqual(CONDOR.slice(0, 1));
    expect(await broker.onBar(bar(10, 30))).toEqual([]);

    const statuses: BrokerOrder['status'][] = [];
    const bars = [bar(10, 31, { spy: 591 }), bar(10, 32, { spy: 592 }), bar(10, 33, { spy: 593 })];
    let last: BrokerOrder | undefined;
    for (const at of bars) {
      [last] = await broker.onBar(at);
      statuses.push(last!.status);
    }
    expect(statuses).toEqual(['PARTIALLY_FILLED', 'PARTIALLY_FILLED', 'FILLED']);
    const expectedPrices = [mids(CONDOR, bar(10, 30))[0], ...bars.map((at, i) => mids(CONDOR, at)[i + 1])];
    expect(last?.legFills.map((f) => f.price)).toEqual(expectedPrices);
    expect(last?.fill).toMatchObject({ time: bars[2]!.time, netCredit: comboNetCredit(last!.legFills) });
    expect(await broker.positions()).toHaveLength(4);
  });

  it('cancels a partially filled order: filled legs and their positions stay, the rest never fills', async () => {
    const broker = await brokerWith({ legged: true });
    await broker.placeCombo(condor('half'), bar(10, 30));
    await broker.onBar(bar(10, 31));
    const cancelled = await broker.cancel('half', bar(10, 31));

    expect(cancelled).toMatchObject({ status: 'CANCELLED', fill: null });
    expect(cancelled?.rejectReason).toMatch(/after 2 of 4 legs filled/);
    expect(cancelled?.legFills.map((f) => f.leg)).toEqual(CONDOR.slice(0, 2));
    expect(await broker.onBar(bar(10, 32))).toEqual([]);
    expect(await broker.cancel('half', bar(10, 33))).toEqual(cancelled);
    expect((await broker.positions()).map((p) => [p.strike, p.quantity])).toEqual([
      [580, 1],
      [585, -1],
    ]);
  });

  it('returns a filled or rejected order unchanged when asked to cancel it', async () => {
    const broker = await brokerWith();
    const filled = await broker.placeCombo(condor('done'), bar(10, 30));
    const rejected = await broker.placeCombo(condor('no', []), bar(10, 30));
    expect(await broker.cancel('done', bar(10, 31))).toEqual(filled);
    expect(await broker.cancel('no', bar(10, 31))).toEqual(rejected);
  });

  it('cancels a working order whose unfilled leg expired before it could fill', async () => {
    const broker = await brokerWith({ legged: true });
    await broker.placeCombo(condor('too-late'), bar(15, 59));
    expect(await broker.onBar(bar(16, 0))).toEqual([]);
    const [cancelled] = await broker.onBar(bar(9, 30, { date: '2026-11-23' }));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', fill: null });
    expect(cancelled?.rejectReason).toMatch(/leg 2 expired before it filled; 1 of 4 legs filled/);
  });

  it('takes faults from a provider when given one, counting rejections down in memory', async () => {
    const broker = new PaperBroker(db, { faults: () => ({ ...NO_FAULTS, rejectNext: 1, rejectReason: 'provided' }) });
    expect((await broker.placeCombo(condor('p1'), bar(10, 30))).rejectReason).toBe('provided');
    expect((await broker.placeCombo(condor('p2'), bar(10, 30))).status).toBe('FILLED');
  });

  it('uses its cached faults until refreshFaults is called', async () => {
    const broker = await brokerWith();
    await broker.placeCombo(condor('before'), bar(10, 30));
    await settings.setFaults({ dropConnection: true });
    expect((await broker.placeCombo(condor('cached'), bar(10, 31))).status).toBe('FILLED');
    await broker.refreshFaults();
    await expect(broker.placeCombo(condor('after'), bar(10, 32))).rejects.toBeInstanceOf(BrokerConnectionError);
  });
});

describe('PaperBrokerSettingsRepository', () => {
  it('has no faults until one is set, and changes only the faults it is given', async () => {
    expect(await settings.getFaults()).toEqual(NO_FAULTS);
    await settings.setFaults({ latencyBars: 3, legged: true });
    expect(await settings.setFaults({ rejectNext: 1 })).toEqual({ ...NO_FAULTS, latencyBars: 3, legged: true, rejectNext: 1 });
    expect(await settings.setFaults(NO_FAULTS)).toEqual(NO_FAULTS);
  });

  it('refuses faults outside their range', async () => {
    await expect(settings.setFaults({ latencyBars: 31 })).rejects.toThrow();
    expect(await settings.getFaults()).toEqual(NO_FAULTS);
  });

  it('announces every change on the notification channel', async () => {
    const hub = new NotificationHub(TEST_DATABASE_URL);
    try {
      const received = new Promise<ChangeEvent>((resolve) => {
        void hub.subscribe((event) => {
          if (event.table === 'paper_broker_settings') resolve(event);
        });
      });
      await hub.subscribe(() => undefined);
      await settings.setFaults({ timeout: true });
      expect(await received).toMatchObject({ table: 'paper_broker_settings' });
    } finally {
      await hub.close();
    }
  });
});
