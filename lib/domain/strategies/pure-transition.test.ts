import { assign, setup, transition } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { pureTransition } from './pure-transition';

function counterMachine(effect: () => void, makeContext: (input: { start: number } | undefined) => { count: number }) {
  return setup({
    types: { context: {} as { count: number }, events: {} as { type: 'add'; by: number } | { type: 'noop' }, input: {} as { start: number } },
    guards: { isPositive: ({ event }) => event.type === 'add' && event.by > 0 },
    actions: { add: assign({ count: ({ context, event }) => context.count + (event.type === 'add' ? event.by : 0) }), effect },
  }).createMachine({
    context: ({ input }) => makeContext(input),
    initial: 'idle',
    states: {
      idle: { on: { add: { guard: 'isPositive', target: 'counting', actions: ['add', 'effect'] } } },
      counting: { on: { add: { actions: 'add' } } },
    },
  });
}

const strictContext = (input: { start: number } | undefined) => {
  if (!input) throw new Error('no input');
  return { count: input.start };
};

describe('pureTransition', () => {
  it('computes the same snapshots as xstate’s transition(), guards and assignments included', () => {
    const machine = counterMachine(() => undefined, strictContext);
    const next = pureTransition(machine, { start: 5 });
    let ours = machine.resolveState({ value: 'idle', context: { count: 5 } });
    let theirs = ours;
    for (const event of [{ type: 'add', by: -1 }, { type: 'add', by: 2 }, { type: 'noop' }, { type: 'add', by: -3 }] as const) {
      ours = next(ours, event);
      [theirs] = transition(machine, theirs, event);
      expect({ value: ours.value, context: ours.context }).toEqual({ value: theirs.value, context: theirs.context });
    }
    expect(ours).toMatchObject({ value: 'counting', context: { count: 4 } });
  });

  it('leaves the snapshot as it was, the very object, when no transition is enabled', () => {
    const machine = counterMachine(() => undefined, strictContext);
    const idle = machine.resolveState({ value: 'idle', context: { count: 1 } });
    const next = pureTransition(machine, { start: 1 });
    expect(next(idle, { type: 'add', by: -1 })).toBe(idle);
    expect(next(idle, { type: 'noop' })).toBe(idle);
  });

  it('still takes the eventless transitions an event enabling nothing can set off, as xstate does', () => {
    const machine = setup({
      types: { context: {} as { count: number }, events: {} as { type: 'tick' } | { type: 'noop' } },
      guards: { isTick: ({ event }) => event.type === 'tick' },
    }).createMachine({
      context: { count: 0 },
      initial: 'waiting',
      states: { waiting: { always: { guard: 'isTick', target: 'done' } }, done: {} },
    });
    const waiting = machine.resolveState({ value: 'waiting', context: { count: 0 } });
    const next = pureTransition(machine, undefined);
    expect(waiting.value).toBe('waiting');
    expect(transition(machine, waiting, { type: 'tick' })[0].value).toBe('done');
    expect(next(waiting, { type: 'tick' }).value).toBe('done');
    expect(next(waiting, { type: 'noop' }).value).toBe('waiting');
  });

  it('executes no action and builds the initial context once, from the real input, not on every call', () => {
    const effect = vi.fn();
    const makeContext = vi.fn(strictContext);
    const machine = counterMachine(effect, makeContext);
    const next = pureTransition(machine, { start: 0 });
    let snapshot = machine.resolveState({ value: 'idle', context: { count: 0 } });
    for (let i = 0; i < 10; i += 1) snapshot = next(snapshot, { type: 'add', by: 1 });
    expect(snapshot.context.count).toBe(10);
    expect(effect).not.toHaveBeenCalled();
    expect(makeContext.mock.calls).toEqual([[{ start: 0 }]]);
  });
});
