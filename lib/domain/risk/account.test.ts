import { describe, expect, it } from 'vitest';
import { nyTime } from '../market/calendar';
import { quoteOption } from '../market/option-pricing';
import type { LegFill, MarketBar, OptionContract, Side, Underlying } from '../market/types';
import { applyFills, emptyPosition } from '../strategies/position';
import { accountOf, netLiquidationOf, premiumReceivedOf, type Account } from './account';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
const START = 1_000_000;
const option = (underlying: Underlying, right: 'C' | 'P', strike: number, expiry = '2026-12-18'): OptionContract => ({ underlying, right, strike, expiry });
const fill = (contract: OptionContract, side: Side, quantity: number, price: number): LegFill => ({ leg: { contract, side, quantity }, price });
const mid = (contract: OptionContract) => quoteOption(contract, BAR).mid;

/** The account after `fills`, holding what they leave open, as the venue records it. */
function accountAfter(fills: readonly LegFill[], bar = BAR): Account {
  const positions = applyFills(emptyPosition('test', 0), fills).legs;
  return accountOf({ startingBalance: START, premiumReceived: premiumReceivedOf(fills), positions }, bar);
}

describe('the account: cash from fills, positions at mid, buying power', () => {
  it('pays a debit spread’s debit; the spread ties up its value, so what is available is the cash', () => {
    const [long, short] = [option('SPY', 'C', 600), option('SPY', 'C', 610)];
    const account = accountAfter([fill(long, 'BUY', 1, 12.4), fill(short, 'SELL', 1, 7.1)]);
    // 1,000,000 - 1,240 + 710
    expect(account.cash).toBe(999_470);
    const value = (mid(long) - mid(short)) * 100;
    expect(account.positionsValue).toBeCloseTo(value, 2);
    expect(account.netLiquidation).toBeCloseTo(999_470 + value, 2);
    // Worth nothing at expiry below 600: it can lose all it is worth now.
    expect(account.buyingPowerRequirement).toBeCloseTo(value, 2);
    expect(account.buyingPowerAvailable).toBeCloseTo(999_470, 2);
  });

  it('takes a credit spread’s credit in; the spread ties up its width less its value, leaving cash less the width', () => {
    const [short, long] = [option('SPY', 'P', 590), option('SPY', 'P', 585)];
    const account = accountAfter([fill(short, 'SELL', 1, 4.1), fill(long, 'BUY', 1, 3)]);
    // 1,000,000 + 410 - 300
    expect(account.cash).toBe(1_000_110);
    const value = (mid(long) - mid(short)) * 100;
    expect(value).toBeLessThan(0);
    expect(account.netLiquidation).toBeCloseTo(1_000_110 + value, 2);
    // Below 585 at expiry it owes the $500 width: from its value now that is 500 + value more.
    expect(account.buyingPowerRequirement).toBeCloseTo(500 + value, 2);
    expect(account.buyingPowerAvailable).toBeCloseTo(1_000_110 - 500, 2);
  });

  it('ties up a 1-1-2’s loss if SPY went to zero', () => {
    const expiry = '2027-03-19';
    const [long, short, farShort] = [option('SPY', 'P', 580, expiry), option('SPY', 'P', 570, expiry), option('SPY', 'P', 520, expiry)];
    const account = accountAfter([fill(long, 'BUY', 1, 15), fill(short, 'SELL', 1, 12), fill(farShort, 'SELL', 2, 4)]);
    // 1,000,000 - 1,500 + 1,200 + 800
    expect(account.cash).toBe(1_000_500);
    const value = (mid(long) - mid(short) - 2 * mid(farShort)) * 100;
    expect(account.positionsValue).toBeCloseTo(value, 2);
    // At zero: (580 - 570 - 2 x 520) x 100 = -103,000.
    expect(account.buyingPowerRequirement).toBeCloseTo(value + 103_000, 2);
    expect(account.buyingPowerAvailable).toBeCloseTo(1_000_500 - 103_000, 2);
  });

  it('margins a naked /ES strangle at the SPAN stand-in, each side at premium + the 2% minimum here', () => {
    const [put, call] = [option('ES', 'P', 5700, '2027-01-15'), option('ES', 'C', 6900, '2027-01-15')];
    const account = accountAfter([fill(put, 'SELL', 1, 40), fill(call, 'SELL', 1, 5)]);
    // /ES options are $50 a point: 1,000,000 + 2,000 + 250
    expect(account.cash).toBe(1_002_250);
    const premium = (mid(put) + mid(call)) * 50;
    expect(account.positionsValue).toBeCloseTo(-premium, 2);
    expect(account.netLiquidation).toBeCloseTo(1_002_250 - premium, 2);
    // Put 300 points out, call 900 out: 6% of 6,000 = 360 less either is below the 2% minimum of 120 points.
    expect(account.buyingPowerRequirement).toBeCloseTo(premium + 2 * 120 * 50, 2);
    expect(account.buyingPowerAvailable).toBeCloseTo(1_002_250 - 2 * premium - 12_000, 2);
  });

  it('pays a long LEAP’s premium, which it ties up whole', () => {
    const leap = option('SPY', 'C', 500, '2027-12-17');
    const account = accountAfter([fill(leap, 'BUY', 2, 130)]);
    // 1,000,000 - 2 x 13,000
    expect(account.cash).toBe(974_000);
    expect(account.positionsValue).toBeCloseTo(2 * mid(leap) * 100, 2);
    expect(account.buyingPowerRequirement).toBeCloseTo(2 * mid(leap) * 100, 2);
    expect(account.buyingPowerAvailable).toBeCloseTo(974_000, 2);
  });

  it('ends a round trip flat with cash at the starting balance plus the realised P&L', () => {
    const [short, long] = [option('SPY', 'P', 590), option('SPY', 'P', 585)];
    const opening = [fill(short, 'SELL', 3, 4.1), fill(long, 'BUY', 3, 3)];
    const closing = [fill(short, 'BUY', 3, 2.5), fill(long, 'SELL', 3, 1.8)];
    const position = applyFills(applyFills(emptyPosition('credit spread', 0), opening), closing);
    expect(position.legs).toEqual([]);
    // Realised: (1.10 credit - 0.70 debit) x 3 x 100 = 120.
    expect(position.cash).toBe(120);
    expect(accountAfter([...opening, ...closing])).toEqual({
      startingBalance: START,
      cash: START + 120,
      positionsValue: 0,
      netLiquidation: START + 120,
      buyingPowerRequirement: 0,
      buyingPowerAvailable: START + 120,
    });
  });

  it('sums each underlying’s premium in points and applies its own multiplier', () => {
    const fills = [fill(option('SPY', 'P', 590), 'SELL', 2, 4.1), fill(option('ES', 'P', 5700), 'SELL', 1, 40), fill(option('SPY', 'P', 585), 'BUY', 2, 3)];
    expect(premiumReceivedOf(fills)).toEqual({ SPY: expect.closeTo(2.2, 9), ES: 40 });
    expect(accountAfter(fills).cash).toBe(START + 220 + 2_000);
  });

  it('marks legs held past their expiry at intrinsic value', () => {
    const call = option('SPY', 'C', 590, '2026-11-20');
    const afterClose = { ...BAR, time: nyTime('2026-11-20', 16, 30) };
    const account = accountAfter([fill(call, 'BUY', 1, 10.5)], afterClose);
    expect(account).toMatchObject({ cash: START - 1_050, positionsValue: 1_000, netLiquidation: START - 50 });
  });

  it('gives the same net liquidation value alone as within the whole account, to the cent', () => {
    const strangle = [fill(option('ES', 'P', 5600), 'SELL', 2, 21.5), fill(option('ES', 'C', 6400), 'SELL', 2, 18.25)];
    const condor = [fill(option('SPY', 'P', 580), 'BUY', 1, 2.1), fill(option('SPY', 'P', 590), 'SELL', 1, 4.4), fill(option('QQQ', 'C', 520), 'SELL', 3, 3.3)];
    for (const fills of [[], strangle, condor, [...strangle, ...condor]]) {
      const ledger = { startingBalance: START, premiumReceived: premiumReceivedOf(fills), positions: applyFills(emptyPosition('test', 0), fills).legs };
      expect(netLiquidationOf(ledger, BAR)).toBe(accountOf(ledger, BAR).netLiquidation);
    }
  });
});
