import { z } from 'zod';
import { isTradingDay, nyParts } from '../../market/calendar';
import { daysToExpiry, findExpiry, findStrikeByDelta, strikeGrid } from '../../market/option-chain';
import type { MarketBar, OptionContract, OptionRight, OrderLeg } from '../../market/types';
import type { PositionDecision, Proposal, StrategyContext, StrategyRules } from '../lifecycle/types';
import { closingLegsFor, positionDte, positionPnl, type Position, type PositionLeg } from '../position';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from '../entry-window';
import { vixRangeProblem, vixRangeSchema } from '../vix-range';


/** The futures strangle's numbers (DESIGN.md). Times are New York wall-clock minutes of the day; both window ends are inclusive. */
export const futuresStrangleSettingsSchema = z
  .object({
    entryFromMinute: minuteOfDaySchema.default(minuteOf(10, 0)),
    entryUntilMinute: minuteOfDaySchema.default(minuteOf(11, 0)),
    /** The expiry window: the listed /ES expiry closest to `targetDte` with days to expiry in [minDte, maxDte]. */
    minDte: z.number().int().positive().default(45),
    maxDte: z.number().int().positive().default(60),
    targetDte: z.number().int().positive().default(52),
    /** |delta| of both shorts, at entry and for the new short of a roll. */
    shortDelta: z.number().positive().lt(0.5).default(0.16),
    /** VIX at least 15 and at most 40. */
    entryVix: vixRangeSchema({ atLeast: 15, atMost: 40 }),
    contracts: z.number().int().positive().max(100).default(1),
    /** Take profit at this fraction of the credit while more than `managingDte` days remain. */
    profitTarget: z.number().positive().max(1).default(0.5),
    /** From this many days to expiry the position is in MANAGING ... */
    managingDte: z.number().int().positive().default(28),
    /** ... where profit is taken at this fraction of the credit. */
    managingProfitTarget: z.number().positive().max(1).default(0.25),
    /** Exit defensively once the loss reaches this multiple of the credit. */
    stopLossMultiple: z.number().positive().default(2.5),
    /** Close everything at this many days to expiry. */
    exitDte: z.number().int().nonnegative().default(21),
    /** A short is tested once /ES is closer to it than this fraction of /ES's price (or past it). */
    testedDistance: z.number().positive().lt(1).default(0.05),
    /** Roll attempts allowed per cycle; a side tested after them exits defensively. */
    maxRolls: z.number().int().nonnegative().default(2),
  })
  .refine((s) => s.entryFromMinute <= s.entryUntilMinute, 'the entry window must not end before it starts')
  .refine((s) => s.minDte <= s.targetDte && s.targetDte <= s.maxDte, 'the target DTE must lie in the expiry window')
  .refine((s) => s.exitDte < s.managingDte, 'MANAGING must begin before the 21 DTE exit');

export type FuturesStrangleSettings = z.infer<typeof futuresStrangleSettingsSchema>;
export const FUTURES_STRANGLE_DEFAULTS: FuturesStrangleSettings = futuresStrangleSettingsSchema.parse({});

/**
 * How far /ES is from a short strike towards it, as a fraction of /ES: (ES - strike) / ES for a put,
 * (strike - ES) / ES for a call. Negative once /ES is past the strike.
 */
export function distanceToStrike(contract: OptionContract, es: number): number {
  return contract.right === 'P' ? (es - contract.strike) / es : (contract.strike - es) / es;
}

/** A short is tested when /ES is within `testedDistance` of it on its side, or past it. */
export function isTested(contract: OptionContract, es: number, settings: FuturesStrangleSettings): boolean {
  return distanceToStrike(contract, es) < settings.testedDistance;
}

/**
 * Roll attempts this cycle, read from the context: every order a cycle sends after its entry while the
 * position is held is an adjustment (a close ends the cycle), so `orderAttempts - 1`. Rejected or failed
 * rolls, and entry orders retried the same day, count too: the cap errs towards exiting, never towards
 * a third roll. It is persisted with the context, so a restore keeps it.
 */
export function rollsThisCycle(context: StrategyContext<FuturesStrangleSettings>): number {
  return Math.max(0, context.orderAttempts - 1);
}

/**
 * The strike a tested short of `right` rolls to: the `shortDelta` strike of the same expiry, or, when that
 * one would itself be tested, the nearest listed strike further out that is not. Null when none is listed.
 */
export function rollStrike(contract: OptionContract, bar: MarketBar, settings: FuturesStrangleSettings): number | null {
  const es = bar.underlyings.ES.price;
  const byDelta = findStrikeByDelta(contract, settings.shortDelta, bar);
  const untested = (strike: number) => !isTested({ ...contract, strike }, es, settings);
  if (untested(byDelta)) return byDelta;
  const grid = strikeGrid('ES', es);
  const candidates = contract.right === 'P' ? grid.filter((k) => k < byDelta).reverse() : grid.filter((k) => k > byDelta);
  return candidates.find(untested) ?? null;
}

export interface StrangleStrikes {
  readonly expiry: string;
  readonly put: number;
  readonly call: number;
}

export function strangleStrikes(bar: MarketBar, settings: FuturesStrangleSettings): StrangleStrikes | { problems: string[] } {
  const today = nyParts(bar.time).date;
  const expiry = findExpiry('ES', today, { minDays: settings.minDte, maxDays: settings.maxDte, targetDays: settings.targetDte });
  if (!expiry) return { problems: [`no /ES expiry listed ${settings.minDte}-${settings.maxDte} days out`] };
  const strike = (right: OptionRight) => findStrikeByDelta({ underlying: 'ES', expiry, right }, settings.shortDelta, bar);
  return { expiry, put: strike('P'), call: strike('C') };
}

export function strangleLegs({ expiry, put, call }: StrangleStrikes, units: number): OrderLeg[] {
  return [
    { contract: { underlying: 'ES', expiry, strike: put, right: 'P' }, side: 'SELL', quantity: units },
    { contract: { underlying: 'ES', expiry, strike: call, right: 'C' }, side: 'SELL', quantity: units },
  ];
}

const describeShort = ({ right, strike }: OptionContract): string => `short ${right === 'P' ? 'put' : 'call'} ${strike}`;

function testedProblems(legs: readonly { contract: OptionContract }[], bar: MarketBar, settings: FuturesStrangleSettings): string[] {
  const es = bar.underlyings.ES.price;
  return legs
    .filter(({ contract }) => isTested(contract, es, settings))
    .map(({ contract }) => `the ${describeShort(contract)} is already within ${settings.testedDistance * 100}% of /ES ${es}`);
}

/** The tested short /ES is closest to (or furthest past), if any. */
function mostTestedShort(position: Position, es: number, settings: FuturesStrangleSettings): PositionLeg | null {
  const tested = position.legs
    .filter((leg) => leg.quantity < 0 && isTested(leg.contract, es, settings))
    .sort((a, b) => distanceToStrike(a.contract, es) - distanceToStrike(b.contract, es));
  return tested[0] ?? null;
}

type Context = StrategyContext<FuturesStrangleSettings>;

export const futuresStrangleRules: StrategyRules<FuturesStrangleSettings> = {
  kind: 'FUTURES_STRANGLE',
  defaultName: 'Futures strangle',
  description: 'Futures strangle: a 16-delta /ES option strangle 45-60 days out; half the credit, out at 21 DTE, a tested side rolled twice at most.',
  defaults: FUTURES_STRANGLE_DEFAULTS,

  cycleKey: (bar) => nyParts(bar.time).date,

  entryProblems({ settings }: Context, bar) {
    const problems: string[] = [];
    if (!isInEntryWindow(bar.time, settings)) problems.push('outside the 10:00-11:00 ET entry window of a trading day');
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    return problems;
  },

  propose({ settings }: Context, bar): Proposal | { problems: string[] } {
    const strikes = strangleStrikes(bar, settings);
    if ('problems' in strikes) return strikes;
    const legs = strangleLegs(strikes, settings.contracts);
    const problems = testedProblems(legs, bar, settings);
    if (problems.length > 0) return { problems };
    const dte = daysToExpiry(strikes.expiry, nyParts(bar.time).date);
    return {
      structure: 'STRANGLE',
      legs,
      proposedAt: bar.time,
      note: `/ES ${strikes.put}P/${strikes.call}C strangle expiring ${strikes.expiry} (${dte} DTE) on /ES ${bar.underlyings.ES.price}, VIX ${bar.vix}`,
    };
  },

  validate({ settings }: Context, proposal, bar) {
    const problems: string[] = [];
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    problems.push(...testedProblems(proposal.legs, bar, settings));
    return problems;
  },

  manage(context: Context, bar, state): PositionDecision | null {
    const { settings, position } = context;
    if (!position) return null;
    const credit = position.entryCash;
    const pnl = positionPnl(position, bar);
    if (credit > 0 && -pnl >= settings.stopLossMultiple * credit) {
      return { next: 'DEFENSIVE_EXIT', reason: `loss ${(-pnl).toFixed(2)} USD reached ${settings.stopLossMultiple}x the credit` };
    }
    const dte = positionDte(position, bar);
    if (dte === null) return null;
    if (dte <= settings.exitDte) return { next: 'EXITING', reason: `${dte} DTE: out at ${settings.exitDte} DTE` };
    const target = dte <= settings.managingDte ? settings.managingProfitTarget : settings.profitTarget;
    if (credit > 0 && pnl >= target * credit) {
      return { next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached ${Math.round(target * 100)}% of the credit` };
    }
    const es = bar.underlyings.ES.price;
    const tested = mostTestedShort(position, es, settings);
    if (tested) {
      const what = `the ${describeShort(tested.contract)} is tested (/ES ${es})`;
      const rolls = rollsThisCycle(context);
      if (rolls >= settings.maxRolls) return { next: 'DEFENSIVE_EXIT', reason: `${what} after ${rolls} roll attempts this cycle` };
      const strike = rollStrike(tested.contract, bar, settings);
      if (strike === null) return { next: 'DEFENSIVE_EXIT', reason: `${what} and no strike further out is listed` };
      return {
        next: 'ROLLING',
        reason: `${what}: rolling it to ${strike}`,
        legs: [...closingLegsFor([tested]), { contract: { ...tested.contract, strike }, side: 'SELL', quantity: -tested.quantity }],
      };
    }
    if (state === 'ACTIVE' && dte <= settings.managingDte) {
      return { next: 'MANAGING', reason: `${dte} DTE: managing, profit target ${Math.round(settings.managingProfitTarget * 100)}%` };
    }
    return null;
  },

  isNextCycle({ cycle }: Context, bar) {
    const { date } = nyParts(bar.time);
    return isTradingDay(date) && (cycle === null || date > cycle);
  },
};
