import { expect, test } from '@playwright/test';
import { apiAs, signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// A calm Wednesday from 09:55 ET, half a market minute a second: the strategies that trade from 10:00 ET send their
// first orders soon, and an order out counts as stuck only after ten real seconds.
const PORT = 3550;

let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: PORT, simStart: '2026-11-18T09:55:00-05:00', simSpeed: 30 });
});

test.afterAll(async () => {
  await server?.stop();
});

const unconfirmedInDatabase = async () =>
  Number((await query<{ open: string }>('SELECT count(*) AS open FROM order_cancel WHERE confirmed_at IS NULL'))[0]?.open ?? 0);

test('the Emergency Halt cancels an entry still working at the broker, and the overview counts the cancel until the broker answers', async ({ page, playwright }) => {
  const api = await apiAs(playwright, server, 'operator');
  const injectFaults = async (change: Record<string, unknown>) => expect((await api.put('/api/paper-broker/faults', { data: change })).ok()).toBe(true);
  await injectFaults({ latencyBars: 30 });
  await signIn(page, server);
  await page.goto(server.url);

  // An entry goes out and stays working; then the broker can no longer be reached.
  const workingEntries = () => query<{ client_order_id: string }>("SELECT client_order_id FROM paper_order WHERE status = 'WORKING' AND client_order_id LIKE '%:entry:%'");
  await expect.poll(async () => (await workingEntries()).length, { timeout: 90_000 }).toBeGreaterThan(0);
  await injectFaults({ dropConnection: true });

  await page.getByRole('button', { name: 'Emergency Halt' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Broker acting up');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();

  const unconfirmed = page.getByRole('status', { name: 'Unconfirmed cancels' });
  await expect(unconfirmed).toHaveText(/^\d+ cancels? unconfirmed$/);
  const shown = Number((await unconfirmed.textContent())?.split(' ')[0]);
  expect(shown).toBeGreaterThan(0);
  expect(await unconfirmedInDatabase()).toBe(shown);

  // The broker is back: the cancels are asked again on the next bar, answered, and the count goes.
  await injectFaults({ dropConnection: false });
  await expect(unconfirmed).toBeHidden();
  expect(await unconfirmedInDatabase()).toBe(0);
  const cancelled = await query<{ status: string }>(
    'SELECT o.status FROM order_cancel c JOIN paper_order o ON o.client_order_id = c.client_order_id',
  );
  expect(cancelled.length).toBe(shown);
  expect(cancelled.every(({ status }) => status === 'CANCELLED')).toBe(true);
  await api.dispose();
});
