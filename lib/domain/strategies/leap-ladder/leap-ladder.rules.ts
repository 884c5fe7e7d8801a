import { z } from 'zod';
import { addDays, isTradingDay, nyParts, type NyDate } from '../../market/calendar';
import { contractMultiplier, roundToStrike } from '../../market/instruments';
import { daysToExpiry, findExpiry, type ExpiryWindow } from '../../market/option-chain';
import { quoteOption } from '../../market/option-pricing';
import type { MarketBar, OptionContract, OrderLeg } from '../../market/types';
import type { PositionDecision, Proposal, StrategyContext, StrategyRules } from '../lifecycle/types';
import { positionPnl, sameContract, type Position, type PositionLeg } from '../position';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from '../entry-window';
import { vixRangeProblem, vixRangeSchema } from '../vix-range';

const days = z.number().int().nonnegative();

/** The LEAP put ladder is an SPY hedge. */
export const LADDER_UNDERLYING = 'SPY';

/** The LEAP put ladder's numbers (DESIGN.md). Times are New York wall-clock minutes of the day; days are calendar days. */
export const leapLadderSettingsSchema = z
  .object({
    /** Strike = SPY x each of these, in the order the rungs are built. */
    rungMoneyness: z.array(z.number().gt(0).lt(1)).min(1).max(10).default([0.9, 0.85, 0.8, 0.75, 0.7]),
    leapMinDays: days.default(365),
    leapMaxDays: days.default(730),
    leapTargetDays: days.default(540),
    portfolioValue: z.number().positive().default(100_000),
    /** The whole ladder's budget as a fraction of the portfolio, split evenly across the rungs. */
    budgetFraction: z.number().positive().max(1).default(0.05),
    entryFromMinute: minuteOfDaySchema.default(minuteOf(10, 0)),
    /** Inclusive: the 11:00 bar may still buy. */
    entryUntilMinute: minuteOfDaySchema.default(minuteOf(11, 0)),
    /** Rungs are bought (entry and builds) only while protection is cheap: VIX at most 30. */
    entryVix: vixRangeSchema({ atMost: 30 }),
    /** Rung n (counting from 0) is due this many days x n after the ladder opened. */
    buildIntervalDays: days.min(1).default(28),
    /** A rung with this many days or fewer to expiry is rolled out. */
    rollAtDte: days.default(90),
    /** Inclusive: from this VIX the hedge pays and the ladder is managed for its exit. */
    managingVix: z.number().positive().default(40),
    /** Inclusive: in MANAGING, once VIX is back at or under this, the hedge is banked. */
    exitVixAtMost: z.number().positive().default(30),
    /** In MANAGING, bank the hedge once the cycle's P&L reaches this multiple of what the ladder cost. */
    profitTarget: z.number().positive().default(1),
  })
  .refine((s) => new Set(s.rungMoneyness).size === s.rungMoneyness.length, 'the rungs must have different moneyness')
  .refine((s) => s.entryFromMinute <= s.entryUntilMinute, 'the entry window must not end before it starts')
  .refine((s) => s.leapMinDays <= s.leapTargetDays && s.leapTargetDays <= s.leapMaxDays, 'the LEAP target must lie in its window')
  .refine((s) => s.rollAtDte < s.leapMinDays, 'a new rung must not already be due for a roll')
  .refine((s) => s.exitVixAtMost < s.managingVix, 'the exit VIX must be below the managing VIX');

export type LeapLadderSettings = z.infer<typeof leapLadderSettingsSchema>;
export const LEAP_LADDER_DEFAULTS: LeapLadderSettings = leapLadderSettingsSchema.parse({});

type Context = StrategyContext<LeapLadderSettings>;

const clock = (minute: number): string => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;
const today = (bar: MarketBar): NyDate => nyParts(bar.time).date;

export const rungWindow = (s: LeapLadderSettings): ExpiryWindow => ({ minDays: s.leapMinDays, maxDays: s.leapMaxDays, targetDays: s.leapTargetDays });

/** Why no rung may be bought on this bar (empty: it may). Shared by the entry and every build. */
export function buyProblems(bar: MarketBar, settings: LeapLadderSettings): string[] {
  const problems: string[] = [];
  if (!isInEntryWindow(bar.time, settings)) {
    problems.push(`outside the trading-day ${clock(settings.entryFromMinute)}-${clock(settings.entryUntilMinute)} ET window`);
  }
  const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
  if (vixProblem) problems.push(`${vixProblem}: protection is too dear`);
  return problems;
}

/** The rungs held: the ladder's long puts. */
export const rungsOf = (position: Position | null): PositionLeg[] =>
  (position?.legs ?? []).filter((leg) => leg.quantity > 0 && leg.contract.right === 'P');

/**
 * A long put at `moneyness` x SPY (nearest listed strike) on the LEAP expiry closest to the target. A strike
 * some other rung already holds on that expiry steps down one listed strike, so that every rung stays its
 * own leg and the number of legs keeps counting the rungs. Null when no LEAP expiry (or no free strike) is listed.
 */
export function rungContract(bar: MarketBar, moneyness: number, settings: LeapLadderSettings, taken: readonly OptionContract[]): OptionContract | null {
  const expiry = findExpiry(LADDER_UNDERLYING, today(bar), rungWindow(settings));
  if (!expiry) return null;
  const spot = bar.underlyings[LADDER_UNDERLYING].price;
  let contract: OptionContract = { underlying: LADDER_UNDERLYING, expiry, strike: roundToStrike(LADDER_UNDERLYING, spot * moneyness, 'nearest', spot), right: 'P' };
  while (taken.some((held) => sameContract(held, contract))) {
    const lower = roundToStrike(LADDER_UNDERLYING, contract.strike - 0.01, 'down', spot);
    if (lower === contract.strike) return null;
    contract = { ...contract, strike: lower };
  }
  return contract;
}

/** Contracts per rung: each rung's even share of the budget at this bar's mid, and always at least one. */
export function rungQuantity(contract: OptionContract, bar: MarketBar, settings: LeapLadderSettings): number {
  const rungBudget = (settings.portfolioValue * settings.budgetFraction) / settings.rungMoneyness.length;
  const cost = quoteOption(contract, bar).mid * contractMultiplier(contract.underlying);
  return Math.max(1, cost > 0 ? Math.floor(rungBudget / cost) : 1);
}

/** The order leg that buys a rung at `moneyness`, or null when no LEAP expiry or free strike is listed. */
export function rungLeg(bar: MarketBar, moneyness: number, settings: LeapLadderSettings, taken: readonly OptionContract[]): OrderLeg | null {
  const contract = rungContract(bar, moneyness, settings, taken);
  return contract && { contract, side: 'BUY', quantity: rungQuantity(contract, bar, settings) };
}

/** The date rung number `held` (counting from 0) is due: `buildIntervalDays` x `held` after the ladder opened. */
export function nextRungDate(position: Position, settings: LeapLadderSettings): NyDate {
  return addDays(nyParts(position.openedAt).date, settings.buildIntervalDays * rungsOf(position).length);
}

/** The rungs with `rollAtDte` days or fewer to expiry on `date`. */
export const rungsDueForRoll = (rungs: readonly PositionLeg[], date: NyDate, settings: LeapLadderSettings): PositionLeg[] =>
  rungs.filter((rung) => daysToExpiry(rung.contract.expiry, date) <= settings.rollAtDte);

/**
 * The ADJUST legs of a roll: sell each due rung, buy the same quantity at its moneyness on a new LEAP expiry.
 * A rung's moneyness is its rank in the ladder (the highest strike is the first rung's), because spot has
 * moved since it was bought and a strike alone no longer says which rung it was.
 */
export function rollLegs(rungs: readonly PositionLeg[], due: readonly PositionLeg[], bar: MarketBar, settings: LeapLadderSettings): OrderLeg[] | null {
  const moneynessByRank = settings.rungMoneyness.slice(0, rungs.length).sort((a, b) => b - a);
  const lowest = moneynessByRank[moneynessByRank.length - 1] ?? settings.rungMoneyness[0] ?? 1;
  const byStrike = [...rungs].sort((a, b) => b.contract.strike - a.contract.strike);
  const taken: OptionContract[] = rungs.filter((rung) => !due.includes(rung)).map((rung) => rung.contract);
  const legs: OrderLeg[] = [];
  for (const rung of due) {
    const moneyness = moneynessByRank[byStrike.indexOf(rung)] ?? lowest;
    const contract = rungContract(bar, moneyness, settings, taken);
    if (!contract) return null;
    taken.push(contract);
    legs.push({ contract: rung.contract, side: 'SELL', quantity: rung.quantity }, { contract, side: 'BUY', quantity: rung.quantity });
  }
  return legs;
}

const describeLeg = ({ contract }: { contract: OptionContract }): string => `${contract.strike}P ${contract.expiry}`;

export const leapLadderRules: StrategyRules<LeapLadderSettings> = {
  kind: 'LEAP_LADDER',
  defaultName: 'LEAP put ladder',
  description: 'LEAP put ladder: long SPY puts 365-730 DTE at 0.90 down to 0.70 of spot, built rung by rung, rolled at 90 DTE; a tail hedge banked after a spike.',
  defaults: LEAP_LADDER_DEFAULTS,

  cycleKey: (bar) => today(bar),

  entryProblems: ({ settings }: Context, bar) => buyProblems(bar, settings),

  propose({ settings }: Context, bar): Proposal | { problems: string[] } {
    const moneyness = settings.rungMoneyness[0] ?? 1;
    const leg = rungLeg(bar, moneyness, settings, []);
    if (!leg) return { problems: [`no SPY expiry listed ${settings.leapMinDays}-${settings.leapMaxDays} days out`] };
    return {
      structure: 'LEAP_PUT_LADDER',
      legs: [leg],
      proposedAt: bar.time,
      note: `first rung ${leg.quantity}x ${describeLeg(leg)} (${moneyness} x SPY ${bar.underlyings.SPY.price}), VIX ${bar.vix}`,
    };
  },

  validate({ settings }: Context, proposal, bar) {
    const problems: string[] = [];
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    for (const leg of proposal.legs) {
      if (!(quoteOption(leg.contract, bar).mid > 0)) problems.push(`${describeLeg(leg)} has no price`);
    }
    return problems;
  },

  manage({ settings, position }: Context, bar, state): PositionDecision | null {
    const rungs = rungsOf(position);
    if (!position || rungs.length === 0) return null;

    if (state === 'MANAGING') {
      // What the ladder cost: the net cash paid into it this cycle, rungs bought less what rolls sold.
      const cost = -position.cash;
      const pnl = positionPnl(position, bar);
      if (cost > 0 && pnl >= settings.profitTarget * cost) {
        return { next: 'EXITING', reason: `P&L ${pnl.toFixed(2)} USD reached ${settings.profitTarget * 100}% of the ${cost.toFixed(2)} USD the ladder cost: banking the hedge` };
      }
      if (bar.vix <= settings.exitVixAtMost) return { next: 'EXITING', reason: `VIX ${bar.vix} is back at or under ${settings.exitVixAtMost}: banking the hedge` };
      return null;
    }

    if (bar.vix >= settings.managingVix) return { next: 'MANAGING', reason: `VIX ${bar.vix} reached ${settings.managingVix}: the hedge pays` };

    const date = today(bar);
    const due = rungsDueForRoll(rungs, date, settings);
    if (due.length > 0) {
      const legs = rollLegs(rungs, due, bar, settings);
      if (legs) {
        const sold = due.map(describeLeg).join(', ');
        const bought = legs.filter((leg) => leg.side === 'BUY').map(describeLeg).join(', ');
        return { next: 'ROLLING', legs, reason: `${sold} at ${settings.rollAtDte} DTE or less: rolling to ${bought}` };
      }
    }

    const moneyness = settings.rungMoneyness[rungs.length];
    if (moneyness === undefined || date < nextRungDate(position, settings) || buyProblems(bar, settings).length > 0) return null;
    const leg = rungLeg(bar, moneyness, settings, rungs.map((rung) => rung.contract));
    if (!leg) return null;
    return { next: 'BUILDING', legs: [leg], reason: `rung ${rungs.length + 1} of ${settings.rungMoneyness.length}: ${leg.quantity}x ${describeLeg(leg)} (${moneyness} x SPY)` };
  },

  isNextCycle: ({ cycle }: Context, bar) => {
    const date = today(bar);
    return isTradingDay(date) && (cycle === null || date > cycle);
  },
};
