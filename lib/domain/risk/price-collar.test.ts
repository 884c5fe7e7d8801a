import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { comboMid } from '../market/option-pricing';
import type { MarketBar, OrderLeg } from '../market/types';
import { DEFAULT_RISK_LIMITS, priceCollarOf } from './limits';
import { collarBreach } from './price-collar';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
const COLLAR = priceCollarOf(DEFAULT_RISK_LIMITS);
const put = (strike: number, side: OrderLeg['side'], expiry = '2026-12-18'): OrderLeg => ({ contract: { underlying: 'SPY', expiry, strike, right: 'P' }, side, quantity: 1 });
/** A put spread sold for a credit of several dollars: the collar is 10% of it. */
const SPREAD = [put(600, 'SELL'), put(590, 'BUY')];
/** A calendar at nearly even money: the collar is its $0.10 floor. */
const NEAR_ZERO = [put(520, 'SELL', '2026-12-18'), put(520, 'BUY', '2026-12-24')];

describe('the price collar of an opening order', () => {
  it('allows 10% of the mid either way: at the collar passes, a hundredth of a cent beyond does not', () => {
    const mid = comboMid(SPREAD, BAR);
    expect(mid).toBeGreaterThan(2);
    const allowed = 0.1 * mid;
    for (const direction of [1, -1]) {
      expect(collarBreach(SPREAD, mid + direction * allowed, BAR, COLLAR)).toBeNull();
      expect(collarBreach(SPREAD, mid + direction * (allowed - 0.0001), BAR, COLLAR)).toBeNull();
      expect(collarBreach(SPREAD, mid + direction * (allowed + 0.0001), BAR, COLLAR)).toMatch(/^price collar: /);
    }
  });

  it('allows at least $0.10 a unit, so a combo priced near zero is not refused for a cent', () => {
    const mid = comboMid(NEAR_ZERO, BAR);
    expect(Math.abs(mid)).toBeLessThan(1);
    expect(collarBreach(NEAR_ZERO, mid + 0.1, BAR, COLLAR)).toBeNull();
    expect(collarBreach(NEAR_ZERO, mid - 0.0999, BAR, COLLAR)).toBeNull();
    expect(collarBreach(NEAR_ZERO, mid - 0.1001, BAR, COLLAR)).toMatch(/^price collar: /);
  });

  it('names the price decided, the price now and how far it moved, credit or debit', () => {
    const mid = comboMid(SPREAD, BAR);
    expect(collarBreach(SPREAD, -1, BAR, COLLAR)).toBe(
      `price collar: decided at a debit of $1.00 a unit, now a credit of $${mid.toFixed(2)}: moved $${(mid + 1).toFixed(2)}, more than the $${(0.1 * mid).toFixed(2)} allowed`,
    );
  });

  it('follows the limits given', () => {
    const mid = comboMid(SPREAD, BAR);
    expect(collarBreach(SPREAD, mid * 1.15, BAR, { fraction: 0.2, minimum: 0.1 })).toBeNull();
    expect(collarBreach(SPREAD, mid + 0.4, BAR, { fraction: 0, minimum: 0.5 })).toBeNull();
    expect(collarBreach(SPREAD, mid + 0.6, BAR, { fraction: 0, minimum: 0.5 })).not.toBeNull();
  });
});
