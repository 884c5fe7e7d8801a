import { describe, expect, it } from 'vitest';
import { compileStates } from './compile-table';
import type { TransitionRow } from './lifecycle-table';

describe('a transition table compiled into xstate states', () => {
  const rows: TransitionRow[] = [
    { from: 'WAITING', event: 'market.tick', to: 'VALIDATION', guard: 'hasEntrySignal', actions: ['proposeEntry'] },
    { from: 'ACTIVE', event: 'market.tick', to: 'EXITING', guard: { type: 'isDecision', params: { next: 'EXITING' } }, actions: ['startClose'] },
    { from: 'ACTIVE', event: 'market.tick', to: 'ACTIVE', actions: [] },
    { from: 'ACTIVE', event: 'operator.defensiveExit', to: 'DEFENSIVE_EXIT', actions: ['startOperatorClose', 'noteDecision'] },
  ];
  // Compiled inside each test, not at collection: the compilation is what is under test.
  const compile = () => compileStates(rows, (state) => `the ${state} state`);

  it('makes one described state per source state', () => {
    const states = compile();
    expect(Object.keys(states)).toEqual(['WAITING', 'ACTIVE']);
    expect(states.ACTIVE?.description).toBe('the ACTIVE state');
  });

  it("keeps an event's rows in table order, each guard and action named with the row's own states", () => {
    const states = compile();
    expect(states.ACTIVE?.on['market.tick']).toEqual([
      {
        target: 'EXITING',
        guard: { type: 'isDecision', params: { next: 'EXITING', from: 'ACTIVE', to: 'EXITING' } },
        actions: [{ type: 'startClose', params: { from: 'ACTIVE', to: 'EXITING' } }],
      },
      { target: 'ACTIVE', guard: undefined, actions: [] },
    ]);
    expect(states.WAITING?.on['market.tick']).toEqual([
      {
        target: 'VALIDATION',
        guard: { type: 'hasEntrySignal', params: { from: 'WAITING', to: 'VALIDATION' } },
        actions: [{ type: 'proposeEntry', params: { from: 'WAITING', to: 'VALIDATION' } }],
      },
    ]);
    expect(states.ACTIVE?.on['operator.defensiveExit']?.[0]?.actions.map((action) => action.type)).toEqual(['startOperatorClose', 'noteDecision']);
  });
});
