import { expect, test } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';

// The crash scenario: on its third session (Friday) SPY falls about 8% from 11:00 ET, after 0DTE has
// entered at 10:30. On this seed the morning's rise makes it a put spread, which the crash runs over: the
// loss passes twice the credit on the way to the short put, and the strategy exits defensively.
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

test.beforeEach(async ({ page }) => signIn(page, server));

test('the crash sends 0DTE from ACTIVE to DEFENSIVE_EXIT, live and on the record', async ({ page }) => {
  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  const history = page.getByRole('table', { name: 'Transition history' });
  const defensive = history.getByRole('row').filter({ hasText: /ACTIVE\s*→\s*DEFENSIVE_EXIT/ }).first();
  await expect(defensive).toContainText(/breached the short|reached 2x the credit/, { timeout: 120_000 });
  await expect(history.getByRole('row').filter({ hasText: /DEFENSIVE_EXIT\s*→\s*COMPLETE/ }).first()).toBeVisible();

  const [first] = await query<{ event_type: string; actor: string; reason: string; market_time: Date }>(
    "SELECT event_type, actor, reason, market_time FROM transition WHERE strategy_id = 'zero-dte-friday' AND to_state = 'DEFENSIVE_EXIT' ORDER BY seq LIMIT 1",
  );
  expect(first).toMatchObject({ event_type: 'market.tick', actor: 'system' });
  // During the crash: Friday 2026-11-20, from 11:00 ET (16:00 UTC) on.
  expect(first!.market_time.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-20T16:00:00Z'));
  expect(first!.market_time.getTime()).toBeLessThan(Date.parse('2026-11-20T21:00:00Z'));
});
