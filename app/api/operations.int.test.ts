import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { readinessSchema } from '../../lib/api/contract';

/** The operations routes, called as Next.js calls them: a real Request, a real database. */
const METRICS_TOKEN = 'metrics-token-for-the-operations-test-0123456789';
const db = testDb();
let serverId: string;

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  const { serverContext } = await import('../../lib/server/context');
  serverId = serverContext().serverId;
});

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  const { serverContext } = await import('../../lib/server/context');
  await serverContext().hub.close();
  await serverContext().db.$disconnect();
  await db.$disconnect();
});

const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost:3000${path}`, { headers });

describe('GET /api/ready', () => {
  it('answers 200 with this server’s live leases, counted by its server id', async () => {
    const grant = (name: string, holder: string, expiresIn: string) =>
      db.$executeRawUnsafe(
        `INSERT INTO "lease" ("name", "holder", "token", "granted_at", "expires_at") VALUES ($1, $2, nextval('lease_token_seq'), now(), now() + $3::interval)`,
        name,
        holder,
        expiresIn,
      );
    await grant('clock', serverId, '1 minute');
    await grant('strategy:zero-dte-friday', serverId, '1 minute');
    await grant('strategy:iron-condor', serverId, '-5 seconds');
    await grant('strategy:wheel', 'another-server', '1 minute');
    const { GET } = await import('./ready/route');
    const response = await GET(get('/api/ready'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = readinessSchema.parse(await response.json());
    expect(body).toEqual({ ready: true, notReady: [], database: { reachable: true }, migrations: { pending: [] }, leases: { held: 2 } });
  });

  it('needs no session', async () => {
    const { GET } = await import('./ready/route');
    expect((await GET(get('/api/ready', { cookie: '' }))).status).toBe(200);
  });
});

describe('GET /api/metrics on the app port', () => {
  const scrape = async (authorization?: string) => {
    const { GET } = await import('./metrics/route');
    return GET(get('/api/metrics', authorization === undefined ? {} : { authorization }));
  };

  it('refuses a scrape without a token with 401, in the one error shape', async () => {
    const response = await scrape();
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('refuses a wrong token with 403', async () => {
    const response = await scrape(`Bearer ${METRICS_TOKEN.replace(/.$/, 'X')}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('serves the metrics as Prometheus text to the configured token', async () => {
    const { trackSseClient } = await import('../../lib/use-cases/track-sse-client');
    const gone = trackSseClient();
    const response = await scrape(`Bearer ${METRICS_TOKEN}`);
    gone();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('wheelhouse_sse_clients 1');
    for (const name of [
      'wheelhouse_transitions_total',
      'wheelhouse_transition_write_seconds',
      'wheelhouse_command_seconds',
      'wheelhouse_leases_held',
      'wheelhouse_lease_takeovers_total',
      'wheelhouse_broker_errors_total',
      'wheelhouse_data_quarantines_total',
      'wheelhouse_system_mode',
      'process_cpu_user_seconds_total',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('takes GET only', async () => {
    const { POST } = await import('./metrics/route');
    expect(POST().status).toBe(405);
  });
});
