import { createStrategyMachine } from '../lifecycle/create-strategy-machine';
import type { LifecycleShape } from '../lifecycle/lifecycle-table';
import { lt112Rules } from './lt112.rules';

/**
 * LT112 beyond the shared lifecycle: DEFENSIVE_21DTE closes whatever is still open at 21 DTE. The
 * coordinator keeps 0DTE out while LT112 is in it, so the name must stay exactly DEFENSIVE_21DTE.
 */
export const LT112_SHAPE: LifecycleShape = {
  holdingStates: ['ACTIVE', 'MANAGING'],
  decisions: {
    ACTIVE: ['DEFENSIVE_EXIT', 'DEFENSIVE_21DTE', 'EXITING', 'MANAGING'],
    MANAGING: ['DEFENSIVE_EXIT', 'DEFENSIVE_21DTE', 'EXITING'],
  },
  closingStates: ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT', 'DEFENSIVE_21DTE'],
  adjustingStates: [],
};

/** LT112 on the shared lifecycle: months long, managed from 30 DTE, closed at 21 DTE at the latest. */
export const lt112Machine = createStrategyMachine({
  rules: lt112Rules,
  shape: LT112_SHAPE,
  stateDescriptions: {
    WAITING: 'Flat. Waits for a Wednesday 10:00-10:30 ET bar with VIX 12-35, an SPY expiry 102-122 days out and the coordinator\'s permit.',
    ACTIVE: 'Holds the 1-1-2: exits defensively if SPY reaches the naked puts, takes 50% of the maximum profit, manages from 30 DTE.',
    MANAGING: 'From 30 DTE: takes 25% of the maximum profit; closes at 21 DTE.',
    DEFENSIVE_21DTE: 'Still open at 21 DTE: closes every leg. 0DTE may not enter meanwhile.',
  },
});
