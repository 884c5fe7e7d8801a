import { z } from 'zod';
import { isTradingDay, nyParts } from '../../market/calendar';
import { contractMultiplier } from '../../market/instruments';
import { daysToExpiry, findExpiry, findStrikeByDelta, strikeGrid } from '../../market/option-chain';
import type { MarketBar, OrderLeg } from '../../market/types';
import type { PositionDecision, Proposal, StrategyContext, StrategyRules } from '../lifecycle/types';
import { positionDte, positionPnl, type Position, type PositionLeg } from '../position';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from '../entry-window';
import { vixRangeProblem, vixRangeSchema } from '../vix-range';

const absDelta = z.number().positive().lt(1);

/** The LT112 rules' numbers (DESIGN.md). Times are New York wall-clock minutes of the day; both window ends are inclusive. */
export const lt112SettingsSchema = z
  .object({
    weekday: z.number().int().min(1).max(5).default(3),
    entryFromMinute: minuteOfDaySchema.default(minuteOf(10, 0)),
    entryUntilMinute: minuteOfDaySchema.default(minuteOf(10, 30)),
    /** The expiry window: the listed expiry closest to `targetDte` with days to expiry in [minDte, maxDte]. */
    minDte: z.number().int().positive().default(102),
    maxDte: z.number().int().positive().default(122),
    targetDte: z.number().int().positive().default(112),
    /** VIX at least 12 and at most 35. */
    entryVix: vixRangeSchema({ atLeast: 12, atMost: 35 }),
    /** The 1-1-2: buy one put at this |delta| ... */
    longPutDelta: absDelta.default(0.25),
    /** ... sell one below it at this |delta| ... */
    shortPutDelta: absDelta.default(0.2),
    /** ... and sell two further out at this |delta| (the naked puts). */
    nakedPutDelta: absDelta.default(0.08),
    /** Units of the 1-1-2 (one unit is 1 long, 1 short, 2 naked). */
    contracts: z.number().int().positive().max(100).default(1),
    /** Take profit at this fraction of the maximum profit while more than `managingDte` days remain. */
    profitTarget: z.number().positive().max(1).default(0.5),
    /** From this many days to expiry the position is in MANAGING ... */
    managingDte: z.number().int().positive().default(30),
    /** ... where profit is taken at this fraction of the maximum profit. */
    managingProfitTarget: z.number().positive().max(1).default(0.25),
    /** At this many days to expiry, if still open, DEFENSIVE_21DTE closes everything. */
    defensiveDte: z.number().int().nonnegative().default(21),
  })
  .refine((s) => s.entryFromMinute <= s.entryUntilMinute, 'the entry window must not end before it starts')
  .refine((s) => s.minDte <= s.targetDte && s.targetDte <= s.maxDte, 'the target DTE must lie in the expiry window')
  .refine((s) => s.longPutDelta > s.shortPutDelta && s.shortPutDelta > s.nakedPutDelta, 'the deltas must fall from the long put to the naked puts')
  .refine((s) => s.defensiveDte < s.managingDte, 'MANAGING must begin before the 21 DTE close');

export type LT112Settings = z.infer<typeof lt112SettingsSchema>;
export const LT112_DEFAULTS: LT112Settings = lt112SettingsSchema.parse({});

/** The highest listed strike strictly below `strike`, or null at the bottom of the grid. */
function strikeBelow(grid: readonly number[], strike: number): number | null {
  for (let i = grid.length - 1; i >= 0; i -= 1) {
    const candidate = grid[i];
    if (candidate !== undefined && candidate < strike) return candidate;
  }
  return null;
}

export interface LT112Strikes {
  readonly expiry: string;
  readonly long: number;
  readonly short: number;
  readonly naked: number;
}

/**
 * The 1-1-2's strikes on this bar: each by delta, and each strictly below the one before it: when the
 * delta search gives the same strike (or a higher one) the strike steps one listed strike lower.
 */
export function lt112Strikes(bar: MarketBar, settings: LT112Settings): LT112Strikes | { problems: string[] } {
  const today = nyParts(bar.time).date;
  const expiry = findExpiry('SPY', today, { minDays: settings.minDte, maxDays: settings.maxDte, targetDays: settings.targetDte });
  if (!expiry) return { problems: [`no SPY expiry listed ${settings.minDte}-${settings.maxDte} days out`] };
  const series = { underlying: 'SPY' as const, expiry, right: 'P' as const };
  const grid = strikeGrid('SPY', bar.underlyings.SPY.price);
  const long = findStrikeByDelta(series, settings.longPutDelta, bar);
  const shortByDelta = findStrikeByDelta(series, settings.shortPutDelta, bar);
  const short = shortByDelta < long ? shortByDelta : strikeBelow(grid, long);
  if (short === null) return { problems: [`no listed strike below the long put ${long}`] };
  const nakedByDelta = findStrikeByDelta(series, settings.nakedPutDelta, bar);
  const naked = nakedByDelta < short ? nakedByDelta : strikeBelow(grid, short);
  if (naked === null) return { problems: [`no listed strike below the short put ${short}`] };
  return { expiry, long, short, naked };
}

/** The order legs of `units` 1-1-2s: the long put first, so the combo's unit is one long put. */
export function lt112Legs({ expiry, long, short, naked }: LT112Strikes, units: number): OrderLeg[] {
  const put = (strike: number) => ({ underlying: 'SPY' as const, expiry, strike, right: 'P' as const });
  return [
    { contract: put(long), side: 'BUY', quantity: units },
    { contract: put(short), side: 'SELL', quantity: units },
    { contract: put(naked), side: 'SELL', quantity: 2 * units },
  ];
}

/** The legs of a held 1-1-2 as the rules see them: the long put, the short put above the naked puts, and the naked puts. */
interface HeldStructure {
  readonly long: PositionLeg | null;
  readonly short: PositionLeg | null;
  readonly naked: PositionLeg | null;
}

function heldStructure(position: Position): HeldStructure {
  const longs = position.legs.filter((leg) => leg.quantity > 0 && leg.contract.right === 'P');
  const shorts = position.legs.filter((leg) => leg.quantity < 0 && leg.contract.right === 'P').sort((a, b) => b.contract.strike - a.contract.strike);
  return {
    long: longs.sort((a, b) => b.contract.strike - a.contract.strike)[0] ?? null,
    short: shorts.length > 1 ? (shorts[0] ?? null) : null,
    naked: shorts[shorts.length - 1] ?? null,
  };
}

/**
 * The most the 1-1-2 can make, in dollars: at expiry with SPY at the short strike the long put is worth
 * the spread's width and every short expires worthless, so (long - short) x 100 x units + the entry's cash.
 * Null when the position is no longer a whole 1-1-2.
 */
export function lt112MaxProfit(position: Position): number | null {
  const { long, short } = heldStructure(position);
  if (!long || !short) return null;
  return (long.contract.strike - short.contract.strike) * contractMultiplier('SPY') * long.quantity + position.entryCash;
}

type Context = StrategyContext<LT112Settings>;

export const lt112Rules: StrategyRules<LT112Settings> = {
  kind: 'LT112',
  defaultName: 'LT112',
  description: 'LT112: an SPY 1-1-2 put ratio about 112 days out, opened on Wednesdays; half the maximum profit, closed at 21 DTE.',
  defaults: LT112_DEFAULTS,

  cycleKey: (bar) => nyParts(bar.time).date,

  entryProblems({ settings }: Context, bar) {
    const problems: string[] = [];
    if (!isInEntryWindow(bar.time, settings)) problems.push('outside the Wednesday 10:00-10:30 ET entry window');
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    return problems;
  },

  propose({ settings }: Context, bar): Proposal | { problems: string[] } {
    const strikes = lt112Strikes(bar, settings);
    if ('problems' in strikes) return strikes;
    const dte = daysToExpiry(strikes.expiry, nyParts(bar.time).date);
    return {
      structure: 'PUT_RATIO_112',
      legs: lt112Legs(strikes, settings.contracts),
      proposedAt: bar.time,
      note: `1-1-2 ${strikes.long}/${strikes.short}/${strikes.naked}x2 puts expiring ${strikes.expiry} (${dte} DTE) on SPY ${bar.underlyings.SPY.price}, VIX ${bar.vix}`,
    };
  },

  validate({ settings }: Context, proposal, bar) {
    const problems: string[] = [];
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    const nakedStrike = Math.min(...proposal.legs.map((leg) => leg.contract.strike));
    const spot = bar.underlyings.SPY.price;
    if (spot <= nakedStrike) problems.push(`SPY ${spot} is already at or below the naked put ${nakedStrike}`);
    return problems;
  },

  manage({ settings, position }: Context, bar, state): PositionDecision | null {
    if (!position) return null;
    const { naked } = heldStructure(position);
    const spot = bar.underlyings.SPY.price;
    if (naked && spot <= naked.contract.strike) {
      return { next: 'DEFENSIVE_EXIT', reason: `SPY ${spot} reached the naked short put ${naked.contract.strike}` };
    }
    const dte = positionDte(position, bar);
    if (dte === null) return null;
    if (dte <= settings.defensiveDte) return { next: 'DEFENSIVE_21DTE', reason: `${dte} DTE: still open at ${settings.defensiveDte} DTE, closing it` };
    const maxProfit = lt112MaxProfit(position);
    const target = dte <= settings.managingDte ? settings.managingProfitTarget : settings.profitTarget;
    const pnl = positionPnl(position, bar);
    if (maxProfit !== null && maxProfit > 0 && pnl >= target * maxProfit) {
      return { next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached ${Math.round(target * 100)}% of the maximum ${maxProfit.toFixed(2)} USD` };
    }
    if (state === 'ACTIVE' && dte <= settings.managingDte) return { next: 'MANAGING', reason: `${dte} DTE: managing, profit target ${Math.round(settings.managingProfitTarget * 100)}%` };
    return null;
  },

  isNextCycle({ cycle }: Context, bar) {
    const { date } = nyParts(bar.time);
    return isTradingDay(date) && (cycle === null || date > cycle);
  },
};
