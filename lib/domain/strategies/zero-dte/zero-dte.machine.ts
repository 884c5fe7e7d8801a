import { createStrategyMachine } from '../lifecycle/create-strategy-machine';
import { BASE_SHAPE } from '../lifecycle/lifecycle-table';
import { zeroDteRules } from './zero-dte.rules';

/** 0DTE Friday on the shared lifecycle: hours long, managed from 15:30 ET, closed before the 16:00 expiry. */
export const zeroDteMachine = createStrategyMachine({
  rules: zeroDteRules,
  shape: BASE_SHAPE,
  stateDescriptions: {
    WAITING: 'Flat. Waits for a Friday 10:30-11:00 ET bar with VIX above 22 (at most 35) and the coordinator\'s permit.',
    ACTIVE: 'Holds the SPY structure: exits on a short strike breach, a 2x-credit loss, a halt or 50% profit.',
    MANAGING: 'From 15:30 ET: takes profit or closes everything by 15:45 ET.',
  },
});
