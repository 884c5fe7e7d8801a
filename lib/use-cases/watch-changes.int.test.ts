import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL } from '../../test/db';
import type { LoggedChange } from '../api/contract';
import { serverContext } from '../server/context';
import { liveChanges } from './live-changes';
import { pruneChangeLog } from './prune-change-log';
import { watchChanges, type StreamEvent } from './watch-changes';

// The server's own context on the test database (DATABASE_URL, set by the suite's setup).
const server = serverContext();
if (server.env.DATABASE_URL !== TEST_DATABASE_URL) throw new Error(`refusing to run against ${server.env.DATABASE_URL}`);
const { db, hub, repositories } = server;
/** The server's live feed on its hub, as the stream's route uses it. */
const feed = liveChanges(server);
const RETENTION_MINUTES = 15;
const pruneContext = { env: { ...server.env, CHANGE_LOG_RETENTION_MINUTES: RETENTION_MINUTES }, repositories };

const REFUSE = `INSERT INTO event_refusal (strategy_id, state, event_type, event_payload, actor, reason, market_time)
                SELECT s, 'IDLE', 'market.tick', '{}', 'test', 'not now', now() FROM unnest($1::text[]) AS s`;
/** One statement refusing an event for each strategy named. */
const refuse = (...strategyIds: string[]) => db.$executeRawUnsafe(REFUSE, strategyIds);
/** The market clock moves: one change with no strategy. */
const tick = () => db.$executeRawUnsafe(`INSERT INTO market_clock (id, time, state) VALUES (1, now(), '{}') ON CONFLICT (id) DO UPDATE SET time = excluded.time`);

const latestId = async () => {
  const id = await repositories.changeLog.latestId();
  if (id === null) throw new Error('nothing logged');
  return id;
};
const logged = (afterId = '0') =>
  db.$queryRawUnsafe<LoggedChange[]>(
    `SELECT id::text AS "changeId", table_name AS "table", strategy_id AS "strategyId" FROM change_log WHERE id > $1::bigint ORDER BY id`,
    afterId,
  );
/** Makes the changes logged at or before `changeId` older than the retention. */
const age = (changeId: string, minutes = RETENTION_MINUTES + 5) =>
  db.$executeRawUnsafe(`UPDATE change_log SET recorded_at = now() - make_interval(mins => $2) WHERE id <= $1::bigint`, changeId, minutes);

const stops: (() => void)[] = [];

/** Listens from now on: `next` is the next `count` changes this process hears announced. */
async function listen(count: number): Promise<{ next: Promise<LoggedChange[]> }> {
  const changes: LoggedChange[] = [];
  let resolve: (changes: LoggedChange[]) => void = () => undefined;
  const next = new Promise<LoggedChange[]>((done) => (resolve = done));
  stops.push(
    await hub.subscribe((change) => {
      changes.push(change);
      if (changes.length === count) resolve(changes);
    }),
  );
  return { next };
}

/** Every change id this process has heard announced (in commit order), as a stream's server would have. */
const heardIds: string[] = [];
/** Waits until this process has heard every change made so far: what a new stream hears is then new. */
async function heardAll(): Promise<void> {
  const newest = await latestId();
  await vi.waitFor(() => expect(heardIds).toContain(newest));
}

async function watch(afterChangeId: string | null, context: Parameters<typeof watchChanges>[1] = { hub: feed, repositories }): Promise<StreamEvent[]> {
  await heardAll();
  const events: StreamEvent[] = [];
  stops.push(await watchChanges({ afterChangeId, watching: null, send: (event) => events.push(event) }, context));
  return events;
}
const changesOf = (changes: LoggedChange[]): StreamEvent[] => changes.map((change) => ({ kind: 'change', change }));

beforeAll(async () => {
  await hub.subscribe((change) => heardIds.push(change.changeId));
});

beforeEach(async () => {
  heardIds.length = 0;
  await resetDatabase(db);
  await db.$executeRawUnsafe(
    `INSERT INTO strategy (id, name, kind, state, snapshot, version, state_since)
     VALUES ('alpha', 'Alpha', 'zero-dte', 'IDLE', '{}', 0, now()), ('beta', 'Beta', 'zero-dte', 'IDLE', '{}', 0, now())`,
  );
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('SSE replay after a gap', () => {
  it('announces a statement once per table and strategy, with the id its change is logged under', async () => {
    const { next } = await listen(2);
    await refuse('alpha', 'alpha', 'beta');
    const changes = (await next).sort((a, b) => Number(a.changeId) - Number(b.changeId));
    expect(changes).toEqual(await logged());
    expect(changes.map(({ table, strategyId }) => `${table}:${strategyId}`).sort()).toEqual(['event_refusal:alpha', 'event_refusal:beta']);
  });

  it('logs nothing for a statement that changes no row', async () => {
    await tick();
    await db.$executeRawUnsafe(`UPDATE market_clock SET time = now() WHERE id = 2`);
    expect(await logged()).toEqual([expect.objectContaining({ table: 'market_clock', strategyId: null })]);
  });

  it('replays exactly the changes missed after the last one seen, in order, then goes on live', async () => {
    await refuse('alpha');
    const seen = await latestId();
    await tick();
    await refuse('beta');
    await refuse('alpha', 'beta');
    const missed = await logged(seen);
    expect(missed).toHaveLength(4);

    const events = await watch(seen);
    expect(events).toEqual(changesOf(missed));

    await tick();
    await vi.waitFor(() => expect(events).toHaveLength(5));
    expect(events.slice(4)).toEqual(changesOf(await logged(missed.at(-1)?.changeId)));
  });

  it('replays a change written before the last one seen but committed after it', async () => {
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(REFUSE, [['beta']]);
      await refuse('alpha');
      const seen = await latestId();
      await other.query('COMMIT');
      const [late] = await logged();
      expect(late).toMatchObject({ strategyId: 'beta' });
      expect(Number(late?.changeId)).toBeLessThan(Number(seen));

      expect(await watch(seen)).toEqual(changesOf(late ? [late] : []));
    } finally {
      await other.end();
    }
  });

  it('sends a change that lands while the missed ones are read once, in its place', async () => {
    await tick();
    const seen = await latestId();
    await tick();
    // The log is read only after the new change was heard: it is both replayed and buffered.
    const changeLog = {
      latestId: () => repositories.changeLog.latestId(),
      changesAfter: async (afterId: string) => {
        const { next } = await listen(1);
        await refuse('beta');
        await next;
        return repositories.changeLog.changesAfter(afterId);
      },
    };
    const events = await watch(seen, { hub: feed, repositories: { changeLog } });
    const missed = await logged(seen);
    expect(missed.map((change) => change.table)).toEqual(['market_clock', 'event_refusal']);
    expect(events).toEqual(changesOf(missed));
  });

  it('starts a new stream, or one from an unknown id, with reload and the newest change id', async () => {
    await tick();
    await refuse('alpha');
    const newest = await latestId();
    for (const afterChangeId of [null, '999999']) {
      expect(await watch(afterChangeId)).toEqual([{ kind: 'reload', changeId: newest }]);
    }
  });

  it('sends reload when a missed change names a table this server does not know', async () => {
    await tick();
    const seen = await latestId();
    await db.$executeRawUnsafe(`INSERT INTO change_log (table_name) VALUES ('table_from_a_newer_server')`);
    await tick();
    expect(await watch(seen)).toEqual([{ kind: 'reload', changeId: await latestId() }]);
  });

  it('sends reload to a stream whose last change is older than the retention, then the live changes', async () => {
    await tick();
    const seen = await latestId();
    await refuse('alpha');
    await age(seen);
    expect(await pruneChangeLog(pruneContext)).toBe(1);

    const events = await watch(seen);
    expect(events).toEqual([{ kind: 'reload', changeId: await latestId() }]);
    await refuse('beta');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events[1]).toMatchObject({ kind: 'change', change: { table: 'event_refusal', strategyId: 'beta' } });
  });

  it('prunes the changes older than the retention, oldest ids first, and keeps the rest replayable', async () => {
    await tick();
    const first = await latestId();
    await tick();
    const second = await latestId();
    await refuse('alpha');
    await refuse('beta');
    await age(second);
    // The first change is recent by its clock but older by its id: pruned with the second, so that a kept
    // change always has every later one kept with it.
    await age(first, 1);
    const kept = await logged(second);

    expect(await pruneChangeLog(pruneContext)).toBe(2);
    expect(await logged()).toEqual(kept);
    expect(await pruneChangeLog(pruneContext)).toBe(0);
    expect(await repositories.changeLog.changesAfter(second)).toBeNull();
    expect(await repositories.changeLog.changesAfter(kept[0]?.changeId ?? '')).toEqual(kept.slice(1));
  });
});
