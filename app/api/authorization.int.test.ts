import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { DEFAULT_RISK_LIMITS } from '../../lib/domain/risk/limits';

/**
 * Every route under app/api, asked by every kind of caller, answers as this table says. A route file or a
 * method added without an entry here fails the test: nobody ships a route whose access nobody decided.
 */
type Caller = 'anonymous' | 'viewer' | 'operator' | 'admin';
type Expected = Readonly<Record<Caller, number>>;

const READ: Expected = { anonymous: 401, viewer: 200, operator: 200, admin: 200 };
/** An operator action with a well-formed body: accepted and pending (no engine runs in this test). */
const COMMAND: Expected = { anonymous: 401, viewer: 403, operator: 202, admin: 202 };
const PUBLIC: Expected = { anonymous: 200, viewer: 200, operator: 200, admin: 200 };
/** Admins only; the admin's answer is the use case's (no user has the id 'zero-dte-friday': 404). */
const ADMIN = (admin: number): Expected => ({ anonymous: 401, viewer: 403, operator: 403, admin });

const TABLE: Readonly<Record<string, Readonly<Record<string, Expected>>>> = {
  '/api/health': { GET: PUBLIC },
  '/api/ready': { GET: PUBLIC },
  // No METRICS_TOKEN here: not served on the app's port to anyone, a session grants nothing (app/api/operations.int.test.ts has the token's table).
  '/api/metrics': { GET: { anonymous: 404, viewer: 404, operator: 404, admin: 404 } },
  '/api/strategies': { GET: READ },
  '/api/strategies/[id]': { GET: READ },
  '/api/strategies/[id]/record': { GET: READ },
  '/api/strategies/[id]/latest': { GET: READ },
  // Without `?action=` the operator's request is a 400; the preview itself is app/api/override-preview.int.test.ts's.
  '/api/strategies/[id]/preview': { GET: { anonymous: 401, viewer: 403, operator: 400, admin: 400 } },
  // The engine is not started here: no bar saved yet, so nothing can be priced (503 ENGINE_UNAVAILABLE) once the gate passes.
  '/api/system/halt/preview': { GET: { anonymous: 401, viewer: 403, operator: 503, admin: 503 } },
  '/api/strategies/[id]/defensive-exit': { POST: COMMAND },
  '/api/strategies/[id]/recover': { POST: COMMAND },
  '/api/strategies/[id]/pause': { POST: COMMAND },
  '/api/strategies/[id]/resume': { POST: COMMAND },
  '/api/system/halt': { POST: COMMAND },
  '/api/system/halt-entries': { POST: COMMAND },
  '/api/system/reduce': { POST: COMMAND },
  // The system is RUNNING here: an operator passes the gate and is told there is nothing to resume.
  '/api/system/resume': { POST: { anonymous: 401, viewer: 403, operator: 409, admin: 409 } },
  // No such request: an operator passes the gate and gets the 404.
  '/api/system/resume/[id]/approve': { POST: { anonymous: 401, viewer: 403, operator: 404, admin: 404 } },
  '/api/events': { GET: READ },
  '/api/commands': { GET: READ },
  '/api/audit': { GET: READ },
  '/api/audit/choices': { GET: READ },
  '/api/audit/export': { GET: READ },
  '/api/audit/verify': { GET: READ },
  '/api/paper-broker/faults': { GET: READ, PUT: { anonymous: 401, viewer: 403, operator: 200, admin: 200 } },
  // A tightening made from version 0: the operator's lands; the admin's, from the same version, is a 409.
  '/api/risk/limits': { GET: READ, PUT: { anonymous: 401, viewer: 403, operator: 200, admin: 409 } },
  // A wrong password: signed-in users reach the check (400, recorded), anonymous callers do not.
  '/api/session/reauthenticate': { POST: { anonymous: 401, viewer: 400, operator: 400, admin: 400 } },
  // First start only, no session needed: users exist here, so it is refused for everyone.
  '/api/setup': { POST: { anonymous: 409, viewer: 409, operator: 409, admin: 409 } },
  '/api/alerts': { GET: { anonymous: 401, viewer: 403, operator: 200, admin: 200 } },
  '/api/alerts/webhooks': { POST: ADMIN(201) },
  '/api/alerts/webhooks/[id]': { PUT: ADMIN(404), DELETE: ADMIN(404) },
  '/api/alerts/webhooks/[id]/test': { POST: ADMIN(404) },
  '/api/users': { GET: ADMIN(200), POST: ADMIN(201) },
  '/api/users/[id]/role': { POST: ADMIN(404) },
  '/api/users/[id]/end-sessions': { POST: ADMIN(404) },
  '/api/users/[id]/disable': { POST: ADMIN(404) },
  '/api/users/[id]/enable': { POST: ADMIN(404) },
  '/api/[...path]': Object.fromEntries(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [m, { anonymous: 404, viewer: 404, operator: 404, admin: 404 }])),
};
/** Routes that are not ours to gate, with the reason. */
const NOT_OURS: Readonly<Record<string, string>> = {
  '/api/auth/[...all]': "better-auth's own endpoints (sign-in, sign-out, session): they authenticate and rate-limit themselves",
};

/** Well-formed bodies for the routes that take something other than `{ reason }`. */
const BODIES: Readonly<Record<string, unknown>> = {
  '/api/alerts/webhooks': { name: 'Authorization table', url: 'http://127.0.0.1:9/alerts', format: 'generic', events: ['halt'], enabled: true },
  '/api/alerts/webhooks/[id]': { name: 'Authorization table', url: 'http://127.0.0.1:9/alerts', format: 'generic', events: ['halt'], enabled: true },
  '/api/paper-broker/faults': { latencyBars: 0 },
  '/api/risk/limits': { limits: { ...DEFAULT_RISK_LIMITS, maxSpyDelta: 90 }, reason: 'authorization table', version: 0 },
  '/api/session/reauthenticate': { password: 'not the password' },
  '/api/setup': { name: 'Second First', email: 'second-first@example.com', password: 'a long enough password', passwordAgain: 'a long enough password' },
  '/api/users': { email: 'table@example.com', name: 'Table Test', role: 'viewer', password: 'a long enough password', reason: 'authorization table' },
  '/api/users/[id]/role': { role: 'viewer', reason: 'authorization table' },
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ORIGIN = 'http://localhost:3000';
const API_DIR = path.resolve(import.meta.dirname);

function routeFiles(): string[] {
  return (readdirSync(API_DIR, { recursive: true }) as string[])
    .filter((file) => path.basename(file) === 'route.ts')
    .map((file) => `/api/${path.dirname(file)}`.replace(/\\/g, '/').replace(/\/\.$/, ''))
    .sort();
}

const concrete = (route: string) => route.replace('[id]', 'zero-dte-friday').replace('[...path]', 'no/such/route');

type RouteModule = Record<string, unknown>;
type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

let cookies: Record<Exclude<Caller, 'anonymous'>, string>;
const db = testDb();

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  process.env.COMMAND_WAIT_MS = '0';
  // Roles only: the demo admin has no TOTP; the admins' two-factor rule has its own tests (lib/use-cases/manage-users.int.test.ts).
  process.env.REQUIRE_ADMIN_2FA = 'false';
  await resetDatabase(db);
  const { serverContext } = await import('../../lib/server/context');
  const { seedDemoUsers } = await import('../../lib/use-cases/manage-users');
  const { loadEngine } = await import('../../lib/server/load-engine');
  const { DEMO_USERS } = await import('../../lib/auth/demo-users');
  const context = serverContext();
  await seedDemoUsers(context);
  // The default strategies, stored; the engine is not started, so commands stay pending.
  await loadEngine({ db: context.db, hub: context.hub, log: context.log, simulation: { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 1, scenario: 'calm', speed: 1 } });
  const entries = await Promise.all(
    DEMO_USERS.map(async ({ role, email, password }) => {
      const { headers } = await context.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
      const cookie = headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
      return [role, cookie] as const;
    }),
  );
  cookies = Object.fromEntries(entries) as typeof cookies;
}, 60_000);

afterAll(async () => {
  const { serverContext } = await import('../../lib/server/context');
  await serverContext().hub.close();
  await db.$disconnect();
});

async function ask(route: string, method: string, caller: Caller, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const routeModule = (await import(/* @vite-ignore */ path.join(API_DIR, route.slice('/api/'.length), 'route.ts'))) as RouteModule;
  const handler = routeModule[method] as Handler;
  const url = `${ORIGIN}${concrete(route)}`;
  const hasBody = method === 'POST' || method === 'PUT';
  const request = new Request(url, {
    method,
    headers: {
      origin: ORIGIN,
      ...(hasBody ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
      ...(caller === 'anonymous' ? {} : { cookie: cookies[caller] }),
      ...init.headers,
    },
    body: hasBody ? (init.body ?? JSON.stringify(BODIES[route] ?? { reason: 'authorization table' })) : undefined,
  });
  const params = { id: 'zero-dte-friday', path: ['no', 'such', 'route'] };
  const response = await handler(request, { params: Promise.resolve(params) });
  if (response.headers.get('content-type')?.includes('text/event-stream')) await response.body?.cancel();
  return response;
}

describe('the authorization table', () => {
  it('has an entry for every route file, and no entry without one', () => {
    const files = routeFiles().filter((route) => !(route in NOT_OURS));
    expect(files).toEqual(Object.keys(TABLE).sort());
  });

  for (const route of Object.keys(TABLE)) {
    for (const method of METHODS) {
      it(`${method} ${route}: ${JSON.stringify(TABLE[route]?.[method] ?? '405 for everyone')}`, async () => {
        const routeModule = (await import(/* @vite-ignore */ path.join(API_DIR, route.slice('/api/'.length), 'route.ts'))) as RouteModule;
        if (!(method in routeModule)) return; // Next.js answers an unexported method itself; every route here exports them all
        const expected = TABLE[route]?.[method] ?? { anonymous: 405, viewer: 405, operator: 405, admin: 405 };
        for (const caller of ['anonymous', 'viewer', 'operator', 'admin'] as const) {
          const response = await ask(route, method, caller);
          expect.soft(response.status, `${caller}`).toBe(expected[caller]);
          if (response.status >= 400) {
            expect.soft(await response.json(), `${caller}: the one error shape`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
          }
        }
      });
    }
  }
});

describe('requests that must change nothing', () => {
  const commandCount = () => db.operatorCommand.count();

  it('refuses a change from another origin, or with no origin at all, with 403, and records the denial', async () => {
    const before = await commandCount();
    expect((await ask('/api/system/halt', 'POST', 'operator', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const noOrigin = await ask('/api/system/halt', 'POST', 'operator', { headers: { origin: '' } });
    expect(noOrigin.status).toBe(403);
    expect(await commandCount()).toBe(before);
    const denial = await db.accessEvent.findFirst({ where: { kind: 'denied', path: '/api/system/halt' }, orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({ method: 'POST', detail: expect.stringContaining('403') });
  });

  it('refuses a change to the risk limits from another origin with 403, and leaves them as they were', async () => {
    const limits = await db.riskLimitSettings.findUnique({ where: { id: 1 } });
    const body = JSON.stringify({ limits: { ...DEFAULT_RISK_LIMITS, maxSpyDelta: 1 }, reason: 'from elsewhere', version: limits?.version ?? 0 });
    const response = await ask('/api/risk/limits', 'PUT', 'admin', { headers: { origin: 'https://evil.example' }, body });
    expect(response.status).toBe(403);
    expect(await db.riskLimitSettings.findUnique({ where: { id: 1 } })).toEqual(limits);
    const denial = await db.accessEvent.findFirst({ where: { kind: 'denied', path: '/api/risk/limits' }, orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({ method: 'PUT', detail: expect.stringContaining('403') });
  });

  it('refuses an operator raising a risk limit with 403 naming it, and lets an admin who just signed in raise it', async () => {
    const { version } = (await db.riskLimitSettings.findUnique({ where: { id: 1 } })) ?? { version: 0 };
    const body = JSON.stringify({ limits: { ...DEFAULT_RISK_LIMITS, maxSpyDelta: 120 }, reason: 'wider SPY band', version });
    const byOperator = await ask('/api/risk/limits', 'PUT', 'operator', { body });
    expect(byOperator.status).toBe(403);
    expect((await byOperator.json()).error.message).toContain('raises maxSpyDelta');
    const byAdmin = await ask('/api/risk/limits', 'PUT', 'admin', { body });
    expect(byAdmin.status).toBe(200);
    expect(await byAdmin.json()).toMatchObject({ limits: { maxSpyDelta: 120 }, version: version + 1, changedBy: 'admin@wheelhouse.demo' });
  });

  it('refuses a plain form post (text/plain) with 415, and control characters in a reason with 400 naming them', async () => {
    const before = await commandCount();
    const form = await ask('/api/system/halt', 'POST', 'operator', { headers: { 'content-type': 'text/plain' }, body: '{"reason":"from a form"}' });
    expect(form.status).toBe(415);
    const nul = await ask('/api/system/halt', 'POST', 'operator', { body: JSON.stringify({ reason: 'risk\u0000off' }) });
    expect(nul.status).toBe(400);
    expect((await nul.json()).error.message).toContain('U+0000');
    const crlf = await ask('/api/system/halt', 'POST', 'operator', { body: JSON.stringify({ reason: 'line one\r\nline two' }) });
    expect(crlf.status).toBe(400);
    expect(await commandCount()).toBe(before);
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const before = await commandCount();
    const big = await ask('/api/system/halt', 'POST', 'operator', { body: JSON.stringify({ reason: 'x'.repeat(20 * 1024) }) });
    expect(big.status).toBe(413);
    expect(await commandCount()).toBe(before);
  });

  it('records who asked for what a role does not allow', async () => {
    expect((await ask('/api/system/halt', 'POST', 'viewer')).status).toBe(403);
    const denial = await db.accessEvent.findFirst({ where: { kind: 'denied', actor: 'viewer@wheelhouse.demo' }, orderBy: { id: 'desc' } });
    expect(denial).toMatchObject({ method: 'POST', path: '/api/system/halt', detail: expect.stringContaining('operator role') });
  });

  it('names the operator, not a placeholder, on the command', async () => {
    const response = await ask('/api/system/halt', 'POST', 'operator', { body: JSON.stringify({ reason: 'named halt' }) });
    expect(response.status).toBe(202);
    const command = await db.operatorCommand.findFirst({ where: { reason: 'named halt' } });
    expect(command?.actor).toBe('operator@wheelhouse.demo');
  });
});

describe('idempotent operator actions', () => {
  const halt = (key: string, reason = 'one halt, many clicks', caller: Caller = 'operator') =>
    ask('/api/system/halt', 'POST', caller, { headers: { 'idempotency-key': key }, body: JSON.stringify({ reason }) });

  it('make one command of 20 concurrent requests with one key, each answered with that command', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 20 }, () => halt(key)));
    const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as { command: { id: string } }).command.id)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(202));
    expect(ids.size).toBe(1);
    expect(await db.operatorCommand.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it('refuse a key reused for a different action with 422, and a missing key with 400', async () => {
    const key = randomUUID();
    expect((await halt(key, 'the first reason')).status).toBe(202);
    const reused = await halt(key, 'another reason');
    expect(reused.status).toBe(422);
    expect((await reused.json()).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const byAnother = await halt(key, 'the first reason', 'admin');
    expect(byAnother.status).toBe(422);
    const missing = await ask('/api/system/halt', 'POST', 'operator', { headers: { 'idempotency-key': '' }, body: JSON.stringify({ reason: 'no key' }) });
    expect(missing.status).toBe(400);
    expect(await db.operatorCommand.count({ where: { reason: { in: ['another reason', 'no key'] } } })).toBe(0);
  });
});
