import { expect, test, type Page } from '@playwright/test';
import type { Overview } from '../lib/api/contract';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The risk panel as a trader reads it: a strategy blocked by a limit says which and by how much; a limit
// approaching turns amber before it is reached.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  // Twenty market minutes before the 0DTE window opens (10:30 ET), a minute per real second.
  server = await startServer({ port: 3113, simStart: '2026-11-20T10:10:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

async function saveBuyingPowerLimit(page: Page, percent: string, reason: string, version: number) {
  await page.goto(`${server.url}/settings/risk`);
  const form = page.getByRole('form', { name: 'Risk limits' });
  await form.getByLabel('Max buying power in use').fill(percent);
  await form.getByLabel('Reason').fill(reason);
  await form.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved: the limits are now version ${version}.` })).toBeVisible();
}

test('a strategy blocked by the buying-power limit says so with the figures, and the limit turns amber as it is approached', async ({ page }) => {
  await signIn(page, server, 'admin');
  // $100 of a million: no entry fits.
  await saveBuyingPowerLimit(page, '0.01', 'No new risk before CPI', 1);

  await page.goto(server.url);
  const row = page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: '0DTE Friday' });
  await expect(row.getByTestId('risk-refusal')).toContainText(/last proposal refused: validation failed: risk limit: buying power would be \$[\d,]+, over the limit of \$100\b/, {
    timeout: 60_000,
  });
  await expect(row).toContainText('WAITING');
  expect(await query("SELECT 1 FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'ENTERING'")).toHaveLength(0);

  // Room again (raising a limit: an admin, signed in moments ago): the next proposal enters.
  await saveBuyingPowerLimit(page, '35', 'CPI out, in line', 2);
  await expect.poll(async () => (await query("SELECT 1 FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'ACTIVE'")).length, { timeout: 60_000 }).toBe(1);

  // Tighten until what is held uses 90% of the limit: the bar turns amber (or orange, if the marks moved on).
  const overview = (await (await page.request.get(`${server.url}/api/strategies`)).json()) as Overview;
  const buyingPower = overview.risk!.limits.find((use) => use.limit === 'buying power')!;
  expect(buyingPower.used).toBeGreaterThan(0);
  const percent = ((buyingPower.used / (0.9 * overview.risk!.netLiquidation)) * 100).toFixed(6);
  await saveBuyingPowerLimit(page, percent, 'Keep the 0DTE alone today', 3);
  await page.goto(server.url);
  const limit = page.getByRole('region', { name: 'Risk' }).getByTestId('risk-limit').filter({ hasText: 'buying power' });
  await expect(limit).toHaveAttribute('data-status', /^(warning|critical)$/);
  await expect(limit).toContainText(/\((8\d|9\d)%, (warning: past 80%|critical: past 95%)\)/);
});
