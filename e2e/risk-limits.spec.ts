import { expect, test, type Page } from '@playwright/test';
import { DEMO_USERS } from '../lib/auth/demo-users';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The risk limits page: an admin tightens a limit with a reason (one step), then raises one after confirming
// who they are; both are stored, audited, and shown after a reload and on the overview's risk panel.
let server: RunningServer;
const ADMIN = DEMO_USERS.find((user) => user.role === 'admin')!;

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3111, simStart: '2026-11-20T09:45:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

const storedLimits = () => query<{ version: number; changed_by: string; reason: string; limits: Record<string, unknown> }>('SELECT version, changed_by, reason, limits FROM risk_limits');
const changeEvents = () => query<{ actor: string; detail: string }>("SELECT actor, detail FROM access_event WHERE kind = 'risk-limits-changed' ORDER BY id");

async function saveLimit(page: Page, label: string, value: string, reason: string) {
  const form = page.getByRole('form', { name: 'Risk limits' });
  await form.getByLabel(label).fill(value);
  await form.getByLabel('Reason').fill(reason);
  await form.getByRole('button', { name: 'Save limits' }).click();
}

test('an admin tightens a limit with a reason, then raises one after confirming who they are; both outlive a reload', async ({ page }) => {
  await signIn(page, server, 'admin');
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Risk limits' }).click();
  await expect(page.getByRole('heading', { name: 'Risk limits', level: 1 })).toBeVisible();
  const form = page.getByRole('form', { name: 'Risk limits' });
  const spyDelta = form.getByLabel('Max SPY-equivalent delta');
  await expect(spyDelta).toHaveValue('100');
  await expect(page.getByText('SPY shares, long or short; default 100')).toBeVisible();
  await expect(form.getByLabel('Max buying power in use')).toHaveValue('35');

  await saveLimit(page, 'Max SPY-equivalent delta', '80', 'CPI tomorrow: less SPY');
  await expect(page.getByRole('status').filter({ hasText: 'Saved: the limits are now version 1.' })).toBeVisible();
  expect(await storedLimits()).toMatchObject([{ version: 1, changed_by: ADMIN.email, reason: 'CPI tomorrow: less SPY', limits: { maxSpyDelta: 80 } }]);

  await page.reload();
  await expect(spyDelta).toHaveValue('80');
  await expect(page.getByTestId('last-change')).toContainText(`Version 1, changed by ${ADMIN.email}`);
  await expect(page.getByTestId('last-change')).toContainText('CPI tomorrow: less SPY');

  // Signed in 10 minutes ago: raising a limit now needs the admin to prove who they are again.
  await query("UPDATE auth_session SET created_at = now() - interval '10 minutes', reauthenticated_at = NULL");
  await form.getByLabel('Max gamma of the book').fill('60');
  await expect(page.getByText(/This raises Max gamma of the book: raising a limit needs a fresh authentication/)).toBeVisible();
  await form.getByLabel('Reason').fill('gamma cap reviewed with risk');
  await form.getByRole('button', { name: 'Save limits' }).click();
  const confirm = page.getByRole('form', { name: 'Confirm it is you' });
  await confirm.getByLabel('Your password').fill(ADMIN.password);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: the limits are now version 2.' })).toBeVisible();

  await page.reload();
  await expect(form.getByLabel('Max gamma of the book')).toHaveValue('60');
  await expect(spyDelta).toHaveValue('80');
  expect(await changeEvents()).toEqual([
    { actor: ADMIN.email, detail: 'version 1: maxSpyDelta 100 -> 80; reason: CPI tomorrow: less SPY' },
    { actor: ADMIN.email, detail: 'version 2: maxGamma 50 -> 60 (raised); reason: gamma cap reviewed with risk' },
  ]);

  // The overview's risk panel measures the book against the limits as stored.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  const risk = page.getByRole('region', { name: 'Risk' });
  await expect(risk.getByTestId('risk-limit').filter({ hasText: 'SPY-equivalent delta' })).toContainText('of 80.0');
});
