import { z } from 'zod';
import { nyParts } from '../../market/calendar';
import { comboMid } from '../../market/option-pricing';
import type { MarketBar, OrderLeg } from '../../market/types';
import type { Proposal, StrategyContext, StrategyRules } from '../lifecycle/types';
import { positionPnl } from '../position';
import { isInEntryWindow, minuteOf, minuteOfDaySchema } from '../entry-window';
import { vixRangeProblem, vixRangeSchema } from '../vix-range';


/** The 0DTE Friday rules' numbers (DESIGN.md). Times are New York wall-clock minutes of the day. */
export const zeroDteSettingsSchema = z
  .object({
    weekday: z.number().int().min(1).max(5).default(5),
    entryFromMinute: minuteOfDaySchema.default(minuteOf(10, 30)),
    /** Inclusive: "no entry after 11:00" still allows the 11:00 bar. */
    entryUntilMinute: minuteOfDaySchema.default(minuteOf(11, 0)),
    /** VIX must be above 22; entries are suspended above 35. */
    entryVix: vixRangeSchema({ above: 22, atMost: 35 }),
    /** |SPY move since the open| below this: iron condor. */
    condorMaxMove: z.number().positive().default(0.002),
    /** |move| above this: a spread on the side the market moved away from. Between the two: no trade. */
    directionalMinMove: z.number().positive().default(0.005),
    wingWidth: z.number().positive().default(5),
    contracts: z.number().int().positive().max(100).default(1),
    /** Take profit once this fraction of the credit is earned. */
    profitTarget: z.number().positive().max(1).default(0.5),
    /** Exit defensively once the loss reaches this multiple of the credit. */
    stopLossMultiple: z.number().positive().default(2),
    managingFromMinute: minuteOfDaySchema.default(minuteOf(15, 30)),
    /** MANAGING closes whatever is left at this minute, well before the 16:00 expiry. */
    closeByMinute: minuteOfDaySchema.default(minuteOf(15, 45)),
    /** Below this net credit per share the structure is not worth its risk. */
    minCredit: z.number().nonnegative().default(0.05),
  })
  .refine((s) => s.entryFromMinute <= s.entryUntilMinute, 'the entry window must not end before it starts')
  .refine((s) => s.condorMaxMove <= s.directionalMinMove, 'the condor move must not exceed the directional move');

export type ZeroDteSettings = z.infer<typeof zeroDteSettingsSchema>;
export const ZERO_DTE_DEFAULTS: ZeroDteSettings = zeroDteSettingsSchema.parse({});

export type ZeroDteStructure = 'IRON_CONDOR' | 'PUT_SPREAD' | 'CALL_SPREAD';

/** The expected one-day move: price x VIX/100 x sqrt(1/252). */
export function expectedDailyMove(spot: number, vix: number): number {
  return spot * (vix / 100) * Math.sqrt(1 / 252);
}

/** SPY's move since today's open, as a fraction. */
export function morningMove(bar: MarketBar): number {
  const { price, open } = bar.underlyings.SPY;
  return price / open - 1;
}

/** The structure the morning move calls for: calm -> iron condor; up -> put spread; down -> call spread. */
export function chooseStructure(bar: MarketBar, settings: ZeroDteSettings): ZeroDteStructure | null {
  const move = morningMove(bar);
  if (Math.abs(move) < settings.condorMaxMove) return 'IRON_CONDOR';
  if (move > settings.directionalMinMove) return 'PUT_SPREAD';
  if (move < -settings.directionalMinMove) return 'CALL_SPREAD';
  return null;
}

/** Short strikes one expected daily move out (whole dollars, away from spot), wings `wingWidth` further. */
export function zeroDteLegs(bar: MarketBar, structure: ZeroDteStructure, settings: ZeroDteSettings): OrderLeg[] {
  const spot = bar.underlyings.SPY.price;
  const expiry = nyParts(bar.time).date;
  const move = expectedDailyMove(spot, bar.vix);
  const shortPut = Math.floor(spot - move);
  const shortCall = Math.ceil(spot + move);
  const leg = (strike: number, right: 'C' | 'P', side: 'BUY' | 'SELL'): OrderLeg => ({
    contract: { underlying: 'SPY', expiry, strike, right },
    side,
    quantity: settings.contracts,
  });
  const putSpread = [leg(shortPut - settings.wingWidth, 'P', 'BUY'), leg(shortPut, 'P', 'SELL')];
  const callSpread = [leg(shortCall, 'C', 'SELL'), leg(shortCall + settings.wingWidth, 'C', 'BUY')];
  if (structure === 'PUT_SPREAD') return putSpread;
  if (structure === 'CALL_SPREAD') return callSpread;
  return [...putSpread, ...callSpread];
}

/** The first short strike SPY has touched, described; null while none is. */
export function shortStrikeBreach(legs: readonly { contract: OrderLeg['contract']; quantity: number }[], bar: MarketBar): string | null {
  const spot = bar.underlyings.SPY.price;
  for (const { contract, quantity } of legs) {
    if (quantity >= 0) continue;
    if (contract.right === 'P' && spot <= contract.strike) return `SPY ${spot} breached the short put ${contract.strike}`;
    if (contract.right === 'C' && spot >= contract.strike) return `SPY ${spot} breached the short call ${contract.strike}`;
  }
  return null;
}

const signedLegs = (legs: readonly OrderLeg[]) =>
  legs.map((leg) => ({ contract: leg.contract, quantity: leg.side === 'BUY' ? leg.quantity : -leg.quantity }));

type Context = StrategyContext<ZeroDteSettings>;

export const zeroDteRules: StrategyRules<ZeroDteSettings> = {
  kind: 'ZERO_DTE',
  defaultName: '0DTE Friday',
  description: '0DTE Friday: an SPY iron condor or credit spread opened and closed on the same Friday.',
  defaults: ZERO_DTE_DEFAULTS,

  cycleKey: (bar) => nyParts(bar.time).date,

  entryProblems({ settings }: Context, bar) {
    const problems: string[] = [];
    if (!isInEntryWindow(bar.time, settings)) problems.push('outside the Friday 10:30-11:00 ET entry window');
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    return problems;
  },

  propose({ settings }: Context, bar): Proposal | { problems: string[] } {
    const structure = chooseStructure(bar, settings);
    const move = (morningMove(bar) * 100).toFixed(2);
    if (!structure) return { problems: [`SPY moved ${move}% since the open: between the condor and directional thresholds`] };
    const legs = zeroDteLegs(bar, structure, settings);
    return {
      structure,
      legs,
      proposedAt: bar.time,
      note: `${structure.replace('_', ' ').toLowerCase()} on SPY ${bar.underlyings.SPY.price} (move ${move}%), VIX ${bar.vix}`,
    };
  },

  validate({ settings }: Context, proposal, bar) {
    const problems: string[] = [];
    const vixProblem = vixRangeProblem(bar.vix, settings.entryVix);
    if (vixProblem) problems.push(vixProblem);
    const breach = shortStrikeBreach(signedLegs(proposal.legs), bar);
    if (breach) problems.push(`already breached: ${breach}`);
    const credit = comboMid(proposal.legs, bar);
    if (!(credit >= settings.minCredit)) problems.push(`the credit ${credit.toFixed(2)} is below the minimum ${settings.minCredit.toFixed(2)}`);
    return problems;
  },

  manage({ settings, position }: Context, bar, state) {
    if (!position) return null;
    const breach = shortStrikeBreach(position.legs, bar);
    if (breach) return { next: 'DEFENSIVE_EXIT', reason: breach };
    const credit = position.entryCash;
    const pnl = positionPnl(position, bar);
    if (credit > 0 && -pnl >= settings.stopLossMultiple * credit) {
      return { next: 'DEFENSIVE_EXIT', reason: `loss ${(-pnl).toFixed(2)} USD reached ${settings.stopLossMultiple}x the credit` };
    }
    if (credit > 0 && pnl >= settings.profitTarget * credit) {
      return { next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached ${settings.profitTarget * 100}% of the credit` };
    }
    const minute = nyParts(bar.time).minuteOfDay;
    if (minute >= settings.closeByMinute) return { next: 'EXITING', reason: 'closing time: everything closes before the expiry' };
    if (state === 'ACTIVE' && minute >= settings.managingFromMinute) return { next: 'MANAGING', reason: '15:30 ET: time-based management' };
    return null;
  },

  isNextCycle: ({ cycle }: Context, bar) => nyParts(bar.time).date !== cycle,
};
