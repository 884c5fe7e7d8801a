import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import type { MarketBar } from '../../market/types';
import { STRATEGY_DEFINITIONS } from '../registry';
import { barAt } from '../testing/model';
import { playSteps, stepArbitrary } from '../testing/property';

/** For each kind, a bar just before it may enter, so random walks reach its entries, positions and exits. */
const START_BARS: Readonly<Record<string, MarketBar>> = {
  ZERO_DTE: barAt(nyTime('2026-11-20', 10, 28), 590, 24),
  LT112: barAt(nyTime('2026-12-02', 10, 0), 590, 20),
  FUTURES_STRANGLE: barAt(nyTime('2026-12-01', 9, 58), 590, 20),
  IPMCC: barAt(nyTime('2026-12-01', 9, 58), 590, 20),
  LEAP_LADDER: barAt(nyTime('2026-12-01', 9, 58), 590, 18),
};

/**
 * A time budget that holds on a loaded 2-core machine (mutation testing, CI): the 500 walks take about a second
 * unloaded; when slower, fast-check stops starting new walks after the budget and checks those it ran. The
 * first GUARANTEED_WALKS run whatever the budget: every kind reaches all the states below within its first 40. A failure found in time still fails, shrunk as far
 * as the budget allows. The test's own timeout leaves room for the last walk and the assertion. Mutation
 * testing shortens the budget (PROPERTY_BUDGET_MS): the example and model tests kill most mutants first.
 */
const PROPERTY_BUDGET_MS = Number(process.env.PROPERTY_BUDGET_MS ?? 4_000);
const TEST_TIMEOUT_MS = 15_000;
const GUARANTEED_WALKS = 60;

describe('every strategy machine under random market, broker and operator events', () => {
  for (const definition of Object.values(STRATEGY_DEFINITIONS)) {
    it(`${definition.kind} holds exactly the legs the venue filled, and never sends an order id twice`, () => {
      const startBar = START_BARS[definition.kind];
      if (!startBar) throw new Error(`no start bar for ${definition.kind}`);
      const input = { strategyId: 'prop', settings: definition.settingsSchema.parse({}) };
      const visited = new Set<string>();
      const walks = fc.property(fc.array(stepArbitrary, { maxLength: 150, size: 'medium' }), (steps) => {
        for (const state of playSteps({ machine: definition.machine, input, startBar }, steps)) visited.add(state);
      });
      // A fixed seed keeps CI repeatable; a failure prints the counterexample to replay. The first walks
      // always run (they reach every state below); the rest run while the budget lasts.
      fc.assert(walks, { numRuns: GUARANTEED_WALKS, seed: 20261124 });
      fc.assert(walks, { numRuns: 500 - GUARANTEED_WALKS, seed: 20261125, interruptAfterTimeLimit: PROPERTY_BUDGET_MS });
      // The walks must reach positions, exits, failures and recoveries, or the property proves little.
      expect([...visited]).toEqual(expect.arrayContaining(['ENTERING', 'ACTIVE', 'RECOVERY', 'ERROR', 'EMERGENCY_EXIT', 'COMPLETE']));
    }, TEST_TIMEOUT_MS);
  }
});
