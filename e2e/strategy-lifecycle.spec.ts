import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { apiAs, signIn } from './support/auth';
import { markDocument } from './support/same-document';

// A fresh simulated Friday from 09:30 ET at the default speed: 0DTE's entry window (10:30) opens about eighteen
// seconds in, time enough to boot, sign in and see it WAITING even on a loaded machine.
let server: RunningServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3101, simStart: '2026-11-20T09:30:00-05:00', simSpeed: 195 });
});

test.afterAll(async () => {
  await server?.stop();
});

const strategyRow = (page: Page) =>
  page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: '0DTE Friday' });

test.beforeEach(async ({ page }) => signIn(page, server));

test('the overview shows the 0DTE strategy reach ACTIVE live, without a reload', async ({ page }) => {
  await page.goto(server.url);
  const row = strategyRow(page);
  await expect(row).toContainText('WAITING');
  await expect(page.getByTestId('system-mode')).toHaveText('RUNNING');

  const isSameDocument = await markDocument(page);
  await expect(row).toContainText('ACTIVE', { timeout: 60_000 });
  await expect(row).toContainText(/(Iron condor|Put spread|Call spread) [\d/PC ]+ x1/);
  expect(await isSameDocument()).toBe(true);

  const [stored] = await query<{ state: string }>("SELECT state FROM strategy WHERE id = 'zero-dte-friday'");
  expect(['ACTIVE', 'MANAGING']).toContain(stored?.state);
});

test('Defensive Exit with a reason goes through DEFENSIVE_EXIT to COMPLETE, on the record', async ({ page }) => {
  await page.goto(server.url);
  await strategyRow(page).getByRole('link', { name: '0DTE Friday' }).click();
  await expect(page.getByRole('heading', { name: '0DTE Friday' })).toBeVisible();
  const graph = page.getByRole('region', { name: 'State graph' });
  await expect(graph.getByTestId('graph-node-ACTIVE')).toHaveAttribute('data-current', 'true');
  await expect(graph.getByTestId('graph-node-DEFENSIVE_EXIT')).toBeVisible();

  await page.getByRole('button', { name: 'Defensive Exit' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeVisible(); // no reason given: nothing sent
  await dialog.getByLabel('Reason').fill('Fed headline risk');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();

  const history = page.getByRole('table', { name: 'Transition history' });
  const operatorRow = history.getByRole('row').filter({ hasText: 'Fed headline risk' });
  await expect(operatorRow).toContainText('DEFENSIVE_EXIT');
  await expect(operatorRow).toContainText('operator');
  await expect(history.getByRole('row').filter({ hasText: /DEFENSIVE_EXIT\s*→\s*COMPLETE/ })).toBeVisible();
  await expect(graph.getByTestId('graph-node-COMPLETE')).toHaveAttribute('data-current', 'true');
  await expect(page.getByRole('button', { name: 'Defensive Exit' })).toBeDisabled();

  const rows = await query<{ from_state: string; to_state: string; actor: string; reason: string }>(
    "SELECT from_state, to_state, actor, reason FROM transition WHERE strategy_id = 'zero-dte-friday' ORDER BY seq DESC LIMIT 2",
  );
  expect(rows).toEqual([
    expect.objectContaining({ from_state: 'DEFENSIVE_EXIT', to_state: 'COMPLETE', actor: 'system' }),
    expect.objectContaining({ to_state: 'DEFENSIVE_EXIT', actor: 'operator@wheelhouse.demo', reason: 'Fed headline risk' }),
  ]);
});

test('operator requests with bad input get a 4xx with a message and change nothing', async ({ playwright }) => {
  const api = await apiAs(playwright, server, 'operator');
  // Every operator action carries a fresh Idempotency-Key, as the dialog sends one.
  const request = {
    post: (url: string, options: { data: unknown; headers?: Record<string, string> }) =>
      api.post(url, { ...options, headers: { 'idempotency-key': randomUUID(), ...options.headers } }),
  };
  const before = await query<{ commands: string; transitions: string }>(
    'SELECT (SELECT count(*) FROM operator_command) AS commands, (SELECT count(*) FROM transition) AS transitions',
  );
  const exit = `${server.url}/api/strategies/zero-dte-friday/defensive-exit`;

  const short = await request.post(exit, { data: { reason: 'x' } });
  expect(short.status()).toBe(400);
  expect((await short.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('reason') });

  const notJson = await request.post(exit, { headers: { 'content-type': 'application/json' }, data: '{oops' });
  expect(notJson.status()).toBe(400);

  const extra = await request.post(`${server.url}/api/system/halt`, { data: { reason: 'fine reason', force: true } });
  expect(extra.status()).toBe(400);

  const unknown = await request.post(`${server.url}/api/strategies/no-such-strategy/defensive-exit`, { data: { reason: 'abc' } });
  expect(unknown.status()).toBe(404);

  const after = await query<{ commands: string; transitions: string }>(
    'SELECT (SELECT count(*) FROM operator_command) AS commands, (SELECT count(*) FROM transition) AS transitions',
  );
  expect(after[0]?.commands).toBe(before[0]?.commands);
  expect(await query("SELECT 1 FROM system_state WHERE mode <> 'RUNNING'")).toHaveLength(0);

  // A well-formed request the state does not allow is refused with the machine's reason, and recorded.
  const refused = await request.post(exit, { data: { reason: 'second exit' } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toContain('does not accept operator.defensiveExit');
  const [refusal] = await query<{ reason: string }>("SELECT reason FROM event_refusal WHERE strategy_id = 'zero-dte-friday'");
  expect(refusal?.reason).toContain('does not accept operator.defensiveExit');
});
