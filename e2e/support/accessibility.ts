import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

const IS_SERIOUS = new Set(['serious', 'critical']);

/** One line per rule broken, with where, so a failure says what to fix without opening a trace. */
const describe = ({ id, impact, help, nodes }: Violation) =>
  `${impact} ${id}: ${help} (${nodes.length}x; e.g. ${nodes
    .slice(0, 3)
    .map((node) => `${node.target.join(' ')}: ${node.failureSummary?.replaceAll('\n', ' ') ?? ''}`)
    .join(' | ')})`;

/**
 * axe-core's checks (WCAG 2.x A and AA and its best practices) on the page as it now stands, open dialogs
 * included: none of the serious or critical ones may fail. `label` names the page in the failure.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect.soft(violations.filter((violation) => IS_SERIOUS.has(violation.impact ?? '')).map(describe), `axe on ${label}`).toEqual([]);
}
