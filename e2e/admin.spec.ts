import { base32 } from '@better-auth/utils/base32';
import { createOTP } from '@better-auth/utils/otp';
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';

// The first start on an empty database, an admin's two-factor enrolment and sign-in, and the admin's Users page,
// with admins' two-factor required (REQUIRE_ADMIN_2FA) and no demo users.
let server: RunningServer;
let context: BrowserContext;
let page: Page;
/** The TOTP secret the Account page showed, as an authenticator app would have scanned it. */
let secret = '';
/** The backup codes it showed once. */
let backupCodes: string[] = [];

const ADMIN = { name: 'Ada First', email: 'ada@example.com', password: 'first admin password' };
const OTTO = { name: 'Otto Ops', email: 'otto@example.com', password: 'otto operator password' };

/** The code an authenticator app shows now, computed as better-auth checks it. */
const currentCode = () => createOTP(base32.decode(secret)).totp();

const userRow = (email: string) => page.getByRole('table', { name: /Users/ }).getByRole('row').filter({ hasText: email });
const accessEvents = (kind: string) => query<{ actor: string; detail: string }>('SELECT actor, detail FROM access_event WHERE kind = $1 ORDER BY id', [kind]);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  await resetDatabase();
  server = await startServer({
    port: 3108,
    simStart: '2026-11-20T09:45:00-05:00',
    simSpeed: 60,
    env: { REQUIRE_ADMIN_2FA: 'true', DEMO_USERS: 'false' },
  });
  // One browser for the admin through every step, as one person would use it.
  context = await browser.newContext();
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await server?.stop();
});

async function signInAs(api: APIRequestContext, { email, password }: { email: string; password: string }) {
  return api.post(`${server.url}/api/auth/sign-in/email`, { data: { email, password }, headers: { origin: server.url } });
}

test('on an empty database the sign-in page leads to the one-time setup of the first admin', async ({ playwright }) => {
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('link', { name: 'Set up the first admin' }).click();
  await expect(page).toHaveURL(/\/setup$/);
  const setup = page.getByRole('form', { name: 'Set up the first admin' });
  await setup.getByLabel('Name').fill(ADMIN.name);
  await setup.getByLabel('Email').fill(ADMIN.email);
  await setup.getByLabel('Password (12+ characters)').fill(ADMIN.password);
  await setup.getByLabel('Password again').fill(ADMIN.password);
  await setup.getByRole('button', { name: 'Create the first admin' }).click();
  // Signed in at once; as an admin without two-factor, sent to enrol.
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('Admins must sign in with two factors')).toBeVisible();
  expect(await query('SELECT email, role FROM auth_user')).toEqual([{ email: ADMIN.email, role: 'admin' }]);

  // Once a user exists the setup is closed: the page sends visitors to sign in, the API answers 409.
  const visitor = await context.browser()!.newContext();
  const visitorPage = await visitor.newPage();
  await visitorPage.goto(`${server.url}/setup`);
  await expect(visitorPage).toHaveURL(/\/sign-in$/);
  await expect(visitorPage.getByRole('link', { name: 'Set up the first admin' })).toHaveCount(0);
  await visitor.close();
  const anonymous = await playwright.request.newContext({ baseURL: server.url, extraHTTPHeaders: { origin: server.url } });
  const again = await anonymous.post('/api/setup', { data: { name: 'Mallory', email: 'mallory@example.com', password: 'another password', passwordAgain: 'another password' } });
  expect(again.status()).toBe(409);
  expect(await again.json()).toMatchObject({ error: { code: 'CONFLICT' } });
  await anonymous.dispose();
  expect(await query('SELECT email FROM auth_user')).toHaveLength(1);
});

test('an admin without two-factor is sent from any page to their Account page, and admin requests are refused', async () => {
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto(`${server.url}/admin/users`);
  await expect(page).toHaveURL(/\/account$/);
  const refused = await page.request.get(`${server.url}/api/users`);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain('enrol two-factor first');
});

test('the admin enrols TOTP: QR code, secret and backup codes, then a first code turns it on for good', async () => {
  const start = page.getByRole('form', { name: 'Turn on two-factor sign-in' });
  await start.getByLabel('Your password').fill(ADMIN.password);
  await start.getByRole('button', { name: 'Turn on two-factor' }).click();
  await expect(page.locator('svg').filter({ has: page.locator('title', { hasText: 'QR code for your authenticator app' }) })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Backup codes' }).getByRole('listitem')).toHaveCount(10);
  backupCodes = await page.getByRole('list', { name: 'Backup codes' }).getByRole('listitem').allTextContents();
  secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

  const confirm = page.getByRole('form', { name: 'Confirm two-factor' });
  await confirm.getByLabel('Code from your app').fill(await currentCode());
  await confirm.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(page.getByTestId('two-factor-status')).toContainText('Two-factor sign-in is on');
  await expect(page.getByText('As an admin you must keep it on.')).toBeVisible();
  expect(await query('SELECT two_factor_enabled FROM auth_user WHERE email = $1', [ADMIN.email])).toEqual([{ two_factor_enabled: true }]);
  expect(await accessEvents('two-factor-enabled')).toEqual([{ actor: ADMIN.email, detail: 'authenticator app (TOTP)' }]);

  // better-auth's own endpoint refuses too, whatever a page offers.
  const turnOff = await page.request.post(`${server.url}/api/auth/two-factor/disable`, { data: { password: ADMIN.password }, headers: { origin: server.url } });
  expect(turnOff.status()).toBe(403);
  expect(await query('SELECT two_factor_enabled FROM auth_user WHERE email = $1', [ADMIN.email])).toEqual([{ two_factor_enabled: true }]);

  await page.goto(server.url);
  await expect(page.getByRole('table', { name: 'Strategies' })).toBeVisible();
  await expect(page).not.toHaveURL(/\/account$/);
});

async function signOutAndEnterPassword() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page.getByRole('form', { name: 'Two-factor sign-in' });
}

test('the admin signs out, and signs in again with the password and an authenticator code, or a backup code', async () => {
  const second = await signOutAndEnterPassword();
  await second.getByLabel('Authenticator code').fill('000000');
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second.getByText(/invalid/i)).toBeVisible();
  await second.getByLabel('Authenticator code').fill(await currentCode());
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(ADMIN.email);
  await expect(page.getByRole('table', { name: 'Strategies' })).toBeVisible();

  const withBackup = await signOutAndEnterPassword();
  await withBackup.getByRole('button', { name: 'Use a backup code instead' }).click();
  await withBackup.getByLabel('Backup code').fill(backupCodes[0]!);
  await withBackup.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(ADMIN.email);
});

test('the admin adds a user after confirming their password again', async () => {
  // The sign-in was 10 minutes ago: adding a user now needs the admin to prove who they are again.
  await query("UPDATE auth_session SET created_at = now() - interval '10 minutes', reauthenticated_at = NULL");
  await page.goto(`${server.url}/admin/users`);
  await expect(userRow(ADMIN.email)).toContainText('admin');
  const add = page.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(OTTO.email);
  await add.getByLabel('Name').fill(OTTO.name);
  await add.getByLabel('Role').selectOption('operator');
  await add.getByLabel('Initial password (12+ characters)').fill(OTTO.password);
  await add.getByLabel('Reason').fill('joins the trading desk');
  await add.getByRole('button', { name: 'Add user' }).click();

  const confirm = page.getByRole('form', { name: 'Confirm it is you' });
  await confirm.getByLabel('Your password').fill(ADMIN.password);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Added ${OTTO.email}` })).toBeVisible();
  await expect(userRow(OTTO.email)).toContainText('operator');
  expect(await query('SELECT role FROM auth_user WHERE email = $1', [OTTO.email])).toEqual([{ role: 'operator' }]);
  expect(await accessEvents('user-added')).toEqual([{ actor: ADMIN.email, detail: `added ${OTTO.email} as operator; reason: joins the trading desk` }]);
});

/** Opens a row's action, fills its dialog and confirms; the dialog closes when the server has done it. */
async function actOnUser(email: string, action: string, reason: string, role?: string) {
  await userRow(email).getByRole('button', { name: action }).click();
  const dialog = page.getByRole('dialog');
  if (role) await dialog.getByLabel('New role').selectOption(role);
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

test('the admin changes a role', async () => {
  await actOnUser(OTTO.email, 'Change role', 'moves to risk review', 'viewer');
  await expect(userRow(OTTO.email)).toContainText('viewer');
  expect(await query('SELECT role FROM auth_user WHERE email = $1', [OTTO.email])).toEqual([{ role: 'viewer' }]);
  expect(await accessEvents('role-changed')).toEqual([
    { actor: ADMIN.email, detail: `${OTTO.email}: operator -> viewer; their sessions ended; reason: moves to risk review` },
  ]);
});

test("the admin ends a user's sessions: that user's next API call is a 401", async ({ playwright }) => {
  const otto = await playwright.request.newContext({ baseURL: server.url, extraHTTPHeaders: { origin: server.url } });
  expect((await signInAs(otto, OTTO)).status()).toBe(200);
  expect((await otto.get('/api/strategies')).status()).toBe(200);
  await page.reload();
  await expect(userRow(OTTO.email).getByRole('cell').nth(5)).toHaveText('1');
  await actOnUser(OTTO.email, 'End sessions', 'laptop lost');
  await expect(userRow(OTTO.email).getByRole('cell').nth(5)).toHaveText('0');
  const after = await otto.get('/api/strategies');
  expect(after.status()).toBe(401);
  await otto.dispose();
  expect(await accessEvents('sessions-ended')).toEqual([{ actor: ADMIN.email, detail: `${OTTO.email}: 1 session(s) ended; reason: laptop lost` }]);
});

test('the admin disables a user, whose sign-in then fails, and enables them again; the admin cannot disable themselves', async ({ playwright }) => {
  await expect(userRow(ADMIN.email).getByRole('button', { name: 'Disable' })).toHaveCount(0);
  await actOnUser(OTTO.email, 'Disable', 'left the firm');
  await expect(userRow(OTTO.email)).toContainText('disabled');

  const visitor = await context.browser()!.newContext();
  const signInPage = await visitor.newPage();
  await signInPage.goto(`${server.url}/sign-in`);
  await signInPage.getByLabel('Email').fill(OTTO.email);
  await signInPage.getByLabel('Password').fill(OTTO.password);
  await signInPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(signInPage.getByRole('form', { name: 'Sign in' }).getByText(/banned|disabled/i)).toBeVisible();
  await visitor.close();

  await actOnUser(OTTO.email, 'Enable', 'came back');
  await expect(userRow(OTTO.email)).toContainText('active');
  const otto = await playwright.request.newContext({ baseURL: server.url, extraHTTPHeaders: { origin: server.url } });
  expect((await signInAs(otto, OTTO)).status()).toBe(200);
  await otto.dispose();
  expect((await accessEvents('user-disabled')).map((event) => event.actor)).toEqual([ADMIN.email]);
  expect((await accessEvents('user-enabled')).map((event) => event.actor)).toEqual([ADMIN.email]);
});

test('a user who is not an admin signs in with the password alone, sees no Users link, gets a 403 page there, and 403 from the users API', async () => {
  const visitor = await context.browser()!.newContext();
  const ottoPage = await visitor.newPage();
  await ottoPage.goto(`${server.url}/sign-in`);
  await ottoPage.getByLabel('Email').fill(OTTO.email);
  await ottoPage.getByLabel('Password').fill(OTTO.password);
  await ottoPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(ottoPage.getByRole('navigation', { name: 'Main' })).toContainText(`${OTTO.email} viewer`);
  await ottoPage.goto(`${server.url}/admin/users`);
  await expect(ottoPage.getByText('403: only admins manage users')).toBeVisible();
  await expect(ottoPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  expect((await ottoPage.request.get(`${server.url}/api/users`)).status()).toBe(403);
  await visitor.close();
});
