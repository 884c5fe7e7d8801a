import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { comboMid } from '../market/option-pricing';
import type { MarketBar, OptionContract, OrderLeg, Side } from '../market/types';
import { closingLegs, emptyPosition, type PositionLeg } from '../strategies/position';
import { SYSTEM_MODES } from '../system-mode';
import { buyingPowerOf } from './buying-power';
import { bookOf, openingOrderOf, type StrategyHoldings } from './book';
import { DEFAULT_RISK_LIMITS } from './limits';
import { gateOrder, type GateInput, type GateOrder } from './pre-trade-gate';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
const contract = (strike: number, right: 'C' | 'P', expiry = '2027-01-15'): OptionContract => ({ underlying: 'SPY', expiry, strike, right });
const leg = (side: Side, quantity: number, option: OptionContract): OrderLeg => ({ contract: option, side, quantity });
const CALL = contract(590, 'C');
const SHORT_PUT = contract(580, 'P');
const ROLLED_PUT = contract(570, 'P');

const holding = (id: string, legs: PositionLeg[], inFlight: OrderLeg[] = []): StrategyHoldings => ({
  id,
  position: legs.length > 0 ? { ...emptyPosition('HELD', 0), legs } : null,
  inFlight,
});
/** 'a' holds one short put (a position to close or roll). */
const SHORT_PUT_HELD = holding('a', [{ contract: SHORT_PUT, quantity: -1 }]);

const order = (legs: OrderLeg[], overrides: Partial<GateOrder> = {}): GateOrder => ({ strategyId: 'a', clientOrderId: 'a:c:entry:1', purpose: 'ENTRY', legs, ...overrides });
const ENTRY = order([leg('BUY', 1, CALL)]);
const CLOSE = order(closingLegs(SHORT_PUT_HELD.position!), { clientOrderId: 'a:c:close:2', purpose: 'CLOSE' });
const ROLL = order([leg('BUY', 1, SHORT_PUT), leg('SELL', 1, ROLLED_PUT)], { clientOrderId: 'a:c:adjust:2', purpose: 'ADJUST' });

/** The account's net liquidation value when a test does not say. */
const NLV = 1_000_000;

const decide = (overrides: Partial<GateInput>) =>
  gateOrder({ order: ENTRY, holdings: [SHORT_PUT_HELD], bar: BAR, limits: DEFAULT_RISK_LIMITS, systemMode: 'RUNNING', ordersLastMinute: 0, netLiquidation: NLV, ...overrides });

describe('the pre-trade gate in every system mode', () => {
  const kinds = [
    ['an opening order', { ...ENTRY, strategyId: 'b' }, false],
    ['a closing order', CLOSE, true],
    ['a hedging roll (buy back the short put, sell one further out)', ROLL, false],
  ] as const;
  // Entries only while RUNNING; a roll manages a position held, so HALTED lets it out too; REDUCING and EMERGENCY let only risk out.
  const passesIn: Record<string, readonly string[]> = {
    'an opening order': ['RUNNING'],
    'a closing order': SYSTEM_MODES,
    'a hedging roll (buy back the short put, sell one further out)': ['RUNNING', 'HALTED'],
  };
  for (const mode of SYSTEM_MODES) {
    for (const [kind, gated] of kinds) {
      const passes = passesIn[kind]!.includes(mode);
      it(`${passes ? 'passes' : 'refuses'} ${kind} while the system is ${mode}`, () => {
        const decision = decide({ order: gated, systemMode: mode });
        expect(decision.allowed).toBe(passes);
        const refusal = gated.purpose === 'ADJUST' ? 'no adjustment that opens a leg' : 'no entries';
        if (!passes) expect(decision.reasons).toEqual([`system is ${mode}: ${refusal}`]);
      });
    }
  }

  it('refuses an opening order while the account has never been read, and lets a closing one out', () => {
    expect(decide({ netLiquidation: null })).toEqual({ allowed: false, reasons: ['the account at the broker could not be read'] });
    expect(decide({ order: CLOSE, netLiquidation: null }).allowed).toBe(true);
  });

  it('passes an order that reduces risk whatever the book, the bar, the collar or the pace of orders', () => {
    const overLimits = { ...DEFAULT_RISK_LIMITS, maxBuyingPowerUse: 0, maxOrdersPerMinute: 0, maxContractsPerOrder: 0 };
    const decision = decide({ order: { ...CLOSE, decidedPrice: 1_000 }, bar: { ...BAR, isStale: true }, limits: overLimits, systemMode: 'HALTED', ordersLastMinute: 99 });
    expect(decision).toEqual({ allowed: true, reasons: [] });
  });
});

describe('the pre-trade gate on an opening order', () => {
  /** Another strategy's approved entry in flight takes buying power; 'b' enters on top of it. */
  const approvedElsewhere = holding('c', [], [leg('BUY', 2, CALL)]);
  const entryOfB = { ...ENTRY, strategyId: 'b' };
  const used = bookOf([approvedElsewhere], BAR, NLV).buyingPowerUsed + openingOrderOf('b', entryOfB.legs, BAR).buyingPower;
  // At 50% of the account, the limit is exactly half its net liquidation value.
  const limits = { ...DEFAULT_RISK_LIMITS, maxBuyingPowerUse: 0.5, maxSpyDelta: 1_000, maxGamma: 1_000, maxVega: 100_000 };
  const atLimit = (limit: number) => decide({ order: entryOfB, holdings: [approvedElsewhere], limits, netLiquidation: 2 * limit });

  it('holds buying power, counting the approved orders of every strategy: up to the limit passes, a cent over it does not', () => {
    expect(used).toBeGreaterThan(0);
    expect(atLimit(used)).toEqual({ allowed: true, reasons: [] });
    expect(atLimit(used + 0.01).allowed).toBe(true);
    const refused = atLimit(used - 0.01);
    expect(refused.allowed).toBe(false);
    expect(refused.reasons).toEqual([expect.stringMatching(/^buying power would be \$[\d,]+, over the limit of \$[\d,]+$/)]);
  });

  it('holds the pace of orders across the account: the tenth in a minute passes, the eleventh does not', () => {
    expect(decide({ ordersLastMinute: 9 }).allowed).toBe(true);
    expect(decide({ ordersLastMinute: 10 })).toEqual({ allowed: false, reasons: ['more than 10 orders in a minute'] });
  });

  it("holds one order's size: at the limit passes, one contract over does not", () => {
    const limits = { ...DEFAULT_RISK_LIMITS, maxContractsPerOrder: 2, maxSpyDelta: 1_000, maxGamma: 1_000, maxVega: 100_000 };
    expect(decide({ order: order([leg('BUY', 2, CALL)]), limits }).allowed).toBe(true);
    expect(decide({ order: order([leg('BUY', 3, CALL)]), limits }).reasons).toEqual(['3 contracts exceed the 2 per order']);
  });

  it('refuses an order whose price moved beyond the collar since it was decided, and checks none without a decided price', () => {
    const mid = comboMid(ENTRY.legs, BAR);
    expect(decide({ order: { ...ENTRY, decidedPrice: mid } }).allowed).toBe(true);
    expect(decide({ order: { ...ENTRY, decidedPrice: mid * 1.1 } }).allowed).toBe(true);
    expect(decide({ order: { ...ENTRY, decidedPrice: mid * 1.11 } }).reasons).toEqual([expect.stringMatching(/^price collar: decided at a debit of/)]);
    expect(decide({ order: { ...ENTRY, decidedPrice: undefined } }).allowed).toBe(true);
  });

  it('refuses on a bar that cannot be priced, saying why', () => {
    expect(decide({ bar: { ...BAR, isStale: true } })).toEqual({ allowed: false, reasons: ['market data unusable: quotes are stale'] });
    expect(decide({ bar: { ...BAR, isStale: true }, systemMode: 'HALTED' }).reasons).toEqual([
      'system is HALTED: no entries',
      'market data unusable: quotes are stale',
    ]);
  });

  it("nets a roll's closing legs against the position: it ties up only the difference, and passes when that is less", () => {
    const roll = openingOrderOf('a', ROLL.legs, BAR, { holdings: SHORT_PUT_HELD });
    const difference = buyingPowerOf([{ contract: ROLLED_PUT, quantity: -1 }], BAR).requirement - buyingPowerOf([{ contract: SHORT_PUT, quantity: -1 }], BAR).requirement;
    expect(roll.buyingPower).toBeCloseTo(difference, 2);
    expect(roll.buyingPower).toBeLessThan(0);
    // An account whose buying power is already over its limit refuses the new entry, and lets the roll that frees some through.
    const small = { netLiquidation: bookOf([SHORT_PUT_HELD], BAR, NLV).buyingPowerUsed };
    expect(decide({ ...small, order: { ...ENTRY, strategyId: 'b' } }).reasons).toEqual([expect.stringMatching(/^buying power would be/)]);
    expect(decide({ ...small, order: ROLL })).toEqual({ allowed: true, reasons: [] });
  });
});
