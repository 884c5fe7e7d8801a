import { expect, test } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';
import { openBrokerFaults } from './support/broker-faults';

// A calm Wednesday from 09:40 ET, one market minute a second: time to inject a fault before the
// strategies that trade from 10:00 ET send their first orders.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3105, simStart: '2026-11-18T09:40:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server));

test('a rejection injected from the dashboard rolls one entry back, on the record, and the strategy enters later', async ({ page }) => {
  await page.goto(server.url);
  const panel = await openBrokerFaults(page);
  await expect(panel).toContainText('No faults injected');
  await panel.getByLabel('Reject next orders').fill('1');
  await panel.getByLabel('Rejection reason').fill('desk limit (demo)');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel).toContainText('rejecting the next 1');

  // The first order of the day is rejected; the panel follows the broker counting the fault down.
  await expect(panel).toContainText('No faults injected', { timeout: 90_000 });
  const [rejected] = await query<{ strategy_id: string; message: string }>(
    "SELECT strategy_id, message FROM strategy_error WHERE type = 'ORDER_REJECTED' ORDER BY id LIMIT 1",
  );
  expect(rejected?.message).toBe('desk limit (demo)');
  const rollBack = await query<{ to_state: string }>(
    "SELECT to_state FROM transition WHERE strategy_id = $1 AND from_state = 'ENTERING' ORDER BY seq LIMIT 1",
    [rejected!.strategy_id],
  );
  expect(rollBack).toEqual([{ to_state: 'WAITING' }]);

  const [{ name } = { name: '' }] = await query<{ name: string }>('SELECT name FROM strategy WHERE id = $1', [rejected!.strategy_id]);
  await page.getByRole('table', { name: 'Strategies' }).getByRole('link', { name }).click();
  await expect(page.getByRole('table', { name: 'Errors' })).toContainText('ORDER_REJECTED');
  await expect(page.getByRole('table', { name: 'Errors' })).toContainText('desk limit (demo)');
  await expect(page.getByRole('table', { name: 'Transition history' }).getByRole('row').filter({ hasText: /ENTERING\s*→\s*ACTIVE/ })).toBeVisible({
    timeout: 60_000,
  });
});
