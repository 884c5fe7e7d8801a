import { describe, expect, it } from 'vitest';
import type { ErrorRow, TransitionRow } from '@/lib/api/contract';
import { cycleTimeline } from './cycle-timeline';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 15, minute)).toISOString();
const ms = (minute: number) => Date.parse(at(minute));

let seq = 0;
const row = (fromState: string | null, toState: string, minute: number, extra: Partial<TransitionRow> = {}): TransitionRow => ({
  seq: (seq += 1),
  fromState,
  toState,
  eventType: 'market.tick',
  actor: 'system',
  reason: null,
  marketTime: at(minute),
  wallTime: at(minute),
  ...extra,
});

const error = (state: string, minute: number): ErrorRow => ({ id: `e${minute}`, state, type: 'ORDER_REJECTED', message: 'no', marketTime: at(minute), wallTime: at(minute) });

describe('the cycle timeline', () => {
  it('draws one bar per state entered since the cycle began, the last one running to now', () => {
    const history = [
      row(null, 'INITIALIZING', 0),
      row('INITIALIZING', 'WAITING', 1),
      row('WAITING', 'VALIDATION', 5),
      row('VALIDATION', 'ENTERING', 6),
      row('ENTERING', 'ENTERING', 7, { eventType: 'order.updated' }),
      row('ENTERING', 'ACTIVE', 8, { eventType: 'order.updated' }),
    ];
    const timeline = cycleTimeline(history, [], at(20));
    expect(timeline?.bars.map(({ state, startMs, endMs, isCurrent }) => ({ state, startMs, endMs, isCurrent }))).toEqual([
      { state: 'WAITING', startMs: ms(1), endMs: ms(5), isCurrent: false },
      { state: 'VALIDATION', startMs: ms(5), endMs: ms(6), isCurrent: false },
      { state: 'ENTERING', startMs: ms(6), endMs: ms(8), isCurrent: false },
      { state: 'ACTIVE', startMs: ms(8), endMs: ms(20), isCurrent: true },
    ]);
    expect(timeline).toMatchObject({ startMs: ms(1), endMs: ms(20), visited: ['WAITING', 'VALIDATION', 'ENTERING', 'ACTIVE'] });
  });

  it('starts at the latest cycle: what came before COMPLETE -> WAITING is the last cycle', () => {
    const history = [row('INITIALIZING', 'WAITING', 0), row('WAITING', 'VALIDATION', 1), row('EXITING', 'COMPLETE', 2), row('COMPLETE', 'WAITING', 3), row('WAITING', 'VALIDATION', 4), row('VALIDATION', 'WAITING', 5)];
    const timeline = cycleTimeline(history.toReversed(), [], at(9));
    expect(timeline?.bars.map((bar) => bar.state)).toEqual(['WAITING', 'VALIDATION', 'WAITING']);
    expect(timeline?.visited).toEqual(['WAITING', 'VALIDATION']);
  });

  it('marks the operator actions and the errors of the cycle, not those of the last one', () => {
    const history = [
      row('INITIALIZING', 'WAITING', 0),
      row('WAITING', 'VALIDATION', 2),
      row('VALIDATION', 'ENTERING', 3),
      row('ENTERING', 'ACTIVE', 4),
      row('ACTIVE', 'DEFENSIVE_EXIT', 6, { eventType: 'operator.defensiveExit', actor: 'op@desk', reason: 'Fed risk' }),
      row('DEFENSIVE_EXIT', 'ERROR', 7, { eventType: 'order.updated' }),
    ];
    const timeline = cycleTimeline(history, [error('ENTERING', 3), error('DEFENSIVE_EXIT', 7)], at(8));
    expect(timeline?.marks.map(({ kind, atMs, state, text }) => ({ kind, atMs, state, text }))).toEqual([
      { kind: 'error', atMs: ms(3), state: 'ENTERING', text: 'ORDER_REJECTED: no' },
      { kind: 'operator', atMs: ms(6), state: 'DEFENSIVE_EXIT', text: 'operator.defensiveExit by op@desk: Fed risk' },
      { kind: 'error', atMs: ms(7), state: 'DEFENSIVE_EXIT', text: 'ORDER_REJECTED: no' },
    ]);

    const barOf = (state: string) => timeline?.bars.find((bar) => bar.state === state)?.seq;
    expect(timeline?.marks.map((mark) => mark.barSeq)).toEqual([barOf('ENTERING'), barOf('DEFENSIVE_EXIT'), barOf('DEFENSIVE_EXIT')]);

    const later = cycleTimeline([...history, row('ERROR', 'COMPLETE', 9), row('COMPLETE', 'WAITING', 10)], [error('DEFENSIVE_EXIT', 7)], at(12));
    expect(later?.marks).toEqual([]);
  });

  it('puts a mark on the stay it happened in, even one that lasted no time', () => {
    const history = [
      row('INITIALIZING', 'WAITING', 0),
      row('WAITING', 'ACTIVE', 1),
      row('ACTIVE', 'DEFENSIVE_EXIT', 4, { eventType: 'operator.defensiveExit', actor: 'op@desk' }),
      row('DEFENSIVE_EXIT', 'COMPLETE', 4, { eventType: 'order.updated' }),
    ];
    const timeline = cycleTimeline(history, [error('DEFENSIVE_EXIT', 4)], at(6));
    const exit = timeline?.bars.find((bar) => bar.state === 'DEFENSIVE_EXIT');
    expect(exit).toMatchObject({ startMs: ms(4), endMs: ms(4) });
    expect(timeline?.marks.map((mark) => mark.barSeq)).toEqual([exit?.seq, exit?.seq]);
  });

  it('has nothing to draw without transitions', () => {
    expect(cycleTimeline([], [], at(1))).toBeNull();
  });
});
