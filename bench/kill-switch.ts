/**
 * The kill switch with 100 strategies: an operator's Emergency Halt through the use case the route calls (no HTTP),
 * to the engine running in this process under leases (EngineHost, as on a server) on its own database. Each sample
 * starts from the same prepared book, copied from a template database: 60 strategies hold a position and 40 have
 * just sent an entry order that stays working at the paper broker (30 bars of latency), while a bar is played every
 * BAR_INTERVAL_MS. Measured from the click, each at the change notification that announced its commit: the stopped
 * mode stored; every holding strategy's move to EMERGENCY_EXIT stored; every working entry's cancel requested (its
 * `order_cancel` row, written just before the broker is asked) and answered by the broker (the rows marked). Beside
 * a plain single-row UPDATE's commit round trip on the same database, in the same process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PaperBroker } from '../lib/broker/paper-broker';
import { createDb, type Db } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import type { LoggedChange } from '../lib/domain/change-event';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../lib/domain/risk/limits';
import { NO_FAULTS, type BrokerFaults } from '../lib/domain/venue-faults';
import type { Engine, SimulationSettings } from '../lib/engine/engine';
import { EngineHost } from '../lib/engine/engine-host';
import { loadEnv } from '../lib/env';
import { createLogger } from '../lib/log';
import { repositoriesFor } from '../lib/server/context';
import { loadEngine } from '../lib/server/load-engine';
import { submitEmergencyHalt } from '../lib/use-cases/submit-emergency-halt';
import { boundedTime, percentile, type Bench, type Figure } from './figure';

const STRATEGIES = 100;
const HOLDING = 60;
const BAR_INTERVAL_MS = 500;
const SETTLE_TIMEOUT_MS = 5_000;
const PAUSE = { actor: 'bench', reason: 'enters later', since: new Date(0) };
/** Wide enough that the risk limits refuse none of the entries: the bench measures the halt, not the gate. */
const OPEN_LIMITS: RiskLimits = {
  ...DEFAULT_RISK_LIMITS,
  maxBuyingPowerUse: 1_000,
  maxSpyDelta: 1e9,
  maxGamma: 1e9,
  maxVega: 1e9,
  minTheta: -1e12,
  maxDailyLoss: 1e3,
  maxIntradayDrawdown: 1e3,
  maxPremiumPerOrder: 1e12,
  maxOrdersPerMinute: 1e6,
};
const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-20T10:25:00-05:00'), seed: 20261120, scenario: 'calm', speed: 0.0001 };

const ids = Array.from({ length: STRATEGIES }, (_, index) => `zdte-${String(index + 1).padStart(3, '0')}`);
const holdingIds = ids.slice(0, HOLDING);
const enteringIds = ids.slice(HOLDING);

/** One halt, in ms after the click; null when it never happened within SETTLE_TIMEOUT_MS. */
interface Sample {
  readonly stored: number | null;
  readonly emergencyExit: number | null;
  readonly cancelsRequested: number | null;
  readonly cancelsConfirmed: number | null;
  readonly notes: string[];
}

export const killSwitch: Bench = {
  name: 'kill-switch',
  async run({ databaseUrl, quick, say }) {
    const templateUrl = databaseUrl('kill_template');
    const sampleUrl = databaseUrl('kill_sample');
    await prepareTemplate(templateUrl);
    const runs = quick ? 5 : 20;
    const samples: Sample[] = [];
    const roundTrips: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      await copyDatabase(templateUrl, sampleUrl);
      const sample = await haltOnce(sampleUrl, roundTrips);
      samples.push(sample);
      say(
        `halt ${run + 1}: stored ${ms(sample.stored)}, EMERGENCY_EXIT ${ms(sample.emergencyExit)}, cancels requested ${ms(sample.cancelsRequested)}, answered ${ms(sample.cancelsConfirmed)}${sample.notes.length ? ` (${sample.notes.join('; ')})` : ''}`,
      );
    }
    await dropDatabase(sampleUrl);
    await dropDatabase(templateUrl);
    return figures(samples, roundTrips);
  },
};

const ms = (value: number | null): string => (value === null ? 'never' : `${value.toFixed(0)} ms`);

function figures(samples: readonly Sample[], roundTrips: readonly number[]): Figure[] {
  const baseline = { name: 'single-row UPDATE commit p99', value: percentile(roundTrips, 99) };
  const of = (pick: (sample: Sample) => number | null) => {
    const values = samples.map(pick);
    const seen = values.filter((value): value is number => value !== null);
    // A halt that never got there counts as infinitely slow.
    return { p50: percentile(values.map((value) => value ?? Infinity), 50), p99: percentile(values.map((value) => value ?? Infinity), 99), seen: seen.length };
  };
  const line = (name: string, pick: (sample: Sample) => number | null, bound: number, extra = '') => {
    const { p50, p99, seen } = of(pick);
    return boundedTime(name, p99, 'ms', bound, baseline, `p99 of ${samples.length} halts (${seen} reached it), p50 ${p50.toFixed(0)} ms${extra}`);
  };
  const confirmed = of((sample) => sample.cancelsConfirmed);
  return [
    line(`halt -> stopped mode stored, ${STRATEGIES} strategies`, (sample) => sample.stored, 100, '; entries are refused from that commit'),
    line(`halt -> all ${HOLDING} holding in EMERGENCY_EXIT`, (sample) => sample.emergencyExit, 250),
    line(
      `halt -> all ${STRATEGIES - HOLDING} working entries cancel-requested`,
      (sample) => sample.cancelsRequested,
      1_000,
      `; answered by the broker p50 ${confirmed.p50.toFixed(0)} / p99 ${confirmed.p99.toFixed(0)} ms`,
    ),
  ];
}

/**
 * The book every sample starts from, as a stopped engine left it: 60 ACTIVE zero-DTE strategies, and 40 paused in
 * WAITING that each sample lets enter (unpaused in memory only) with orders that stay working.
 */
async function prepareTemplate(url: string): Promise<void> {
  await dropDatabase(url);
  await migrate(url);
  const db = createDb(url);
  const hub = new NotificationHub(url);
  try {
    await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
    const engine = await loadEngine({
      db,
      hub,
      log: createLogger('silent'),
      simulation: SIMULATION,
      broker: new PaperBroker(db, { faults: () => NO_FAULTS }),
      riskLimits: OPEN_LIMITS,
      initialStrategies: ids.map((id) => ({ id, kind: 'ZERO_DTE' })),
    });
    const repositories = repositoriesFor(db);
    for (const id of enteringIds) {
      await repositories.strategies.setPause(id, PAUSE);
      engine.runner(id)!.pause = PAUSE;
    }
    await playUntil(engine, () => holdingIds.every((id) => engine.runner(id)!.state === 'ACTIVE'));
    await engine.stop();
  } finally {
    await hub.close();
    await db.$disconnect();
  }
}

async function playUntil(engine: Engine, until: () => boolean, limit = 1_000): Promise<void> {
  for (let played = 0; played < limit; played += 1) {
    if (until()) return;
    await engine.playBar(engine.clock.advance());
  }
  throw new Error(`kill-switch bench: book not ready after ${limit} bars`);
}

/** One sample: the engine started on a fresh copy of the book, the 40 entries sent, then the halt. */
async function haltOnce(url: string, roundTrips: number[]): Promise<Sample> {
  const db = createDb(url);
  const hub = new NotificationHub(url);
  const repositories = repositoriesFor(db);
  let faults: BrokerFaults = NO_FAULTS;
  const broker = new PaperBroker(db, { faults: () => faults });
  const host = new EngineHost({
    holder: 'bench',
    leases: repositories.leases,
    leaseTtlMs: 10_000,
    stores: repositories,
    riskLimits: OPEN_LIMITS,
    changes: hub,
    broker,
    venueFaults: broker,
    log: createLogger('silent'),
    simulation: SIMULATION,
  });
  let playing = true;
  let bars: Promise<void> = Promise.resolve();
  try {
    await host.start();
    const engine = host.current;
    if (!engine) throw new Error('kill-switch bench: the engine did not start');
    faults = { ...NO_FAULTS, latencyBars: 30 };
    for (const id of enteringIds) engine.runner(id)!.pause = null;
    await playUntil(engine, () => enteringIds.every((id) => engine.runner(id)!.state === 'ENTERING'), 5);
    await db.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_probe (id int PRIMARY KEY, n bigint NOT NULL)');
    await db.$executeRawUnsafe('INSERT INTO bench_probe VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
    bars = (async () => {
      while (playing) {
        await sleep(BAR_INTERVAL_MS);
        if (playing) await engine.playBar(engine.clock.advance());
      }
    })();
    for (let i = 0; i < 10; i += 1) roundTrips.push(await updateRoundTrip(db));
    return await measureHalt(db, hub, url);
  } finally {
    playing = false;
    await bars.catch(() => undefined);
    await host.stop();
    await hub.close();
    await db.$disconnect();
  }
}

async function updateRoundTrip(db: Db): Promise<number> {
  const started = performance.now();
  await db.$executeRawUnsafe('UPDATE bench_probe SET n = n + 1 WHERE id = 1');
  return performance.now() - started;
}

/** Clicks, then follows the stored changes as announced (each notification arrives after its commit). */
async function measureHalt(db: Db, hub: NotificationHub, url: string): Promise<Sample> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  const heard: { at: number; change: LoggedChange }[] = [];
  listener.on('notification', (message) => {
    if (message.payload) heard.push({ at: performance.now(), change: JSON.parse(message.payload) as LoggedChange });
  });
  await listener.query('LISTEN wheelhouse');
  try {
    const env = loadEnv({ ...process.env, DATABASE_URL: url, COMMAND_WAIT_MS: '5000' });
    const repositories = repositoriesFor(db);
    const clickedAt = performance.now();
    const wallClickedAt = new Date(Date.now() - 1);
    const answer = await submitEmergencyHalt(
      { actor: 'bench', actorId: 'bench', reason: 'kill-switch bench', idempotencyKey: `bench-${Date.now()}` },
      { context: { repositories, hub, env } },
    );
    const notes = [`answered ${answer.command.status} after ${(performance.now() - clickedAt).toFixed(0)} ms with ${answer.unconfirmedCancels} cancels unconfirmed`];
    const deadline = clickedAt + SETTLE_TIMEOUT_MS;
    let sample: Sample = { stored: null, emergencyExit: null, cancelsRequested: null, cancelsConfirmed: null, notes };
    while (performance.now() < deadline) {
      sample = await readSample(db, heard, clickedAt, wallClickedAt, notes);
      if (sample.stored !== null && sample.emergencyExit !== null && sample.cancelsConfirmed !== null) break;
      await sleep(25);
    }
    return sample;
  } finally {
    await listener.end();
  }
}

/** What has happened so far, each at the first notification that completed it. */
async function readSample(db: Db, heard: readonly { at: number; change: LoggedChange }[], clickedAt: number, wallClickedAt: Date, notes: string[]): Promise<Sample> {
  const after = (at: number) => at - clickedAt;
  const stored = heard.find(({ change }) => change.table === 'system_state');

  // Each holding strategy's first transition after the click: its notification is the k-th one for that strategy.
  const transitions = await db.transition.findMany({
    where: { strategyId: { in: holdingIds }, wallTime: { gte: wallClickedAt } },
    orderBy: [{ strategyId: 'asc' }, { seq: 'asc' }],
    select: { strategyId: true, toState: true },
  });
  let emergencyExit: number | null = 0;
  for (const id of holdingIds) {
    const first = transitions.find((row) => row.strategyId === id);
    const note = heard.find(({ change }) => change.table === 'transition' && change.strategyId === id);
    if (!first || first.toState !== 'EMERGENCY_EXIT' || !note) {
      emergencyExit = null;
      break;
    }
    emergencyExit = Math.max(emergencyExit, after(note.at));
  }

  const cancels = await cancelTimes(db, heard, clickedAt);
  if (cancels === 'absent' && !notes.includes('no cancel table: cancels never requested')) notes.push('no cancel table: cancels never requested');
  return {
    stored: stored ? after(stored.at) : null,
    emergencyExit,
    cancelsRequested: cancels === 'absent' ? null : cancels.requested,
    cancelsConfirmed: cancels === 'absent' ? (emergencyExit === null ? null : Infinity) : cancels.confirmed,
    notes,
  };
}

/** When every entry order's cancel was requested and answered, by the announcements of `order_cancel`'s rows. */
async function cancelTimes(db: Db, heard: readonly { at: number; change: LoggedChange }[], clickedAt: number): Promise<'absent' | { requested: number | null; confirmed: number | null }> {
  const [exists] = await db.$queryRawUnsafe<{ present: boolean }[]>(`SELECT to_regclass('order_cancel') IS NOT NULL AS present`);
  if (!exists?.present) return 'absent';
  const [counts] = await db.$queryRawUnsafe<{ requested: number; confirmed: number }[]>(
    `SELECT count(*)::int AS requested, count(confirmed_at)::int AS confirmed FROM order_cancel WHERE strategy_id = ANY($1::text[])`,
    enteringIds,
  );
  const announced = heard.filter(({ change }) => (change.table as string) === 'order_cancel').map(({ at }) => at - clickedAt);
  const requested = counts && counts.requested >= enteringIds.length && announced.length > 0 ? announced[0]! : null;
  const confirmed = counts && counts.confirmed >= enteringIds.length && announced.length > 0 ? announced[announced.length - 1]! : null;
  return { requested, confirmed };
}

async function copyDatabase(template: string, target: string): Promise<void> {
  await dropDatabase(target);
  await admin(template, async (client) => {
    await client.query(`CREATE DATABASE ${databaseName(target)} TEMPLATE ${databaseName(template)}`);
  });
}

async function dropDatabase(url: string): Promise<void> {
  await admin(url, (client) => client.query(`DROP DATABASE IF EXISTS ${databaseName(url)} WITH (FORCE)`).then(() => undefined));
}

const databaseName = (url: string): string => {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`kill-switch bench: unexpected database name ${name}`);
  return name;
};

async function admin(url: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
