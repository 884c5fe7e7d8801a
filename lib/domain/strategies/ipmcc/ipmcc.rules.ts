import { z } from 'zod';
import { isTradingDay, nyParts, type NyDate } from '../../market/calendar';
import { roundToStrike } from '../../market/instruments';
import { daysToExpiry, findExpiry, findStrikeByDelta, type ExpiryWindow } from '../../market/option-chain';
import { comboMid, quoteOption } from '../../market/option-pricing';
import type { MarketBar, OptionContract, OrderLeg, Underlying } from '../../market/types';
import type { PositionDecision, Proposal, StrategyContext, StrategyRules } from '../lifecycle/types';
import { closingLegsFor, positionPnl, type PositionLeg } from '../position';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from '../entry-window';
import { vixRangeProblem, vixRangeSchema } from '../vix-range';

const days = z.number().int().nonnegative();

export const IPMCC_UNDERLYINGS = ['QQQ', 'SPY', 'IWM'] as const satisfies readonly Underlying[];

/** The IPMCC rules' numbers (DESIGN.md). Times are New York wall-clock minutes of the day; days are calendar days. */
export const ipmccSettingsSchema = z
  .object({
    underlying: z.enum(IPMCC_UNDERLYINGS).default('QQQ'),
    entryFromMinute: minuteOfDaySchema.default(minuteOf(10, 0)),
    /** Inclusive: the 11:00 bar may still enter. */
    entryUntilMinute: minuteOfDaySchema.default(minuteOf(11, 0)),
    /** VIX above 12 (below it premiums are too thin to sell) and at most 40. */
    entryVix: vixRangeSchema({ above: 12, atMost: 40 }),
    leapMinDays: days.default(365),
    leapMaxDays: days.default(730),
    leapTargetDays: days.default(540),
    /** |delta| of the LEAP call: deep enough in the money to behave like stock. */
    leapDelta: z.number().gt(0).lt(1).default(0.8),
    shortMinDays: days.default(7),
    shortMaxDays: days.default(14),
    shortTargetDays: days.default(10),
    /** The short call's strike is at least spot x (1 + this), rounded up to a listed strike. */
    shortOtm: z.number().nonnegative().max(0.5).default(0.03),
    contracts: z.number().int().positive().max(100).default(1),
    /** Roll the short call once it has this many days or fewer to expiry. */
    rollAtDte: days.default(7),
    /** An in-the-money short call with this many days or fewer is an assignment risk. */
    assignmentDte: days.default(2),
    /** An in-the-money short call whose extrinsic value (per share) is below this is an assignment risk. */
    minExtrinsic: z.number().nonnegative().default(0.05),
    /** Exclusive: above this VIX the position is closed defensively. */
    exitVixAbove: z.number().positive().default(40),
    /** Take profit once the cycle's P&L reaches this fraction of the entry debit. */
    profitTarget: z.number().positive().default(0.5),
    /** With this many days or fewer left on the LEAP, no new short is sold: MANAGING winds the position down. */
    managingLeapDte: days.default(120),
  })
  .refine((s) => s.entryFromMinute <= s.entryUntilMinute, 'the entry window must not end before it starts')
  .refine((s) => s.leapMinDays <= s.leapTargetDays && s.leapTargetDays <= s.leapMaxDays, 'the LEAP target must lie in its window')
  .refine((s) => s.shortMinDays <= s.shortTargetDays && s.shortTargetDays <= s.shortMaxDays, 'the short call target must lie in its window')
  .refine((s) => s.shortMaxDays > s.rollAtDte, 'a new short call must have more days to go than the roll threshold')
  .refine((s) => s.managingLeapDte < s.leapMinDays, 'a new LEAP must not already be due for MANAGING');

export type IpmccSettings = z.infer<typeof ipmccSettingsSchema>;
export const IPMCC_DEFAULTS: IpmccSettings = ipmccSettingsSchema.parse({});

type Context = StrategyContext<IpmccSettings>;

const clock = (minute: number): string => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;
const today = (bar: MarketBar): NyDate => nyParts(bar.time).date;

export const leapWindow = (s: IpmccSettings): ExpiryWindow => ({ minDays: s.leapMinDays, maxDays: s.leapMaxDays, targetDays: s.leapTargetDays });

/**
 * The window a new short call is chosen from. Never at or under the roll threshold: on a Friday the
 * 7-14 day window's closest expiry to 10 days is next Friday at 7 days, which would be rolled at once.
 */
export const shortCallWindow = (s: IpmccSettings): ExpiryWindow => ({
  minDays: Math.max(s.shortMinDays, s.rollAtDte + 1),
  maxDays: s.shortMaxDays,
  targetDays: Math.max(s.shortTargetDays, s.rollAtDte + 1),
});

/** The LEAP call: the first long call held. */
export const leapLeg = (legs: readonly PositionLeg[]): PositionLeg | undefined =>
  legs.find((leg) => leg.quantity > 0 && leg.contract.right === 'C');

/** The weekly short call: the first short call held. */
export const shortLeg = (legs: readonly PositionLeg[]): PositionLeg | undefined =>
  legs.find((leg) => leg.quantity < 0 && leg.contract.right === 'C');

/**
 * The short call to sell on this bar: 7-14 days (more than the roll threshold), strike spot x 1.03 rounded
 * up to a listed strike and strictly above the LEAP's strike, so the pair stays a call diagonal. Null when no
 * expiry is listed in the window.
 */
export function newShortCall(bar: MarketBar, leapStrike: number, settings: IpmccSettings): OptionContract | null {
  const { underlying } = settings;
  const expiry = findExpiry(underlying, today(bar), shortCallWindow(settings));
  if (!expiry) return null;
  const spot = bar.underlyings[underlying].price;
  const otm = roundToStrike(underlying, spot * (1 + settings.shortOtm), 'up', spot);
  const aboveLeap = roundToStrike(underlying, leapStrike + 0.01, 'up', spot);
  return { underlying, expiry, strike: Math.max(otm, aboveLeap), right: 'C' };
}

/** The entry combo on this bar, or why there is none. */
export function ipmccLegs(bar: MarketBar, settings: IpmccSettings): OrderLeg[] | { problems: string[] } {
  const { underlying, contracts } = settings;
  const leapExpiry = findExpiry(underlying, today(bar), leapWindow(settings));
  if (!leapExpiry) return { problems: [`no ${underlying} expiry listed ${settings.leapMinDays}-${settings.leapMaxDays} days out for the LEAP`] };
  const leapStrike = findStrikeByDelta({ underlying, expiry: leapExpiry, right: 'C' }, settings.leapDelta, bar);
  const short = newShortCall(bar, leapStrike, settings);
  if (!short) return { problems: [`no ${underlying} expiry listed ${shortCallWindow(settings).minDays}-${settings.shortMaxDays} days out for the short call`] };
  return [
    { contract: { underlying, expiry: leapExpiry, strike: leapStrike, right: 'C' }, side: 'BUY', quantity: contracts },
    { contract: short, side: 'SELL', quantity: contracts },
  ];
}

/** Extrinsic (time) value per share of a call on this bar: its mid above what exercising it now would give. */
export function callExtrinsic(contract: OptionContract, bar: MarketBar): number {
  const intrinsic = Math.max(0, bar.underlyings[contract.underlying].price - contract.strike);
  return quoteOption(contract, bar).mid - intrinsic;
}

/**
 * Why the short call may be assigned early, or null. In the money and either at most `assignmentDte` days
 * from expiry, or with less than `minExtrinsic` time value left (nothing is lost to its holder by exercising).
 */
export function assignmentRisk(short: PositionLeg, bar: MarketBar, settings: IpmccSettings): string | null {
  const { contract } = short;
  const spot = bar.underlyings[contract.underlying].price;
  if (!(spot > contract.strike)) return null;
  const dte = daysToExpiry(contract.expiry, today(bar));
  const label = `the short ${contract.strike}C ${contract.expiry} is in the money (${contract.underlying} ${spot})`;
  if (dte <= settings.assignmentDte) return `assignment risk: ${label} with ${dte} DTE`;
  const extrinsic = callExtrinsic(contract, bar);
  if (extrinsic < settings.minExtrinsic) return `assignment risk: ${label} with ${extrinsic.toFixed(2)} extrinsic value left`;
  return null;
}

/** The ADJUST legs of a roll: buy back the old short (if any), sell a new one covering the LEAP. Null when none is listed. */
export function rollLegs(leap: PositionLeg, short: PositionLeg | undefined, bar: MarketBar, settings: IpmccSettings): OrderLeg[] | null {
  const next = newShortCall(bar, leap.contract.strike, settings);
  if (!next) return null;
  const buyBack = short ? closingLegsFor([short]) : [];
  return [...buyBack, { contract: next, side: 'SELL', quantity: leap.quantity }];
}

export const ipmccRules: StrategyRules<IpmccSettings> = {
  kind: 'IPMCC',
  defaultName: 'IPMCC',
  description: 'Income poor man\'s covered call: a deep LEAP call financed by weekly short calls rolled before expiry.',
  defaults: IPMCC_DEFAULTS,

  cycleKey: (bar) => today(bar),

  entryProblems({ settings }: Context, bar) {
    const problems: string[] = [];
    if (!isInEntryWindow(bar.time, settings)) {
      problems.push(`outside the trading-day ${clock(settings.entryFromMinute)}-${clock(settings.entryUntilMinute)} ET entry window`);
    }
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    return problems;
  },

  propose({ settings }: Context, bar): Proposal | { problems: string[] } {
    const legs = ipmccLegs(bar, settings);
    if ('problems' in legs) return legs;
    const [leap, short] = legs;
    const spot = bar.underlyings[settings.underlying].price;
    return {
      structure: 'IPMCC',
      legs,
      proposedAt: bar.time,
      note: `LEAP ${leap?.contract.strike}C ${leap?.contract.expiry} / short ${short?.contract.strike}C ${short?.contract.expiry} on ${settings.underlying} ${spot}, VIX ${bar.vix}`,
    };
  },

  validate({ settings }: Context, proposal, bar) {
    const problems: string[] = [];
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    const [leap, short] = proposal.legs;
    if (leap && short && !(short.contract.strike > leap.contract.strike)) {
      problems.push(`the short strike ${short.contract.strike} is not above the LEAP strike ${leap.contract.strike}`);
    }
    const debit = -comboMid(proposal.legs, bar);
    if (!(debit > 0)) problems.push(`the combo is not a debit (${debit.toFixed(2)})`);
    return problems;
  },

  manage({ settings, position }: Context, bar, state): PositionDecision | null {
    if (!position) return null;
    const leap = leapLeg(position.legs);
    const short = shortLeg(position.legs);
    if (!leap) return { next: 'DEFENSIVE_EXIT', reason: 'no LEAP call held: the short call is uncovered' };
    if (bar.vix > settings.exitVixAbove) return { next: 'DEFENSIVE_EXIT', reason: `VIX ${bar.vix} is above ${settings.exitVixAbove}` };
    const risk = short ? assignmentRisk(short, bar, settings) : null;
    if (risk) return { next: 'DEFENSIVE_EXIT', reason: risk };

    const debit = -position.entryCash;
    const pnl = positionPnl(position, bar);
    if (debit > 0 && pnl >= settings.profitTarget * debit) {
      return { next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached ${settings.profitTarget * 100}% of the ${debit.toFixed(2)} USD debit` };
    }

    const date = today(bar);
    const shortDte = short ? daysToExpiry(short.contract.expiry, date) : null;
    const isShortDue = shortDte === null || shortDte <= settings.rollAtDte;
    if (state === 'MANAGING') {
      if (!isShortDue) return null;
      return { next: 'EXITING', reason: shortDte === null ? 'no short call left: closing the LEAP' : `the last short call has ${shortDte} DTE: closing everything` };
    }

    const leapDte = daysToExpiry(leap.contract.expiry, date);
    if (leapDte <= settings.managingLeapDte) {
      return { next: 'MANAGING', reason: `the LEAP has ${leapDte} DTE: no new short calls, winding down` };
    }
    if (!isShortDue) return null;
    const legs = rollLegs(leap, short, bar, settings);
    if (!legs) return null;
    const sold = legs[legs.length - 1]?.contract;
    return {
      next: 'ROLLING',
      legs,
      reason: `${shortDte === null ? 'no short call held' : `the short call has ${shortDte} DTE`}: selling ${sold?.strike}C ${sold?.expiry}`,
    };
  },

  isNextCycle: ({ cycle }: Context, bar) => {
    const date = today(bar);
    return isTradingDay(date) && (cycle === null || date > cycle);
  },
};
