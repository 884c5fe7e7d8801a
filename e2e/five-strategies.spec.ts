import { expect, test } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';

// A calm Wednesday from 09:45 ET: LT112's day. Within the first market hour LT112, IPMCC, the LEAP ladder
// and the futures strangle each open a position; 0DTE waits for Friday.
let server: RunningServer;

const STRATEGIES = [
  { name: '0DTE Friday', own: null },
  { name: 'LT112', own: 'DEFENSIVE_21DTE' },
  { name: 'IPMCC', own: 'ROLLING' },
  { name: 'LEAP put ladder', own: 'BUILDING' },
  { name: 'Futures strangle', own: 'ROLLING' },
] as const;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3104, simStart: '2026-11-18T09:45:00-05:00', simSpeed: 195 });
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server));

test('the overview shows all five strategies, and four of them enter live', async ({ page }) => {
  await page.goto(server.url);
  const table = page.getByRole('table', { name: 'Strategies' });
  for (const { name } of STRATEGIES) await expect(table.getByRole('row').filter({ hasText: name })).toBeVisible();

  for (const name of ['LT112', 'IPMCC', 'LEAP put ladder', 'Futures strangle']) {
    await expect(table.getByRole('row').filter({ hasText: name })).toContainText(/ACTIVE|MANAGING|BUILDING|ROLLING/, { timeout: 90_000 });
  }
  await expect(table.getByRole('row').filter({ hasText: '0DTE Friday' })).toContainText('WAITING');

  const holding = await query<{ kind: string }>(
    "SELECT kind FROM strategy WHERE jsonb_array_length(snapshot->'context'->'position'->'legs') > 0 ORDER BY kind",
  );
  expect(holding.map((row) => row.kind)).toEqual(['FUTURES_STRANGLE', 'IPMCC', 'LEAP_LADDER', 'LT112']);
});

test('each strategy page draws its own machine, with its own states', async ({ page }) => {
  await page.goto(server.url);
  for (const { name, own } of STRATEGIES) {
    await page.getByRole('table', { name: 'Strategies' }).getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name })).toBeVisible();
    const graph = page.getByRole('region', { name: 'State graph' });
    for (const state of ['INITIALIZING', 'WAITING', 'ACTIVE', 'RECOVERY', 'EMERGENCY_EXIT']) {
      await expect(graph.getByTestId(`graph-node-${state}`)).toBeAttached();
    }
    if (own) await expect(graph.getByTestId(`graph-node-${own}`)).toBeAttached();
    await expect(page.getByRole('table', { name: 'Transition history' }).getByRole('row').filter({ hasText: 'INITIALIZING' }).first()).toBeVisible();
    await page.goBack();
  }
});
