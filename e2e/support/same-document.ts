import type { Page } from '@playwright/test';

type Marked = Window & { wheelhouseDocumentMark?: string };

/**
 * Marks the page's current document, and returns whether it is still that document: a reload or a full page load
 * wipes the mark, while the app's own history updates keep it. (Counting `framenavigated` events counts those too:
 * Next's router updates the history when it hydrates, which on a loaded machine comes after the server-rendered page
 * already shows its data.)
 */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  const mark = `${Date.now()}-${Math.random()}`;
  await page.evaluate((value) => ((window as Marked).wheelhouseDocumentMark = value), mark);
  return async () => (await page.evaluate(() => (window as Marked).wheelhouseDocumentMark)) === mark;
}
