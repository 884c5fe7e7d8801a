import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import type { OverridePreview } from '../api/contract';
import { PaperBroker } from '../broker/paper-broker';
import type { Db } from '../db/client';
import { CommandRepository } from '../db/command-repository';
import { NotificationHub } from '../db/notifications';
import { DEFAULT_RISK_LIMITS } from '../domain/risk/limits';
import { NO_FAULTS, type BrokerFaults } from '../domain/venue-faults';
import type { Engine, SimulationSettings } from './engine';
import { createLogger } from '../log';
import { repositoriesFor } from '../server/context';
import { loadEngine } from '../server/load-engine';
import { latestBar } from '../use-cases/dashboard-views';
import { readHaltPreview, readStrategyPreview } from '../use-cases/read-override-preview';

const ZERO_DTE = 'zero-dte-friday';
const db: Db = testDb();
const commands = new CommandRepository(db);
const repositories = repositoriesFor(db);
const hub = new NotificationHub(TEST_DATABASE_URL);
const simulation: SimulationSettings = { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 20261120, scenario: 'calm', speed: 0.0001 };

let faults: BrokerFaults;
let running: Engine | null = null;

async function startEngine(): Promise<Engine> {
  running = await loadEngine({
    db,
    hub,
    log: createLogger('silent'),
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

/**
 * Plays bars until the clock the engine saves (about once a second) is the bar it trades on: the preview, a read
 * from the database, then prices from the bar the command is sent on.
 */
async function playUntilClockSaved(engine: Engine): Promise<void> {
  for (let played = 0; played < 10_000; played += 1) {
    if ((await latestBar(repositories))?.time === engine.clock.currentBar.time) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await engine.playBar(engine.clock.advance());
  }
  throw new Error('the clock was not saved');
}

/** An operator's command with the preview's fingerprint, as the engine executes it; resolves once everything it set off settled. */
async function confirm(engine: Engine, type: 'DEFENSIVE_EXIT' | 'RECOVER' | 'EMERGENCY_HALT', previewFingerprint: string) {
  const command = await commands.create({ type, strategyId: type === 'EMERGENCY_HALT' ? null : ZERO_DTE, actor: 'carol', reason: 'risk off', previewFingerprint });
  await engine.drainCommands();
  await engine.runner(ZERO_DTE)!.idle();
  return (await commands.find(command.id))!;
}

/** What the paper venue holds of one order: its legs as sent, and the price each leg filled at. */
async function atTheVenue(clientOrderId: string) {
  const order = await db.paperOrder.findUnique({ where: { clientOrderId }, include: { fills: { orderBy: { legIndex: 'asc' } } } });
  if (!order) return null;
  return {
    status: order.status,
    legs: (order.legs as { contract: object; side: string; quantity: number }[]).map(({ contract, side, quantity }) => ({ ...contract, side, quantity })),
    fillPrices: order.fills.map((fill) => fill.price),
  };
}

/** The preview's one order as the venue would hold it once sent and filled at its limit prices. */
function previewedOrder(preview: OverridePreview) {
  const order = preview.strategies.flatMap((strategy) => strategy.orders)[0]!;
  return {
    clientOrderId: order.clientOrderId,
    venue: {
      status: 'FILLED',
      legs: order.legs.map(({ underlying, expiry, strike, right, side, quantity }) => ({ underlying, expiry, strike, right, side, quantity })),
      fillPrices: order.legs.map((leg) => leg.limitPrice),
    },
  };
}

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

describe('the preview of an override, read from the database, against what the engine then sends to the paper broker', () => {
  it('a Defensive Exit sends the order previewed: the same id and legs, filled at the limit prices shown', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await playUntil(engine, () => runner.state === 'ACTIVE');
    await playUntilClockSaved(engine);

    const preview = await readStrategyPreview(ZERO_DTE, 'defensive-exit', { repositories });
    expect(preview.strategies).toMatchObject([{ strategyId: ZERO_DTE, from: 'ACTIVE', to: 'DEFENSIVE_EXIT', refusal: null, cancels: [] }]);
    const { clientOrderId, venue } = previewedOrder(preview);
    expect(venue.legs.length).toBeGreaterThan(0);
    expect(await atTheVenue(clientOrderId)).toBeNull();

    const command = await confirm(engine, 'DEFENSIVE_EXIT', preview.fingerprint);

    expect(command).toMatchObject({ status: 'done', outcome: expect.stringContaining('as previewed'), previewFingerprint: preview.fingerprint });
    expect(await atTheVenue(clientOrderId)).toEqual(venue);
    expect(runner.state).toBe('COMPLETE');
  });

  it('an Emergency Halt sends each exit previewed', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await playUntil(engine, () => runner.state === 'ACTIVE');
    await playUntilClockSaved(engine);

    const preview = await readHaltPreview({ repositories });
    expect(preview.strategies).toMatchObject([{ strategyId: ZERO_DTE, to: 'EMERGENCY_EXIT' }]);
    const { clientOrderId, venue } = previewedOrder(preview);

    const command = await confirm(engine, 'EMERGENCY_HALT', preview.fingerprint);

    expect(command.status).toBe('done');
    expect(command.outcome).not.toContain('differs from the preview');
    expect(await atTheVenue(clientOrderId)).toEqual(venue);
  });

  it('a Recover is refused when what it would settle is not what was shown, and settles what was shown when it is', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    faults = { ...faults, rejectNext: 3 };
    await playUntil(engine, () => runner.state === 'ERROR');
    faults = { ...NO_FAULTS };
    await playUntilClockSaved(engine);

    const preview = await readStrategyPreview(ZERO_DTE, 'recover', { repositories });
    const [plan] = preview.strategies;
    expect(plan).toMatchObject({ from: 'ERROR', to: 'RECOVERY', landsIn: 'WAITING' });
    const inDoubt = plan!.cancels.map((cancel) => cancel.clientOrderId);
    expect(inDoubt).toEqual([runner.context.order!.clientOrderId]);

    const otherOrders = `${preview.fingerprint.startsWith('0') ? '1' : '0'}${preview.fingerprint.slice(1)}`;
    const refused = await confirm(engine, 'RECOVER', otherOrders);
    expect(refused).toMatchObject({ status: 'rejected', outcomeCode: 'PREVIEW_CHANGED', outcome: expect.stringContaining(`cancel ${inDoubt[0]}`) });
    expect(runner.state).toBe('ERROR');

    const recovered = await confirm(engine, 'RECOVER', preview.fingerprint);
    expect(recovered).toMatchObject({ status: 'done', outcome: expect.stringContaining(`settles ${inDoubt[0]} at the broker`) });
    expect(runner.state).toBe('WAITING');
    // The fingerprints and the refusal's code are in the audit trail's hashes, and the chains still verify.
    expect(await repositories.audit.verify()).toMatchObject({ brokenId: null, problem: null });
  });

  it('while the venue quotes stale, an Emergency Halt previews no exit now, as the engine then sends none', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await playUntil(engine, () => runner.state === 'ACTIVE');
    await playUntilClockSaved(engine);
    // Started, the engine follows the stored faults (its clock, at this speed, plays no bar of its own).
    await engine.start();
    faults = { ...NO_FAULTS, staleQuotes: true };
    await repositories.brokerSettings.setFaults({ staleQuotes: true });
    await expect.poll(async () => (await readHaltPreview({ repositories })).strategies[0]?.to ?? null).toBeNull();
    await playUntilClockSaved(engine);

    const preview = await readHaltPreview({ repositories });
    expect(preview.strategies).toMatchObject([{ strategyId: ZERO_DTE, to: null, orders: [], notes: [expect.stringContaining('first usable bar')] }]);
    const command = await confirm(engine, 'EMERGENCY_HALT', preview.fingerprint);
    expect(command.outcome).toContain('flatten on the first usable bar');
    expect(command.outcome).not.toContain('differs from the preview');
    expect(runner.state).toBe('ACTIVE');
  });

  it('reads any strategy by its stored snapshot, with no engine running: a refusal where its state does not allow the override', async () => {
    const engine = await startEngine();
    await playUntil(engine, () => engine.runner(ZERO_DTE)!.state === 'WAITING');
    await engine.stop();
    running = null;

    const preview = await readStrategyPreview(ZERO_DTE, 'defensive-exit', { repositories });
    expect(preview.strategies).toMatchObject([{ from: 'WAITING', to: null, orders: [], refusal: expect.stringContaining('does not accept operator.defensiveExit') }]);
    await expect(readStrategyPreview('no-such-strategy', 'recover', { repositories })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
