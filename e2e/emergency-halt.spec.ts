import { expect, test, type Page } from '@playwright/test';
import { nyTime } from '../lib/domain/market/calendar';
import { unhaltedEntryDays } from './support/control';
import { marketTime, query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';

const SIM_START = '2026-11-20T10:00:00-05:00';
const SEED = 20261120;
const FRIDAYS = ['2026-11-20', '2026-11-27'] as const;
const PORT = 3102;

let server: RunningServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  // Slow enough to halt before the 10:30 ET window opens on the first Friday.
  server = await startServer({ port: PORT, simStart: SIM_START, simSpeed: 90 });
});

test.afterAll(async () => {
  await server?.stop();
});

const strategyRow = (page: Page) =>
  page.getByRole('table', { name: 'Strategies' }).getByRole('row').filter({ hasText: '0DTE Friday' });

/** The control: on this seed the same strategy, not halted, enters on both Fridays. */
test.beforeEach(async ({ page }) => signIn(page, server));

test('without a halt the strategy would enter on both Fridays', () => {
  expect(unhaltedEntryDays(SIM_START, SEED, nyTime(FRIDAYS[1], 11, 5))).toEqual([...FRIDAYS]);
});

test('after an Emergency Halt the next Friday does not enter, the halt outlives a restart, and two operators resume', async ({ page, browser }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Emergency Halt' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Risk limit breached');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('system-mode')).toHaveText('HALTED');
  await expect(page.getByRole('region', { name: 'Trading halted' })).toContainText('Risk limit breached');
  // EMERGENCY first; nothing was held, so HALTED on the next bar, with the operator's who and why kept in view.
  const [halt] = await query<{ mode: string; cause: string; reason: string }>('SELECT mode, cause, reason FROM system_state');
  expect(halt).toEqual({ mode: 'HALTED', cause: 'emergency-complete', reason: "every position is flat after operator@wheelhouse.demo's emergency halt: Risk limit breached" });
  expect(await query('SELECT from_mode, mode, cause, actor FROM system_mode_change ORDER BY id')).toEqual([
    { from_mode: 'RUNNING', mode: 'EMERGENCY', cause: 'operator', actor: 'operator@wheelhouse.demo' },
    { from_mode: 'EMERGENCY', mode: 'HALTED', cause: 'emergency-complete', actor: 'system' },
  ]);
  const haltedAt = (await marketTime())!;
  expect(haltedAt).toBeLessThan(nyTime(FRIDAYS[0], 10, 30));

  const row = strategyRow(page);
  await expect(row).toContainText('system is HALTED');
  await expect.poll(marketTime, { timeout: 90_000 }).toBeGreaterThan(nyTime(FRIDAYS[0], 11, 5));
  await expect(row).toContainText('WAITING');
  const entriesAfterHalt = () =>
    query("SELECT seq FROM transition WHERE to_state = 'VALIDATION' AND market_time > $1", [new Date(haltedAt)]);
  expect(await entriesAfterHalt()).toHaveLength(0);

  // Restart the server, faster this time: the stored halt, not memory, must keep the next Friday flat.
  await server.stop();
  server = await startServer({ port: PORT, simStart: SIM_START, simSpeed: 6_000 });
  await page.reload();
  await expect(page.getByTestId('system-mode')).toHaveText('HALTED');
  await expect(page.getByRole('region', { name: 'Trading halted' })).toContainText('Risk limit breached');
  await expect.poll(marketTime, { timeout: 90_000 }).toBeGreaterThan(nyTime(FRIDAYS[1], 11, 5));
  await expect(strategyRow(page)).toContainText('WAITING');
  expect(await entriesAfterHalt()).toHaveLength(0);

  // Resuming takes two people: this operator asks; the request alone changes nothing.
  await page.getByRole('button', { name: 'Request Resume' }).click();
  await page.getByRole('dialog').getByLabel('Reason').fill('Limits reviewed');
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('You requested a resume; waiting for another operator')).toBeVisible();
  await expect(page.getByTestId('pending-resume')).toContainText('Limits reviewed');
  await expect(page.getByRole('button', { name: 'Approve Resume' })).toHaveCount(0);
  await expect(page.getByTestId('system-mode')).toHaveText('HALTED');

  // A second operator (the admin, signed in their own browser) sees why, approves with a reason of their own.
  const approver = await browser.newPage();
  await signIn(approver, server, 'admin');
  await approver.goto(server.url);
  await expect(approver.getByTestId('pending-resume')).toContainText('operator@wheelhouse.demo');
  await approver.getByRole('button', { name: 'Approve Resume' }).click();
  const approval = approver.getByRole('dialog');
  await expect(approval).toContainText('Limits reviewed');
  await approval.getByLabel('Reason').fill('Checked the book with risk');
  await approval.getByRole('button', { name: 'Confirm' }).click();
  await expect(approval).toBeHidden();
  await expect(approver.getByTestId('system-mode')).toHaveText('RUNNING');
  await expect(page.getByTestId('system-mode')).toHaveText('RUNNING');
  await approver.close();

  const commands = await query<{ type: string; status: string; reason: string; actor: string }>(
    'SELECT type, status, reason, actor FROM operator_command ORDER BY id',
  );
  expect(commands).toEqual([
    { type: 'EMERGENCY_HALT', status: 'done', reason: 'Risk limit breached', actor: 'operator@wheelhouse.demo' },
    { type: 'RESUME', status: 'done', reason: 'Checked the book with risk', actor: 'admin@wheelhouse.demo' },
  ]);
  const [resume] = await query<{ requested_by: string; approved_by: string }>(
    'SELECT r.requested_by, a.approved_by FROM resume_request r JOIN resume_approval a ON a.request_id = r.id',
  );
  expect(resume).toEqual({ requested_by: 'operator@wheelhouse.demo', approved_by: 'admin@wheelhouse.demo' });
});
