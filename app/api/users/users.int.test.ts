import path from 'node:path';
import { base32 } from '@better-auth/utils/base32';
import { createOTP } from '@better-auth/utils/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../../test/db';

/**
 * The first admin's setup and what admins do to users, through the route handlers against PostgreSQL, with
 * REQUIRE_ADMIN_2FA on (its default): the demo admin is marked as enrolled, a second admin is not.
 */
const ORIGIN = 'http://localhost:3000';
const API_DIR = path.resolve(import.meta.dirname, '..');
const db = testDb();

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

interface Call {
  readonly cookie?: string;
  readonly body?: unknown;
  readonly id?: string;
  readonly headers?: Record<string, string>;
}

/** Asks a route handler as the browser on our own pages would (own Origin, JSON). */
async function call(route: string, method: 'GET' | 'POST', { cookie, body, id = '', headers = {} }: Call = {}): Promise<Response> {
  const routeModule = (await import(/* @vite-ignore */ path.join(API_DIR, route, 'route.ts'))) as Record<string, Handler>;
  const request = new Request(`${ORIGIN}/api/${route.replace('[id]', id)}`, {
    method,
    headers: { origin: ORIGIN, 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return routeModule[method]!(request, { params: Promise.resolve({ id }) });
}

const cookiesOf = (headers: Headers) => headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');

async function auth() {
  const { serverContext } = await import('../../../lib/server/context');
  return serverContext().auth;
}

async function signIn(email: string, password: string): Promise<string> {
  const { headers } = await (await auth()).api.signInEmail({ body: { email, password }, returnHeaders: true });
  return cookiesOf(headers);
}

const userByEmail = (email: string) => db.user.findUniqueOrThrow({ where: { email } });
const liveSessionsOf = async (email: string) => db.session.count({ where: { user: { email } } });
/** Makes the admin's sign-in 10 minutes old, with no re-authentication since: no longer fresh. */
const makeStale = (email: string) =>
  db.session.updateMany({ where: { user: { email } }, data: { createdAt: new Date(Date.now() - 10 * 60_000), reauthenticatedAt: null } });

const ADMIN = { email: 'admin@wheelhouse.demo', password: 'demo-admin-only' };
const OPERATOR = { email: 'operator@wheelhouse.demo', password: 'demo-operator-only' };
const VIEWER = { email: 'viewer@wheelhouse.demo', password: 'demo-viewer-only' };
const SETUP = (n: number) => ({ name: `First ${n}`, email: `first-${n}@example.com`, password: 'first admin password', passwordAgain: 'first admin password' });

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  process.env.REQUIRE_ADMIN_2FA = 'true';
  await resetDatabase(db);
});

afterAll(async () => {
  const { serverContext } = await import('../../../lib/server/context');
  await serverContext().hub.close();
  await db.$disconnect();
});

describe('the first admin', () => {
  it('is refused unless sent as JSON from our own origin, with the password twice alike', async () => {
    expect((await call('setup', 'POST', { body: SETUP(0), headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await call('setup', 'POST', { body: SETUP(0), headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const differ = await call('setup', 'POST', { body: { ...SETUP(0), passwordAgain: 'another password!' } });
    expect(differ.status).toBe(400);
    expect(await differ.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'passwordAgain: The two passwords differ' } });
    expect(await db.user.count()).toBe(0);
  });

  it('is created exactly once by 10 concurrent setups; the other nine are 409', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => call('setup', 'POST', { body: SETUP(n + 1) })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const users = await db.user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ role: 'admin' });
    const refused = await responses.find((response) => response.status === 409)!.json();
    expect(refused).toMatchObject({ error: { code: 'CONFLICT', message: expect.any(String) } });
    const recorded = await db.accessEvent.findMany({ where: { kind: 'first-admin-set-up' } });
    expect(recorded).toEqual([expect.objectContaining({ actor: users[0]!.email, userId: users[0]!.id })]);
  });

  it('can sign in; once a user exists, setup is a 409 and creates nobody', async () => {
    const [admin] = await db.user.findMany();
    const n = Number(admin!.email.match(/first-(\d+)/)![1]);
    expect(await signIn(admin!.email, SETUP(n).password)).toContain('session_token');
    const again = await call('setup', 'POST', { body: SETUP(99) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('already set up') } });
    expect(await db.user.count()).toBe(1);
  });
});

describe('admins managing users', () => {
  let admin: string;

  beforeAll(async () => {
    await resetDatabase(db);
    const { seedDemoUsers } = await import('../../../lib/use-cases/manage-users');
    await seedDemoUsers();
    admin = await signIn(ADMIN.email, ADMIN.password);
    // From now on the demo admin counts as enrolled (the enrolment itself is exercised in e2e/admin.spec.ts).
    await db.user.update({ where: { email: ADMIN.email }, data: { twoFactorEnabled: true } });
  });

  it('lists every user with role, two-factor, disabled and live sessions', async () => {
    await signIn(VIEWER.email, VIEWER.password);
    const response = await call('users', 'GET', { cookie: admin });
    expect(response.status).toBe(200);
    const { users } = (await response.json()) as { users: { email: string; role: string; hasTwoFactor: boolean; liveSessions: number }[] };
    expect(users.map((user) => [user.email, user.role, user.hasTwoFactor])).toEqual([
      [ADMIN.email, 'admin', true],
      [OPERATOR.email, 'operator', false],
      [VIEWER.email, 'viewer', false],
    ]);
    expect(users.find((user) => user.email === VIEWER.email)?.liveSessions).toBeGreaterThanOrEqual(1);
  });

  it('refuses a role change without a fresh authentication (403, nothing changed), then makes it after one and ends their sessions', async () => {
    await signIn(VIEWER.email, VIEWER.password);
    const viewer = await userByEmail(VIEWER.email);
    await makeStale(ADMIN.email);
    const body = { role: 'operator', reason: 'covers the night shift' };
    const stale = await call('users/[id]/role', 'POST', { cookie: admin, id: viewer.id, body });
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ error: { code: 'REAUTHENTICATION_REQUIRED' } });
    expect((await userByEmail(VIEWER.email)).role).toBe('viewer');
    expect(await liveSessionsOf(VIEWER.email)).toBeGreaterThan(0);

    expect((await call('session/reauthenticate', 'POST', { cookie: admin, body: { password: ADMIN.password } })).status).toBe(200);
    const fresh = await call('users/[id]/role', 'POST', { cookie: admin, id: viewer.id, body });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ user: { email: VIEWER.email, role: 'operator', liveSessions: 0 } });
    expect((await userByEmail(VIEWER.email)).role).toBe('operator');
    expect(await liveSessionsOf(VIEWER.email)).toBe(0);
    const recorded = await db.accessEvent.findFirst({ where: { kind: 'role-changed' }, orderBy: { id: 'desc' } });
    expect(recorded).toMatchObject({ actor: ADMIN.email, detail: `${VIEWER.email}: viewer -> operator; their sessions ended; reason: covers the night shift` });
  });

  it('adds a user only after a fresh authentication, refuses a taken email (409), and records it', async () => {
    const newUser = { email: 'New.Hire@Example.com', name: 'New Hire', role: 'viewer', password: 'new hire password', reason: 'joins the desk' };
    await makeStale(ADMIN.email);
    const stale = await call('users', 'POST', { cookie: admin, body: newUser });
    expect(stale.status).toBe(403);
    expect(await db.user.count({ where: { email: 'new.hire@example.com' } })).toBe(0);
    await call('session/reauthenticate', 'POST', { cookie: admin, body: { password: ADMIN.password } });
    expect((await call('users', 'POST', { cookie: admin, body: newUser })).status).toBe(201);
    expect(await signIn('new.hire@example.com', newUser.password)).toContain('session_token');
    const taken = await call('users', 'POST', { cookie: admin, body: newUser });
    expect(taken.status).toBe(409);
    expect(await db.accessEvent.findFirst({ where: { kind: 'user-added', actor: ADMIN.email } })).toMatchObject({
      detail: 'added new.hire@example.com as viewer; reason: joins the desk',
    });
  });

  it('keeps the last admin: they can neither step down nor disable themselves (409), and nothing changes', async () => {
    await call('session/reauthenticate', 'POST', { cookie: admin, body: { password: ADMIN.password } });
    const self = await userByEmail(ADMIN.email);
    const stepDown = await call('users/[id]/role', 'POST', { cookie: admin, id: self.id, body: { role: 'operator', reason: 'stepping down' } });
    expect(stepDown.status).toBe(409);
    expect(await stepDown.json()).toMatchObject({ error: { code: 'CONFLICT', message: `${ADMIN.email} is the last admin: make another user admin first` } });
    const disableSelf = await call('users/[id]/disable', 'POST', { cookie: admin, id: self.id, body: { reason: 'leaving' } });
    expect(disableSelf.status).toBe(409);
    expect(await userByEmail(ADMIN.email)).toMatchObject({ role: 'admin', banned: false });
  });

  it('ends a user\'s sessions: their next request is a 401', async () => {
    const operator = await signIn(OPERATOR.email, OPERATOR.password);
    expect((await call('commands', 'GET', { cookie: operator })).status).toBe(200);
    const { id } = await userByEmail(OPERATOR.email);
    const ended = await call('users/[id]/end-sessions', 'POST', { cookie: admin, id, body: { reason: 'lost laptop' } });
    expect(ended.status).toBe(200);
    expect((await call('commands', 'GET', { cookie: operator })).status).toBe(401);
    expect(await db.accessEvent.findFirst({ where: { kind: 'sessions-ended' } })).toMatchObject({ actor: ADMIN.email, detail: expect.stringContaining('reason: lost laptop') });
  });

  it('disables a user (sign-in refused, sessions ended) and enables them again', async () => {
    const operator = await signIn(OPERATOR.email, OPERATOR.password);
    const { id } = await userByEmail(OPERATOR.email);
    expect((await call('users/[id]/disable', 'POST', { cookie: admin, id, body: { reason: 'left the firm' } })).status).toBe(200);
    expect((await call('commands', 'GET', { cookie: operator })).status).toBe(401);
    await expect(signIn(OPERATOR.email, OPERATOR.password)).rejects.toThrow();
    expect((await call('users/[id]/enable', 'POST', { cookie: admin, id, body: { reason: 'came back' } })).status).toBe(200);
    expect(await signIn(OPERATOR.email, OPERATOR.password)).toContain('session_token');
    const kinds = await db.accessEvent.findMany({ where: { kind: { in: ['user-disabled', 'user-enabled'] } }, orderBy: { id: 'asc' } });
    expect(kinds.map((event) => [event.kind, event.actor])).toEqual([
      ['user-disabled', ADMIN.email],
      ['user-enabled', ADMIN.email],
    ]);
  });

  it('refuses an admin without two-factor anything only an admin may (403), not what an operator may', async () => {
    const { addUser } = await import('../../../lib/use-cases/manage-users');
    await addUser({ email: 'second-admin@example.com', name: 'Second Admin', role: 'admin', password: 'second admin password' });
    const secondAdmin = await signIn('second-admin@example.com', 'second admin password');
    const refused = await call('users', 'GET', { cookie: secondAdmin });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('enrol two-factor first') } });
    expect((await call('commands', 'GET', { cookie: secondAdmin })).status).toBe(200);
    expect(await db.accessEvent.findFirst({ where: { kind: 'denied', actor: 'second-admin@example.com' } })).toMatchObject({
      path: '/api/users',
      detail: expect.stringContaining('enrol two-factor first'),
    });
  });

  it('does not let an admin turn two-factor off while it is required', async () => {
    const { serverContext } = await import('../../../lib/server/context');
    const headers = new Headers({ cookie: admin, origin: ORIGIN });
    await expect(serverContext().auth.api.disableTwoFactor({ headers, body: { password: ADMIN.password } })).rejects.toMatchObject({
      statusCode: 403,
      body: expect.objectContaining({ code: 'ADMIN_TWO_FACTOR_REQUIRED' }),
    });
    expect((await userByEmail(ADMIN.email)).twoFactorEnabled).toBe(true);
  });
});

describe('two-factor sign-in', () => {
  const kindsFor = async (actor: string) => (await db.accessEvent.findMany({ where: { actor }, orderBy: { id: 'asc' } })).map((event) => event.kind);

  it('is enrolled with a first code (recorded as such, not as a sign-in), then asked for at sign-in, and turned off', async () => {
    const api = (await auth()).api;
    const session = new Headers({ cookie: await signIn(OPERATOR.email, OPERATOR.password) });
    const { totpURI } = (await api.enableTwoFactor({ headers: session, body: { password: OPERATOR.password } })) as { totpURI: string };
    const code = () => createOTP(base32.decode(new URL(totpURI).searchParams.get('secret')!)).totp();
    const enrolled = await api.verifyTOTP({ headers: session, body: { code: await code() }, returnHeaders: true });
    expect((await userByEmail(OPERATOR.email)).twoFactorEnabled).toBe(true);

    const passwordStep = await api.signInEmail({ body: OPERATOR, returnHeaders: true });
    expect(passwordStep.response).toMatchObject({ twoFactorRedirect: true });
    const secondStep = await api.verifyTOTP({ headers: new Headers({ cookie: cookiesOf(passwordStep.headers) }), body: { code: await code() }, returnHeaders: true });
    expect(cookiesOf(secondStep.headers)).toContain('session_token');

    await api.disableTwoFactor({ headers: new Headers({ cookie: cookiesOf(enrolled.headers) }), body: { password: OPERATOR.password } });
    expect((await userByEmail(OPERATOR.email)).twoFactorEnabled).toBe(false);
    const kinds = await kindsFor(OPERATOR.email);
    expect(kinds.slice(kinds.lastIndexOf('two-factor-enabled') - 1)).toEqual(['sign-in', 'two-factor-enabled', 'sign-in', 'sign-in', 'two-factor-disabled']);
  });
});
