import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../broker/paper-broker';
import { NO_FAULTS } from '../domain/venue-faults';
import type { Db } from '../db/client';
import { LeaseRepository } from '../db/lease-repository';
import { NotificationHub } from '../db/notifications';
import { createLogger } from '../log';
import { repositoriesFor } from '../server/context';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { refusal } from '../../test/refusal';
import type { SimulationSettings } from './engine';
import { EngineHost } from './engine-host';
import { CLOCK_LEASE, strategyLease, type CommandClaimer, type CommandStore, type EngineSignal, type EngineStores, type Lease, type LeaseStore } from './ports';

const db: Db = testDb();
const repositories = repositoriesFor(db);
const leases = new LeaseRepository(db);
const hub = new NotificationHub(TEST_DATABASE_URL);
const log = createLogger('silent');
// The clock never plays a bar by itself here: the tests play them, on whichever server runs the engine.
const simulation: SimulationSettings = { start: Date.parse('2026-11-20T09:45:00-05:00'), seed: 20261120, scenario: 'calm', speed: 0.0001 };
const TTL_MS = 1_500;
const ZERO_DTE = 'zero-dte-friday';

/** A lease store whose renewals can be held back: the server is paused (SIGSTOP) or cut off from the database. */
class Partitionable implements LeaseStore {
  cutOff: Promise<void> | null = null;
  constructor(private readonly store: LeaseStore) {}
  acquire(holder: string, names: readonly string[], ttlMs: number) {
    return this.store.acquire(holder, names, ttlMs);
  }
  async renew(holder: string, held: readonly Lease[], ttlMs: number) {
    await this.cutOff;
    return this.store.renew(holder, held, ttlMs);
  }
  release(holder: string, held: readonly Lease[]) {
    return this.store.release(holder, held);
  }
  holds(lease: Lease) {
    return this.store.holds(lease);
  }
}

/**
 * The command store, with a hook run when a takeover fails the commands its previous holder left executing: the
 * moment a takeover has adopted the strategies it took and not yet settled their orders in flight. The engine's
 * clock goes on meanwhile, so a bar may come then; the hook plays one.
 */
class CommandsWithTakeoverHook implements CommandStore {
  onFailInterrupted: (() => Promise<void>) | null = null;
  constructor(private readonly store: CommandStore) {}
  claimNext(claimer: CommandClaimer) {
    return this.store.claimNext(claimer);
  }
  complete(id: bigint, executor: string, status: 'done' | 'rejected' | 'failed', outcome: string) {
    return this.store.complete(id, executor, status, outcome);
  }
  async failInterrupted(claimer: CommandClaimer) {
    const hook = this.onFailInterrupted;
    this.onFailInterrupted = null;
    await hook?.();
    return this.store.failInterrupted(claimer);
  }
}

const hosts: EngineHost[] = [];
/** Ends every partition a test left in place, so its servers can stop. */
const reconnects: (() => void)[] = [];
function server(
  holder: string,
  store: LeaseStore = leases,
  signals: EngineSignal[] = [],
  { stores = repositories, broker = new PaperBroker(db) }: { stores?: EngineStores; broker?: PaperBroker } = {},
): EngineHost {
  const host = new EngineHost({
    holder,
    leases: store,
    leaseTtlMs: TTL_MS,
    stores,
    changes: hub,
    broker,
    log,
    simulation,
    initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }],
    signals: { emit: (signal) => signals.push(signal) },
  });
  hosts.push(host);
  return host;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

beforeEach(async () => {
  await resetDatabase(db);
});

afterEach(async () => {
  for (const reconnect of reconnects.splice(0)) reconnect();
  await Promise.all(hosts.splice(0).map((host) => host.stop().catch(() => undefined)));
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('leases on PostgreSQL', () => {
  it('grants a free lease once, refuses it to others while it lasts, and grants it again with a larger token after it lapses', async () => {
    const [first] = await leases.acquire('a', ['x'], 300);
    expect(first).toMatchObject({ name: 'x', previousHolder: null });
    expect(await leases.acquire('b', ['x'], 300)).toEqual([]);
    expect(await leases.holds(first!)).toBe(true);

    await sleep(350);
    expect(await leases.holds(first!)).toBe(false);
    const [second] = await leases.acquire('b', ['x'], 300);
    expect(second).toMatchObject({ name: 'x', previousHolder: 'a' });
    expect(second!.token).toBeGreaterThan(first!.token);
    // The first holder's renewal names a token that is no longer the lease's.
    expect(await leases.renew('a', [first!], 300)).toEqual([]);
    expect(await leases.renew('b', [second!], 300)).toEqual([{ name: 'x', token: second!.token }]);
    expect(await db.leaseGrant.findMany({ orderBy: { id: 'asc' }, select: { holder: true, previousHolder: true } })).toEqual([
      { holder: 'a', previousHolder: null },
      { holder: 'b', previousHolder: 'a' },
    ]);
  });

  it('lets a released lease go at once', async () => {
    const [held] = await leases.acquire('a', ['x'], 60_000);
    await leases.release('a', [held!]);
    expect(await leases.acquire('b', ['x'], 60_000)).toMatchObject([{ name: 'x', previousHolder: 'a' }]);
  });

  it('refuses a transition written under a lease that was granted again, and writes nothing', async () => {
    const host = server('a');
    await host.start();
    const engine = host.current!;
    const runner = engine.runner(ZERO_DTE)!;
    const stale = engine.ownership.fence(strategyLease(ZERO_DTE))!;
    await host.stop();
    const [taken] = await leases.acquire('b', [strategyLease(ZERO_DTE)], 60_000);
    const before = await db.transition.count();

    const write = (fence: Lease) =>
      repositories.strategies.recordTransition({
        strategyId: ZERO_DTE,
        fence,
        expectedVersion: runner.currentVersion,
        fromState: runner.state,
        toState: 'WAITING',
        snapshot: { value: 'WAITING' },
        eventType: 'market.tick',
        eventPayload: {},
        actor: 'system',
        reason: null,
        marketTime: new Date(simulation.start),
      });
    expect(await refusal(write(stale))).toMatchObject({ code: 'FENCED' });
    expect(await db.transition.count()).toBe(before);
    expect(await write(taken!)).toBe(runner.currentVersion + 1);
    expect(await db.transition.findFirstOrThrow({ orderBy: { id: 'desc' }, select: { leaseToken: true } })).toEqual({ leaseToken: taken!.token });
  });
});

describe('several servers on one database', () => {
  it('boot together on a fresh database: each default strategy is created once and exactly one server runs the engine', async () => {
    const servers = ['a', 'b', 'c'].map((holder) => server(holder));
    await Promise.all(servers.map((host) => host.start()));
    expect(servers.filter((host) => host.current !== null)).toHaveLength(1);
    expect(await db.strategy.count()).toBe(1);
    expect(await db.transition.count({ where: { eventType: 'strategy.created' } })).toBe(1);
    const owner = servers.find((host) => host.current)!;
    expect(await db.lease.findMany({ orderBy: { name: 'asc' }, select: { name: true, holder: true } })).toEqual([
      { name: CLOCK_LEASE, holder: owner.holder },
      { name: strategyLease(ZERO_DTE), holder: owner.holder },
    ]);
  });

  it('takes over from a server cut off from the database once its leases lapse; the cut-off server then writes and sends nothing', async () => {
    const cutOff = new Partitionable(leases);
    const a = server('a', cutOff);
    await a.start();
    const engineA = a.current!;
    const runnerA = engineA.runner(ZERO_DTE)!;
    const signals: EngineSignal[] = [];
    const b = server('b', leases, signals);
    await b.start();
    expect(b.current).toBeNull();

    let reconnect!: () => void;
    cutOff.cutOff = new Promise((resolve) => (reconnect = resolve));
    reconnects.push(() => reconnect());
    const cutAt = performance.now();
    await until(() => b.current !== null);
    const takeoverMs = performance.now() - cutAt;
    // Within the TTL (counted from A's last renewal, before the cut) and a few polls.
    expect(takeoverMs).toBeLessThan(TTL_MS + 1_000);
    expect(signals).toContainEqual(expect.objectContaining({ kind: 'takeover', leases: [CLOCK_LEASE], from: 'a' }));

    // A still believes nothing: its own deadline has passed, so it plays nothing, and the database refuses its writes.
    const transitionsBefore = await db.transition.count();
    await engineA.playBar(engineA.clock.advance());
    expect(await db.transition.count()).toBe(transitionsBefore);
    expect(await runnerA.send({ type: 'market.tick', bar: engineA.clock.currentBar, permit: { allowed: true, reasons: [] }, systemMode: 'RUNNING' }, { actor: 'system', marketTime: engineA.clock.currentBar.time })).toEqual({ kind: 'fenced' });

    // B runs the strategy now (its lease lapsed with the clock's, give or take a renewal's milliseconds): its bars
    // are written under its own, larger token.
    const engineB = b.current!;
    await until(() => engineB.runner(ZERO_DTE) !== undefined);
    await engineB.playBar(engineB.clock.advance());
    const tokens = (await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' }, select: { leaseToken: true } })).map((row) => row.leaseToken);
    expect(tokens.at(-1)).toBe(engineB.ownership.fence(strategyLease(ZERO_DTE))!.token);

    // Reconnected, A finds its leases gone and stops its engine.
    reconnect();
    await until(() => a.current === null);
    expect(b.current).not.toBeNull();
  });

  it('retakes a strategy whose lease it lost with its entry working at the venue: a bar during the takeover sends that entry nothing more, it is settled by its id', async () => {
    const commands = new CommandsWithTakeoverHook(repositories.commands);
    // The venue works each order for 30 bars before it fills: the entry stays in flight.
    const broker = new PaperBroker(db, { faults: () => ({ ...NO_FAULTS, latencyBars: 30 }) });
    const renewals = new Partitionable(leases);
    const a = server('a', renewals, [], { stores: { ...repositories, commands }, broker });
    await a.start();
    const engine = a.current!;
    const first = engine.runner(ZERO_DTE)!;
    // A bar is played only while the clock's lease is trusted here (a loaded machine may renew late): none is skipped.
    const playOne = async () => {
      while (!engine.ownership.isCurrent(CLOCK_LEASE)) await sleep(20);
      await engine.playBar(engine.clock.advance());
    };
    for (let bar = 0; bar < 200 && first.state !== 'ENTERING'; bar += 1) await playOne();
    expect(first.state).toBe('ENTERING');
    const entry = first.context.order!.clientOrderId;
    const atVenue = () => db.paperOrder.findUniqueOrThrow({ where: { clientOrderId: entry }, select: { status: true, submissions: true } });
    expect(await atVenue()).toEqual({ status: 'WORKING', submissions: 1 });

    // The strategy's lease lapsed unrenewed and went to a server that died at once ('x'): this one loses the
    // strategy at its next renewal, and takes it back once x's grant lapses, building a new runner from what is stored.
    let playedDuringTakeover = false;
    commands.onFailInterrupted = async () => {
      await playOne();
      playedDuringTakeover = true;
    };
    let reconnect!: () => void;
    renewals.cutOff = new Promise((resolve) => (reconnect = resolve));
    reconnects.push(() => reconnect());
    await sleep(200); // a renewal already past the cut goes through first
    await db.$executeRaw`UPDATE lease SET expires_at = now() WHERE name = ${strategyLease(ZERO_DTE)}`;
    expect(await leases.acquire('x', [strategyLease(ZERO_DTE)], 200)).toHaveLength(1);
    reconnect();
    await until(() => playedDuringTakeover && engine.runner(ZERO_DTE) !== undefined && engine.runner(ZERO_DTE) !== first && engine.runner(ZERO_DTE)!.state === 'WAITING', 20_000);

    expect(await atVenue()).toEqual({ status: 'CANCELLED', submissions: 1 });
    const states = (await db.transition.findMany({ where: { strategyId: ZERO_DTE }, orderBy: { seq: 'asc' }, select: { toState: true, eventType: true } })).slice(-3);
    expect(states).toEqual([
      { toState: 'ENTERING', eventType: 'market.tick' },
      { toState: 'RECOVERY', eventType: 'system.restored' },
      { toState: 'WAITING', eventType: 'recovery.checked' },
    ]);
  });

  it("executes an operator's command on the server that runs the strategy, whichever server stored it", async () => {
    const a = server('a');
    const b = server('b');
    await a.start();
    await b.start();
    const owner = a.current ? 'a' : 'b';
    const { command } = await repositories.commands.createOnce({ type: 'PAUSE_STRATEGY', strategyId: ZERO_DTE, actor: 'otto', reason: 'test' }, 'key-1');
    await until(async () => (await db.operatorCommand.findUniqueOrThrow({ where: { id: command.id } })).status === 'done');
    expect(await db.operatorCommand.findUniqueOrThrow({ where: { id: command.id }, select: { executor: true } })).toEqual({ executor: owner });
  });
});
