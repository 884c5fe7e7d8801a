/** A simulated year of one-minute bars through the whole engine (every strategy, the paper broker, PostgreSQL), no UI. */
import { createDb, type Db } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import { createLogger } from '../lib/log';
import { loadEngine } from '../lib/server/load-engine';
import { boundedTime, type Bench } from './figure';

const BARS_PER_DAY = 390;
const ROUND_TRIP_SAMPLES = 2_000;

/** The mean time of `SELECT 1` through the engine's own client: the least one stored row can cost. */
async function roundTripMs(db: Db): Promise<number> {
  for (let i = 0; i < 100; i += 1) await db.$queryRaw`SELECT 1`;
  const started = performance.now();
  for (let i = 0; i < ROUND_TRIP_SAMPLES; i += 1) await db.$queryRaw`SELECT 1`;
  return (performance.now() - started) / ROUND_TRIP_SAMPLES;
}

/** Every row the engine and the paper broker stored: transitions, refusals, errors, gate decisions, orders, fills. */
async function rowsStored(db: Db): Promise<{ transitions: number; orders: number; total: number }> {
  const [transitions, refusals, errors, decisions, orders, fills] = await Promise.all([
    db.transition.count(),
    db.eventRefusal.count(),
    db.strategyError.count(),
    db.riskGateDecision.count(),
    db.paperOrder.count(),
    db.paperFill.count(),
  ]);
  return { transitions, orders, total: transitions + refusals + errors + decisions + orders + fills };
}

/** One simulated run of `days` sessions on an emptied database: its wall time and what it stored. */
async function simulate(db: Db, hub: NotificationHub, days: number, say: (line: string) => void) {
  await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
  const engine = await loadEngine({
    db,
    hub,
    log: createLogger('silent'),
    simulation: { start: Date.parse('2026-01-02T09:30:00-05:00'), seed: 7, scenario: 'calm', speed: 1 },
  });
  const bars = days * BARS_PER_DAY;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < bars; i += 1) await engine.playBar(engine.clock.advance());
  await engine.stop();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const stored = await rowsStored(db);
  say(
    `${days} sessions = ${bars} bars x ${engine.allRunners().length} strategies in ${seconds.toFixed(2)} s ` +
      `(${((user + system) / 1e6).toFixed(2)} s CPU in this process): ${stored.transitions} transitions, ${stored.orders} orders, ${stored.total} rows stored`,
  );
  return { seconds, stored };
}

export const simulation: Bench = {
  name: 'simulation',
  async run({ databaseUrl, quick, say }) {
    const url = databaseUrl('simulation');
    await migrate(url);
    const db = createDb(url);
    const hub = new NotificationHub(url);
    const days = quick ? 21 : 252;
    // A year is about ten seconds on a shared machine, where one busy moment moves a single run by a second or more.
    const runs = quick ? 1 : 3;
    try {
      const before = await roundTripMs(db);
      const results = [];
      for (let run = 0; run < runs; run += 1) results.push(await simulate(db, hub, days, say));
      // Measured on both sides of the runs, so that a neighbour's load during them weighs on the baseline too.
      const roundTrip = (before + (await roundTripMs(db))) / 2;
      say(`SELECT 1 round trip ${roundTrip.toFixed(3)} ms (before and after the runs)`);
      const { seconds, stored } = [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor((results.length - 1) / 2)]!;
      const perYear = 252 / days;
      const floor = { name: 'one SELECT 1 round trip per row stored', value: (stored.total * roundTrip * perYear) / 1000 };
      const note =
        `${runs === 1 ? 'one run' : `the median of ${runs} runs (${results.map((result) => `${result.seconds.toFixed(2)} s`).join(', ')})`}; ` +
        'baseline: the rows the run stored (transitions, refusals, errors, gate decisions, paper orders and fills) times the mean ' +
        'SELECT 1 round trip through the same client, measured before and after the runs: the database time no engine could go below ' +
        `while storing each row in its own statement${quick ? `; extrapolated from ${days} sessions` : ''}`;
      return [boundedTime('simulated year (252 sessions, five strategies)', seconds * perYear, 's', 10, floor, note)];
    } finally {
      await hub.close();
      await db.$disconnect();
    }
  },
};
