import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../../test/db';

/** The alert settings through the route handlers against PostgreSQL: who may see and change webhooks, and what bad input leaves. */
const ORIGIN = 'http://localhost:3000';
const API_DIR = path.resolve(import.meta.dirname, '..');
const db = testDb();

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
type Caller = 'viewer' | 'operator' | 'admin';
let cookies: Record<Caller, string>;

async function call(route: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', caller: Caller, { body, id = '' }: { body?: unknown; id?: string } = {}): Promise<Response> {
  const routeModule = (await import(/* @vite-ignore */ path.join(API_DIR, route, 'route.ts'))) as Record<string, Handler>;
  const request = new Request(`${ORIGIN}/api/${route.replace('[id]', id)}`, {
    method,
    headers: { origin: ORIGIN, 'content-type': 'application/json', cookie: cookies[caller] },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return routeModule[method]!(request, { params: Promise.resolve({ id }) });
}

const HOOK = { name: 'Ops Slack', url: 'https://hooks.slack.com/services/T000/B000/SECRET', format: 'slack', events: ['halt', 'circuit-breaker'], enabled: true };
const webhookCount = () => db.alertWebhook.count();
const webhookEvents = () => db.accessEvent.findMany({ where: { kind: { startsWith: 'alert-webhook-' } }, orderBy: { id: 'asc' }, select: { kind: true, actor: true, detail: true } });

beforeAll(async () => {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  process.env.REQUIRE_ADMIN_2FA = 'false';
  await resetDatabase(db);
  const { serverContext } = await import('../../../lib/server/context');
  const { seedDemoUsers } = await import('../../../lib/use-cases/manage-users');
  const { DEMO_USERS } = await import('../../../lib/auth/demo-users');
  const context = serverContext();
  await seedDemoUsers(context);
  const entries = await Promise.all(
    DEMO_USERS.map(async ({ role, email, password }) => {
      const { headers } = await context.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
      return [role, headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')] as const;
    }),
  );
  cookies = Object.fromEntries(entries) as typeof cookies;
}, 60_000);

afterAll(async () => {
  const { serverContext } = await import('../../../lib/server/context');
  await serverContext().hub.close();
  await db.$disconnect();
});

describe('alert webhooks', () => {
  it('cannot be added, changed, removed or tested by a viewer or an operator (403), and nothing changes', async () => {
    const { events, ...settings } = HOOK;
    const { id } = await db.alertWebhook.create({ data: { ...settings, eventKinds: [...events], createdBy: 'seed' }, select: { id: true } });
    for (const caller of ['viewer', 'operator'] as const) {
      expect((await call('alerts/webhooks', 'POST', caller, { body: HOOK })).status, caller).toBe(403);
      expect((await call('alerts/webhooks/[id]', 'PUT', caller, { id, body: { ...HOOK, enabled: false } })).status, caller).toBe(403);
      expect((await call('alerts/webhooks/[id]', 'DELETE', caller, { id })).status, caller).toBe(403);
      expect((await call('alerts/webhooks/[id]/test', 'POST', caller, { id })).status, caller).toBe(403);
    }
    expect((await call('alerts', 'GET', 'viewer')).status).toBe(403);
    expect(await db.alertWebhook.findMany({ select: { enabled: true } })).toEqual([{ enabled: true }]);
    expect(await db.alertDelivery.count()).toBe(0);
    expect(await webhookEvents()).toEqual([]);
    await db.alertWebhook.deleteMany();
  });

  it('refuses bad input with 400 naming it, adding nothing', async () => {
    const bad = [
      [{ ...HOOK, url: 'ftp://example.com/in' }, 'url: only http and https URLs are allowed, not ftp'],
      [{ ...HOOK, url: 'https://user:pw@example.com/in' }, 'url: the URL may not carry a user name or password'],
      [{ ...HOOK, events: [] }, 'events: Choose at least one event'],
      [{ ...HOOK, events: ['halt', 'halt'] }, 'events: Each event may be chosen once'],
      [{ ...HOOK, events: ['everything'] }, 'events.0'],
      [{ ...HOOK, format: 'teams' }, 'format'],
      [{ ...HOOK, name: '' }, 'name: The name is required'],
      [{ ...HOOK, secret: 'x' }, 'secret'],
    ] as const;
    for (const [body, message] of bad) {
      const response = await call('alerts/webhooks', 'POST', 'admin', { body });
      expect(response.status, message).toBe(400);
      expect((await response.json()).error.message).toContain(message);
    }
    expect(await webhookCount()).toBe(0);
  });

  it('an admin adds, disables and removes one, each recorded with the URL’s origin only; operators see the URL without its secret', async () => {
    const added = await call('alerts/webhooks', 'POST', 'admin', { body: HOOK });
    expect(added.status).toBe(201);
    const { webhook } = (await added.json()) as { webhook: { id: string; url: string } };
    expect(webhook).toMatchObject({ ...HOOK, createdBy: 'admin@wheelhouse.demo' });

    const seenByOperator = await (await call('alerts', 'GET', 'operator')).json();
    expect(seenByOperator).toMatchObject({ webhooks: [{ id: webhook.id, url: 'https://hooks.slack.com/…' }], deliveries: [] });
    expect((await (await call('alerts', 'GET', 'admin')).json()).webhooks[0].url).toBe(HOOK.url);

    const disabled = await call('alerts/webhooks/[id]', 'PUT', 'admin', { id: webhook.id, body: { ...HOOK, enabled: false } });
    expect(disabled.status).toBe(200);
    expect((await disabled.json()).webhook.enabled).toBe(false);

    const tested = await call('alerts/webhooks/[id]/test', 'POST', 'admin', { id: webhook.id });
    expect(tested.status).toBe(202);
    const { delivery } = (await tested.json()) as { delivery: { id: string } };
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { id: BigInt(delivery.id) } })).toMatchObject({
      webhookId: webhook.id,
      eventKind: 'test',
      status: 'pending',
      payload: { text: '[INFO] Test alert from Wheelhouse, sent by admin@wheelhouse.demo' },
    });

    expect((await call('alerts/webhooks/[id]', 'DELETE', 'admin', { id: webhook.id })).status).toBe(200);
    expect((await call('alerts/webhooks/[id]', 'DELETE', 'admin', { id: webhook.id })).status).toBe(404);
    expect(await webhookCount()).toBe(0);
    expect(await db.alertDelivery.count()).toBe(0);

    const events = await webhookEvents();
    expect(events.map((event) => event.kind)).toEqual(['alert-webhook-added', 'alert-webhook-changed', 'alert-webhook-removed']);
    expect(events[0]).toEqual({ kind: 'alert-webhook-added', actor: 'admin@wheelhouse.demo', detail: 'added webhook "Ops Slack" (slack, https://hooks.slack.com/…, events halt, circuit-breaker, enabled)' });
    for (const event of events) expect(event.detail).not.toContain('SECRET');
  });
});
