import { expect, test } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The crash scenario: on its third session (Friday) SPY falls about 8% from 11:00 ET, after 0DTE has
// entered at 10:30. On this seed the morning's rise makes it a put spread, whose short put the crash breaches.
let server: RunningServer;

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({
    port: 3103,
    simStart: '2026-11-18T10:00:00-05:00',
    simSpeed: 1_500,
    env: { SIM_SCENARIO: 'crash', SIM_VIX: '24', SIM_SEED: '20261120' },
  });
});

test.afterAll(async () => {
  await server?.stop();
});

test('a crash through the short strike sends 0DTE to DEFENSIVE_EXIT, live and on the record', async ({ page }) => {
  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  const history = page.getByRole('table', { name: 'Transition history' });
  const breach = history.getByRole('row').filter({ hasText: /breached the short (put|call)/ });
  await expect(breach).toContainText('DEFENSIVE_EXIT', { timeout: 120_000 });
  await expect(history.getByRole('row').filter({ hasText: /DEFENSIVE_EXIT\s*→\s*COMPLETE/ })).toBeVisible();

  const rows = await query<{ from_state: string; to_state: string; reason: string }>(
    "SELECT from_state, to_state, reason FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'DEFENSIVE_EXIT'",
  );
  expect(rows).toEqual([expect.objectContaining({ from_state: 'ACTIVE', reason: expect.stringMatching(/breached the short put/) })]);
});
