import { randomUUID } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { apiAs, signIn } from './support/auth';
import { markDocument } from './support/same-document';
import { TRANSITION_HISTORY_LIMIT } from '../lib/api/contract';

// A calm Wednesday from 09:45 ET, a market minute a real second: the page is open well before LT112 enters at 10:00;
// within the first market hour IPMCC, the LEAP ladder and the futures strangle enter too; 0DTE waits for Friday.
let server: RunningServer;

const STRATEGY_IDS = ['zero-dte-friday', 'lt112', 'ipmcc', 'leap-ladder', 'futures-strangle'] as const;
/** The label size the graph must keep after fitting itself to its frame. */
const MIN_LABEL_FONT_PX = 11;
const LABEL_LINE_HEIGHT_EM = 1.35;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3800, simStart: '2026-11-18T09:45:00-05:00', simSpeed: 60 });
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server));

const graphOf = (page: Page) => page.getByRole('region', { name: 'State graph' });

async function storedState(id: string): Promise<string> {
  const [row] = await query<{ state: string }>('SELECT state FROM strategy WHERE id = $1', [id]);
  return row!.state;
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  expect(found, 'rendered').not.toBeNull();
  return found!;
}

type Box = NonNullable<Awaited<ReturnType<Locator['boundingBox']>>>;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const within = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;

test('a live transition moves the current-state highlight and the last transition without a reload', async ({ page }) => {
  await page.goto(`${server.url}/strategies/lt112`);
  const graph = graphOf(page);
  await expect(graph.getByTestId('graph-node-WAITING')).toHaveAttribute('aria-current', 'step');
  const isSameDocument = await markDocument(page);

  const active = graph.getByTestId('graph-node-ACTIVE');
  await expect(active).toHaveAttribute('aria-current', 'step', { timeout: 90_000 });
  await expect(active).toContainText('current');
  await expect(active).toContainText(/in state for \d/);
  await expect(graph.getByTestId('graph-node-WAITING')).not.toHaveAttribute('aria-current');
  for (const visited of ['WAITING', 'VALIDATION', 'ENTERING']) await expect(graph.getByTestId(`graph-node-${visited}`)).toHaveAttribute('data-visited', 'true');
  // From ACTIVE the machine may go on to MANAGING or exit: those are outlined as next.
  await expect(graph.getByTestId('graph-node-MANAGING')).toHaveAttribute('data-next', 'true');
  await expect(graph.getByTestId('graph-node-WAITING')).toHaveAttribute('data-next', 'false');

  const [newest] = await query<{ from_state: string; to_state: string }>("SELECT from_state, to_state FROM transition WHERE strategy_id = 'lt112' AND from_state <> to_state ORDER BY seq DESC LIMIT 1");
  expect(newest).toEqual({ from_state: 'ENTERING', to_state: 'ACTIVE' });
  const last = graph.locator('[data-testid="graph-edge-label"][data-tone="last"]');
  await expect(last).toHaveCount(1);
  await expect(last).toHaveAttribute('data-edge', 'ENTERING->ACTIVE');

  const timeline = page.getByRole('region', { name: 'Cycle timeline' });
  await expect(timeline.getByTestId('timeline-bar')).toHaveCount(4);
  await expect(timeline.getByTestId('timeline-bar').last()).toHaveAttribute('data-state', 'ACTIVE');
  expect(await isSameDocument()).toBe(true);
});

test("a strategy's page streams that strategy's changes; the overview's stream, opened on the way back, resumes where it ended", async ({ page }) => {
  const streams: URL[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/events') streams.push(url);
  });
  await page.goto(`${server.url}/strategies/lt112`);
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await expect.poll(() => streams.map((url) => url.searchParams.get('strategy'))).toEqual(['lt112']);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect.poll(() => streams.length).toBe(2);
  const overview = streams[1]!;
  expect(overview.searchParams.get('strategy')).toBeNull();
  // The page's first stream started with `reload` and its change id: the next one resumes from it.
  expect(overview.searchParams.get('after')).toMatch(/^\d+$/);
});

test("each strategy's graph fits its frame at 1440 px, labels readable and apart, the current state marked", async ({ page }) => {
  for (const id of STRATEGY_IDS) {
    await page.goto(`${server.url}/strategies/${id}`);
    const graph = graphOf(page);
    const frame = graph.getByTestId('state-graph-frame');
    const current = graph.locator('[aria-current="step"]');
    await expect(current).toHaveCount(1);
    // The graph refits after its labels are re-sized for the frame: wait for the size it settles on.
    await expect(async () => {
      const labels = await graph.getByTestId('graph-edge-label').all();
      expect(labels.length).toBeGreaterThan(10);
      for (const label of labels) {
        const lines = ((await label.textContent()) ?? '').split('\n').length;
        expect((await box(label)).height).toBeGreaterThanOrEqual(lines * LABEL_LINE_HEIGHT_EM * MIN_LABEL_FONT_PX);
      }
    }).toPass({ timeout: 15_000 });

    const state = await storedState(id);
    await expect(current).toHaveAttribute('data-testid', `graph-node-${state}`);
    await expect(current).toHaveAttribute('data-current', 'true');
    await expect(current).toContainText('current');

    const frameBox = await box(frame);
    const nodes = await graph.locator('[data-testid^="graph-node-"]').all();
    const labels = await graph.getByTestId('graph-edge-label').all();
    expect(nodes.length).toBeGreaterThanOrEqual(12);
    const labelBoxes: Box[] = [];
    for (const element of [...nodes, ...labels]) {
      const found = await box(element);
      expect(within(found, frameBox), `${await element.getAttribute('data-testid')} ${JSON.stringify(found)} in ${JSON.stringify(frameBox)}`).toBe(true);
    }
    for (const label of labels) labelBoxes.push(await box(label));
    labelBoxes.forEach((a, i) => {
      for (const b of labelBoxes.slice(i + 1)) expect(overlaps(a, b), `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(false);
    });
    await page.screenshot({ path: `/tmp/graph-after-${id}.png`, fullPage: true });
  }
});

test('the graph refits when its frame narrows', async ({ page }) => {
  await page.goto(`${server.url}/strategies/leap-ladder`);
  const graph = graphOf(page);
  await expect(graph.getByTestId('graph-node-COMPLETE')).toBeVisible();
  await page.setViewportSize({ width: 1000, height: 900 });
  await expect(async () => {
    const frameBox = await box(graph.getByTestId('state-graph-frame'));
    expect(frameBox.width).toBeLessThan(1000);
    for (const element of await graph.locator('[data-testid^="graph-node-"], [data-testid="graph-edge-label"]').all()) {
      expect(within(await box(element), frameBox)).toBe(true);
    }
  }).toPass({ timeout: 15_000 });
});

test('an edge names its events and guards on hover and on focus', async ({ page }) => {
  await page.goto(`${server.url}/strategies/lt112`);
  const graph = graphOf(page);
  const entry = graph.locator('[data-testid="graph-edge-label"][data-edge="ENTERING->ACTIVE"]');
  await entry.hover();
  await expect(graph.getByRole('tooltip')).toContainText('order.updated — if isEntryFilled');
  await page.mouse.move(0, 0);
  await expect(graph.getByRole('tooltip')).toHaveCount(0);

  const toError = graph.locator('[data-testid="graph-edge-label"][data-edge="group-1->ERROR"]');
  await toError.focus();
  const tooltip = graph.getByRole('tooltip');
  await expect(tooltip).toContainText('Any state with an order out → ERROR');
  await expect(tooltip).toContainText('order.failed — if isCircuitOpen');
  await expect(graph.getByTestId('graph-group-group-1')).toContainText('DEFENSIVE_21DTE');
});

test('clicking a state (or Enter on it) filters the history to its transitions, and Clear shows them all again', async ({ page }) => {
  await page.goto(`${server.url}/strategies/lt112`);
  const graph = graphOf(page);
  const history = page.getByRole('table', { name: 'Transition history' });
  const rows = history.locator('tbody tr');
  await expect(rows.filter({ hasText: 'ACTIVE' }).first()).toBeVisible();
  const all = await rows.count();
  expect(all).toBeGreaterThanOrEqual(4);

  await graph.getByTestId('graph-node-VALIDATION').click();
  await expect(page.getByRole('status').filter({ hasText: 'Showing transitions of' })).toContainText('VALIDATION');
  await expect(graph.getByTestId('graph-node-VALIDATION')).toHaveAttribute('aria-pressed', 'true');
  const [counted] = await query<{ count: string }>(
    `SELECT count(*) FROM (SELECT * FROM transition WHERE strategy_id = 'lt112' ORDER BY seq DESC LIMIT ${TRANSITION_HISTORY_LIMIT}) page
     WHERE from_state = 'VALIDATION' OR to_state = 'VALIDATION'`,
  );
  await expect(rows).toHaveCount(Number(counted!.count));
  for (const row of await rows.all()) await expect(row).toContainText('VALIDATION');

  await graph.getByTestId('graph-node-ACTIVE').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Showing transitions of' })).toContainText('ACTIVE');
  for (const row of await rows.all()) await expect(row).toContainText('ACTIVE');

  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Showing transitions of' })).toHaveCount(0);
  expect(await rows.count()).toBeGreaterThanOrEqual(all);
});

test("an operator's Defensive Exit shows live: on the timeline as the operator's mark, in the graph as the last transition", async ({ page, playwright }) => {
  await page.goto(`${server.url}/strategies/lt112`);
  const graph = graphOf(page);
  await expect(graph.getByTestId('graph-node-ACTIVE')).toHaveAttribute('aria-current', 'step');
  const timeline = page.getByRole('region', { name: 'Cycle timeline' });
  await expect(timeline.getByTestId('timeline-mark-operator')).toHaveCount(0);

  const api = await apiAs(playwright, server, 'operator');
  const response = await api.post('/api/strategies/lt112/defensive-exit', {
    data: { reason: 'Graph spec: headline risk' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(response.status(), await response.text()).toBeLessThan(300);

  await expect(graph.getByTestId('graph-node-COMPLETE')).toHaveAttribute('aria-current', 'step');
  await expect(graph.locator('[data-testid="graph-edge-label"][data-tone="last"]')).toHaveAttribute('data-edge', 'DEFENSIVE_EXIT->COMPLETE');
  await expect(graph.getByTestId('graph-node-DEFENSIVE_EXIT')).toHaveAttribute('data-visited', 'true');
  const mark = timeline.getByTestId('timeline-mark-operator');
  await expect(mark).toHaveCount(1);
  await expect(mark).toContainText('operator.defensiveExit by operator@wheelhouse.demo: Graph spec: headline risk');
  await expect(timeline.getByTestId('timeline-bar').filter({ has: page.getByTestId('timeline-mark-operator') })).toHaveAttribute('data-state', 'DEFENSIVE_EXIT');
  await expect(timeline.getByTestId('timeline-bar').last()).toHaveAttribute('data-state', 'COMPLETE');
  await page.screenshot({ path: '/tmp/graph-after-lt112-defensive-exit.png', fullPage: true });
});
