import { expect, test } from '@playwright/test';
import { nyTime } from '../lib/domain/market/calendar';
import { signIn } from './support/auth';
import { marketTime, query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// Pausing one strategy: one click to stop its entries, a reason to let it enter again.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  // Half an hour before the 0DTE window opens (10:30 ET), a minute of market per real second: time to pause.
  server = await startServer({ port: 3110, simStart: '2026-11-20T10:00:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

test('an operator pauses 0DTE before its window: it enters nothing, says why, and enters once resumed', async ({ page }) => {
  await signIn(page, server, 'operator');
  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  await page.getByRole('button', { name: 'Pause' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Fed speaker at 10:45');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('paused')).toHaveText('Paused by operator@wheelhouse.demo');
  expect(await marketTime()).toBeLessThan(nyTime('2026-11-20', 10, 30));

  await page.goto(server.url);
  const row = page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: '0DTE Friday' });
  await expect(row).toContainText('paused by operator@wheelhouse.demo: Fed speaker at 10:45');
  // The risk panel beside it: every limit with its use, and each strategy's share.
  const risk = page.getByRole('region', { name: 'Risk' });
  await expect(risk.getByTestId('risk-limit')).toHaveCount(7);
  await expect(risk.getByRole('meter', { name: 'daily loss' })).toBeVisible();
  await expect(risk.getByRole('meter', { name: 'buying power' })).toBeVisible();
  await expect(risk.getByRole('table', { name: 'By strategy' })).toContainText('0DTE Friday');
  await expect.poll(marketTime, { timeout: 60_000 }).toBeGreaterThan(nyTime('2026-11-20', 10, 40));
  const entries = () => query("SELECT seq FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'ENTERING'");
  expect(await entries()).toHaveLength(0);

  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  await page.getByRole('button', { name: 'Resume Entries' }).click();
  await dialog.getByLabel('Reason').fill('Speaker done, calm tape');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('paused')).toHaveCount(0);
  await expect.poll(async () => (await entries()).length, { timeout: 60_000 }).toBeGreaterThan(0);
  const commands = await query<{ type: string; status: string; reason: string }>('SELECT type, status, reason FROM operator_command ORDER BY id');
  expect(commands).toEqual([
    { type: 'PAUSE_STRATEGY', status: 'done', reason: 'Fed speaker at 10:45' },
    { type: 'RESUME_STRATEGY', status: 'done', reason: 'Speaker done, calm tape' },
  ]);
});
