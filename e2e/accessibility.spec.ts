import { expect, test, type Locator, type Page } from '@playwright/test';
import { DEMO_USERS } from '../lib/auth/demo-users';
import type { Role } from '../lib/auth/roles';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { signIn } from './support/auth';
import { openBrokerFaults } from './support/broker-faults';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// axe on every page and every dialog, as each role sees them. A calm Wednesday from 09:45 ET at 195x: within the
// first market hour four strategies hold positions, so a strategy page has legs, P&L and a Defensive Exit to open.

const SIM = { simStart: '2026-11-18T09:45:00-05:00', simSpeed: 195 } as const;

/** The page arrives drawn by the server; "Live" says the browser has taken it over, so keys and clicks are heard. */
const isLive = (page: Page) => expect(page.getByText('Live', { exact: true })).toBeVisible();

/** Opens the dialog `button` (in `scope`) opens, checks the page with it open, and closes it with Escape. */
async function checkDialog(page: Page, button: string, dialog: string, scope: Locator = page.locator('body')) {
  await isLive(page);
  await scope.getByRole('button', { name: button, exact: true }).click();
  const opened = page.getByRole('dialog', { name: dialog });
  await expect(opened).toBeVisible();
  await expectNoSeriousA11yViolations(page, `the dialog "${dialog}"`);
  await page.keyboard.press('Escape');
  await expect(opened).toBeHidden();
}

test.describe('before anyone signs in', () => {
  let server: RunningServer;

  test.beforeAll(async () => {
    await resetDatabase();
    // No demo users: the first start's setup page is open.
    server = await startServer({ port: 3903, ...SIM, env: { DEMO_USERS: 'false', ENGINE_ENABLED: 'false' } });
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test('the first start: the setup page and the sign-in page that points to it', async ({ page }) => {
    await page.goto(`${server.url}/setup`);
    await expect(page.getByRole('heading', { level: 1, name: 'Wheelhouse: first start' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/setup');

    await page.goto(`${server.url}/sign-in`);
    await expect(page.getByRole('link', { name: 'Set up the first admin' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/sign-in with no user yet');
  });
});

test.describe('signed in', () => {
  let server: RunningServer;
  let strategyPath = '';

  test.beforeAll(async () => {
    await resetDatabase();
    server = await startServer({ port: 3904, ...SIM });
    // LT112 holds its position for weeks: its Defensive Exit stays open to the test.
    const holdingLt112 = "SELECT id FROM strategy WHERE name = 'LT112' AND jsonb_array_length(snapshot->'context'->'position'->'legs') > 0";
    await expect.poll(async () => (await query(holdingLt112)).length, { timeout: 90_000 }).toBe(1);
    const [holding] = await query<{ id: string }>(holdingLt112);
    strategyPath = `/strategies/${holding!.id}`;
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test('the sign-in page, and its error', async ({ page }) => {
    await page.goto(`${server.url}/sign-in`);
    await expectNoSeriousA11yViolations(page, '/sign-in');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(DEMO_USERS[0]!.email);
    await form.getByLabel('Password').fill('not the password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('paragraph').filter({ hasText: /invalid/i })).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/sign-in after a failed attempt');
  });

  const PAGES: Record<Role, readonly string[]> = {
    viewer: ['/', 'strategy', '/audit', '/settings/risk', '/settings/alerts', '/account'],
    operator: ['/', 'strategy', '/audit', '/settings/risk', '/settings/alerts', '/account'],
    admin: ['/', 'strategy', '/audit', '/settings/risk', '/settings/alerts', '/admin/users', '/account'],
  };

  for (const [role, paths] of Object.entries(PAGES) as [Role, readonly string[]][]) {
    test(`every page, as the ${role} sees it`, async ({ page }) => {
      await signIn(page, server, role);
      for (const each of paths) {
        const path = each === 'strategy' ? strategyPath : each;
        await page.goto(`${server.url}${path}`);
        await expect(page.getByRole('heading', { level: 1 })).toBeAttached();
        await expect(page.getByRole('main')).not.toContainText('Loading');
        await expectNoSeriousA11yViolations(page, `${path} as ${role}`);
      }
    });
  }

  test('the overview works from the keyboard: Tab reaches the Emergency Halt and the fault controls, Enter and Space work them', async ({ page }) => {
    await signIn(page, server, 'operator');
    await page.goto(server.url);
    await isLive(page);
    const tabTo = async (target: Locator) => {
      for (let presses = 0; presses < 40 && !(await target.evaluate((element) => element === document.activeElement)); presses++) {
        await page.keyboard.press('Tab');
      }
      await expect(target).toBeFocused();
    };
    const halt = page.getByRole('button', { name: 'Emergency Halt' });
    await tabTo(halt);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Emergency halt: all strategies' });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    const toggle = page.getByRole('button', { name: 'Show controls' });
    await tabTo(toggle);
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Hide controls' })).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByLabel('Reject next orders')).toBeVisible();
  });

  test('every dialog and folded panel of the overview, open', async ({ page }) => {
    await signIn(page, server, 'operator');
    await page.goto(server.url);
    await checkDialog(page, 'Halt Entries', 'Halt entries: all strategies');
    await checkDialog(page, 'Reduce Only', 'Reduce risk only: all strategies');
    await checkDialog(page, 'Emergency Halt', 'Emergency halt: all strategies');
    await openBrokerFaults(page);
    await expectNoSeriousA11yViolations(page, 'the overview with the fault controls open');
  });

  test("every dialog of a strategy's page, open", async ({ page }) => {
    await signIn(page, server, 'operator');
    await page.goto(`${server.url}${strategyPath}`);
    const name = await page.getByRole('heading', { level: 1 }).textContent();
    await checkDialog(page, 'Defensive Exit', `Defensive exit: ${name}`);
    await checkDialog(page, 'Pause', `Pause: ${name}`);
  });

  test('every dialog of the users page, open, and the two-factor enrolment', async ({ page }) => {
    await signIn(page, server, 'admin');
    await page.goto(`${server.url}/admin/users`);
    const operator = DEMO_USERS.find((user) => user.role === 'operator')!;
    const row = page.getByRole('row').filter({ hasText: operator.email });
    await checkDialog(page, 'Change role', `Change the role of ${operator.email}`, row);
    await checkDialog(page, 'End sessions', `End every session of ${operator.email}`, row);
    await checkDialog(page, 'Disable', `Disable ${operator.email}`, row);

    await page.goto(`${server.url}/account`);
    const admin = DEMO_USERS.find((user) => user.role === 'admin')!;
    await page.getByLabel('Your password').fill(admin.password);
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await expect(page.getByTestId('totp-secret')).toBeVisible();
    await expectNoSeriousA11yViolations(page, '/account while enrolling two-factor');
  });
});
