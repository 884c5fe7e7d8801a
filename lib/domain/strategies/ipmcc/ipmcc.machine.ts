import { createStrategyMachine } from '../lifecycle/create-strategy-machine';
import type { LifecycleShape } from '../lifecycle/lifecycle-table';
import { ipmccRules } from './ipmcc.rules';

/**
 * IPMCC beyond the shared lifecycle: ROLLING replaces the weekly short call and returns to ACTIVE.
 * ACTIVE's decisions are listed in the order `manage` checks them: once the LEAP is near expiry
 * (MANAGING) no new short is sold, so MANAGING comes before ROLLING.
 */
export const IPMCC_SHAPE: LifecycleShape = {
  holdingStates: ['ACTIVE', 'MANAGING'],
  decisions: {
    ACTIVE: ['DEFENSIVE_EXIT', 'EXITING', 'MANAGING', 'ROLLING'],
    MANAGING: ['DEFENSIVE_EXIT', 'EXITING'],
  },
  closingStates: ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT'],
  adjustingStates: ['ROLLING'],
};

export const ipmccMachine = createStrategyMachine({
  rules: ipmccRules,
  shape: IPMCC_SHAPE,
  stateDescriptions: {
    WAITING: 'Flat. Waits for a trading-day 10:00-11:00 ET bar with VIX above 12 and at most 40, and the coordinator\'s permit.',
    ENTERING: 'One combo: buy a ~0.80 delta LEAP call (365-730 DTE), sell a weekly call ~3% out of the money above its strike.',
    ACTIVE: 'Holds the LEAP and the short call: rolls the short at 7 DTE; exits on assignment risk, VIX above 40 or 50% of the debit earned.',
    ROLLING: 'Buys back the short call and sells the next weekly (7-14 DTE, ~3% OTM, above the LEAP strike) in one order.',
    MANAGING: 'The LEAP has 120 DTE or less: no new short calls; everything closes when the last short reaches 7 DTE.',
  },
});
