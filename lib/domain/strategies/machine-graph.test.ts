import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { acceptedEvents, machineGraph, refusalReason } from './machine-graph';

const door = setup({
  types: { events: {} as { type: 'open' } | { type: 'close' } | { type: 'lock' } },
  guards: { isUnlocked: () => true },
}).createMachine({
  initial: 'CLOSED',
  states: {
    CLOSED: { description: 'shut', on: { open: { guard: 'isUnlocked', target: 'OPEN' }, lock: 'LOCKED' } },
    OPEN: { on: { close: 'CLOSED' } },
    LOCKED: {},
  },
});

describe('the machine graph', () => {
  it('reads every state and transition from the machine definition', () => {
    expect(machineGraph(door)).toEqual({
      states: [
        { id: 'CLOSED', description: 'shut' },
        { id: 'OPEN', description: null },
        { id: 'LOCKED', description: null },
      ],
      transitions: [
        { from: 'CLOSED', to: 'OPEN', event: 'open', guard: 'isUnlocked' },
        { from: 'CLOSED', to: 'LOCKED', event: 'lock', guard: null },
        { from: 'OPEN', to: 'CLOSED', event: 'close', guard: null },
      ],
    });
  });

  it('lists the events a state accepts', () => {
    expect(acceptedEvents(door, 'CLOSED')).toEqual(['open', 'lock']);
    expect(acceptedEvents(door, 'LOCKED')).toEqual([]);
  });

  it('explains a refusal: an event the state has no transition for', () => {
    expect(refusalReason(door, 'OPEN', 'lock')).toBe('OPEN does not accept lock (it accepts close)');
    expect(refusalReason(door, 'LOCKED', 'open')).toBe('LOCKED does not accept open');
  });

  it('explains a refusal: a guard that was not met', () => {
    expect(refusalReason(door, 'CLOSED', 'open')).toBe('open is not allowed in CLOSED now: isUnlocked not met');
  });
});
