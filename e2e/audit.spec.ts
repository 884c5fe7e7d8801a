import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { apiAs, signIn } from './support/auth';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The audit page: one trail across strategies and people, filtered, exported as shown, and verified.
let server: RunningServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ playwright }) => {
  await resetDatabase();
  server = await startServer({ port: 3109, simStart: '2026-11-20T09:45:00-05:00', simSpeed: 60 });
  // Some history by name: an operator halts, a viewer tries to and is turned away.
  const operator = await apiAs(playwright, server, 'operator');
  const halt = await operator.post('/api/system/halt', { data: { reason: 'Audit spec halt' }, headers: { 'idempotency-key': crypto.randomUUID() } });
  expect(halt.status()).toBeLessThan(300);
  const viewer = await apiAs(playwright, server, 'viewer');
  expect((await viewer.post('/api/system/halt', { data: { reason: 'not mine to do' }, headers: { 'idempotency-key': crypto.randomUUID() } })).status()).toBe(403);
  await Promise.all([operator.dispose(), viewer.dispose()]);
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server, 'viewer'));

test('a viewer filters the trail by actor and kind, and the exported file holds exactly the rows shown', async ({ page }) => {
  await page.goto(`${server.url}/audit`);
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();

  const filters = page.getByRole('form', { name: 'Filter the audit trail' });
  await filters.getByLabel('Actor').selectOption('operator@wheelhouse.demo');
  await filters.getByLabel('Kind').selectOption('command');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/actor=operator%40wheelhouse\.demo/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('EMERGENCY_HALT');
  await expect(rows.first()).toContainText('Audit spec halt');

  // Wider: everything the operator did (their sign-in, the command and its settling), newest first.
  await filters.getByLabel('Kind').selectOption('');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(rows.filter({ hasText: 'command-settled' })).toHaveCount(1);
  const shownIds = await rows.locator('td:first-child').allTextContents();
  expect(shownIds.length).toBeGreaterThanOrEqual(3);
  expect(await rows.locator('td:nth-child(5)').allTextContents()).toEqual(shownIds.map(() => 'operator@wheelhouse.demo'));

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^wheelhouse-audit-.*\.csv$/);
  const csv = (await readFile((await csvDownload.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(csv[0]).toBe('id,at,kind,strategyId,actor,fromState,state,eventType,detail,marketTime,hash');
  expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(shownIds);

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON' }).click()]);
  const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { id: string; actor: string }[];
  expect(json.map((row) => row.id)).toEqual(shownIds);
});

test('the denied attempt is on the trail with who, what and where from', async ({ page }) => {
  await page.goto(`${server.url}/audit?kind=denied`);
  const denied = page.getByTestId('audit-row').filter({ hasText: 'viewer@wheelhouse.demo' });
  await expect(denied).toHaveCount(1);
  await expect(denied).toContainText('POST /api/system/halt');
  await expect(denied).toContainText('403');
});

test('Verify says intact, and names the row someone altered in the database', async ({ page }) => {
  await page.goto(`${server.url}/audit`);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('audit-verification')).toContainText(/Intact: [\d,]+ rows checked/);

  const [halt] = await query<{ id: string }>(`SELECT a.id::text FROM audit_event a WHERE a.kind = 'command' AND a.detail = 'Audit spec halt'`);
  await query(`BEGIN; SET LOCAL session_replication_role = replica; UPDATE operator_command SET reason = 'nothing to see' WHERE reason = 'Audit spec halt'; COMMIT;`);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('audit-verification')).toContainText(`Broken at row ${halt!.id}`);
});

test("a strategy's page offers its record in the seed's ObjectStore shape", async ({ page }) => {
  await page.goto(`${server.url}/strategies/lt112`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download record (JSON)' }).click()]);
  expect(download.suggestedFilename()).toBe('lt112-record.json');
  const record = JSON.parse(await readFile((await download.path())!, 'utf8')) as Record<string, unknown>;
  expect(Object.keys(record)).toEqual(['strategy', 'state', 'entry_time', 'position', 'management']);
  expect(record).toMatchObject({ strategy: 'LT112', management: { defensive_triggered: false } });
  expect(Object.keys(record.management as object)).toEqual(['dte_at_entry', 'current_dte', 'defensive_triggered']);
});
