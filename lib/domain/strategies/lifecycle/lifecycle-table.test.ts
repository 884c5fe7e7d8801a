import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { machineGraph } from '../machine-graph';
import { ipmccMachine } from '../ipmcc/ipmcc.machine';
import { zeroDteRules } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { createStrategyMachine } from './create-strategy-machine';
import { BASE_SHAPE } from './lifecycle-table';
import { LIFECYCLE_STATES, STRATEGY_EVENT_TYPES } from './types';
import { acceptedEvents } from '../machine-graph';

const descriptionsOf = (machine: AnyStateMachine) =>
  new Map(machineGraph(machine).states.map((state) => [state.id, state.description]));

describe('the states a strategy page describes', () => {
  it('describes every shared state in words of its own', () => {
    const descriptions = descriptionsOf(zeroDteMachine);
    for (const state of LIFECYCLE_STATES) {
      expect(descriptions.get(state), state).toMatch(/^[A-Z].{20,}\.$/);
    }
    expect(new Set(descriptions.values()).size).toBe(LIFECYCLE_STATES.length);
    expect(descriptions.get('RECOVERY')).toMatch(/at most 30 minutes/);
    expect(descriptions.get('ERROR')).toMatch(/Only an operator clears it/);
  });

  it("takes a strategy's own description of a state over the shared one", () => {
    const shared = descriptionsOf(zeroDteMachine);
    const ipmcc = descriptionsOf(ipmccMachine);
    expect(ipmcc.get('ROLLING')).toMatch(/^Buys back the short call/);
    expect(ipmcc.get('WAITING')).toMatch(/VIX above 12 and at most 40/);
    expect(ipmcc.get('RECOVERY')).toBe(shared.get('RECOVERY'));
  });

  it('names a state nobody described by its name', () => {
    const hedging = createStrategyMachine({
      rules: zeroDteRules,
      shape: { ...BASE_SHAPE, decisions: { ...BASE_SHAPE.decisions, ACTIVE: ['HEDGING'] }, adjustingStates: ['HEDGING'] },
    });
    expect(descriptionsOf(hedging).get('HEDGING')).toBe('HEDGING');
  });

  it("names the machine by its kind and describes it as the rules do", () => {
    expect(zeroDteMachine.id).toBe('ZERO_DTE');
    expect(zeroDteMachine.root.description).toBe(zeroDteRules.description);
  });
});

describe('the events a strategy machine is sent', () => {
  it('are exactly the events some shared state has a row for', () => {
    const accepted = new Set(Object.keys(zeroDteMachine.root.states).flatMap((state) => acceptedEvents(zeroDteMachine, state)));
    expect([...STRATEGY_EVENT_TYPES].sort()).toEqual([...accepted].sort());
  });
});
