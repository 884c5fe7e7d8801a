/** The model tests every strategy machine shares (tests only): coverage of its table, and refusals. */
import { describe, expect, it } from 'vitest';
import { transition, type AnyStateMachine } from 'xstate';
import { LIFECYCLE_STATES, STRATEGY_EVENT_TYPES, type StrategyEvent } from '../lifecycle/types';
import { acceptedEvents, refusalReason } from '../machine-graph';
import { tableTriples, type ModelRun } from './model';

/** Table rows a strategy's own rules make impossible, each with the reason the test states. */
export interface ModelExemption {
  readonly rows: readonly string[];
  readonly because: string;
}

/**
 * Registers the shared model tests for `machine`: the exploration takes every row of its table (but for
 * documented exemptions) and no other, shortest paths reach every state, and in every state each event it
 * has no row for is refused, changing nothing, with the table's reason.
 */
export function describeStrategyModel(name: string, machine: AnyStateMachine, run: () => ModelRun, exemption?: ModelExemption): void {
  const states = Object.keys(machine.root.states);
  describe(`the ${name} machine, as a model`, () => {
    it(exemption ? `takes every transition in its table but those where ${exemption.because}, and no other` : 'takes every transition in its table, and no other', () => {
      const table = tableTriples(machine);
      const exempt = exemption?.rows ?? [];
      expect(exempt.every((row) => table.has(row))).toBe(true);
      expect([...run().taken].sort()).toEqual([...table].filter((row) => !exempt.includes(row)).sort());
    });

    it('has every state of the shared lifecycle', () => {
      expect(states).toEqual(expect.arrayContaining([...LIFECYCLE_STATES]));
    });

    it('reaches every state, its own included, by a shortest path', () => {
      expect([...run().reached].sort()).toEqual([...states].sort());
    });

    describe('refuses, changing nothing, every event its state has no row for', () => {
      for (const state of states) {
        it(`in ${state}`, () => {
          const snapshot = run().exemplars.get(state);
          expect(snapshot, `the model reached ${state}`).toBeDefined();
          const refused = STRATEGY_EVENT_TYPES.filter((type) => !acceptedEvents(machine, state).includes(type));
          for (const type of refused) {
            // Whatever its payload, an event without a row never reaches a guard.
            const event = { type, time: 0, actor: 'x', reason: 'y', message: 'z', clientOrderId: 'c', errorClass: 'UNKNOWN', order: null } as unknown as StrategyEvent;
            const [next] = transition(machine, snapshot!, event);
            expect(next.value).toBe(state);
            expect(next.context).toBe(snapshot!.context);
            expect(refusalReason(machine, state, type)).toContain(`${state} does not accept ${type}`);
          }
        });
      }
    });
  });
}
