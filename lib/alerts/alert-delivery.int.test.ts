import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, testDb } from '../../test/db';
import { AlertRepository, type WebhookSettings } from '../db/alert-repository';
import type { AlertEventKind } from '../domain/alerts/alert';
import type { AlertFormat } from '../domain/alerts/alert-bodies';
import type { EngineSignal } from '../engine/ports';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertSignals } from './alert-signals';

// Alerts end to end on PostgreSQL, with real HTTP receivers on this machine: what each format's receiver gets,
// retries and their record, a receiver that never answers, and two servers sharing the deliveries.
const db = testDb();
const alerts = new AlertRepository(db);
const quiet = { warn: () => undefined, error: () => undefined };
const AUDIT = { actor: 'admin@wheelhouse.demo', actorId: null, detail: 'test', origin: { ip: null, userAgent: null, method: null, path: null } };
const HALT: EngineSignal = { kind: 'mode', mode: 'EMERGENCY', previous: 'RUNNING', cause: 'operator', actor: 'operator@wheelhouse.demo', reason: 'flash crash' };

interface Received {
  readonly path: string;
  readonly body: unknown;
}

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** How the next requests are answered: a status, or 'hang' (never). */
  answer: (request: Received) => number | 'hang';
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

async function receiver(port: number): Promise<Receiver> {
  const hanging: ServerResponse[] = [];
  const state: Receiver = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    answer: () => 200,
    close: () =>
      new Promise((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const received = { path: request.url ?? '', body: JSON.parse(text) as unknown };
      state.received.push(received);
      const status = state.answer(received);
      if (status === 'hang') hanging.push(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  expect((server.address() as AddressInfo).port).toBe(port);
  receivers.push(state);
  return state;
}

function webhook(url: string, format: AlertFormat, events: AlertEventKind[] = ['halt']): Promise<{ id: string }> {
  const settings: WebhookSettings = { name: `${format} hook`, url, format, events, enabled: true };
  return alerts.addWebhook(settings, AUDIT);
}

const deliveries = () =>
  db.alertDelivery.findMany({ orderBy: { id: 'asc' }, select: { id: true, webhookId: true, eventKind: true, status: true, attempts: true, lastStatusCode: true, lastError: true, deliveredAt: true } });

const dispatcher = (options: Partial<ConstructorParameters<typeof AlertDispatcher>[0]> = {}) => new AlertDispatcher({ store: alerts, log: quiet, ...options });
const signals = () => new AlertSignals({ store: alerts, server: 'test-server', log: quiet });

beforeEach(async () => {
  await resetDatabase(db);
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((each) => each.close()));
});

afterAll(async () => {
  await db.$disconnect();
});

describe('alert deliveries', () => {
  it('sends each webhook that wants the alert its own format once, and records it delivered', async () => {
    const hooks = await receiver(3141);
    const [generic, slack, discord] = [await webhook(`${hooks.url}/generic`, 'generic'), await webhook(`${hooks.url}/slack`, 'slack'), await webhook(`${hooks.url}/discord`, 'discord')];
    await webhook(`${hooks.url}/errors-only`, 'generic', ['strategy-error']);
    await alerts.changeWebhook((await webhook(`${hooks.url}/disabled`, 'generic')).id, { name: 'off', url: `${hooks.url}/disabled`, format: 'generic', events: ['halt'], enabled: false }, AUDIT);

    const source = signals();
    source.emit(HALT);
    await source.flush();
    expect(await dispatcher().sendDue()).toBe(3);

    const byPath = Object.fromEntries(hooks.received.map(({ path, body }) => [path, body]));
    expect(Object.keys(byPath).sort()).toEqual(['/discord', '/generic', '/slack']);
    expect(byPath['/generic']).toMatchObject({ kind: 'halt', kinds: ['halt', 'mode-change'], severity: 'critical', server: 'test-server', details: { mode: 'EMERGENCY', reason: 'flash crash' } });
    expect(byPath['/slack']).toMatchObject({ text: '[CRITICAL] Trading mode RUNNING -> EMERGENCY (operator, by operator@wheelhouse.demo): flash crash', blocks: expect.any(Array) });
    expect(byPath['/discord']).toMatchObject({ content: expect.stringContaining('RUNNING -> EMERGENCY'), embeds: [{ title: 'halt', color: 0xdc2626 }] });
    const rows = await deliveries();
    expect(rows.map((row) => row.webhookId).sort()).toEqual([generic.id, slack.id, discord.id].sort());
    for (const row of rows) expect(row).toMatchObject({ eventKind: 'halt', status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(Date) });
    expect(await dispatcher().sendDue()).toBe(0);
  });

  it('retries a delivery the receiver failed, on the schedule, and records each attempt', async () => {
    const hooks = await receiver(3142);
    let calls = 0;
    hooks.answer = () => (++calls === 1 ? 500 : 204);
    await webhook(hooks.url, 'generic');
    const source = signals();
    source.emit(HALT);
    await source.flush();
    const sender = dispatcher({ schedule: [300] });

    await sender.sendDue();
    expect(await deliveries()).toMatchObject([{ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: '500 Internal Server Error', deliveredAt: null }]);
    expect(await sender.sendDue()).toBe(0); // not due for 300 ms
    await expect.poll(async () => (await sender.sendDue(), (await deliveries())[0]?.status), { timeout: 5_000, interval: 100 }).toBe('delivered');
    expect(await deliveries()).toMatchObject([{ status: 'delivered', attempts: 2, lastStatusCode: 204, lastError: null }]);
    expect(hooks.received).toHaveLength(2);
  });

  it('gives a delivery up as failed after its last attempt', async () => {
    const hooks = await receiver(3143);
    hooks.answer = () => 503;
    await webhook(hooks.url, 'slack');
    const source = signals();
    source.emit(HALT);
    await source.flush();
    await dispatcher({ schedule: [] }).sendDue();
    expect(await deliveries()).toMatchObject([{ status: 'failed', attempts: 1, lastStatusCode: 503, lastError: '503 Service Unavailable' }]);
  });

  it('times out a receiver that never answers and retries it, while emit keeps returning at once', async () => {
    const hooks = await receiver(3144);
    hooks.answer = () => 'hang';
    const dead = await webhook(hooks.url, 'generic', ['halt']);
    await webhook((await receiver(3146)).url, 'generic', ['strategy-error']);
    const source = signals();
    source.emit(HALT);
    await source.flush();

    const sender = dispatcher({ timeoutMs: 1_000, schedule: [300, 60_000] });
    const sending = sender.sendDue();
    await expect.poll(() => hooks.received.length).toBe(1);
    const slowest = Math.max(
      ...Array.from({ length: 200 }, (_, i) => {
        const started = performance.now();
        source.emit({ kind: 'strategy-error', strategyId: 'lt112', name: 'LT112', from: 'ACTIVE', reason: `error ${i}`, circuitBreaker: false });
        return performance.now() - started;
      }),
    );
    expect(slowest).toBeLessThan(5);
    await sending;
    const toDead = (await deliveries()).filter((row) => row.webhookId === dead.id);
    expect(toDead).toMatchObject([{ status: 'pending', lastStatusCode: null, lastError: 'no answer within 1000 ms' }]);
    await source.flush();
    expect(await db.alertDelivery.count()).toBe(201);
    await expect
      .poll(async () => (await sender.sendDue(), (await deliveries()).find((row) => row.webhookId === dead.id)?.attempts), { timeout: 10_000, interval: 200 })
      .toBeGreaterThanOrEqual(2);
    expect(hooks.received.length).toBeGreaterThanOrEqual(2);
  });

  it('sends each delivery once when two servers dispatch from one database', async () => {
    const hooks = await receiver(3145);
    const { id } = await webhook(hooks.url, 'generic');
    for (let n = 0; n < 40; n += 1) await alerts.queueDelivery(id, 'test', { n });
    const otherDb = testDb();
    try {
      const [first, second] = [dispatcher({ batchSize: 3 }), new AlertDispatcher({ store: new AlertRepository(otherDb), log: quiet, batchSize: 3 })];
      const [a, b] = await Promise.all([first.sendDue(), second.sendDue()]);
      expect(a + b).toBe(40);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
    } finally {
      await otherDb.$disconnect();
    }
    const numbers = hooks.received.map(({ body }) => (body as { n: number }).n).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect((await deliveries()).every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  });
});
