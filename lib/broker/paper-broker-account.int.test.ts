import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, testDb } from '../../test/db';
import type { Db } from '../db/client';
import { PaperBrokerSettingsRepository } from '../db/paper-broker-settings-repository';
import { nyTime } from '../domain/market/calendar';
import { quoteOption } from '../domain/market/option-pricing';
import type { MarketBar, OptionContract, OrderLeg } from '../domain/market/types';
import { DEFAULT_STARTING_BALANCE } from '../domain/risk/account';
import { PaperBroker } from './paper-broker';

const TODAY = '2026-11-20';
const db: Db = testDb();
const settings = new PaperBrokerSettingsRepository(db);

function bar(hour: number, minute: number, spy = 590): MarketBar {
  return {
    time: nyTime(TODAY, hour, minute),
    vix: 20,
    underlyings: { SPY: { price: spy, open: 590 }, QQQ: { price: 510, open: 510 }, IWM: { price: 235, open: 235 }, ES: { price: 5900, open: 5900 } },
  };
}

const spy = (strike: number, right: 'C' | 'P'): OptionContract => ({ underlying: 'SPY', expiry: TODAY, strike, right });
const leg = (side: 'BUY' | 'SELL', contract: OptionContract, quantity = 1): OrderLeg => ({ contract, side, quantity });
const flip = (legs: readonly OrderLeg[]): OrderLeg[] => legs.map((open) => ({ ...open, side: open.side === 'BUY' ? 'SELL' : 'BUY' }));
/** A $5-wide iron condor: at most $500 to lose at expiry. */
const CONDOR = [leg('SELL', spy(585, 'P')), leg('BUY', spy(580, 'P')), leg('SELL', spy(595, 'C')), leg('BUY', spy(600, 'C'))];
/** The legs' value at mid on `at`, in dollars. */
const valueAt = (legs: readonly OrderLeg[], at: MarketBar) =>
  legs.reduce((sum, { contract, side, quantity }) => sum + (side === 'BUY' ? 1 : -1) * quantity * quoteOption(contract, at).mid * 100, 0);

beforeEach(async () => {
  await resetDatabase(db);
  await settings.setFaults({});
});

afterAll(async () => {
  await db.$disconnect();
});

describe('the paper broker’s account', () => {
  it('takes cash from fills, marks positions at mid, and ties up a condor’s loss; flat again, cash holds the realised P&L', async () => {
    const broker = new PaperBroker(db, { startingBalance: 250_000 });
    const opened = bar(10, 30);
    expect(await broker.account(opened)).toEqual({
      startingBalance: 250_000,
      cash: 250_000,
      positionsValue: 0,
      netLiquidation: 250_000,
      buyingPowerRequirement: 0,
      buyingPowerAvailable: 250_000,
    });

    const open = await broker.placeCombo({ clientOrderId: 'open', legs: CONDOR }, opened);
    const credit = open.fill!.netCredit * 100;
    expect(credit).toBeGreaterThan(0);
    const atOpen = await broker.account(opened);
    expect(atOpen.cash).toBeCloseTo(250_000 + credit, 2);
    // Filled at mid and marked at the same mids: nothing gained or lost yet.
    expect(atOpen.positionsValue).toBeCloseTo(-credit, 2);
    expect(atOpen.netLiquidation).toBeCloseTo(250_000, 2);
    expect(atOpen.buyingPowerRequirement).toBeCloseTo(500 - credit, 2);
    expect(atOpen.buyingPowerAvailable).toBeCloseTo(250_000 + credit - 500, 2);

    const moved = bar(11, 0, 594);
    const marked = await broker.account(moved);
    expect(marked.cash).toBe(atOpen.cash);
    expect(marked.positionsValue).toBeCloseTo(valueAt(CONDOR, moved), 2);
    expect(marked.netLiquidation).toBeCloseTo(atOpen.cash + valueAt(CONDOR, moved), 2);

    const close = await broker.placeCombo({ clientOrderId: 'close', legs: flip(CONDOR) }, moved);
    const realised = credit + close.fill!.netCredit * 100;
    const flat = await broker.account(moved);
    expect(flat).toMatchObject({ positionsValue: 0, buyingPowerRequirement: 0 });
    expect(flat.cash).toBeCloseTo(250_000 + realised, 2);
    expect(flat.netLiquidation).toBe(flat.cash);
    expect(flat.buyingPowerAvailable).toBe(flat.cash);
  });

  it('moves with each leg of a legged order: a short put alone ties up its loss to zero until its long put fills', async () => {
    await settings.setFaults({ legged: true });
    const broker = new PaperBroker(db);
    const first = bar(10, 30);
    const spread = [leg('SELL', spy(585, 'P'), 2), leg('BUY', spy(580, 'P'), 2)];
    await broker.placeCombo({ clientOrderId: 'legged', legs: spread }, first);

    const shortPut = quoteOption(spy(585, 'P'), first).mid;
    const halfway = await broker.account(first);
    expect(halfway.cash).toBeCloseTo(DEFAULT_STARTING_BALANCE + 2 * shortPut * 100, 2);
    expect(halfway.buyingPowerRequirement).toBeCloseTo(2 * 585 * 100 - 2 * shortPut * 100, 2);

    const second = bar(10, 31);
    await broker.onBar(second);
    const filled = await broker.account(second);
    const longPut = quoteOption(spy(580, 'P'), second).mid;
    expect(filled.cash).toBeCloseTo(DEFAULT_STARTING_BALANCE + 2 * (shortPut - longPut) * 100, 2);
    expect(filled.buyingPowerRequirement).toBeCloseTo(2 * 500 + valueAt(spread, second), 2);
  });

  it('applies each underlying’s multiplier to its fills: 100 for SPY, 50 for /ES', async () => {
    const broker = new PaperBroker(db);
    const at = bar(10, 30);
    const esPut: OptionContract = { underlying: 'ES', expiry: '2026-12-18', strike: 5700, right: 'P' };
    await broker.placeCombo({ clientOrderId: 'spy', legs: [leg('BUY', spy(590, 'C'), 3)] }, at);
    await broker.placeCombo({ clientOrderId: 'es', legs: [leg('SELL', esPut, 2)] }, at);

    const expected = DEFAULT_STARTING_BALANCE - 3 * quoteOption(spy(590, 'C'), at).mid * 100 + 2 * quoteOption(esPut, at).mid * 50;
    const account = await broker.account(at);
    expect(account.cash).toBeCloseTo(expected, 2);
    expect(account.netLiquidation).toBeCloseTo(DEFAULT_STARTING_BALANCE, 2);
  });

  it('marks its last ledger again when asked to reuse it, until it places, cancels or advances an order; a fresh read sees another broker’s fills', async () => {
    const broker = new PaperBroker(db);
    const at = bar(10, 30);
    const moved = bar(11, 0, 594);
    expect((await broker.account(at)).cash).toBe(DEFAULT_STARTING_BALANCE);

    await new PaperBroker(db).placeCombo({ clientOrderId: 'elsewhere', legs: CONDOR }, at);
    expect(await broker.account(moved, { reuseLedger: true })).toMatchObject({ cash: DEFAULT_STARTING_BALANCE, positionsValue: 0 });
    const fresh = await broker.account(moved);
    expect(fresh.cash).toBeGreaterThan(DEFAULT_STARTING_BALANCE);
    // Reused, the ledger is still marked at the bar it is asked about.
    expect(await broker.account(at, { reuseLedger: true })).toMatchObject({ cash: fresh.cash, positionsValue: expect.closeTo(-valueAt(flip(CONDOR), at), 2) });
    // The engine's every-bar read: the same ledger, the same figure, without the buying power.
    expect(await broker.netLiquidation(moved, { reuseLedger: true })).toBe((await broker.account(moved, { reuseLedger: true })).netLiquidation);

    const close = await broker.placeCombo({ clientOrderId: 'close', legs: flip(CONDOR) }, moved);
    expect(close.status).toBe('FILLED');
    expect(await broker.account(moved, { reuseLedger: true })).toMatchObject({ positionsValue: 0, buyingPowerRequirement: 0 });

    await settings.setFaults({ legged: true });
    await broker.refreshFaults();
    await broker.placeCombo({ clientOrderId: 'legged', legs: CONDOR.slice(0, 2) }, moved);
    const halfway = await broker.account(moved, { reuseLedger: true });
    await broker.onBar(bar(11, 1, 594));
    const filled = await broker.account(bar(11, 1, 594), { reuseLedger: true });
    expect(filled.cash).not.toBe(halfway.cash);
  });

  it('stores the starting balance when first read and keeps it: a new broker, or several at once, cannot change it', async () => {
    const at = bar(10, 30);
    const racing = await Promise.all([300_000, 400_000, 500_000].map((startingBalance) => new PaperBroker(db, { startingBalance }).account(at)));
    const stored = racing[0]!.startingBalance;
    expect(racing.map((account) => account.startingBalance)).toEqual([stored, stored, stored]);

    await new PaperBroker(db).placeCombo({ clientOrderId: 'buy', legs: [leg('BUY', spy(590, 'C'))] }, at);
    const restarted = await new PaperBroker(db, { startingBalance: 9_000_000 }).account(at);
    expect(restarted.startingBalance).toBe(stored);
    expect(restarted.netLiquidation).toBeCloseTo(stored, 2);
    expect(await db.paperAccount.count()).toBe(1);
  });
});
