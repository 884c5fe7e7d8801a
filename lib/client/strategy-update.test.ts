import { describe, expect, it } from 'vitest';
import { strategyUpdateSchema, type StrategyDetail, type StrategyUpdate } from '@/lib/api/contract';
import { applyStrategyChange, applyStrategyUpdate, newestSeq } from '@/lib/client/strategy-update';
import { strategyChange, strategyDetail } from '@/test/strategy-detail';

const detail = strategyDetail;

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

describe('applyStrategyChange', () => {
  it('puts the change\'s transitions before the held ones, takes the strategy from it, and keeps everything else', () => {
    const held = detail(3, [3, 2, 1]);
    const applied = applyStrategyChange(held, strategyChange(5, [5, 4]));
    expect(applied?.transitions.map((t) => t.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(applied?.strategy).toMatchObject({ version: 5, state: 'ENTERING', lastReason: 'moved to 5' });
    expect(applied?.graph).toBe(held.graph);
    expect(applied?.errors).toBe(held.errors);
  });

  it('keeps the held rows themselves, so that only the new ones render', () => {
    const held = detail(3, [3, 2, 1]);
    const applied = applyStrategyChange(held, strategyChange(4, [4]));
    expect(applied?.transitions.slice(1)).toEqual(held.transitions);
    applied?.transitions.slice(1).forEach((row, index) => expect(row).toBe(held.transitions[index]));
  });

  it('takes only the transitions newer than the held ones when the change overlaps them', () => {
    const applied = applyStrategyChange(detail(4, [4, 3, 2, 1]), strategyChange(6, [6, 5, 4, 3]));
    expect(applied?.transitions.map((t) => t.seq)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('keeps the page at the latest 200 transitions', () => {
    const held = detail(200, Array.from({ length: 200 }, (_, i) => 200 - i));
    const applied = applyStrategyChange(held, strategyChange(201, [201]));
    expect(applied?.transitions).toHaveLength(200);
    expect(applied?.transitions[0]?.seq).toBe(201);
  });

  it('returns the held detail itself when the change brings nothing newer (the page read it already)', () => {
    const held = detail(5, [5, 4, 3]);
    expect(applyStrategyChange(held, strategyChange(5, [5]))).toBe(held);
    expect(applyStrategyChange(held, strategyChange(4, [4]))).toBe(held);
  });

  it('asks for a re-read when a transition between the held ones and the change\'s is missing', () => {
    expect(applyStrategyChange(detail(3, [3, 2, 1]), strategyChange(5, [5]))).toBeNull();
    expect(applyStrategyChange(detail(3, [3, 2, 1]), strategyChange(6, [6, 4]))).toBeNull();
  });

  it('asks for a re-read when the change\'s newest transition is not the strategy\'s version', () => {
    expect(applyStrategyChange(detail(3, [3, 2, 1]), strategyChange(5, [4]))).toBeNull();
    expect(applyStrategyChange(detail(3, [3, 2, 1]), strategyChange(4, []))).toBeNull();
  });
});
