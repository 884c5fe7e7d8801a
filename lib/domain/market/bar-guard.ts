import { MINUTE_MS } from './time';
import { UNDERLYINGS, type EpochMs, type MarketBar } from './types';

/**
 * Market data is guilty until proven sane. Every bar is judged here before it reaches a machine, the
 * coordinator or the broker:
 * - refused outright (`bad`): a price that is not a finite positive number, a VIX outside 0-150, quotes marked
 *   stale, a time that does not move forward, or one too far from the market clock (stale or in the future);
 * - quarantined (`suspect`): a move beyond the collar against the last good bar (an underlying by more than
 *   `underlyingMove`, VIX by more than `vixMove`), until `confirmations` consecutive bars agree with it (then
 *   the market really moved, and the latest becomes the new reference); a bar back within the collar of the
 *   last good one ends the quarantine (it was a spike).
 * Neither kind is ever traded on: the strategies hold, the broker fills nothing, no order is priced from it.
 */
export interface BarGuardLimits {
  /** The largest move of an underlying against the last good bar that is believed without confirmation (0.10 = 10%). */
  readonly underlyingMove: number;
  /** The same for VIX (0.50 = 50%). */
  readonly vixMove: number;
  /** Consecutive bars agreeing with a suspect move that confirm it. */
  readonly confirmations: number;
  /** How far ahead of the market clock a bar may be stamped. */
  readonly futureToleranceMs: number;
  /** How far behind the market clock a bar may be stamped before it is stale. */
  readonly maxAgeMs: number;
}

export const DEFAULT_BAR_GUARD_LIMITS: BarGuardLimits = {
  underlyingMove: 0.1,
  vixMove: 0.5,
  confirmations: 3,
  futureToleranceMs: MINUTE_MS,
  maxAgeMs: 2 * MINUTE_MS,
};

export type BarVerdict =
  | { readonly kind: 'good' }
  | { readonly kind: 'bad'; readonly problems: readonly string[] }
  | { readonly kind: 'suspect'; readonly problems: readonly string[]; readonly seen: number; readonly needed: number };

export interface BarGuardState {
  /** The latest bar judged good: the reference for the collar and for time moving forward. */
  readonly lastGood: MarketBar | null;
  /** The consecutive bars of a quarantine so far, oldest first. */
  readonly suspects: readonly MarketBar[];
}

export const INITIAL_BAR_GUARD: BarGuardState = { lastGood: null, suspects: [] };

const isPositive = (value: number) => Number.isFinite(value) && value > 0;

const percent = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;

/** What makes a bar unusable whatever came before it. */
export function intrinsicProblems(bar: MarketBar): string[] {
  const problems: string[] = [];
  if (bar.isStale) problems.push('quotes are stale');
  if (!Number.isFinite(bar.time)) problems.push('bar time is not a number');
  if (!(Number.isFinite(bar.vix) && bar.vix > 0 && bar.vix < 150)) problems.push(`VIX ${bar.vix} is outside 0-150`);
  for (const underlying of UNDERLYINGS) {
    const quote = bar.underlyings[underlying];
    if (!quote || !isPositive(quote.price) || !isPositive(quote.open)) problems.push(`${underlying} price is not a positive number`);
  }
  return problems;
}

function timeProblems(bar: MarketBar, lastGood: MarketBar | null, clockTime: EpochMs, limits: BarGuardLimits): string[] {
  if (!Number.isFinite(bar.time)) return [];
  if (lastGood && bar.time <= lastGood.time) return [`bar time ${new Date(bar.time).toISOString()} does not move forward`];
  if (bar.time > clockTime + limits.futureToleranceMs) return [`bar time ${new Date(bar.time).toISOString()} is in the future`];
  if (bar.time < clockTime - limits.maxAgeMs) return [`bar time ${new Date(bar.time).toISOString()} is stale`];
  return [];
}

/** Moves of `bar` against `reference` beyond the collar, named; empty when every move is within it. */
export function collarBreaches(bar: MarketBar, reference: MarketBar, limits: BarGuardLimits): string[] {
  const breaches: string[] = [];
  for (const underlying of UNDERLYINGS) {
    const move = bar.underlyings[underlying].price / reference.underlyings[underlying].price - 1;
    if (Math.abs(move) > limits.underlyingMove) breaches.push(`${underlying} moved ${percent(move)} in one bar (collar ${percent(limits.underlyingMove)})`);
  }
  const vixMove = bar.vix / reference.vix - 1;
  if (Math.abs(vixMove) > limits.vixMove) breaches.push(`VIX moved ${percent(vixMove)} in one bar (collar ${percent(limits.vixMove)})`);
  return breaches;
}

/**
 * Judges `bar`, stamped for a market clock at `clockTime`, against what came before: the verdict, and the
 * guard's next state. Pure: the engine keeps the state.
 */
export function judgeBar(
  state: BarGuardState,
  bar: MarketBar,
  clockTime: EpochMs,
  limits: BarGuardLimits = DEFAULT_BAR_GUARD_LIMITS,
): { verdict: BarVerdict; state: BarGuardState } {
  const lastSeen = state.suspects.at(-1) ?? state.lastGood;
  const problems = [...intrinsicProblems(bar), ...timeProblems(bar, lastSeen, clockTime, limits)];
  // A bad bar changes nothing: a quarantine neither ends nor advances on it.
  if (problems.length > 0) return { verdict: { kind: 'bad', problems }, state };
  if (!state.lastGood) return { verdict: { kind: 'good' }, state: { lastGood: bar, suspects: [] } };

  const breaches = collarBreaches(bar, state.lastGood, limits);
  if (breaches.length === 0) return { verdict: { kind: 'good' }, state: { lastGood: bar, suspects: [] } };

  // Beyond the collar: it joins the quarantine if it agrees with the suspects so far, else starts a new one.
  const first = state.suspects[0];
  const suspects = first && collarBreaches(bar, first, limits).length === 0 ? [...state.suspects, bar] : [bar];
  if (suspects.length >= limits.confirmations) return { verdict: { kind: 'good' }, state: { lastGood: bar, suspects: [] } };
  return {
    verdict: { kind: 'suspect', problems: breaches.map((breach) => `${breach}: quarantined`), seen: suspects.length, needed: limits.confirmations },
    state: { lastGood: state.lastGood, suspects },
  };
}
