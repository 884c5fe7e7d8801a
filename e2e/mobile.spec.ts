import { expect, test, type Page } from '@playwright/test';
import { signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// A calm Wednesday from 09:45 ET at 195 market seconds a second: within the first market hour (about 20 s) four
// strategies hold a position, so the cards have a P&L to show. On a phone's screen, 390 by 844.
const PHONE = { width: 390, height: 844 };
let server: RunningServer;

test.use({ viewport: PHONE });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3901, simStart: '2026-11-18T09:45:00-05:00', simSpeed: 195 });
});

test.afterAll(async () => {
  await server?.stop();
});

const strategyCards = (page: Page) => page.getByRole('list', { name: 'Strategies' }).getByRole('listitem');
const cardOf = (page: Page, name: string) => strategyCards(page).filter({ has: page.getByRole('link', { name, exact: true }) });

test('the overview shows each strategy as a card with its state, time in state, position and P&L', async ({ page }) => {
  await signIn(page, server);
  await page.goto(server.url);
  await expect(page.getByRole('table', { name: 'Strategies' })).toBeHidden();
  const strategies = await query<{ name: string }>('SELECT name FROM strategy ORDER BY name');
  expect(strategies).toHaveLength(5);
  await expect(strategyCards(page)).toHaveCount(5);
  for (const { name } of strategies) {
    await expect(cardOf(page, name)).toContainText(/In state\s*\d+[dhm]/);
    await expect(cardOf(page, name)).toContainText('Unrealised P&L');
  }

  // A strategy the database says holds a position: its card shows the position and a P&L in dollars, and its state.
  await expect
    .poll(async () => (await query("SELECT 1 FROM strategy WHERE id = 'ipmcc' AND jsonb_array_length(snapshot->'context'->'position'->'legs') > 0")).length, {
      timeout: 90_000,
    })
    .toBe(1);
  const ipmcc = cardOf(page, 'IPMCC');
  await expect(ipmcc).toContainText(/Unrealised P&L\s*[+-]?\$[\d,]+\.\d\d/);
  await expect(ipmcc).not.toContainText(/Position\s*flat/);
  await expect(async () => {
    const [{ state } = { state: '' }] = await query<{ state: string }>("SELECT state FROM strategy WHERE id = 'ipmcc'");
    await expect(ipmcc).toContainText(state, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});

test('the Emergency Halt is on screen without scrolling, and stays there when the page is scrolled to its end', async ({ page }) => {
  await signIn(page, server);
  await page.goto(server.url);
  const halt = page.getByRole('button', { name: 'Emergency Halt' });
  await expect(halt).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('system-mode')).toBeInViewport({ ratio: 1 });

  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(PHONE.height);
  await expect(halt).toBeInViewport({ ratio: 1 });
  await halt.click();
  await expect(page.getByRole('dialog', { name: 'Emergency halt: all strategies' })).toBeVisible();
});

test('the paper-broker fault panel starts folded and opens with its toggle', async ({ page }) => {
  await signIn(page, server);
  await page.goto(server.url);
  const panel = page.getByRole('region', { name: 'Paper broker faults (demo)' });
  await expect(panel).toContainText('No faults injected');
  const toggle = panel.getByRole('button', { name: 'Show controls' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(panel.getByLabel('Reject next orders')).toBeHidden();
  expect((await panel.boundingBox())!.height).toBeLessThan(PHONE.height / 5);

  await toggle.click();
  await expect(panel.getByLabel('Reject next orders')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeVisible();
  await panel.getByRole('button', { name: 'Hide controls' }).click();
  await expect(panel.getByLabel('Reject next orders')).toBeHidden();
});

test('no page scrolls sideways on a phone: wide tables scroll inside their own frame', async ({ page }) => {
  const overflowOf = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto(`${server.url}/sign-in`);
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  expect(await overflowOf(), '/sign-in is wider than the screen').toBeLessThanOrEqual(0);

  await signIn(page, server, 'admin');
  const [{ id } = { id: '' }] = await query<{ id: string }>("SELECT id FROM strategy WHERE name = 'LT112'");
  const pages = [
    { path: '/', heading: 'Overview' },
    { path: `/strategies/${id}`, heading: 'LT112' },
    { path: '/audit', heading: 'Audit trail' },
    { path: '/settings/risk', heading: 'Risk limits' },
    { path: '/settings/alerts', heading: 'Alerts' },
    { path: '/admin/users', heading: 'Users' },
    { path: '/account', heading: 'Account' },
  ];
  for (const { path, heading } of pages) {
    await page.goto(`${server.url}${path}`);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeAttached();
    const overflow = await overflowOf();
    expect(overflow, `${path} is ${overflow}px wider than the screen`).toBeLessThanOrEqual(0);
  }
});
