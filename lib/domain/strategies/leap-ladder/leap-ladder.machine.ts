import { createStrategyMachine } from '../lifecycle/create-strategy-machine';
import type { LifecycleShape } from '../lifecycle/lifecycle-table';
import { leapLadderRules } from './leap-ladder.rules';

/**
 * The LEAP put ladder beyond the shared lifecycle: BUILDING buys the next rung and ROLLING renews rungs near
 * expiry, both returning to ACTIVE. It has no automatic DEFENSIVE_EXIT (a hedge is not cut for being
 * tested); operators still have one. EXITING is reached from MANAGING, once the hedge has paid.
 */
export const LEAP_LADDER_SHAPE: LifecycleShape = {
  holdingStates: ['ACTIVE', 'MANAGING'],
  decisions: {
    ACTIVE: ['MANAGING', 'ROLLING', 'BUILDING'],
    MANAGING: ['EXITING'],
  },
  closingStates: ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT'],
  adjustingStates: ['BUILDING', 'ROLLING'],
};

export const leapLadderMachine = createStrategyMachine({
  rules: leapLadderRules,
  shape: LEAP_LADDER_SHAPE,
  stateDescriptions: {
    WAITING: 'Flat. Waits for a trading-day 10:00-11:00 ET bar with VIX at most 30, and the coordinator\'s permit.',
    ENTERING: 'Buys the first rung: an SPY put at 0.90 x spot, 365-730 DTE, sized to a fifth of 5% of the portfolio.',
    ACTIVE: 'Holds the ladder: VIX at 40 -> MANAGING; a rung at 90 DTE is rolled; the next rung is built 28 days after the one before.',
    BUILDING: 'Buys the next rung (0.85, 0.80, 0.75, 0.70 x SPY), 365-730 DTE.',
    ROLLING: 'Sells the rungs at 90 DTE or less and buys the same moneyness 365-730 DTE, in one order.',
    MANAGING: 'VIX reached 40: the hedge pays. Banks it (closes every rung) once VIX is back at 30 or the ladder has made what it cost.',
  },
});
