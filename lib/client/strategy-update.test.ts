import { describe, expect, it } from 'vitest';
import { strategyUpdateSchema, type StrategyDetail, type StrategyUpdate, type TransitionRow } from '@/lib/api/contract';
import { applyStrategyUpdate, newestSeq } from '@/lib/client/strategy-update';

const row = (seq: number): TransitionRow => ({
  seq,
  fromState: 'WAITING',
  toState: 'WAITING',
  eventType: 'market.tick',
  actor: 'system',
  reason: `row ${seq}`,
  marketTime: '2026-11-20T15:00:00.000Z',
  wallTime: '2026-11-20T15:00:00.000Z',
});

function detail(version: number, seqs: number[]): StrategyDetail {
  return {
    system: { mode: 'RUNNING', cause: 'operator', actor: 'system', reason: null, changedAt: '2026-11-20T14:30:00.000Z', pendingResume: null, unconfirmedCancels: 0 },
    market: null,
    strategy: {
      id: 'zero-dte',
      name: '0DTE',
      kind: 'ZERO_DTE',
      description: '',
      state: 'WAITING',
      stateSince: '2026-11-20T15:00:00.000Z',
      version,
      pause: null,
      position: null,
      pnl: null,
      realizedPnl: 0,
      entryPermit: { allowed: true, reasons: [] },
      errorCount: 0,
      lastReason: null,
    },
    graph: { states: [{ id: 'WAITING', description: null }], transitions: [] },
    transitions: seqs.map(row),
    errors: [],
    refusals: [],
  };
}

const updateOf = (whole: StrategyDetail): StrategyUpdate => strategyUpdateSchema.parse(whole);

describe('applyStrategyUpdate', () => {
  it('puts the new transitions before the held ones and takes the rest from the update, keeping the graph', () => {
    const held = detail(3, [3, 2, 1]);
    const update = { ...updateOf(detail(5, [5, 4])), refusals: [{ id: '9', state: 'WAITING', eventType: 'x', actor: 'a', reason: 'r', marketTime: '', wallTime: '' }] };
    const applied = applyStrategyUpdate(held, update);
    expect(applied?.transitions.map((t) => t.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(applied?.strategy.version).toBe(5);
    expect(applied?.refusals).toHaveLength(1);
    expect(applied?.graph).toBe(held.graph);
  });

  it('keeps the page at the latest 200 transitions', () => {
    const held = detail(200, Array.from({ length: 200 }, (_, i) => 200 - i));
    const applied = applyStrategyUpdate(held, updateOf(detail(201, [201])));
    expect(applied?.transitions).toHaveLength(200);
    expect(applied?.transitions.at(-1)?.seq).toBe(2);
  });

  it('changes nothing in the history when the update brings no transition (a refusal, an error)', () => {
    const held = detail(3, [3, 2, 1]);
    expect(applyStrategyUpdate(held, updateOf(detail(3, [])))?.transitions.map((t) => t.seq)).toEqual([3, 2, 1]);
  });

  it('asks for the whole detail again when the newest transition is not the strategy version (reads crossed a commit, or a reset)', () => {
    expect(applyStrategyUpdate(detail(3, [3, 2, 1]), updateOf(detail(5, [4])))).toBeNull();
    expect(applyStrategyUpdate(detail(30, [30, 29]), updateOf(detail(2, [])))).toBeNull();
  });

  it('starts after the newest held transition, or from the start when none is held', () => {
    expect(newestSeq(detail(3, [3, 2, 1]))).toBe(3);
    expect(newestSeq(detail(0, []))).toBe(0);
  });
});
