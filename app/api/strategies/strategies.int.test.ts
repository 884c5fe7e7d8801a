import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../../test/db';
import { strategyDetailSchema, strategyUpdateSchema } from '../../../lib/api/contract';
import { applyStrategyUpdate, newestSeq } from '../../../lib/client/strategy-update';
import { StrategyRepository } from '../../../lib/db/strategy-repository';

/**
 * A strategy's page and what a change to it re-reads (`/latest?afterSeq=N`), through the route handlers against
 * PostgreSQL, on the default strategies (the engine is loaded, never started: only this test writes transitions).
 */
const ORIGIN = 'http://localhost:3000';
const API_DIR = path.resolve(import.meta.dirname);
const STRATEGY = 'zero-dte-friday';
const db = testDb();
let viewer: string;

type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;

async function get(route: '' | '/latest', id: string, query = '', cookie: string | null = viewer): Promise<Response> {
  const routeModule = (await import(/* @vite-ignore */ path.join(API_DIR, '[id]', route, 'route.ts'))) as Record<string, Handler>;
  const request = new Request(`${ORIGIN}/api/strategies/${id}${route}${query}`, { headers: cookie ? { cookie } : {} });
  return routeModule.GET!(request, { params: Promise.resolve({ id }) });
}

/** Self-loops written the way the engine writes a transition (one statement, from the version it read). */
async function writeTransitions(count: number): Promise<void> {
  const strategies = new StrategyRepository(db);
  const record = await strategies.find(STRATEGY);
  if (!record) throw new Error(`no strategy ${STRATEGY}`);
  for (let i = 0, version = record.version; i < count; i += 1) {
    version = await strategies.recordTransition({
      strategyId: STRATEGY,
      fence: null,
      expectedVersion: version,
      fromState: record.state,
      toState: record.state,
      snapshot: record.snapshot,
      eventType: 'test.ping',
      eventPayload: { i },
      actor: 'test',
      reason: `ping ${i}`,
      marketTime: record.stateSince,
    });
  }
}

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  await resetDatabase(db);
  const { serverContext } = await import('../../../lib/server/context');
  const { seedDemoUsers } = await import('../../../lib/use-cases/manage-users');
  const { loadEngine } = await import('../../../lib/server/load-engine');
  const context = serverContext();
  await seedDemoUsers(context);
  await loadEngine({ db: context.db, hub: context.hub, log: context.log, simulation: { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 1, scenario: 'calm', speed: 1 } });
  const { headers } = await context.auth.api.signInEmail({ body: { email: 'viewer@wheelhouse.demo', password: 'demo-viewer-only' }, returnHeaders: true });
  viewer = headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
}, 60_000);

afterAll(async () => {
  const { serverContext } = await import('../../../lib/server/context');
  await serverContext().hub.close();
  await db.$disconnect();
});

describe('GET /api/strategies/:id/latest', () => {
  it('answers only the transitions after afterSeq, newest first, with the strategy as it is now and no graph', async () => {
    const held = strategyDetailSchema.parse(await (await get('', STRATEGY)).json());
    await writeTransitions(3);

    const response = await get('/latest', STRATEGY, `?afterSeq=${newestSeq(held)}`);
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(body).not.toHaveProperty('graph');
    const update = strategyUpdateSchema.parse(body);
    expect(update.transitions.map((row) => row.reason)).toEqual(['ping 2', 'ping 1', 'ping 0']);
    expect(update.strategy.version).toBe(newestSeq(held) + 3);
  });

  it('brings a held page to what a whole read of it says', async () => {
    const held = strategyDetailSchema.parse(await (await get('', STRATEGY)).json());
    await writeTransitions(2);
    const update = strategyUpdateSchema.parse(await (await get('/latest', STRATEGY, `?afterSeq=${newestSeq(held)}`)).json());
    const whole = strategyDetailSchema.parse(await (await get('', STRATEGY)).json());
    expect(applyStrategyUpdate(held, update)).toEqual(whole);
  });

  it('answers the latest transitions without afterSeq', async () => {
    const update = strategyUpdateSchema.parse(await (await get('/latest', STRATEGY)).json());
    expect(update.transitions[0]?.seq).toBe(update.strategy.version);
    expect(update.transitions.at(-1)?.seq).toBe(1);
  });

  it('refuses a bad afterSeq or an unknown parameter with 400, an unknown strategy with 404, in the one error shape', async () => {
    for (const query of ['?afterSeq=-1', '?afterSeq=ten', '?afterSeq=1.5', '?after=3']) {
      const response = await get('/latest', STRATEGY, query);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    }
    const unknown = await get('/latest', 'no-such-strategy', '?afterSeq=0');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('needs a session', async () => {
    const response = await get('/latest', STRATEGY, '?afterSeq=0', null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });
});
