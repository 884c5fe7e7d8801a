/**
 * Mutation testing (`npm run test:mutation`; not part of `npm test` or CI): which bugs planted in lib/domain and
 * lib/engine the unit tests notice. Reports land in reports/mutation/ (git-ignored); reruns are incremental, so
 * only mutants whose code or tests changed run again (`-- --force` runs them all).
 *
 *   npm run test:mutation                                         the whole scope (about an hour on 2 cores)
 *   npm run test:mutation -- --mutate 'lib/domain/coordinator.ts'   one file (add `:10-40` for lines)
 *   MUTATE=lib/domain/market npm run test:mutation                one folder or more (comma-separated),
 *                                                                 tests and testing helpers still left out
 *
 * A partial run keeps the other files' earlier results in the report and the incremental file.
 */

const SCOPE = ['lib/domain', 'lib/engine'];
// Under mutation the property tests get a short budget (they run last, for the mutants nothing else killed).
process.env.PROPERTY_BUDGET_MS ??= '400';
/** Tests, the strategies' testing helpers and generated code are never mutated. */
const NOT_MUTATED = ['!**/*.test.ts', '!lib/domain/strategies/testing/**', '!lib/engine/testing/**', '!lib/db/generated/**'];

const targets = (process.env.MUTATE ?? '')
  .split(',')
  .map((target) => target.trim().replace(/\/+$/, ''))
  .filter(Boolean);
const asPattern = (target) => (/\.ts(:[\d:-]+)?$/.test(target) || target.includes('*') ? target : `${target}/**/*.ts`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  // Only the unit project: the int project needs PostgreSQL, and lib/engine's tests live there.
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [...(targets.length ? targets : SCOPE).map(asPattern), ...NOT_MUTATED],
  ignorePatterns: ['.ci', '.next', '.wheelhouse', 'coverage', 'test-results', 'playwright-report'],

  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, reportScoreTable: true, reportMutants: false, reportTests: false },
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',

  // Two cores: two test runners. The property tests hold a 4 s budget each, so a slow mutant is not a timeout;
  // a mutant that loops (the model exploration at import) is, after its tests' usual time x2 + 10 s.
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 15,

  // A report, never a gate.
  thresholds: { high: 80, low: 60, break: null },
};

export default config;
