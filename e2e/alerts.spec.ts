import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { DEMO_USERS } from '../lib/auth/demo-users';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The alerts page: an admin adds a Slack-format webhook pointing at a receiver on this machine, presses Send test,
// and sees it delivered on the page; the receiver got Slack's body, and the database recorded the delivery.
let server: RunningServer;
let receiver: Server;
const received: { path: string; body: unknown }[] = [];
const RECEIVER_PORT = 3141;
const ADMIN = DEMO_USERS.find((user) => user.role === 'admin')!;

test.beforeAll(async () => {
  await resetDatabase();
  receiver = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as unknown });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve));
  server = await startServer({ port: 3114, simStart: '2026-11-20T09:45:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

test('an admin adds a webhook, sends a test, and sees it delivered to the receiver', async ({ page }) => {
  await signIn(page, server, 'admin');
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();

  const form = page.getByRole('form', { name: 'Add a webhook' });
  await form.getByLabel('Name').fill('Desk receiver');
  await form.getByLabel('URL').fill(`http://127.0.0.1:${RECEIVER_PORT}/hooks/desk`);
  await form.getByLabel('Format').selectOption({ label: 'Slack' });
  const events = form.getByRole('group', { name: 'Events' });
  for (const checkbox of await events.getByRole('checkbox').all()) await checkbox.uncheck();
  await events.getByLabel('A halt or emergency').check();
  await events.getByLabel('A circuit breaker opening').check();
  await form.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added Desk receiver.' })).toBeVisible();

  const webhooks = page.getByRole('table', { name: /Webhooks/ });
  const row = webhooks.getByRole('row').filter({ hasText: 'Desk receiver' });
  await expect(row).toContainText('circuit-breaker, halt');
  await expect(row).toContainText('enabled');
  expect(await query('SELECT name, url, format, event_kinds, enabled, created_by FROM alert_webhook')).toEqual([
    { name: 'Desk receiver', url: `http://127.0.0.1:${RECEIVER_PORT}/hooks/desk`, format: 'slack', event_kinds: ['circuit-breaker', 'halt'], enabled: true, created_by: ADMIN.email },
  ]);

  await row.getByRole('button', { name: 'Send test to Desk receiver' }).click();
  await expect(row.getByRole('status')).toContainText(/Test \d+: delivered \(HTTP 200\)/);
  expect(received).toEqual([{ path: '/hooks/desk', body: expect.objectContaining({ text: `[INFO] Test alert from Wheelhouse, sent by ${ADMIN.email}`, blocks: expect.any(Array) }) }]);

  const deliveries = page.getByRole('table', { name: /Recent deliveries/ });
  await expect(deliveries.getByTestId('alert-delivery').first()).toContainText('test');
  await expect(deliveries.getByTestId('alert-delivery').first()).toContainText('delivered (HTTP 200)');
  expect(await query('SELECT event_kind, status, attempts, last_status_code FROM alert_delivery')).toEqual([{ event_kind: 'test', status: 'delivered', attempts: 1, last_status_code: 200 }]);
  expect(await query("SELECT actor FROM access_event WHERE kind = 'alert-webhook-added'")).toEqual([{ actor: ADMIN.email }]);

  await row.getByRole('button', { name: 'Disable Desk receiver' }).click();
  await expect(row).toContainText('disabled');
  expect(await query('SELECT enabled FROM alert_webhook')).toEqual([{ enabled: false }]);
});
