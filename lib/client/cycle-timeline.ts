import type { ErrorRow, TransitionRow } from '@/lib/api/contract';

/** The engine's own actor on transitions it made by itself (bars, order updates, restarts). */
const ENGINE_ACTOR = 'system';

/** A cycle starts when the strategy begins to wait flat: after start-up, after the last cycle closed, or from nothing. */
const CYCLE_OPENERS: ReadonlySet<string | null> = new Set([null, 'INITIALIZING', 'COMPLETE']);

/** One stay in one state, on the market clock. */
export interface TimelineBar {
  readonly state: string;
  readonly startMs: number;
  readonly endMs: number;
  /** The state the strategy is in now: its bar runs to the market's now. */
  readonly isCurrent: boolean;
  /** The transition that entered the state. */
  readonly seq: number;
  readonly eventType: string;
}

export interface TimelineMark {
  readonly kind: 'operator' | 'error';
  readonly atMs: number;
  readonly state: string;
  /** What happened, in a few words: the operator's event and reason, or the error's type and message. */
  readonly text: string;
  readonly key: string;
  /** The bar it is drawn on (its `seq`): the stay it happened in, even a stay that lasted no time at all. */
  readonly barSeq: number;
}

export interface CycleTimeline {
  readonly startMs: number;
  readonly endMs: number;
  readonly bars: readonly TimelineBar[];
  readonly marks: readonly TimelineMark[];
  /** Every state the cycle has been in, in the order first entered. */
  readonly visited: readonly string[];
}

const isOperatorAction = (row: TransitionRow) => row.eventType.startsWith('operator.') || row.actor !== ENGINE_ACTOR;

/**
 * The current cycle as bars on the market clock: one bar per state entered since the cycle began (a transition that
 * stays in its state extends the bar), the last one running to `now`; operator actions and errors as marks.
 * Null when there is no transition to draw.
 */
export function cycleTimeline(transitions: readonly TransitionRow[], errors: readonly ErrorRow[], now: string | null): CycleTimeline | null {
  const ordered = transitions.toSorted((a, b) => a.seq - b.seq);
  const openerIndex = ordered.findLastIndex((row) => row.toState === 'WAITING' && CYCLE_OPENERS.has(row.fromState));
  const cycle = ordered.slice(Math.max(0, openerIndex));
  const first = cycle[0];
  const last = cycle.at(-1);
  if (!first || !last) return null;

  const startMs = Date.parse(first.marketTime);
  const endMs = Math.max(Date.parse(last.marketTime), now ? Date.parse(now) : -Infinity);
  const entries = cycle.filter((row, index) => index === 0 || row.fromState !== row.toState);
  const bars = entries.map((row, index): TimelineBar => {
    const next = entries[index + 1];
    return {
      state: row.toState,
      startMs: Date.parse(row.marketTime),
      endMs: next ? Date.parse(next.marketTime) : endMs,
      isCurrent: !next,
      seq: row.seq,
      eventType: row.eventType,
    };
  });

  /** The latest stay begun by `at`, in `state` when there is one (an error is recorded in the state it hit). */
  const barAt = (at: number, state: string) => {
    const begun = bars.filter((bar) => bar.startMs <= at);
    return (begun.findLast((bar) => bar.state === state) ?? begun.at(-1) ?? bars[0]!).seq;
  };
  const barEnteredBy = (row: TransitionRow) => bars.findLast((bar) => bar.seq <= row.seq)!.seq;

  const operatorMarks = cycle.filter(isOperatorAction).map(
    (row): TimelineMark => ({
      kind: 'operator',
      atMs: Date.parse(row.marketTime),
      state: row.toState,
      text: `${row.eventType} by ${row.actor}${row.reason ? `: ${row.reason}` : ''}`,
      key: `transition-${row.seq}`,
      barSeq: barEnteredBy(row),
    }),
  );
  const errorMarks = errors
    .map((row) => ({ row, atMs: Date.parse(row.marketTime) }))
    .filter(({ atMs }) => atMs >= startMs && atMs <= endMs)
    .map(
      ({ row, atMs }): TimelineMark => ({
        kind: 'error',
        atMs,
        state: row.state,
        text: `${row.type}: ${row.message}`,
        key: `error-${row.id}`,
        barSeq: barAt(atMs, row.state),
      }),
    );

  return {
    startMs,
    endMs,
    bars,
    marks: [...operatorMarks, ...errorMarks].toSorted((a, b) => a.atMs - b.atMs),
    visited: [...new Set(bars.map((bar) => bar.state))],
  };
}
