import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_FAULTS, type BrokerFaults } from '../domain/venue-faults';
import { PaperBroker } from '../broker/paper-broker';
import type { Db } from '../db/client';
import { NotificationHub } from '../db/notifications';
import { createLogger } from '../log';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { CommandRepository } from '../db/command-repository';
import { loadEngine } from '../server/load-engine';
import type { Engine, SimulationSettings } from './engine';

const ZERO_DTE = 'zero-dte-friday';
const db: Db = testDb();
const commands = new CommandRepository(db);
const hub = new NotificationHub(TEST_DATABASE_URL);
const log = createLogger('silent');
const simulation: SimulationSettings = { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 20261120, scenario: 'calm', speed: 0.0001 };

let faults: BrokerFaults;
const startEngine = () =>
  loadEngine({
    db,
    hub,
    log,
    simulation,
    broker: new PaperBroker(db, { faults: () => faults }),
    initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }],
  });

async function playUntil(engine: Engine, until: () => boolean, limit = 2_000): Promise<void> {
  for (let played = 0; played < limit; played += 1) {
    await engine.playBar(engine.clock.advance());
    if (until()) return;
  }
  throw new Error(`condition not reached in ${limit} bars`);
}

const statesOf = async () =>
  (await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' } })).map((row) => row.toState);
const errorTypes = async () => (await db.strategyError.findMany({ orderBy: { id: 'asc' } })).map((row) => row.type);

beforeEach(async () => {
  await resetDatabase(db);
  faults = { ...NO_FAULTS };
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('recovery against the paper broker', () => {
  it('rolls a rejected entry back to WAITING with an error record, and enters on a later bar under a new order id', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, rejectNext: 1 };
    await playUntil(engine, () => runner.state === 'ACTIVE');

    expect(await statesOf()).toEqual(expect.arrayContaining(['ENTERING', 'WAITING', 'ACTIVE']));
    expect(await errorTypes()).toEqual(['ORDER_REJECTED']);
    const orders = await db.paperOrder.findMany({ orderBy: { id: 'asc' } });
    expect(orders.map((order) => [order.clientOrderId, order.status])).toEqual([
      [`${ZERO_DTE}:2026-11-20:entry:1`, 'REJECTED'],
      [`${ZERO_DTE}:2026-11-20:entry:2`, 'FILLED'],
    ]);
  });

  it('goes to RECOVERY when the broker cannot be reached, and settles flat once it is back, sending nothing twice', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, dropConnection: true };
    await playUntil(engine, () => runner.state === 'RECOVERY');
    expect(runner.context.recovery?.order?.clientOrderId).toBe(`${ZERO_DTE}:2026-11-20:entry:1`);
    await playUntil(engine, () => (runner.context.recovery?.attempts ?? 0) >= 2);

    faults = { ...faults, dropConnection: false };
    await playUntil(engine, () => runner.state !== 'RECOVERY');
    expect(runner.state).toBe('WAITING');
    // Never submitted; its id is cancelled at the venue, so a send still on its way could never trade.
    const orders = await db.paperOrder.findMany({ where: { clientOrderId: `${ZERO_DTE}:2026-11-20:entry:1` }, select: { status: true, submissions: true } });
    expect(orders).toEqual([{ status: 'CANCELLED', submissions: 0 }]);
    expect(await errorTypes()).toEqual(expect.arrayContaining(['CONNECTION']));
  });

  it('cancels each timed-out order at the broker and rolls the entry back, until the third trips the breaker', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, timeout: true };
    await playUntil(engine, () => runner.state === 'ERROR');

    const cycle = ['VALIDATION', 'ENTERING', 'RECOVERY', 'WAITING'];
    expect(await statesOf()).toEqual(['INITIALIZING', 'WAITING', ...cycle, ...cycle, 'VALIDATION', 'ENTERING', 'ERROR']);
    const orders = await db.paperOrder.findMany({ orderBy: { id: 'asc' } });
    expect(orders.map((order) => order.status)).toEqual(['CANCELLED', 'CANCELLED', 'WORKING']);
    expect(new Set(orders.map((order) => order.clientOrderId)).size).toBe(3);
    expect(await errorTypes()).toEqual(['TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    // The third order is still in doubt: the breaker keeps it, and the operator's recovery settles it.
    expect(runner.context.order?.clientOrderId).toBe(orders[2]?.clientOrderId);
    faults = { ...faults, timeout: false };
    await commands.create({ type: 'RECOVER', strategyId: ZERO_DTE, actor: 'erin', reason: 'venue back' });
    await engine.drainCommands();
    expect(runner.state).toBe('WAITING');
    expect((await db.paperOrder.findMany({ orderBy: { id: 'asc' } })).map((order) => order.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('opens the circuit breaker at the third error in a cycle; only an operator clears it', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, rejectNext: 3 };
    await playUntil(engine, () => runner.state === 'ERROR');
    expect(await errorTypes()).toEqual(['ORDER_REJECTED', 'ORDER_REJECTED', 'ORDER_REJECTED']);
    expect(runner.context.lastReason).toContain('circuit breaker');

    await playUntil(engine, () => true, 30);
    expect(runner.state).toBe('ERROR');

    await commands.create({ type: 'RECOVER', strategyId: ZERO_DTE, actor: 'dana', reason: 'venue issue resolved' });
    await engine.drainCommands();
    expect(runner.state).toBe('WAITING');
    const rows = await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'desc' }, take: 2 });
    expect(rows.map((row) => [row.fromState, row.toState, row.actor])).toEqual([
      ['RECOVERY', 'WAITING', 'system'],
      ['ERROR', 'RECOVERY', 'dana'],
    ]);
  });

  it('after a restart mid-entry, settles the order in flight at the broker and unwinds the legs that filled', async () => {
    const first = await startEngine();
    faults = { ...faults, legged: true };
    const runner = first.runner(ZERO_DTE)!;
    await playUntil(first, () => runner.state === 'ENTERING' && (runner.context.position?.legs.length ?? 0) >= 1);
    const inFlight = runner.context.order!.clientOrderId;
    await first.stop();

    faults = { ...NO_FAULTS };
    const second = await startEngine();
    await second.start();
    const restored = second.runner(ZERO_DTE)!;
    await playUntil(second, () => restored.state === 'COMPLETE' || restored.state === 'WAITING');
    await second.stop();

    expect(await db.paperOrder.count({ where: { clientOrderId: inFlight } })).toBe(1);
    const states = await statesOf();
    expect(states.slice(states.indexOf('RECOVERY') - 1)).toEqual(['ENTERING', 'RECOVERY', 'DEFENSIVE_EXIT', 'COMPLETE']);
    expect(await db.paperPosition.count()).toBe(0);
  });

  it('after a restart with the breaker open on an order in doubt, sends that order nothing more: the operator\'s recovery settles it', async () => {
    const first = await startEngine();
    faults = { ...faults, timeout: true };
    const runner = first.runner(ZERO_DTE)!;
    await playUntil(first, () => runner.state === 'ERROR');
    const inDoubt = runner.context.order!.clientOrderId;
    await first.stop();

    faults = { ...NO_FAULTS };
    const second = await startEngine();
    await second.start();
    const restarted = second.runner(ZERO_DTE)!;
    await playUntil(second, () => true, 5);
    expect(restarted.state).toBe('ERROR');
    expect(await db.paperOrder.findUniqueOrThrow({ where: { clientOrderId: inDoubt }, select: { status: true, submissions: true } })).toEqual({ status: 'WORKING', submissions: 1 });
    expect(await db.eventRefusal.count()).toBe(0);

    await commands.create({ type: 'RECOVER', strategyId: ZERO_DTE, actor: 'erin', reason: 'venue back' });
    await second.drainCommands();
    await second.stop();
    expect(restarted.state).toBe('WAITING');
    expect(await db.paperOrder.findUniqueOrThrow({ where: { clientOrderId: inDoubt }, select: { status: true, submissions: true } })).toEqual({ status: 'CANCELLED', submissions: 1 });
    expect(await db.paperOrder.aggregate({ _max: { submissions: true } })).toEqual({ _max: { submissions: 1 } });
  });

  it('holds every strategy on stale quotes, with one MARKET_DATA error for the whole episode', async () => {
    const engine = await startEngine();
    faults = { ...faults, staleQuotes: true };
    await engine.start();
    await playUntil(engine, () => engine.clock.currentBar.time > Date.parse('2026-11-20T11:05:00-05:00'));
    await engine.stop();

    expect(await statesOf()).not.toContain('VALIDATION');
    expect(await errorTypes()).toEqual(['MARKET_DATA']);
    expect(await db.paperOrder.count()).toBe(0);
  });
});
