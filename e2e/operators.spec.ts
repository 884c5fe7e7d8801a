import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { DEMO_USERS } from '../lib/auth/demo-users';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// Operators with names: sign-in per role, what a viewer may not do, and a page on another site that tries.
let server: RunningServer;
let otherSite: Server;
const OTHER_SITE_PORT = 3199;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3107, simStart: '2026-11-20T09:45:00-05:00', simSpeed: 60 });
  // Another origin serving a page whose form posts to the halt route: what a malicious site would do.
  otherSite = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><title>Free money</title>
      <form id="attack" method="POST" action="${server.url}/api/system/halt" enctype="text/plain">
        <input name='{"reason":"pwned","x":"' value='"}'>
      </form>
      <script>document.getElementById('attack').submit()</script>`);
  }).listen(OTHER_SITE_PORT);
});

test.afterAll(async () => {
  otherSite?.close();
  await server?.stop();
});

const commands = () => query<{ type: string; actor: string }>('SELECT type, actor FROM operator_command ORDER BY id');

test('a visitor without a session is sent to sign in, and the API answers 401', async ({ page }) => {
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  const response = await page.request.get(`${server.url}/api/strategies`);
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
});

for (const user of DEMO_USERS) {
  test(`the ${user.role} signs in with the form and sees their name and role`, async ({ page }) => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(user.email);
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(user.role);
    await expect(page.getByRole('table', { name: 'Strategies' })).toContainText('0DTE Friday');
    const emergencyHalt = page.getByRole('button', { name: 'Emergency Halt' });
    if (user.role === 'viewer') await expect(emergencyHalt).toHaveCount(0);
    else await expect(emergencyHalt).toBeVisible();
  });
}

test('a wrong password is refused and recorded', async ({ page }) => {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Email').fill('operator@wheelhouse.demo');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toContainText(/invalid/i);
  const [failure] = await query<{ kind: string; actor: string }>("SELECT kind, actor FROM access_event WHERE kind = 'sign-in-failed'");
  expect(failure).toEqual({ kind: 'sign-in-failed', actor: 'operator@wheelhouse.demo' });
});

test('a viewer sees no override buttons, and a forged POST from their session gets 403 and changes nothing', async ({ page }) => {
  await signIn(page, server, 'viewer');
  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  await expect(page.getByRole('heading', { name: '0DTE Friday' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Defensive Exit' })).toHaveCount(0);
  const forged = await page.request.post(`${server.url}/api/system/halt`, { data: { reason: 'viewer forging a halt' }, headers: { origin: server.url } });
  expect(forged.status()).toBe(403);
  expect(await commands()).toEqual([]);
  const [denied] = await query<{ actor: string; path: string }>("SELECT actor, path FROM access_event WHERE kind = 'denied' AND method = 'POST'");
  expect(denied).toEqual({ actor: 'viewer@wheelhouse.demo', path: '/api/system/halt' });
});

test('a page on another site posting a form to the halt route, with an operator signed in, changes nothing', async ({ page }) => {
  await signIn(page, server, 'operator');
  await page.goto(`http://127.0.0.1:${OTHER_SITE_PORT}/`);
  await page.waitForURL(`${server.url}/api/system/halt`);
  await expect(page.locator('body')).toContainText('FORBIDDEN');
  expect(await commands()).toEqual([]);
  const refusals = await query<{ detail: string }>("SELECT detail FROM access_event WHERE kind = 'denied' AND detail LIKE '%accepted only from%'");
  expect(refusals).toHaveLength(1);
  expect(await query("SELECT 1 FROM system_state WHERE mode <> 'RUNNING'")).toHaveLength(0);
});

test('an operator halts, and the command carries their name', async ({ page }) => {
  await signIn(page, server, 'operator');
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Emergency Halt' }).click();
  await page.getByRole('dialog').getByLabel('Reason').fill('Named halt');
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('system-mode')).toHaveText('HALTED');
  expect(await commands()).toEqual([{ type: 'EMERGENCY_HALT', actor: 'operator@wheelhouse.demo' }]);
  const recent = page.getByRole('table', { name: /Recent commands/ }).getByRole('row').filter({ hasText: 'Named halt' });
  await expect(recent).toContainText('emergency halt');
  await expect(recent).toContainText('operator@wheelhouse.demo');
  await expect(recent).toContainText('done');
});
