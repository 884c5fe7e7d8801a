import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { strategyDefinition } from '../domain/strategies/registry';
import type { Lease, TransitionWrite } from '../engine/ports';
import { restoreSnapshot } from '../domain/strategies/restore-snapshot';
import { sqlPool, type Db } from './client';
import { LeaseRepository } from './lease-repository';
import { StrategyRepository } from './strategy-repository';

const db: Db = testDb();
const strategies = new StrategyRepository(db);
const leases = new LeaseRepository(db);
const marketTime = new Date('2026-11-20T15:00:00Z');
const { machine, settingsSchema } = strategyDefinition('ZERO_DTE');
const snapshot = machine.getPersistedSnapshot(restoreSnapshot(machine, null, 'a', settingsSchema.parse({})));

const write = (strategyId: string, expectedVersion: number, fence: Lease | null): TransitionWrite => ({
  strategyId,
  fence,
  expectedVersion,
  fromState: 'INITIALIZING',
  toState: 'EMERGENCY_EXIT',
  snapshot,
  eventType: 'operator.emergencyExit',
  eventPayload: { type: 'operator.emergencyExit' },
  actor: 'carol',
  reason: 'risk off',
  marketTime,
});

beforeEach(async () => {
  await resetDatabase(db);
  for (const id of ['a', 'b', 'c']) {
    await strategies.create({ id, name: id, kind: 'ZERO_DTE', settings: {}, state: 'INITIALIZING', snapshot, marketTime });
  }
});

afterAll(async () => {
  await db.$disconnect();
});

describe("several strategies' transitions in one statement", () => {
  it('writes each one that is current and under its lease, and says why each other one was not written', async () => {
    const [lease] = await leases.acquire('server-1', ['strategy:a'], 10_000);

    const results = await strategies.recordTransitions([
      write('a', 1, lease!),
      write('b', 5, null),
      write('c', 1, { name: 'strategy:c', token: 999n }),
    ]);

    expect(results).toEqual([{ seq: 2 }, { refused: 'STALE_VERSION' }, { refused: 'FENCED' }]);
    const rows = await db.strategy.findMany({ orderBy: { id: 'asc' }, select: { id: true, state: true, version: true } });
    expect(rows).toEqual([
      { id: 'a', state: 'EMERGENCY_EXIT', version: 2 },
      { id: 'b', state: 'INITIALIZING', version: 1 },
      { id: 'c', state: 'INITIALIZING', version: 1 },
    ]);
    const transitions = await db.transition.findMany({ where: { seq: 2 }, select: { strategyId: true, toState: true, leaseToken: true, reason: true } });
    expect(transitions).toEqual([{ strategyId: 'a', toState: 'EMERGENCY_EXIT', leaseToken: lease!.token, reason: 'risk off' }]);
  });

  it('announces the batch as one change per strategy written', async () => {
    const [before] = await db.$queryRawUnsafe<{ last: bigint }[]>('SELECT coalesce(max(id), 0) AS last FROM change_log');

    await strategies.recordTransitions([write('a', 1, null), write('b', 1, null)]);

    const changes = await db.$queryRawUnsafe<{ strategy_id: string }[]>(
      "SELECT strategy_id FROM change_log WHERE table_name = 'transition' AND id > $1 ORDER BY strategy_id",
      before!.last,
    );
    expect(changes.map((change) => change.strategy_id)).toEqual(['a', 'b']);
  });
});

describe('one transition', () => {
  it('is written from its version under its lease, and otherwise refused as FENCED or STALE_VERSION, writing nothing', async () => {
    const [lease] = await leases.acquire('server-1', ['strategy:a', 'strategy:b'], 10_000);
    const leaseOf = (name: string) => ({ name, token: lease!.token });

    expect(await strategies.recordTransition(write('a', 1, leaseOf('strategy:a')))).toBe(2);
    await expect(strategies.recordTransition(write('a', 1, leaseOf('strategy:a')))).rejects.toMatchObject({ code: 'STALE_VERSION' });
    await expect(strategies.recordTransition(write('a', 2, { name: 'strategy:a', token: lease!.token + 1n }))).rejects.toMatchObject({ code: 'FENCED' });
    await expect(strategies.recordTransition(write('c', 1, { name: 'strategy:c', token: 1n }))).rejects.toMatchObject({ code: 'FENCED' });
    await expect(strategies.recordTransition(write('b', 7, null))).rejects.toMatchObject({ code: 'STALE_VERSION' });
    await db.$executeRawUnsafe(`UPDATE lease SET expires_at = now() WHERE name = 'strategy:b'`);
    await expect(strategies.recordTransition(write('b', 1, leaseOf('strategy:b')))).rejects.toMatchObject({ code: 'FENCED' });
    expect(await strategies.recordTransition(write('c', 1, null))).toBe(2);

    const rows = await db.transition.findMany({ where: { seq: { gt: 1 } }, orderBy: { strategyId: 'asc' }, select: { strategyId: true, seq: true, leaseToken: true } });
    expect(rows).toEqual([
      { strategyId: 'a', seq: 2, leaseToken: lease!.token },
      { strategyId: 'c', seq: 2, leaseToken: null },
    ]);
  });
});

describe('single transitions written while another is in flight (group commit)', () => {
  const moreIds = Array.from({ length: 13 }, (_, index) => `s${index}`);
  const createMore = async () => {
    for (const id of moreIds) {
      await strategies.create({ id, name: id, kind: 'ZERO_DTE', settings: {}, state: 'INITIALIZING', snapshot, marketTime });
    }
  };

  const commitSizesOfSeq2 = async () =>
    (await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM transition WHERE seq = 2 GROUP BY xmin::text ORDER BY n`)).map(({ n }) => n);
  const lockWaiters = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`;
  /** A transaction holding the rows of `ids`, so that their writes stay in flight until it ends. */
  const holdRows = async (...ids: string[]) => {
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM strategy WHERE id = ANY($1) FOR UPDATE`, [ids]);
    return blocker;
  };
  const waitersSeenBy = async (client: pg.Client) => (await client.query<{ n: number }>(lockWaiters)).rows[0]!.n;

  it('sends the writes handed in during one turn in two statements, half each, one per strategy, each settled on its own', async () => {
    await createMore();
    const ids = ['a', 'b', 'c', ...moreIds];
    // Both streams' connections ready in the pool: a second stream that had to open one could find the first stream's
    // statement already committed, and the first stream would then have taken the rest itself, in smaller shares.
    const ready = await Promise.all([sqlPool(db).connect(), sqlPool(db).connect()]);
    for (const connection of ready) connection.release();

    const settled = await Promise.allSettled([
      ...ids.map((id) => strategies.recordTransition(write(id, 1, null))),
      // A second write of `a` in the same burst: one statement moves a strategy once, so it goes after, and is stale.
      strategies.recordTransition(write('a', 1, null)),
    ]);

    expect(settled.slice(0, ids.length)).toEqual(ids.map(() => ({ status: 'fulfilled', value: 2 })));
    expect(settled.at(-1)).toMatchObject({ status: 'rejected', reason: { code: 'STALE_VERSION' } });
    // Two commits of eight for the sixteen (the second write of `a` wrote nothing).
    expect(await commitSizesOfSeq2()).toEqual([8, 8]);
  });

  it('sends a write at once when none is in flight, and the ones that arrive meanwhile together on a second stream, without waiting for it', async () => {
    await createMore();
    const blocker = await holdRows('a');
    try {
      const first = strategies.recordTransition(write('a', 1, null));
      await expect.poll(() => waitersSeenBy(blocker)).toBe(1);
      const meanwhile = ['b', 'c', ...moreIds].map((id) => strategies.recordTransition(write(id, 1, null)));

      // Written while `a` is still held: a slow write holds up only its own stream.
      expect(await Promise.all(meanwhile)).toEqual(meanwhile.map(() => 2));
      await blocker.query('COMMIT');
      expect(await first).toBe(2);
    } finally {
      await blocker.end();
    }
    // Two commits: the first write alone, the fifteen that arrived while it was in flight together.
    expect(await commitSizesOfSeq2()).toEqual([1, 15]);
    const [order] = await db.$queryRawUnsafe<{ alone: boolean }[]>(
      `SELECT (SELECT xmin FROM transition WHERE strategy_id = 'a' AND seq = 2)::text NOT IN (SELECT xmin::text FROM transition WHERE strategy_id <> 'a' AND seq = 2) AS alone`,
    );
    expect(order?.alone).toBe(true);
  });

  it('keeps at most two statements in flight: a write arriving while both are held waits for one of them', async () => {
    const blocker = await holdRows('a', 'b');
    try {
      const a = strategies.recordTransition(write('a', 1, null));
      await expect.poll(() => waitersSeenBy(blocker)).toBe(1);
      const b = strategies.recordTransition(write('b', 1, null));
      await expect.poll(() => waitersSeenBy(blocker)).toBe(2);
      let cWritten = false;
      const c = strategies.recordTransition(write('c', 1, null)).then((seq) => ((cWritten = true), seq));

      // Nothing of `c` reaches the database while both streams wait (a third stream would have written it by now).
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(cWritten).toBe(false);
      expect(await db.transition.count({ where: { strategyId: 'c', seq: 2 } })).toBe(0);

      await blocker.query('COMMIT');
      expect(await Promise.all([a, b, c])).toEqual([2, 2, 2]);
    } finally {
      await blocker.end();
    }
  });

  it('drops a connection lost under a write in flight: that write fails, the next ones go on a new connection', async () => {
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM strategy WHERE id = 'a' FOR UPDATE`);
      // Each outcome is taken as it comes: a write may fail before the statement that ends its connection answers.
      const lost = strategies.recordTransition(write('a', 1, null)).then(() => null, (error: unknown) => error);
      const waiting = `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`;
      await expect.poll(async () => (await blocker.query(waiting)).rowCount).toBe(1);
      const meanwhile = strategies.recordTransition(write('b', 1, null)).then((seq) => seq, () => null);
      await blocker.query(`SELECT pg_terminate_backend(pid) FROM (${waiting}) w`);
      expect(await lost).toBeInstanceOf(Error);
      await blocker.query('COMMIT');
      // `b` went after `a` on the same connection, or failed with it: either way it is written once at most.
      const b = (await meanwhile) ?? (await strategies.recordTransition(write('b', 1, null)));
      expect(b).toBe(2);
    } finally {
      await blocker.end();
    }
    expect(await strategies.recordTransition(write('a', 1, null))).toBe(2);
    expect(await strategies.recordTransition(write('c', 1, null))).toBe(2);
  });
});
