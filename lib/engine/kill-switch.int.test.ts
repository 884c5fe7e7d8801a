import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { PaperBroker } from '../broker/paper-broker';
import type { Db } from '../db/client';
import { CommandRepository } from '../db/command-repository';
import { NotificationHub } from '../db/notifications';
import { DEFAULT_RISK_LIMITS } from '../domain/risk/limits';
import { isFlat } from '../domain/strategies/position';
import { NO_FAULTS, type BrokerFaults } from '../domain/venue-faults';
import { loadEnv } from '../env';
import { createLogger } from '../log';
import { repositoriesFor } from '../server/context';
import { loadEngine } from '../server/load-engine';
import { readOverview } from '../use-cases/read-overview';
import { submitEmergencyHalt } from '../use-cases/submit-emergency-halt';
import type { Engine, SimulationSettings } from './engine';

const ZERO_DTE = 'zero-dte-friday';
const ENTRY = `${ZERO_DTE}:2026-11-20:entry:1`;
const db: Db = testDb();
const commands = new CommandRepository(db);
const repositories = repositoriesFor(db);
const hub = new NotificationHub(TEST_DATABASE_URL);
const env = loadEnv({ ...process.env, DATABASE_URL: TEST_DATABASE_URL, COMMAND_WAIT_MS: '5000' });
const log = createLogger('silent');
const simulation: SimulationSettings = { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 20261120, scenario: 'calm', speed: 0.0001 };

let faults: BrokerFaults;
let running: Engine | null = null;

async function startEngine(): Promise<Engine> {
  running = await loadEngine({
    db,
    hub,
    log,
    simulation,
    broker: new PaperBroker(db, { faults: () => faults }),
    riskLimits: DEFAULT_RISK_LIMITS,
    initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }],
  });
  return running;
}

async function playUntil(engine: Engine, until: () => boolean, limit = 2_000): Promise<void> {
  for (let played = 0; played < limit; played += 1) {
    if (until()) return;
    await engine.playBar(engine.clock.advance());
  }
  throw new Error(`condition not reached in ${limit} bars`);
}

/** An operator's halt as the engine executes it; resolves once it and everything it set off has settled. */
async function halt(engine: Engine): Promise<string | null> {
  const command = await commands.create({ type: 'EMERGENCY_HALT', strategyId: null, actor: 'carol', reason: 'risk off' });
  await engine.drainCommands();
  await engine.runner(ZERO_DTE)!.idle();
  return (await commands.find(command.id))?.outcome ?? null;
}

const paperOrders = async () =>
  (await db.paperOrder.findMany({ orderBy: { id: 'asc' }, include: { fills: true } })).map((order) => ({
    id: order.clientOrderId,
    status: order.status,
    fills: order.fills.length,
    submissions: order.submissions,
  }));

const cancelRows = async () =>
  (await db.orderCancel.findMany({ orderBy: { clientOrderId: 'asc' } })).map((row) => ({ id: row.clientOrderId, confirmed: row.confirmedAt !== null }));

beforeEach(async () => {
  await running?.stop();
  running = null;
  await resetDatabase(db);
  faults = { ...NO_FAULTS };
});

afterAll(async () => {
  await running?.stop();
  await hub.close();
  await db.$disconnect();
});

describe('the kill switch against the paper broker', () => {
  it('cancels an entry order still working at the broker and rolls the strategy back to WAITING, without a step towards the breaker', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, latencyBars: 30 };
    await playUntil(engine, () => runner.state === 'ENTERING');
    expect(await paperOrders()).toEqual([{ id: ENTRY, status: 'WORKING', fills: 0, submissions: 1 }]);

    const outcome = await halt(engine);

    expect(outcome).toContain('1 orders out cancelled (0 not yet answered by the broker)');
    expect(await paperOrders()).toEqual([{ id: ENTRY, status: 'CANCELLED', fills: 0, submissions: 1 }]);
    expect(await cancelRows()).toEqual([{ id: ENTRY, confirmed: true }]);
    expect(runner.state).toBe('WAITING');
    expect(runner.context.errorCount).toBe(0);
    expect(runner.context.order).toBeNull();
    // The stopped mode keeps it out: no second entry on the bars that follow.
    for (let bar = 0; bar < 10; bar += 1) await engine.playBar(engine.clock.advance());
    expect(runner.state).toBe('WAITING');
    expect((await paperOrders()).map((order) => order.id)).toEqual([ENTRY]);
  });

  it('unwinds the legs of a legged entry that filled before the halt cancelled the rest', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, legged: true };
    await playUntil(engine, () => runner.state === 'ENTERING' && !isFlat(runner.context.position));
    const [entry] = await paperOrders();
    expect(entry).toMatchObject({ id: ENTRY, status: 'PARTIALLY_FILLED' });
    const filledLegs = entry!.fills;

    await halt(engine);
    // The unwind goes out legged too: played to its end.
    await playUntil(engine, () => runner.state !== 'ENTERING', 20);

    const orders = await paperOrders();
    expect(orders[0]).toEqual({ id: ENTRY, status: 'CANCELLED', fills: filledLegs, submissions: 1 });
    expect(orders[1]).toMatchObject({ id: `${ZERO_DTE}:2026-11-20:unwind:2`, status: 'FILLED', fills: filledLegs });
    expect(orders).toHaveLength(2);
    expect(runner.state).toBe('WAITING');
    expect(isFlat(runner.context.position)).toBe(true);
    expect(await db.paperPosition.count()).toBe(0);
  });

  it('keeps a close order already working and never sends a second one', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await playUntil(engine, () => runner.state === 'ACTIVE');
    faults = { ...faults, latencyBars: 3 };
    await commands.create({ type: 'DEFENSIVE_EXIT', strategyId: ZERO_DTE, actor: 'alice', reason: 'Fed headline' });
    await engine.drainCommands();
    expect(runner.state).toBe('DEFENSIVE_EXIT');
    const close = runner.context.order!.clientOrderId;

    const outcome = await halt(engine);

    expect(outcome).not.toContain('cancelled');
    expect(await cancelRows()).toEqual([]);
    expect(runner.state).toBe('DEFENSIVE_EXIT');
    await playUntil(engine, () => runner.state === 'COMPLETE', 10);
    const closes = (await paperOrders()).filter((order) => order.id.includes(':close:'));
    expect(closes).toEqual([{ id: close, status: 'FILLED', fills: 2, submissions: 1 }]);
    // Flat, nothing out: the emergency is over.
    await engine.playBar(engine.clock.advance());
    expect(engine.systemMode).toBe('HALTED');
  });

  it("answers the halt with the cancels the broker has not answered, which the overview shows until the broker answers", async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    // Started, so that it hears the command the use case writes (its own clock too slow to play a bar).
    await engine.start();
    faults = { ...faults, latencyBars: 30 };
    await playUntil(engine, () => runner.state === 'ENTERING');
    faults = { ...faults, dropConnection: true };

    const answer = await submitEmergencyHalt(
      { actor: 'carol', actorId: 'carol', reason: 'risk off', idempotencyKey: 'halt-1' },
      { context: { repositories, hub, env } },
    );

    expect(answer.command.status).toBe('done');
    expect(answer.unconfirmedCancels).toBe(1);
    expect((await readOverview({ repositories, env })).system.unconfirmedCancels).toBe(1);
    expect(runner.state).toBe('ENTERING');

    faults = { ...faults, dropConnection: false };
    await engine.playBar(engine.clock.advance());
    await runner.idle();
    expect((await readOverview({ repositories, env })).system.unconfirmedCancels).toBe(0);
    expect(await cancelRows()).toEqual([{ id: ENTRY, confirmed: true }]);
    expect(runner.state).toBe('WAITING');
  });
});
