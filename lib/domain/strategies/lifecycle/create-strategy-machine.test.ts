import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot } from 'xstate';
import { nyParts, nyTime } from '../../market/calendar';
import type { MarketBar, OrderLeg } from '../../market/types';
import { barAt, initialSnapshot, tick } from '../testing/model';
import { createStrategyMachine } from './create-strategy-machine';
import { BASE_SHAPE } from './lifecycle-table';
import type { StrategyEvent, StrategyRules } from './types';
import { contextOf } from './strategy-snapshot';

const FRIDAY = '2026-11-20';
const bar = (hour: number, minute: number): MarketBar => barAt(nyTime(FRIDAY, hour, minute), 590, 24);
const LEG: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 580, right: 'P' }, side: 'SELL', quantity: 1 };

/** Rules that always want in, counting how often the lifecycle asks them. */
function countingRules() {
  const calls = { propose: 0, manage: 0 };
  const rules: StrategyRules<Record<string, never>> = {
    kind: 'COUNTING',
    defaultName: 'Counting',
    description: 'counts questions',
    defaults: {},
    cycleKey: (b) => nyParts(b.time).date,
    entryProblems: () => [],
    propose: (_context, b) => {
      calls.propose += 1;
      return { structure: 'SHORT_PUT', legs: [LEG], proposedAt: b.time, note: 'always' };
    },
    validate: () => [],
    manage: () => {
      calls.manage += 1;
      return null;
    },
    isNextCycle: () => false,
  };
  return { rules, calls };
}

describe('a machine built from the lifecycle table', () => {
  const { rules, calls } = countingRules();
  const machine = createStrategyMachine({ rules, shape: BASE_SHAPE });
  const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent) => transition(machine, snapshot, event)[0];
  const ready = () => step(initialSnapshot(machine, { strategyId: 's1', settings: {} }), tick(bar(10, 0)));

  it('asks the rules for a proposal once per entry signal, though a guard and an action both need it', () => {
    const before = calls.propose;
    const proposed = step(ready(), tick(bar(10, 1)));
    expect(proposed.value).toBe('VALIDATION');
    expect(contextOf(proposed).proposal?.note).toBe('always');
    expect(calls.propose - before).toBe(1);
  });

  it('gives the entry order a deterministic client order id and a 5-minute deadline', () => {
    const entering = step(step(ready(), tick(bar(10, 1))), tick(bar(10, 2)));
    expect(entering.value).toBe('ENTERING');
    expect(contextOf(entering).order).toMatchObject({ clientOrderId: `s1:${FRIDAY}:entry:1`, purpose: 'ENTRY', deadline: bar(10, 7).time });
  });

  it('asks the rules about a held position once per bar, however many decision rows the state has', () => {
    const entering = step(step(ready(), tick(bar(10, 1))), tick(bar(10, 2)));
    const order = contextOf(entering).order!;
    const filled = step(entering, {
      type: 'order.updated',
      order: { clientOrderId: order.clientOrderId, status: 'FILLED', legFills: [{ leg: LEG, price: 1.2 }], reason: null, time: bar(10, 3).time },
    });
    expect(filled.value).toBe('ACTIVE');
    const before = calls.manage;
    expect(step(filled, tick(bar(10, 4))).value).toBe('ACTIVE');
    expect(calls.manage - before).toBe(1);
  });
});
