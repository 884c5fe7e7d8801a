import { createStrategyMachine } from '../lifecycle/create-strategy-machine';
import type { LifecycleShape } from '../lifecycle/lifecycle-table';
import { futuresStrangleRules } from './futures-strangle.rules';

/** The futures strangle beyond the shared lifecycle: ROLLING replaces a tested short and returns to ACTIVE. */
export const FUTURES_STRANGLE_SHAPE: LifecycleShape = {
  holdingStates: ['ACTIVE', 'MANAGING'],
  decisions: {
    ACTIVE: ['DEFENSIVE_EXIT', 'ROLLING', 'EXITING', 'MANAGING'],
    MANAGING: ['DEFENSIVE_EXIT', 'ROLLING', 'EXITING'],
  },
  closingStates: ['EXITING', 'DEFENSIVE_EXIT', 'EMERGENCY_EXIT'],
  adjustingStates: ['ROLLING'],
};

/** The /ES strangle on the shared lifecycle: weeks long, managed from 28 DTE, out at 21 DTE. */
export const futuresStrangleMachine = createStrategyMachine({
  rules: futuresStrangleRules,
  shape: FUTURES_STRANGLE_SHAPE,
  stateDescriptions: {
    WAITING: 'Flat. Waits for a 10:00-11:00 ET bar with VIX 15-40, an /ES expiry 45-60 days out and the coordinator\'s permit.',
    ACTIVE: 'Holds the 16-delta /ES strangle: stops at a 2.5x-credit loss, takes 50% of the credit, rolls a side /ES comes within 5% of.',
    MANAGING: 'From 28 DTE: takes 25% of the credit; out at 21 DTE.',
    ROLLING: 'Buys back the tested short and sells a new 16-delta one further out, as one order; a part-filled roll is closed out. After a crash both sides are read back from the broker.',
  },
});
