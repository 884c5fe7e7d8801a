import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL } from '../../test/db';
import { quoteOption } from '../domain/market/option-pricing';
import type { OptionContract, OrderLeg } from '../domain/market/types';
import { createLogger } from '../log';
import { serverContext } from '../server/context';
import { loadEngine } from '../server/load-engine';
import { latestBar } from './dashboard-views';
import { readOverview } from './read-overview';

const server = serverContext();
if (server.env.DATABASE_URL !== TEST_DATABASE_URL) throw new Error(`refusing to run against ${server.env.DATABASE_URL}`);
const { db, hub, repositories } = server;
const log = createLogger('silent');

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('the overview’s risk panel', () => {
  it('shows the account at the paper broker: its stored starting balance, cash from fills, buying power at the latest bar', async () => {
    // An engine without strategies stores the account (at 400,000) and, stopping, the clock's latest bar.
    const simulation = { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 1, scenario: 'calm' as const, speed: 1 };
    const engine = await loadEngine({ db, hub, log, simulation, startingBalance: 400_000, initialStrategies: [] });
    await engine.playBar(engine.clock.advance());
    await engine.stop();
    const bar = (await latestBar(repositories))!;

    // A put credit spread, two units, filled at 4.10 and 3.00.
    const strike = Math.round(bar.underlyings.SPY.price) - 5;
    const put = (at: number): OptionContract => ({ underlying: 'SPY', expiry: '2026-12-18', strike: at, right: 'P' });
    const legs: OrderLeg[] = [
      { contract: put(strike), side: 'SELL', quantity: 2 },
      { contract: put(strike - 5), side: 'BUY', quantity: 2 },
    ];
    const time = new Date(bar.time);
    await repositories.paperVenue.transaction(async (venue) => {
      const id = await venue.insertOrder({ clientOrderId: 'spread', status: 'WORKING', legs, rejectReason: null, time, fillsDueAt: time }, null);
      if (typeof id !== 'bigint') throw new Error(`spread not inserted: ${id}`);
      await venue.fillLegs(id, [{ legIndex: 0, leg: legs[0]!, price: 4.1 }, { legIndex: 1, leg: legs[1]!, price: 3 }], time, null);
    });

    // The environment's balance is for a fresh account; this one was stored at 400,000.
    const { risk } = await readOverview({ repositories, env: { ...server.env, PAPER_STARTING_BALANCE: 1_000_000 } });
    const value = 2 * 100 * (quoteOption(put(strike - 5), bar).mid - quoteOption(put(strike), bar).mid);
    expect(risk).toMatchObject({ startingBalance: 400_000, cash: 400_220 });
    expect(risk!.positionsValue).toBeCloseTo(value, 2);
    expect(risk!.netLiquidation).toBeCloseTo(400_220 + value, 2);
    // Two $5-wide spreads owe $1,000 at worst: from their value now, 1,000 + value more.
    expect(risk!.buyingPowerUsed).toBeCloseTo(1_000 + value, 2);
    expect(risk!.buyingPowerAvailable).toBeCloseTo(399_220, 2);
  });
});
