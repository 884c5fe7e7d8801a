import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './support/auth';
import { marketTime, query, resetDatabase } from './support/database';
import { startServer, type RunningServer, type ServerOptions } from './support/server';

// Two servers on one database: A holds the clock's lease and runs the engine, B serves pages and stands by.
const LEASE_TTL_MS = 3_000;
/** After the owner dies: the TTL for its leases to lapse, then B's next poll, the engine's load and its first bars. */
const TAKEOVER_TIMEOUT_MS = LEASE_TTL_MS + 7_000;
// A trading Friday morning, a market minute per real second: the clock on the page moves every second.
const SERVER: Omit<ServerOptions, 'port'> = {
  simStart: '2026-11-20T10:00:00-05:00',
  simSpeed: 60,
  env: { LEASE_TTL_MS: String(LEASE_TTL_MS) },
};

let owner: RunningServer;
let standby: RunningServer;

test.describe.configure({ mode: 'serial' });

/** Who holds the market clock's lease now (a server id, `host:pid:random`), by the database's clock. */
async function clockHolder(): Promise<string | null> {
  const rows = await query<{ holder: string }>("SELECT holder FROM lease WHERE name = 'clock' AND expires_at > now()");
  return rows[0]?.holder ?? null;
}

/** The process id inside a server id; the host name comes first and the random part last. */
const pidOf = (serverId: string | null) => (serverId === null ? null : Number(serverId.split(':').at(-2)));

const clockHolderPid = async () => pidOf(await clockHolder());

async function commands() {
  return query<{ type: string; status: string; actor: string; executor: string | null }>(
    'SELECT type, status, actor, executor FROM operator_command ORDER BY id',
  );
}

/** A page in a browser context of its own, signed in to `server` as the demo operator, on the overview. */
async function overviewOn(browser: Browser, server: RunningServer): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, server, 'operator');
  await page.goto(server.url);
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  // Gone if the page is ever reloaded: everything below must reach it live.
  await page.evaluate(() => Object.assign(window, { loadedOnce: true }));
  return page;
}

const wasNotReloaded = (page: Page) => page.evaluate(() => 'loadedOnce' in window);

const marketClockOn = (page: Page) => page.locator('dt:text-is("Market time") + dd');

async function stopOn(page: Page, label: 'Halt Entries' | 'Reduce Only', reason: string): Promise<void> {
  await page.getByRole('button', { name: label }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

test.beforeAll(async () => {
  await resetDatabase();
  // A first, until it holds the clock; then B, which finds the lease held and stands by.
  owner = await startServer({ port: 3151, ...SERVER });
  await expect.poll(clockHolderPid, { timeout: 30_000 }).toBe(owner.pid);
  standby = await startServer({ port: 3152, ...SERVER });
});

test.afterAll(async () => {
  await Promise.all([owner?.stop(), standby?.stop()]);
});

test('two servers: a command clicked on the standby executes on the owner, and both pages follow it live; after the owner is killed the survivor takes over and its page keeps updating', async ({
  browser,
}) => {
  const ownerId = (await clockHolder())!;
  const onOwner = await overviewOn(browser, owner);
  const onStandby = await overviewOn(browser, standby);
  expect(await clockHolder()).toBe(ownerId);

  await stopOn(onStandby, 'Halt Entries', 'Payrolls at 10:30');
  await expect(onStandby.getByTestId('system-mode')).toHaveText('HALTED');
  await expect(onOwner.getByTestId('system-mode')).toHaveText('HALTED');
  expect(await commands()).toEqual([{ type: 'HALT_ENTRIES', status: 'done', actor: 'operator@wheelhouse.demo', executor: ownerId }]);
  await expect(onStandby.getByRole('table', { name: 'Recent commands' })).toContainText('halt entries');

  // A crash, not a clean stop: A's leases are left to lapse.
  await owner.kill('SIGKILL');
  const killedAt = Date.now();
  await onOwner.context().close();
  await expect.poll(clockHolderPid, { timeout: TAKEOVER_TIMEOUT_MS }).toBe(standby.pid);
  const standbyId = (await clockHolder())!;
  const takeoverMs = Date.now() - killedAt;
  test.info().annotations.push({ type: 'takeover', description: `${takeoverMs} ms after SIGKILL (TTL ${LEASE_TTL_MS} ms)` });
  const [grant] = await query<{ holder: string; previous_holder: string | null }>(
    "SELECT holder, previous_holder FROM lease_grant WHERE name = 'clock' ORDER BY granted_at DESC, token DESC LIMIT 1",
  );
  expect(grant).toEqual({ holder: standbyId, previous_holder: ownerId });
  // Every strategy's lease follows the clock to the survivor.
  await expect
    .poll(async () => (await query<{ holder: string }>('SELECT DISTINCT holder FROM lease WHERE expires_at > now()')).map(({ holder }) => holder), {
      timeout: TAKEOVER_TIMEOUT_MS,
    })
    .toEqual([standbyId]);

  // The survivor's engine moves the market on, and the page that never left it shows it without a reload.
  const resumedFrom = (await marketTime())!;
  await expect.poll(marketTime, { timeout: TAKEOVER_TIMEOUT_MS }).toBeGreaterThan(resumedFrom);
  const shown = await marketClockOn(onStandby).textContent();
  await expect(marketClockOn(onStandby)).not.toHaveText(shown ?? '');
  await expect(onStandby.getByText('Live', { exact: true })).toBeVisible();
  await expect(onStandby.getByTestId('system-mode')).toHaveText('HALTED');

  // The survivor executes the commands now.
  await stopOn(onStandby, 'Reduce Only', 'Owner lost: shrink risk until checked');
  await expect(onStandby.getByTestId('system-mode')).toHaveText('REDUCING');
  expect(await commands()).toEqual([
    { type: 'HALT_ENTRIES', status: 'done', actor: 'operator@wheelhouse.demo', executor: ownerId },
    { type: 'REDUCE_RISK', status: 'done', actor: 'operator@wheelhouse.demo', executor: standbyId },
  ]);
  expect(await wasNotReloaded(onStandby)).toBe(true);
});
