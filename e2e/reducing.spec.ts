import { expect, test } from '@playwright/test';
import { nyTime } from '../lib/domain/market/calendar';
import { signIn } from './support/auth';
import { marketTime, query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// REDUCING: one click to allow only orders that shrink risk; two people to leave it.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  // Half an hour before the 0DTE window opens (10:30 ET), a minute of market per real second.
  server = await startServer({ port: 3112, simStart: '2026-11-20T10:00:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

test('an operator moves the system to REDUCING: shown with who and why, no entry goes out, and two operators leave it', async ({ page, browser }) => {
  await signIn(page, server, 'operator');
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Reduce Only' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Desk over its delta budget');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('system-mode')).toHaveText('REDUCING');
  const banner = page.getByRole('region', { name: 'Reducing risk only' });
  await expect(banner).toContainText('Reducing risk only, set by operator@wheelhouse.demo');
  await expect(banner).toContainText('Desk over its delta budget');
  // Stopping further is still one click; HALTED and REDUCING again are not stricter, so not offered.
  await expect(page.getByRole('button', { name: 'Emergency Halt' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Halt Entries' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reduce Only' })).toHaveCount(0);
  const row = page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: '0DTE Friday' });
  await expect(row).toContainText('system is REDUCING');
  expect(await marketTime()).toBeLessThan(nyTime('2026-11-20', 10, 30));

  await expect.poll(marketTime, { timeout: 60_000 }).toBeGreaterThan(nyTime('2026-11-20', 10, 40));
  const entries = () => query("SELECT seq FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'ENTERING'");
  expect(await entries()).toHaveLength(0);

  await page.getByRole('button', { name: 'Request Resume' }).click();
  await dialog.getByLabel('Reason').fill('Delta hedged');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('pending-resume')).toContainText('Delta hedged');
  await expect(page.getByTestId('system-mode')).toHaveText('REDUCING');

  const approver = await browser.newPage();
  await signIn(approver, server, 'admin');
  await approver.goto(server.url);
  await approver.getByRole('button', { name: 'Approve Resume' }).click();
  await approver.getByRole('dialog').getByLabel('Reason').fill('Checked the hedge');
  await approver.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(approver.getByTestId('system-mode')).toHaveText('RUNNING');
  await expect(page.getByTestId('system-mode')).toHaveText('RUNNING');
  await expect(page.getByRole('region', { name: 'Reducing risk only' })).toHaveCount(0);
  await approver.close();

  await expect.poll(async () => (await entries()).length, { timeout: 60_000 }).toBeGreaterThan(0);
  expect(await query('SELECT from_mode, mode, cause, actor, reason FROM system_mode_change ORDER BY id')).toEqual([
    { from_mode: 'RUNNING', mode: 'REDUCING', cause: 'operator', actor: 'operator@wheelhouse.demo', reason: 'Desk over its delta budget' },
    { from_mode: 'REDUCING', mode: 'RUNNING', cause: 'operator', actor: 'admin@wheelhouse.demo', reason: 'Checked the hedge' },
  ]);
});
