import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../../test/db';
import { GET } from './route';

/** GET /api/events through its route handler, as a signed-in viewer's browser asks it, against PostgreSQL. */
const ORIGIN = 'http://localhost:3000';
const db = testDb();
let cookie = '';

interface ServerSentEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  /** Parsed JSON. */
  readonly data: unknown;
}

/** The stream's events as they come (the `retry:` line and heartbeats are not events). */
function eventsOf(response: Response) {
  const reader = (response.body ?? new ReadableStream<Uint8Array>()).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const parse = (block: string): ServerSentEvent | null => {
    const fields = new Map(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]));
    const data = fields.get('data');
    return data === undefined ? null : { id: fields.get('id'), event: fields.get('event'), data: JSON.parse(data) };
  };
  return {
    async next(count: number): Promise<ServerSentEvent[]> {
      const events: ServerSentEvent[] = [];
      while (events.length < count) {
        const end = text.indexOf('\n\n');
        if (end >= 0) {
          const event = parse(text.slice(0, end));
          text = text.slice(end + 2);
          if (event) events.push(event);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended after ${events.length} of ${count} events`);
        text += decoder.decode(value, { stream: true });
      }
      return events;
    },
    close: () => reader.cancel(),
  };
}

/** Opens the stream; `query`: its search parameters (`strategy`, `after`). */
function stream(lastEventId?: string, query = ''): Promise<Response> {
  const headers: Record<string, string> = { origin: ORIGIN, cookie, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) };
  return GET(new Request(`${ORIGIN}/api/events${query}`, { headers }));
}

const tick = () => db.$executeRawUnsafe(`INSERT INTO market_clock (id, time, state) VALUES (1, now(), '{}') ON CONFLICT (id) DO UPDATE SET time = excluded.time`);
const newestId = async () => (await db.$queryRawUnsafe<{ id: string }[]>(`SELECT max(id)::text AS id FROM change_log`))[0]?.id;
/** Every change id this process has heard announced: a stream opened after hearing them hears only newer ones. */
const heardIds: string[] = [];
const heardAll = async () => {
  const newest = await newestId();
  await vi.waitFor(() => expect(heardIds).toContain(newest));
};

/** Signs the demo viewer in once more: a session of its own, with its cookie. */
async function signInViewer(): Promise<string> {
  const { serverContext } = await import('../../../lib/server/context');
  const { DEMO_USERS } = await import('../../../lib/auth/demo-users');
  const viewer = DEMO_USERS.find((user) => user.role === 'viewer');
  if (!viewer) throw new Error('no demo viewer');
  const { headers } = await serverContext().auth.api.signInEmail({ body: { email: viewer.email, password: viewer.password }, returnHeaders: true });
  return headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
}

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  await resetDatabase(db);
  const { serverContext } = await import('../../../lib/server/context');
  const { seedDemoUsers } = await import('../../../lib/use-cases/manage-users');
  const context = serverContext();
  await context.hub.subscribe((change) => heardIds.push(change.changeId));
  await seedDemoUsers(context);
  cookie = await signInViewer();
}, 60_000);

afterAll(async () => {
  const { serverContext } = await import('../../../lib/server/context');
  await serverContext().hub.close();
  await db.$disconnect();
});

describe('SSE replay after a gap: GET /api/events', () => {
  it('sends what a reconnect with Last-Event-ID missed, in order, each with its change id, then the live changes', async () => {
    await tick();
    const seen = await newestId();
    await tick();
    const first = await newestId();
    await tick();
    const second = await newestId();
    await heardAll();

    const response = await stream(seen);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = eventsOf(response);
    try {
      const replayed = await events.next(2);
      expect(replayed).toEqual([
        { id: first, event: undefined, data: { changeId: first, table: 'market_clock', strategyId: null } },
        { id: second, event: undefined, data: { changeId: second, table: 'market_clock', strategyId: null } },
      ]);
      await tick();
      const live = await newestId();
      expect(await events.next(1)).toEqual([{ id: live, event: undefined, data: { changeId: live, table: 'market_clock', strategyId: null } }]);
    } finally {
      await events.close();
    }
  });

  it('resumes a new stream from `after` (a page that opened another stream), Last-Event-ID winning over it', async () => {
    await tick();
    const seen = await newestId();
    await tick();
    const missed = await newestId();
    await heardAll();

    for (const [lastEventId, query] of [[undefined, `?after=${seen}`], [seen, '?after=999999']] as const) {
      const events = eventsOf(await stream(lastEventId, query));
      try {
        expect(await events.next(1), query).toEqual([{ id: missed, event: undefined, data: { changeId: missed, table: 'market_clock', strategyId: null } }]);
      } finally {
        await events.close();
      }
    }
  });

  it('refuses a stream watching something that is not a strategy id, in the one error shape', async () => {
    const response = await stream(undefined, `?strategy=${encodeURIComponent('x'.repeat(500))}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^strategy: /) } });
  });

  it('starts with reload and the newest change id for a new stream, or a Last-Event-ID it no longer keeps or cannot read', async () => {
    await tick();
    const newest = await newestId();
    for (const lastEventId of [undefined, '999999', 'not-an-id', '1; DROP TABLE change_log']) {
      const events = eventsOf(await stream(lastEventId));
      try {
        expect(await events.next(1), `Last-Event-ID: ${lastEventId}`).toEqual([{ id: newest, event: 'reload', data: {} }]);
      } finally {
        await events.close();
      }
    }
  });
});

describe('a strategy\'s transition announced live: GET /api/events', () => {
  it('brings the watched strategy as it now is and its new transitions (the first: the newest alone), for its page to apply', async () => {
    const { serverContext } = await import('../../../lib/server/context');
    const { strategyDefinition } = await import('../../../lib/domain/strategies/registry');
    const { restoreSnapshot } = await import('../../../lib/domain/strategies/restore-snapshot');
    const { strategies, system } = serverContext().repositories;
    await system.current();
    const { machine, settingsSchema } = strategyDefinition('ZERO_DTE');
    const snapshot = machine.getPersistedSnapshot(restoreSnapshot(machine, null, 'live-a', settingsSchema.parse({})));
    const marketTime = new Date('2026-11-20T15:00:00Z');
    // The other tests' clock ticks hold no bar; the summary is read at none.
    await db.$executeRawUnsafe('DELETE FROM market_clock');
    await strategies.create({ id: 'live-a', name: 'Live A', kind: 'ZERO_DTE', settings: {}, state: 'INITIALIZING', snapshot, marketTime });
    await heardAll();
    const move = (expectedVersion: number, reason: string) =>
      strategies.recordTransition({
        strategyId: 'live-a',
        fence: null,
        expectedVersion,
        fromState: 'INITIALIZING',
        toState: 'INITIALIZING',
        snapshot,
        eventType: 'test.ping',
        eventPayload: { secret: 'not for the page' },
        actor: 'test',
        reason,
        marketTime,
      });

    const events = eventsOf(await stream(undefined, '?strategy=live-a'));
    const overview = eventsOf(await stream());
    try {
      expect((await events.next(1))[0]?.event).toBe('reload');
      expect((await overview.next(1))[0]?.event).toBe('reload');
      await move(1, 'first');
      await move(2, 'second');
      const [both] = await events.next(1);
      await move(3, 'third');
      const [second, third] = await events.next(2);
      const carried = (event: ServerSentEvent | undefined) => (event?.data as { update?: { transitions: { seq: number }[] } }).update?.transitions.map((row) => row.seq);

      expect(both?.data).toMatchObject({ table: 'transition', strategyId: 'live-a', update: { strategy: { id: 'live-a', name: 'Live A', state: 'INITIALIZING' } } });
      expect(JSON.stringify(both?.data)).not.toContain('not for the page');
      // The second move may have committed before the first change's read: it is then carried by the first change.
      expect([[2], [3]]).toContainEqual(carried(both));
      // Reads run side by side (only the sending keeps its order): a read may start before the one ahead of it has
      // announced its rows, and then carries them again (the page keeps only what it lacks); each carries a run of
      // consecutive rows, newest first, and seq 4 arrives on the second change or the third.
      for (const event of [second, third]) {
        const seqs = carried(event) ?? [];
        expect(seqs, JSON.stringify(seqs)).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) - index));
      }
      const withFourth = [third, second].find((event) => carried(event)?.[0] === 4);
      expect(withFourth?.data).toMatchObject({ update: { strategy: { version: 4, lastReason: null } } });
      expect((withFourth?.data as { update: { transitions: unknown[] } }).update.transitions[0]).toMatchObject({
        seq: 4,
        fromState: 'INITIALIZING',
        toState: 'INITIALIZING',
        eventType: 'test.ping',
        actor: 'test',
        reason: 'third',
      });
      // A stream that shows no strategy's page is sent the same changes bare: the overview re-reads its summary.
      const bare = await overview.next(3);
      expect(bare.map((event) => event.data)).toEqual(
        [both, second, third].map((event) => ({ changeId: event?.id, table: 'transition', strategyId: 'live-a' })),
      );
    } finally {
      await events.close();
      await overview.close();
    }
  });
});

describe('a stream of a session that ended: GET /api/events', () => {
  it('is checked again at each heartbeat, and ends once its session is gone', async () => {
    const { serverContext } = await import('../../../lib/server/context');
    const own = await signInViewer();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const events = eventsOf(await GET(new Request(`${ORIGIN}/api/events`, { headers: { origin: ORIGIN, cookie: own } })));
      expect((await events.next(1))[0]?.event).toBe('reload');
      await vi.advanceTimersByTimeAsync(15_000);
      await tick();
      expect((await events.next(1))[0]?.data).toMatchObject({ table: 'market_clock' });

      await serverContext().auth.api.signOut({ headers: new Headers({ cookie: own }) });
      await vi.advanceTimersByTimeAsync(15_000);
      await expect(events.next(1)).rejects.toThrow(/the stream ended/);
    } finally {
      vi.useRealTimers();
    }
  });
});
