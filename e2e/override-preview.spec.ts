import { expect, test, type Locator, type Page } from '@playwright/test';
import { query, resetDatabase } from './support/database';
import { startServer, type RunningServer } from './support/server';
import { signIn } from './support/auth';

// A fresh simulated Friday from 10:00 ET: the 0DTE strategy enters about ten seconds in (as strategy-lifecycle.spec.ts).
let server: RunningServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await resetDatabase();
  server = await startServer({ port: 3850, simStart: '2026-11-20T10:00:00-05:00', simSpeed: 195 });
});

test.afterAll(async () => {
  await server?.stop();
});

test.beforeEach(async ({ page }) => signIn(page, server));

/** Whether the focused element is inside `dialog`. */
const isFocusInside = (dialog: Locator) => dialog.evaluate((element) => element.contains(document.activeElement));

/** Tabs from the top of the page until `target` has the focus, as a keyboard-only operator would. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < 80; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('the control was not reached by Tab');
}

test('keyboard only: Enter opens the Emergency Halt dialog, Tab stays inside it, Escape closes it and focus is back on the opener', async ({ page }) => {
  await page.goto(server.url);
  const opener = page.getByRole('button', { name: 'Emergency Halt' });
  await expect(opener).toBeVisible();
  await tabTo(page, opener);
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog', { name: 'Emergency halt: all strategies' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('region', { name: 'What this sends' })).toBeVisible();
  expect(await isFocusInside(dialog)).toBe(true);
  // More presses than the dialog has controls, both ways: the focus never leaves it.
  const visited = new Set<string>();
  for (let presses = 0; presses < 8; presses += 1) {
    await page.keyboard.press('Tab');
    expect(await isFocusInside(dialog)).toBe(true);
    visited.add(await page.evaluate(() => document.activeElement?.textContent || document.activeElement?.tagName || ''));
  }
  for (let presses = 0; presses < 8; presses += 1) {
    await page.keyboard.press('Shift+Tab');
    expect(await isFocusInside(dialog)).toBe(true);
  }
  expect([...visited]).toEqual(expect.arrayContaining(['TEXTAREA', 'Cancel', 'Confirm']));

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  expect(await query("SELECT 1 FROM operator_command WHERE type = 'EMERGENCY_HALT'")).toHaveLength(0);
});

test('the preview of a Defensive Exit lists the legs that are then sent: the order at the paper broker matches it', async ({ page }) => {
  await page.goto(`${server.url}/strategies/zero-dte-friday`);
  await expect(page.getByRole('heading', { name: '0DTE Friday' })).toBeVisible();
  const opener = page.getByRole('button', { name: 'Defensive Exit' });
  await expect(opener).toBeEnabled({ timeout: 60_000 });

  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Defensive exit: 0DTE Friday' });
  const preview = dialog.getByRole('region', { name: 'What this sends' });
  const order = preview.getByRole('table', { name: /^CLOSE order / });
  await expect(order).toBeVisible();
  const caption = (await order.locator('caption > span').first().textContent()) ?? '';
  const clientOrderId = caption.replace(/^CLOSE order /, '');
  expect(clientOrderId).toMatch(/^zero-dte-friday:2026-11-20:close:\d+$/);
  const previewedLegs = await order.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent?.trim() ?? '')),
  );
  expect(previewedLegs.length).toBeGreaterThan(0);
  for (const [, side, quantity] of previewedLegs) {
    expect(['BUY', 'SELL']).toContain(side);
    expect(Number(quantity)).toBeGreaterThan(0);
  }
  expect(await query('SELECT 1 FROM paper_order WHERE client_order_id = $1', [clientOrderId])).toHaveLength(0);

  await dialog.getByLabel('Reason').fill('Vol spike: flatten');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  // The outcome beside the button says what was sent, by the id the preview showed.
  await expect(page.getByRole('status').filter({ hasText: 'Defensive Exit: done' })).toContainText(`sent CLOSE ${clientOrderId}`);

  const [sent] = await query<{ legs: { contract: { underlying: string; expiry: string; strike: number; right: string }; side: string; quantity: number }[] }>(
    'SELECT legs FROM paper_order WHERE client_order_id = $1',
    [clientOrderId],
  );
  expect(sent).toBeDefined();
  const sentLegs = sent!.legs.map(({ contract, side, quantity }) => [`${contract.underlying} ${contract.expiry} ${contract.strike}${contract.right}`, side, String(quantity)]);
  expect(sentLegs).toEqual(previewedLegs);
  const [command] = await query<{ preview_fingerprint: string | null; status: string }>(
    "SELECT preview_fingerprint, status FROM operator_command WHERE type = 'DEFENSIVE_EXIT' ORDER BY id DESC LIMIT 1",
  );
  expect(command).toMatchObject({ status: 'done', preview_fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
});
