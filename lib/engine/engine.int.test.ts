import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { NotificationHub } from '../db/notifications';
import { nyParts } from '../domain/market/calendar';
import { createLogger } from '../log';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { AuditRepository } from '../db/audit-repository';
import { CommandRepository } from '../db/command-repository';
import { DEFAULT_RISK_LIMITS } from '../domain/risk/limits';
import { StrategyRepository } from '../db/strategy-repository';
import { loadEngine } from '../server/load-engine';
import type { Engine, SimulationSettings } from './engine';

const SIMULATION: SimulationSettings = {
  start: Date.parse('2026-11-20T09:30:00-05:00'),
  seed: 20261120,
  scenario: 'calm',
  speed: 195,
};

const db: Db = testDb();
const strategies = new StrategyRepository(db);
const commands = new CommandRepository(db);
const hub = new NotificationHub(TEST_DATABASE_URL);
const log = createLogger('silent');

const startEngine = () => loadEngine({ db, hub, log, simulation: SIMULATION, initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }] });

/** Plays bars until `until` says stop (or `limit` bars), returning how many were played. */
async function play(engine: Engine, until: () => boolean, limit = 5_000): Promise<number> {
  for (let played = 1; played <= limit; played += 1) {
    await engine.playBar(engine.clock.advance());
    if (until()) return played;
  }
  throw new Error(`condition not reached in ${limit} bars`);
}

const ZERO_DTE = 'zero-dte-friday';

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('the engine against PostgreSQL', () => {
  it('gives a fresh database one 0DTE strategy, INITIALIZING until the first usable bar, with its creation in the history', async () => {
    const engine = await startEngine();
    expect(engine.allRunners().map((runner) => [runner.id, runner.state])).toEqual([[ZERO_DTE, 'INITIALIZING']]);
    await engine.playBar(engine.clock.advance());
    expect(engine.runner(ZERO_DTE)!.state).toBe('WAITING');
    const rows = await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' } });
    expect(rows).toMatchObject([
      { seq: 1, fromState: null, toState: 'INITIALIZING', eventType: 'strategy.created' },
      { seq: 2, fromState: 'INITIALIZING', toState: 'WAITING', eventType: 'market.tick' },
    ]);
  });

  it('moves the system to REDUCING when a loss limit is passed, audited, and keeps it there across a restart', async () => {
    // A drawdown limit no held position can stay under: the first dip below the day's high trips it.
    const limits = { ...DEFAULT_RISK_LIMITS, maxIntradayDrawdown: 1e-9 };
    const engine = await loadEngine({ db, hub, log, simulation: SIMULATION, initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }], riskLimits: limits });
    await play(engine, () => engine.systemMode === 'REDUCING');
    const stored = await db.systemState.findUniqueOrThrow({ where: { id: 1 } });
    expect(stored).toMatchObject({ mode: 'REDUCING', cause: 'loss-limit', actor: 'system', reason: expect.stringMatching(/^loss limit: intraday drawdown/) });
    expect(stored.dayHighNlv).toBeGreaterThan(0);
    expect(await db.systemModeChange.findMany({ select: { fromMode: true, mode: true, cause: true } })).toEqual([{ fromMode: 'RUNNING', mode: 'REDUCING', cause: 'loss-limit' }]);
    const audited = await db.auditEvent.findFirstOrThrow({ where: { kind: 'mode-changed' } });
    expect(audited).toMatchObject({ chain: 'system', actor: 'system', fromState: 'RUNNING', state: 'REDUCING', eventType: 'loss-limit' });
    expect(await new AuditRepository(db).verify()).toMatchObject({ brokenId: null });
    await engine.stop();

    const restarted = await loadEngine({ db, hub, log, simulation: SIMULATION, riskLimits: DEFAULT_RISK_LIMITS });
    expect(restarted.systemMode).toBe('REDUCING');
    await restarted.playBar(restarted.clock.advance());
    expect(restarted.systemMode).toBe('REDUCING');
  });

  it('lets three servers boot together on a fresh database: every default strategy is created once, and all load them', async () => {
    const engines = await Promise.all([1, 2, 3].map(() => loadEngine({ db, hub, log, simulation: SIMULATION })));
    for (const engine of engines) expect(engine.allRunners()).toHaveLength(5);
    expect(await db.strategy.count()).toBe(5);
    expect(await db.transition.count({ where: { eventType: 'strategy.created' } })).toBe(5);
  });

  it('stores a whole Friday as transitions with gap-free sequence numbers, matching the strategy row', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await play(engine, () => runner.state === 'COMPLETE');
    const rows = await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
    expect(rows.map((row) => row.toState)).toEqual(
      expect.arrayContaining(['WAITING', 'VALIDATION', 'ENTERING', 'ACTIVE', 'COMPLETE']),
    );
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.fromState).toBe(rows[i - 1]!.toState);
    const strategy = await db.strategy.findUniqueOrThrow({ where: { id: ZERO_DTE } });
    expect(strategy.version).toBe(rows.length);
    expect(strategy.state).toBe('COMPLETE');
    const entered = rows.find((row) => row.toState === 'ENTERING')!;
    expect(nyParts(entered.marketTime.getTime())).toMatchObject({ date: '2026-11-20', weekday: 5 });
  });

  it('sends its entry through the pre-trade gate, which records the approval; its exit goes straight to the broker', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await play(engine, () => runner.state === 'COMPLETE');
    const entered = await db.transition.findFirstOrThrow({ where: { strategyId: ZERO_DTE, toState: 'ENTERING' } });
    expect(await db.riskGateDecision.findMany()).toMatchObject([
      { clientOrderId: `${ZERO_DTE}:2026-11-20:entry:1`, strategyId: ZERO_DTE, purpose: 'ENTRY', allowed: true, reasons: [], marketTime: entered.marketTime },
    ]);
    expect(await db.paperOrder.count({ where: { clientOrderId: { contains: ':close:' } } })).toBe(1);
  });

  it('restores the same state, position and history in a new engine after a stop', async () => {
    const first = await startEngine();
    const runner = first.runner(ZERO_DTE)!;
    await play(first, () => runner.state === 'ACTIVE');
    const position = runner.context.position;
    const clockTime = first.clock.currentBar.time;
    await first.stop();
    const historyBefore = await db.transition.count({ where: { strategyId: ZERO_DTE } });

    const second = await startEngine();
    const restored = second.runner(ZERO_DTE)!;
    expect(restored.state).toBe('ACTIVE');
    expect(restored.context.position).toEqual(position);
    expect(restored.currentVersion).toBe(historyBefore);
    expect(second.clock.currentBar.time).toBe(clockTime);

    await play(second, () => restored.state === 'COMPLETE');
    const rows = await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
    expect(rows.length).toBeGreaterThan(historyBefore);
  });

  it('refuses a write from a stale version and writes nothing of it', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await play(engine, () => runner.state === 'ACTIVE');
    const before = await db.strategy.findUniqueOrThrow({ where: { id: ZERO_DTE } });
    const count = await db.transition.count();

    await expect(
      strategies.recordTransition({
        strategyId: ZERO_DTE,
        fence: null,
        expectedVersion: before.version - 1,
        fromState: 'ACTIVE',
        toState: 'EXITING',
        snapshot: { stale: true },
        eventType: 'market.tick',
        eventPayload: {},
        actor: 'system',
        reason: 'stale writer',
        marketTime: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'STALE_VERSION' });

    const after = await db.strategy.findUniqueOrThrow({ where: { id: ZERO_DTE } });
    expect(after).toEqual(before);
    expect(await db.transition.count()).toBe(count);
  });

  it('keeps the history append-only: stored transitions cannot be changed or deleted', async () => {
    await startEngine();
    await expect(db.transition.updateMany({ data: { reason: 'rewritten' } })).rejects.toThrow();
    await expect(db.transition.deleteMany()).rejects.toThrow();
    expect(await db.transition.count()).toBe(1);
  });

  it('executes an operator defensive exit under the operator name and reason', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await play(engine, () => runner.state === 'ACTIVE');
    const command = await commands.create({ type: 'DEFENSIVE_EXIT', strategyId: ZERO_DTE, actor: 'alice', reason: 'Fed headline' });
    await engine.drainCommands();

    expect(await commands.find(command.id)).toMatchObject({ status: 'done' });
    expect(runner.state).toBe('COMPLETE');
    const rows = await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'desc' }, take: 2 });
    expect(rows.map((row) => [row.fromState, row.toState, row.actor])).toEqual([
      ['DEFENSIVE_EXIT', 'COMPLETE', 'system'],
      ['ACTIVE', 'DEFENSIVE_EXIT', 'alice'],
    ]);
    expect(rows[1]!.reason).toBe('Fed headline');
  });

  it('rejects a defensive exit for a flat strategy, records the refusal, and changes nothing', async () => {
    const engine = await startEngine();
    await engine.playBar(engine.clock.advance());
    const command = await commands.create({ type: 'DEFENSIVE_EXIT', strategyId: ZERO_DTE, actor: 'bob', reason: 'oops' });
    await engine.drainCommands();

    const done = await commands.find(command.id);
    expect(done).toMatchObject({ status: 'rejected' });
    expect(done?.outcome).toContain('WAITING does not accept operator.defensiveExit');
    expect(engine.runner(ZERO_DTE)!.state).toBe('WAITING');
    expect(await db.transition.count()).toBe(2);
    expect(await db.eventRefusal.findMany()).toMatchObject([{ state: 'WAITING', eventType: 'operator.defensiveExit', actor: 'bob' }]);
  });

  it('an emergency halt: the open position exits, the system is HALTED once flat, no later Friday enters, and the halt outlives the engine', async () => {
    const engine = await startEngine();
    const runner = engine.runner(ZERO_DTE)!;
    await play(engine, () => runner.state === 'ACTIVE');
    await commands.create({ type: 'EMERGENCY_HALT', strategyId: null, actor: 'carol', reason: 'risk off' });
    await engine.drainCommands();
    expect(runner.state).toBe('COMPLETE');
    await engine.stop();

    // Stopped before the next bar: the emergency is still stored, and ends on the restarted engine's first bar.
    const restarted = await startEngine();
    expect(restarted.systemMode).toBe('EMERGENCY');
    await restarted.playBar(restarted.clock.advance());
    expect(restarted.systemMode).toBe('HALTED');
    const haltedRunner = restarted.runner(ZERO_DTE)!;
    const haltedAt = restarted.clock.currentBar.time;
    // Two more Fridays pass without an entry.
    await play(restarted, () => restarted.clock.currentBar.time > haltedAt + 15 * 86_400_000, 20_000);
    const entries = await db.transition.count({ where: { toState: 'VALIDATION', marketTime: { gt: new Date(haltedAt) } } });
    expect(entries).toBe(0);
    expect(haltedRunner.state).toBe('WAITING');
  });

  it('gives a fresh database one instance of each of the five kinds, each with its default settings', async () => {
    const engine = await loadEngine({ db, hub, log, simulation: SIMULATION });
    expect(engine.allRunners().map((runner) => runner.record.kind).sort()).toEqual(['FUTURES_STRANGLE', 'IPMCC', 'LEAP_LADDER', 'LT112', 'ZERO_DTE']);
    const rows = await db.strategy.findMany({ where: { kind: 'LT112' } });
    expect(rows[0]?.settings).toMatchObject({ weekday: 3, minDte: 102, maxDte: 122, entryVix: { atLeast: 12, atMost: 35 } });
  });

  it('runs two instances of one kind side by side, each on its own settings and order ids', async () => {
    const engine = await startEngine();
    const twin = await engine.addStrategy({ id: 'zero-dte-two-lots', kind: 'ZERO_DTE', name: '0DTE two lots', settings: { contracts: 2 } });
    const original = engine.runner(ZERO_DTE)!;
    await play(engine, () => original.state === 'ACTIVE' && twin.state === 'ACTIVE');

    expect(original.context.position?.legs.map((leg) => Math.abs(leg.quantity))).toEqual(expect.arrayContaining([1]));
    expect(twin.context.position?.legs.every((leg) => Math.abs(leg.quantity) === 2)).toBe(true);
    const ids = (await db.paperOrder.findMany()).map((order) => order.clientOrderId);
    expect(ids.filter((id) => id.startsWith('zero-dte-two-lots:'))).toHaveLength(1);
    expect(ids.filter((id) => id.startsWith(`${ZERO_DTE}:`))).toHaveLength(1);
  });

  it('refuses an instance with invalid settings, naming the setting, and stores nothing', async () => {
    const engine = await startEngine();
    await expect(engine.addStrategy({ id: 'bad', kind: 'ZERO_DTE', settings: { contracts: 0, entryVix: { above: 'high' } } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/contracts.*entryVix\.above|entryVix\.above.*contracts/),
    });
    expect(await db.strategy.count({ where: { id: 'bad' } })).toBe(0);
  });

  it('fails a command a stopped server left executing, instead of running it a second time', async () => {
    const engine = await startEngine();
    const command = await commands.create({ type: 'EMERGENCY_HALT', strategyId: null, actor: 'frank', reason: 'interrupted halt' });
    await db.operatorCommand.update({ where: { id: command.id }, data: { status: 'executing' } });
    await engine.start();
    await engine.stop();
    expect(await commands.find(command.id)).toMatchObject({ status: 'failed', outcome: expect.stringContaining('interrupted') });
    expect(engine.systemMode).toBe('RUNNING');
  });
});
