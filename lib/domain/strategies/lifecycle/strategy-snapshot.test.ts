import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { initialSnapshot } from '../testing/model';
import { ZERO_DTE_DEFAULTS } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { contextOf, stateOf } from './strategy-snapshot';

describe("a strategy machine's snapshot", () => {
  const snapshot = initialSnapshot(zeroDteMachine, { strategyId: 's', settings: ZERO_DTE_DEFAULTS });

  it('gives its state as one name and its context', () => {
    expect(stateOf(snapshot)).toBe('INITIALIZING');
    expect(contextOf(snapshot).strategyId).toBe('s');
  });

  it('refuses a nested state: strategy machines are flat', () => {
    expect(() => stateOf({ ...snapshot, value: { ACTIVE: 'ROLLING' } } as AnyMachineSnapshot)).toThrow('strategy machines have flat states');
  });
});
