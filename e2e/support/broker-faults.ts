import { expect, type Locator, type Page } from '@playwright/test';

/** The overview's paper-broker fault panel, unfolded (it starts folded): its inputs are then visible. */
export async function openBrokerFaults(page: Page): Promise<Locator> {
  // The page arrives drawn by the server; "Live" says the browser has taken it over, so a click is heard.
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const panel = page.getByRole('region', { name: 'Paper broker faults (demo)' });
  const toggle = panel.getByRole('button', { name: 'Show controls' });
  await toggle.click();
  await expect(panel.getByRole('button', { name: 'Hide controls' })).toHaveAttribute('aria-expanded', 'true');
  return panel;
}
