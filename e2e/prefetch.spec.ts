import { expect, test } from '@playwright/test';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// A calm Tuesday from 09:31 ET, ten market seconds a second (a bar every 6 s): at the first bar the strategies settle
// in WAITING, and nothing enters before 10:00 (three minutes away), so what the database says stays true while the
// pages are read.
let server: RunningServer;

// Without JavaScript the browser shows only the HTML the server sent: whatever is on screen came with it.
test.use({ javaScriptEnabled: false });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3902, simStart: '2026-11-17T09:31:00-05:00', simSpeed: 10 });
});

test.afterAll(async () => {
  await server?.stop();
});

/** The five strategies once every one has left INITIALIZING. */
async function settledStrategies() {
  let strategies: { id: string; name: string; state: string }[] = [];
  await expect
    .poll(async () => {
      strategies = await query<{ id: string; name: string; state: string }>('SELECT id, name, state FROM strategy ORDER BY name');
      return strategies.length === 5 && strategies.every((strategy) => strategy.state !== 'INITIALIZING');
    }, { timeout: 60_000 })
    .toBe(true);
  return strategies;
}

test("the overview's first HTML lists every strategy with its state", async ({ page }) => {
  const strategies = await settledStrategies();
  await signIn(page, server);
  await page.goto(server.url);
  const table = page.getByRole('table', { name: 'Strategies' });
  for (const { name, state } of strategies) {
    await expect(table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })).toContainText(state);
  }
  await expect(page.getByRole('button', { name: 'Emergency Halt' })).toBeVisible();
  await expect(page.getByTestId('system-mode')).toHaveText('RUNNING');
  await expect(page.getByText(/Loading/)).toHaveCount(0);
});

test("a strategy page's first HTML has its state, its graph and its history", async ({ page }) => {
  const [strategy] = (await settledStrategies()).filter(({ name }) => name === 'LT112');
  const [{ count } = { count: '0' }] = await query<{ count: string }>('SELECT count(*) FROM transition WHERE strategy_id = $1', [strategy!.id]);
  await signIn(page, server);
  await page.goto(`${server.url}/strategies/${strategy!.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'LT112' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'LT112' }).locator('xpath=..')).toContainText(strategy!.state);
  const history = page.getByRole('table', { name: 'Transition history' }).getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(history).toHaveCount(Number(count));
  await expect(page.getByText(/Loading/)).toHaveCount(0);
});

test('the other pages open with their data too', async ({ page }) => {
  await settledStrategies();
  const [{ count } = { count: '0' }] = await query<{ count: string }>("SELECT count(*) FROM transition");
  await signIn(page, server, 'admin');

  await page.goto(`${server.url}/audit?kind=transition`);
  await expect(page.getByTestId('audit-row')).toHaveCount(Math.min(Number(count), 50));
  await page.goto(`${server.url}/settings/risk`);
  await expect(page.getByRole('form', { name: 'Risk limits' }).getByRole('spinbutton').first()).toHaveValue(/\d/);
  await page.goto(`${server.url}/settings/alerts`);
  await expect(page.getByRole('table', { name: 'Webhooks' })).toContainText('No webhook yet');
  await page.goto(`${server.url}/admin/users`);
  for (const email of ['viewer@wheelhouse.demo', 'operator@wheelhouse.demo', 'admin@wheelhouse.demo']) {
    await expect(page.getByRole('table', { name: 'Users' })).toContainText(email);
  }
  await expect(page.getByText(/Loading/)).toHaveCount(0);
});
