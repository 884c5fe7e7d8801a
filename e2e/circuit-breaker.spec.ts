import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';
import { openBrokerFaults } from './support/broker-faults';

// A calm Wednesday from 09:40 ET, one market minute a second. Every entry attempt of the morning is
// rejected, so each strategy that trades from 10:00 ET trips its circuit breaker on its third error.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3106, simStart: '2026-11-18T09:40:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server));

test('three errors put a strategy in ERROR until an operator recovers it from its page, sending what the preview showed', async ({ page }) => {
  await page.goto(server.url);
  const panel = await openBrokerFaults(page);
  await panel.getByLabel('Reject next orders').fill('40');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel).toContainText('rejecting the next 40');

  const table = page.getByRole('table', { name: 'Strategies' });
  const ipmccRow = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'IPMCC', exact: true }) });
  await expect(ipmccRow).toContainText('ERROR', { timeout: 90_000 });
  // The coordinator keeps every other strategy out while one is in ERROR, and says why.
  await expect(table.getByRole('row').filter({ has: page.getByRole('link', { name: '0DTE Friday' }) })).toContainText('IPMCC is in ERROR');
  // ERROR holds: bars pass and nothing moves until someone acts.
  const [{ count: before } = { count: '0' }] = await query<{ count: string }>("SELECT count(*) FROM transition WHERE strategy_id = 'ipmcc'");
  await expect.poll(async () => (await query<{ time: Date }>('SELECT time FROM market_clock'))[0]?.time.getTime() ?? 0).toBeGreaterThan(
    Date.parse('2026-11-18T15:20:00Z'),
  );
  const [{ count: after } = { count: '0' }] = await query<{ count: string }>("SELECT count(*) FROM transition WHERE strategy_id = 'ipmcc'");
  expect(after).toBe(before);

  await panel.getByLabel('Reject next orders').fill('0');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel).toContainText('No faults injected');

  await ipmccRow.getByRole('link', { name: 'IPMCC' }).click();
  await expect(page.getByRole('table', { name: 'Errors' }).getByRole('row').filter({ hasText: 'ORDER_REJECTED' })).toHaveCount(3);
  await page.getByRole('button', { name: 'Recover' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'What this sends' })).toBeVisible();
  // What Recover would settle changes between the preview and the confirmation (here: the first confirmation carries
  // another preview's fingerprint): nothing is done, the dialog stays open and says what it would do now.
  let confirmations = 0;
  await page.route('**/api/strategies/ipmcc/recover', async (route) => {
    confirmations += 1;
    if (confirmations > 1) return route.continue();
    const body = route.request().postDataJSON() as { reason: string; previewFingerprint: string };
    const other = `${body.previewFingerprint.startsWith('0') ? '1' : '0'}${body.previewFingerprint.slice(1)}`;
    await route.continue({ postData: JSON.stringify({ ...body, previewFingerprint: other }) });
  });
  await dialog.getByLabel('Reason').fill('venue limits reset');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByRole('alert')).toContainText('changed since the preview; now:');
  await expect(dialog).toBeVisible();
  expect(await query<{ state: string }>("SELECT state FROM strategy WHERE id = 'ipmcc'")).toEqual([{ state: 'ERROR' }]);
  // Confirming again sends what the dialog now shows.
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  expect(confirmations).toBe(2);

  const history = page.getByRole('table', { name: 'Transition history' });
  const recovered = history.getByRole('row').filter({ hasText: /ERROR\s*→\s*RECOVERY/ });
  await expect(recovered).toContainText('operator');
  await expect(recovered).toContainText('venue limits reset');
  await expect(history.getByRole('row').filter({ hasText: /RECOVERY\s*→\s*WAITING/ })).toBeVisible();
  // Flat again, but the coordinator still keeps it out while the others are in ERROR.
  await expect(page.getByText(/blocked: .* is in ERROR/)).toBeVisible();

  const stillBroken = await query<{ id: string }>("SELECT id FROM strategy WHERE state = 'ERROR'");
  expect(stillBroken.length).toBeGreaterThan(0);
  for (const { id } of stillBroken) {
    const response = await page.request.post(`${server.url}/api/strategies/${id}/recover`, { data: { reason: 'venue limits reset' }, headers: { origin: server.url, 'idempotency-key': randomUUID() } });
    expect(response.status()).toBe(200);
  }
  await expect(history.getByRole('row').filter({ hasText: /ENTERING\s*→\s*ACTIVE/ })).toBeVisible({ timeout: 60_000 });
});
