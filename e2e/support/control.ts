import { transition, type AnyMachineSnapshot } from 'xstate';
import { nyParts } from '../../lib/domain/market/calendar';
import type { StrategyContext } from '../../lib/domain/strategies/lifecycle/types';
import { fillsFor, initialSnapshot, tick, update } from '../../lib/domain/strategies/testing/model';
import { zeroDteMachine } from '../../lib/domain/strategies/zero-dte/zero-dte.machine';
import { ZERO_DTE_DEFAULTS } from '../../lib/domain/strategies/zero-dte/zero-dte.rules';
import { createSimulatorState, nextBar } from '../../lib/market/simulator';

/**
 * The control for "a halt keeps the strategy flat": the same 0DTE machine on the same seeded market with
 * nothing halted and every order filled at mid. Returns the trading days on which it entered.
 */
export function unhaltedEntryDays(start: string, seed: number, until: number): string[] {
  let market = createSimulatorState({ start: Date.parse(start), seed, scenario: 'calm' });
  let snapshot: AnyMachineSnapshot = initialSnapshot(zeroDteMachine, { strategyId: 'control', settings: ZERO_DTE_DEFAULTS });
  const days: string[] = [];
  while (market.time < until) {
    const { bar, state } = nextBar(market);
    market = state;
    [snapshot] = transition(zeroDteMachine, snapshot, tick(bar));
    const { order } = snapshot.context as StrategyContext;
    if (order) {
      if (order.purpose === 'ENTRY') days.push(nyParts(bar.time).date);
      [snapshot] = transition(zeroDteMachine, snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
    }
  }
  return days;
}
