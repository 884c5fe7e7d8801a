import { describe, expect, it } from 'vitest';
import { NO_GREEKS } from './exposure';
import { checkOpeningOrder, DEFAULT_RISK_LIMITS as LIMITS, limitStatus, limitUses, lossLimitBreaches, lossLimitUses, type Book, type OpeningOrder } from './limits';

const book = (overrides: Partial<Book> = {}): Book => ({
  netLiquidation: 100_000,
  buyingPowerUsed: 0,
  buyingPowerByStrategy: {},
  greeks: NO_GREEKS,
  spyDelta: 0,
  ...overrides,
});
const order = (overrides: Partial<OpeningOrder> = {}): OpeningOrder => ({
  strategyId: 'lt112',
  contracts: 1,
  premium: -150,
  buyingPower: 350,
  greeks: NO_GREEKS,
  spyDelta: 0,
  ordersLastMinute: 0,
  ...overrides,
});
const check = (o: Partial<OpeningOrder>, b: Partial<Book> = {}, limits = LIMITS) => checkOpeningOrder(order(o), book(b), limits);

describe('limit status', () => {
  it('is ok below 80% of the limit, a warning from 80%, critical from 95%, a breach only above it', () => {
    expect(limitStatus(79.9, 100, LIMITS.warnAt)).toBe('ok');
    expect(limitStatus(80, 100, LIMITS.warnAt)).toBe('warning');
    expect(limitStatus(94.9, 100, LIMITS.warnAt)).toBe('warning');
    expect(limitStatus(95, 100, LIMITS.warnAt)).toBe('critical');
    expect(limitStatus(100, 100, LIMITS.warnAt)).toBe('critical');
    expect(limitStatus(100.01, 100, LIMITS.warnAt)).toBe('breach');
  });
});

describe('the pre-trade check of an opening order', () => {
  it('passes an order that fits every limit', () => {
    expect(check({})).toEqual({ allowed: true, reasons: [] });
  });

  it('holds total buying power to 35% of net liquidation: at the limit passes, a dollar over does not', () => {
    expect(check({ buyingPower: 5_000 }, { buyingPowerUsed: 30_000 }).allowed).toBe(true);
    expect(check({ buyingPower: 5_001 }, { buyingPowerUsed: 30_000 })).toEqual({
      allowed: false,
      reasons: ['buying power would be $35,001, over the limit of $35,000'],
    });
  });

  it("holds a strategy to its own allocation when it has one, counting what it already uses", () => {
    const limits = { ...LIMITS, strategyAllocation: { lt112: 0.1 } };
    expect(check({ buyingPower: 2_000 }, { buyingPowerUsed: 8_000, buyingPowerByStrategy: { lt112: 8_000 } }, limits).allowed).toBe(true);
    expect(check({ buyingPower: 2_001 }, { buyingPowerUsed: 8_000, buyingPowerByStrategy: { lt112: 8_000 } }, limits).reasons).toEqual([
      'lt112 allocation would be $10,001, over the limit of $10,000',
    ]);
    expect(check({ strategyId: 'ipmcc', buyingPower: 2_001 }, { buyingPowerUsed: 8_000, buyingPowerByStrategy: { lt112: 8_000 } }, limits).allowed).toBe(true);
  });

  it('holds the book to 100 SPY-equivalent deltas either way', () => {
    expect(check({ spyDelta: 40 }, { spyDelta: 60 }).allowed).toBe(true);
    expect(check({ spyDelta: 40.5 }, { spyDelta: 60 }).reasons).toEqual(['SPY-equivalent delta would be 100.5, over the limit of 100.0']);
    expect(check({ spyDelta: -101 }).allowed).toBe(false);
    // From beyond the limit, an order that brings delta back within it passes; one that adds to it does not.
    expect(check({ spyDelta: -30 }, { spyDelta: 120 }).allowed).toBe(true);
    expect(check({ spyDelta: 1 }, { spyDelta: 120 }).allowed).toBe(false);
  });

  it('holds the book’s gamma, vega and theta', () => {
    expect(check({ greeks: { ...NO_GREEKS, gamma: 50 } }).allowed).toBe(true);
    expect(check({ greeks: { ...NO_GREEKS, gamma: -50.1 } }).reasons[0]).toMatch(/^gamma would be 50\.1, over the limit of 50\.0$/);
    expect(check({ greeks: { ...NO_GREEKS, vega: 2_501 } }).reasons[0]).toMatch(/^vega would be \$2,501/);
    expect(check({ greeks: { ...NO_GREEKS, theta: -1_000 } }).allowed).toBe(true);
    expect(check({ greeks: { ...NO_GREEKS, theta: -1_001 } }).reasons[0]).toMatch(/^theta would be \$1,001, over the limit of \$1,000$/);
    expect(check({ greeks: { ...NO_GREEKS, theta: 5_000 } }).allowed).toBe(true);
  });

  it('holds one order’s size, premium and the pace of orders', () => {
    expect(check({ contracts: 20 }).allowed).toBe(true);
    expect(check({ contracts: 21 }).reasons).toEqual(['21 contracts exceed the 20 per order']);
    expect(check({ premium: 25_000 }).allowed).toBe(true);
    expect(check({ premium: -25_001 }).reasons).toEqual(['premium $25,001 exceeds $25,000 per order']);
    expect(check({ ordersLastMinute: 9 }).allowed).toBe(true);
    expect(check({ ordersLastMinute: 10 }).reasons).toEqual(['more than 10 orders in a minute']);
  });

  it('refuses, on a limit the book is already over (the market moved), only an order that adds to it', () => {
    expect(check({ spyDelta: -10 }, { spyDelta: 120 })).toEqual({ allowed: true, reasons: [] });
    expect(check({ spyDelta: 0 }, { spyDelta: 120 }).allowed).toBe(true);
    expect(check({ spyDelta: 0.5 }, { spyDelta: 120 }).reasons).toEqual(['SPY-equivalent delta would be 120.5, over the limit of 100.0']);
    expect(check({ buyingPower: -1_000 }, { buyingPowerUsed: 40_000 }).allowed).toBe(true);
    expect(check({ buyingPower: 1 }, { buyingPowerUsed: 40_000 }).reasons).toEqual(['buying power would be $40,001, over the limit of $35,000']);
    // Still refused for what else it breaks.
    expect(check({ spyDelta: -10, contracts: 21 }, { spyDelta: 120 }).reasons).toEqual(['21 contracts exceed the 20 per order']);
  });

  it('names every limit an order breaks at once', () => {
    expect(check({ contracts: 30, buyingPower: 40_000, spyDelta: 150 }).reasons).toHaveLength(3);
  });
});

describe('limit uses for the risk panel', () => {
  it('shows each limit with its use and status, the strategy’s allocation when it has one', () => {
    const uses = limitUses(book({ buyingPowerUsed: 28_000, spyDelta: -96 }), { ...LIMITS, strategyAllocation: { lt112: 0.1 } }, order({ buyingPower: 0 }));
    expect(uses.map(({ limit, status }) => [limit, status])).toEqual([
      ['buying power', 'warning'],
      ['SPY-equivalent delta', 'critical'],
      ['gamma', 'ok'],
      ['vega', 'ok'],
      ['theta', 'ok'],
      ['lt112 allocation', 'ok'],
    ]);
  });
});

describe('loss limits', () => {
  it('trip on a daily loss over 5% of the day’s opening value, or a drawdown over 3% from the day’s high', () => {
    expect(lossLimitBreaches({ netLiquidation: 95_000, dayOpen: 100_000, dayHigh: 97_000 }, LIMITS)).toEqual([]);
    expect(lossLimitBreaches({ netLiquidation: 94_999, dayOpen: 100_000, dayHigh: 96_000 }, LIMITS)).toEqual(['daily loss 5.0% is over 5%']);
    expect(lossLimitBreaches({ netLiquidation: 101_000, dayOpen: 100_000, dayHigh: 104_200 }, LIMITS)).toEqual(['intraday drawdown 3.1% is over 3%']);
    expect(lossLimitBreaches({ netLiquidation: 103_000, dayOpen: 100_000, dayHigh: 106_000 }, LIMITS)).toEqual([]);
  });

  it('show their use in dollars as the panel judges it: at the limit within, a dollar over it breached, a gain no use at all', () => {
    const day = { day: '2026-11-20', openNlv: 100_000, highNlv: 110_000 };
    const [loss, drawdown] = lossLimitUses(95_000, day, LIMITS);
    expect(loss).toEqual({ limit: 'daily loss', used: 5_000, max: 5_000, status: 'critical' });
    expect(drawdown).toEqual({ limit: 'intraday drawdown', used: 15_000, max: 3_300, status: 'breach' });
    expect(lossLimitUses(94_999, day, LIMITS)[0]!.status).toBe('breach');
    expect(lossLimitUses(106_700, day, LIMITS)[1]).toMatchObject({ used: 3_300, status: 'critical' });
    expect(lossLimitUses(120_000, { ...day, highNlv: 120_000 }, LIMITS).map(({ used, status }) => [used, status])).toEqual([
      [0, 'ok'],
      [0, 'ok'],
    ]);
  });
});
