/**
 * `npm run bench`: how fast the engine simulates and how fast it stores transitions, against PostgreSQL.
 * Figures and ratios to read, not limits to assert: these machines are shared and noisy.
 */
import { createDb } from '../lib/db/client';
import type { Prisma } from '../lib/db/generated/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { StrategyRepository } from '../lib/db/strategy-repository';
import type { Engine } from '../lib/engine/engine';
import { loadEngine } from '../lib/server/load-engine';
import { createLogger } from '../lib/log';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';

const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse_bench';
/** A year of sessions by default. */
const TRADING_DAYS = Number(process.env.BENCH_DAYS ?? 252);
const WRITES = Number(process.env.BENCH_WRITES ?? 2_000);
const BARS_PER_DAY = 390;

const db = createDb(BENCH_DATABASE_URL);
const strategies = new StrategyRepository(db);

async function reset(): Promise<void> {
  await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** An engine on an emptied bench database, its clock driven by hand (speed is unused). */
async function freshEngine(): Promise<{ hub: NotificationHub; engine: Engine }> {
  await reset();
  const hub = new NotificationHub(BENCH_DATABASE_URL);
  const engine = await loadEngine({
    db,
    hub,
    log: createLogger('silent'),
    simulation: { start: Date.parse('2026-01-02T09:30:00-05:00'), seed: 7, scenario: 'calm', speed: 1 },
  });
  return { hub, engine };
}

/** A year of one-minute bars through the whole engine (every strategy, the paper broker, PostgreSQL), no UI. */
async function simulate(): Promise<void> {
  const { hub, engine } = await freshEngine();
  const bars = TRADING_DAYS * BARS_PER_DAY;
  const firstBar = engine.clock.currentBar.time;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let i = 0; i < bars; i += 1) await engine.playBar(engine.clock.advance());
  await engine.stop();
  const seconds = (performance.now() - started) / 1000;
  const [transitions, orders] = await Promise.all([db.transition.count(), db.paperOrder.count()]);
  const calendarDays = (engine.clock.currentBar.time - firstBar) / 86_400_000;
  const strategies = engine.allRunners();
  console.log(`simulation: ${TRADING_DAYS} sessions = ${bars} one-minute bars x ${strategies.length} strategies in ${seconds.toFixed(2)} s`);
  console.log(`  ${(bars / seconds).toFixed(0)} bars/s; ${((bars * 60) / seconds).toFixed(0)}x real time counting market hours`);
  console.log(`  ${((calendarDays * 86_400) / seconds).toFixed(0)}x real time counting the calendar (${calendarDays.toFixed(0)} days)`);
  console.log(`  ${transitions} transitions, ${orders} orders stored; final states: ${strategies.map((r) => `${r.record.kind}=${r.state}`).join(', ')}`);
  console.log(`  heap ${mb(heapBefore)} -> ${mb(process.memoryUsage().heapUsed)}, rss ${mb(process.memoryUsage().rss)}`);
  await hub.close();
}

/** The hot path: one statement per transition (update with version check + append), vs Prisma's interactive transaction. */
async function writePath(): Promise<void> {
  const { hub, engine } = await freshEngine();
  const runner = engine.allRunners()[0]!;
  const snapshot = JSON.parse(JSON.stringify({ value: 'WAITING', context: runner.context })) as Prisma.InputJsonObject;
  let version = runner.currentVersion;

  const oneStatementStart = performance.now();
  for (let i = 0; i < WRITES; i += 1) {
    version = await strategies.recordTransition({
      strategyId: runner.id,
      fence: null,
      expectedVersion: version,
      fromState: 'WAITING',
      toState: 'WAITING',
      snapshot,
      eventType: 'bench',
      eventPayload: { i },
      actor: 'bench',
      reason: null,
      marketTime: new Date(),
    });
  }
  const oneStatement = WRITES / ((performance.now() - oneStatementStart) / 1000);

  const interactiveStart = performance.now();
  for (let i = 0; i < WRITES; i += 1) {
    await db.$transaction(async (tx) => {
      const updated = await tx.strategy.updateMany({
        where: { id: runner.id, version },
        data: { version: { increment: 1 }, snapshot, state: 'WAITING' },
      });
      if (updated.count !== 1) throw new Error('stale');
      version += 1;
      await tx.transition.create({
        data: {
          strategyId: runner.id,
          seq: version,
          fromState: 'WAITING',
          toState: 'WAITING',
          eventType: 'bench',
          eventPayload: { i },
          actor: 'bench',
          marketTime: new Date(),
        },
      });
    });
  }
  const interactive = WRITES / ((performance.now() - interactiveStart) / 1000);
  console.log(`transition writes (${WRITES} each, one connection, sequential):`);
  console.log(`  one statement (CTE update + append): ${oneStatement.toFixed(0)}/s`);
  console.log(`  Prisma interactive $transaction:     ${interactive.toFixed(0)}/s (${(interactive / oneStatement).toFixed(2)}x)`);
  await engine.stop();
  await hub.close();
}

await migrate(BENCH_DATABASE_URL);
await simulate();
await writePath();
await db.$disconnect();
