import { describe, expect, it } from 'vitest';
import { addDays, nyTime } from '../../market/calendar';
import { strikeGrid } from '../../market/option-chain';
import type { MarketBar, OptionContract, OrderLeg } from '../../market/types';
import { contextOf } from '../lifecycle/strategy-snapshot';
import type { StrategyContext } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot } from '../testing/model';
import { leapLadderMachine } from './leap-ladder.machine';
import {
  LEAP_LADDER_DEFAULTS,
  leapLadderRules,
  leapLadderSettingsSchema,
  rollLegs,
  rungContract,
  rungLeg,
  rungQuantity,
  type LeapLadderSettings,
} from './leap-ladder.rules';

// The LEAP ladder rules asked directly: what they decide and the reason the audit trail shows.
const WEDNESDAY = '2026-11-18';
const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);

type Context = StrategyContext<LeapLadderSettings>;
const fresh = contextOf<LeapLadderSettings>(initialSnapshot(leapLadderMachine, { strategyId: 'l', settings: LEAP_LADDER_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: WEDNESDAY, ...overrides });
const withSettings = (settings: Partial<LeapLadderSettings>): Context => context({ settings: leapLadderSettingsSchema.parse(settings) });

const ENTRY_BAR = at(WEDNESDAY, 10, 30);
function rung(moneyness: number, taken: readonly OptionContract[] = []): OrderLeg {
  const leg = rungLeg(ENTRY_BAR, moneyness, LEAP_LADDER_DEFAULTS, taken);
  if (!leg) throw new Error('no rung listed');
  return leg;
}
const FIRST = rung(0.9);
const SECOND = rung(0.85);
/** The ladder as bought on the entry bar; `cash` overrides what it cost. */
function holding(legs: readonly OrderLeg[], cash?: number): Position {
  const position = applyFills(emptyPosition('LEAP_PUT_LADDER', ENTRY_BAR.time), fillsFor(legs, ENTRY_BAR));
  return { ...position, cash: cash ?? position.cash, entryCash: position.cash };
}
const manage = (position: Position | null, bar: MarketBar, state = 'ACTIVE') => leapLadderRules.manage(context({ position }), bar, state);
const describeLeg = ({ contract }: { contract: OptionContract }) => `${contract.strike}P ${contract.expiry}`;

describe('the LEAP ladder entry rules, in words', () => {
  it('names the window and says protection is too dear above its VIX bound', () => {
    expect(leapLadderRules.entryProblems(context(), at(WEDNESDAY, 9, 59, 590, 31))).toEqual([
      'outside the trading-day 10:00-11:00 ET window',
      'VIX 31 is above 30: protection is too dear',
    ]);
    expect(leapLadderRules.entryProblems(withSettings({ entryFromMinute: 9 * 60 + 45, entryUntilMinute: 10 * 60 + 5 }), at(WEDNESDAY, 10, 6))).toEqual([
      'outside the trading-day 9:45-10:05 ET window',
    ]);
    expect(leapLadderRules.entryProblems(context(), ENTRY_BAR)).toEqual([]);
  });

  it('proposes the first rung, naming its size, contract and moneyness', () => {
    expect(leapLadderRules.propose(context(), ENTRY_BAR)).toEqual({
      structure: 'LEAP_PUT_LADDER',
      legs: [FIRST],
      proposedAt: ENTRY_BAR.time,
      note: `first rung ${FIRST.quantity}x ${describeLeg(FIRST)} (0.9 x SPY 590), VIX 20`,
    });
  });

  it('says when no LEAP expiry is listed', () => {
    expect(leapLadderRules.propose(withSettings({ leapMinDays: 1000, leapTargetDays: 1050, leapMaxDays: 1100 }), ENTRY_BAR)).toEqual({
      problems: ['no SPY expiry listed 1000-1100 days out'],
    });
  });

  it('validates the VIX bound and a price for every rung', () => {
    const proposal = { structure: 'LEAP_PUT_LADDER', legs: [FIRST], proposedAt: ENTRY_BAR.time, note: '' };
    expect(leapLadderRules.validate(context(), proposal, at(WEDNESDAY, 10, 31))).toEqual([]);
    expect(leapLadderRules.validate(context(), proposal, at(WEDNESDAY, 10, 31, 590, 30.5))).toEqual(['VIX 30.5 is above 30']);
    const expired = { ...FIRST, contract: { ...FIRST.contract, expiry: '2026-11-17' } };
    expect(leapLadderRules.validate(context(), { ...proposal, legs: [expired] }, at(WEDNESDAY, 10, 31))).toEqual([`${FIRST.contract.strike}P 2026-11-17 has no price`]);
  });
});

describe('the LEAP ladder rungs', () => {
  it('steps a rung down one listed strike from a contract another rung holds, and gives up at the bottom of the grid', () => {
    const taken = rungContract(ENTRY_BAR, 0.9, LEAP_LADDER_DEFAULTS, [])!;
    const stepped = rungContract(ENTRY_BAR, 0.9, LEAP_LADDER_DEFAULTS, [taken])!;
    const grid = strikeGrid('SPY', 590);
    expect(stepped.strike).toBe(grid.filter((strike) => strike < taken.strike).at(-1));
    const lowest = grid[0]!;
    const bottom = { ...taken, strike: lowest };
    const atBottom = rungContract(ENTRY_BAR, lowest / 590, LEAP_LADDER_DEFAULTS, [bottom]);
    expect(atBottom).toBeNull();
  });

  it('steps down only from the very contract another rung holds: same strike, expiry, right and underlying', () => {
    const free = rungContract(ENTRY_BAR, 0.9, LEAP_LADDER_DEFAULTS, [])!;
    const others: OptionContract[] = [
      { ...free, expiry: '2029-01-19' },
      { ...free, right: 'C' },
      { ...free, underlying: 'QQQ' },
      { ...free, strike: free.strike + 5 },
    ];
    expect(rungContract(ENTRY_BAR, 0.9, LEAP_LADDER_DEFAULTS, others)).toEqual(free);
  });

  it('buys at least one contract, even when its budget share buys none', () => {
    const poor = leapLadderSettingsSchema.parse({ portfolioValue: 1_000 });
    expect(rungQuantity(FIRST.contract, ENTRY_BAR, poor)).toBe(1);
    const expired = { ...FIRST.contract, expiry: '2026-11-17' };
    expect(rungQuantity(expired, ENTRY_BAR, LEAP_LADDER_DEFAULTS)).toBe(1);
  });
});

describe('the LEAP ladder management rules, in words', () => {
  it('holds nothing without rungs', () => {
    expect(manage(null, ENTRY_BAR)).toBeNull();
    expect(manage({ ...emptyPosition('X', 0), legs: [{ contract: { ...FIRST.contract, right: 'C' }, quantity: 1 }] }, ENTRY_BAR)).toBeNull();
    expect(manage({ ...emptyPosition('X', 0), legs: [{ contract: FIRST.contract, quantity: -1 }] }, ENTRY_BAR)).toBeNull();
  });

  it('manages the hedge once VIX reaches its bound', () => {
    expect(manage(holding([FIRST]), at('2026-11-19', 10, 30, 590, 40))).toEqual({ next: 'MANAGING', reason: 'VIX 40 reached 40: the hedge pays' });
  });

  it('in MANAGING banks the hedge when its P&L pays for the ladder, naming both', () => {
    const crash = at('2026-11-19', 10, 30, 450, 45);
    const position = holding([FIRST], -100);
    const pnl = positionPnl(position, crash);
    expect(pnl).toBeGreaterThan(100);
    expect(manage(position, crash, 'MANAGING')).toEqual({
      next: 'EXITING',
      reason: `P&L ${pnl.toFixed(2)} USD reached 100% of the 100.00 USD the ladder cost: banking the hedge`,
    });
  });

  it('in MANAGING banks the hedge once VIX is back at its exit bound, and holds above it', () => {
    const costly = holding([FIRST], -1e9);
    expect(manage(costly, at('2026-11-19', 10, 30, 590, 29.5), 'MANAGING')).toEqual({ next: 'EXITING', reason: 'VIX 29.5 is back at or under 30: banking the hedge' });
    expect(manage(costly, at('2026-11-19', 10, 30, 590, 35), 'MANAGING')).toBeNull();
    // Nothing paid into the ladder: no profit target to reach.
    expect(manage(holding([FIRST], 0), at('2026-11-19', 10, 30, 590, 35), 'MANAGING')).toBeNull();
  });

  it('rolls a due rung, naming what it sells and buys', () => {
    const bar = at(addDays(FIRST.contract.expiry, -90), 10, 30);
    const decision = manage(holding([FIRST]), bar);
    const bought = decision?.legs?.filter((leg) => leg.side === 'BUY') ?? [];
    expect(decision?.next).toBe('ROLLING');
    expect(bought).toHaveLength(1);
    expect(decision?.reason).toBe(`${describeLeg(FIRST)} at 90 DTE or less: rolling to ${describeLeg(bought[0]!)}`);
  });

  it('builds the next rung when due, naming it', () => {
    const opened = holding([FIRST]);
    const bar = at(addDays(WEDNESDAY, 28), 10, 30);
    const decision = manage(opened, bar);
    const leg = decision?.legs?.[0];
    expect(decision?.next).toBe('BUILDING');
    expect(leg).toMatchObject({ side: 'BUY', contract: { right: 'P' } });
    expect(decision?.reason).toBe(`rung 2 of 5: ${leg?.quantity}x ${describeLeg(leg!)} (0.85 x SPY)`);
    // Not before it is due, outside the window, nor beyond the last rung.
    expect(manage(opened, at(addDays(WEDNESDAY, 27), 10, 30))).toBeNull();
    expect(manage(opened, at(addDays(WEDNESDAY, 28), 11, 1))).toBeNull();
    expect(leapLadderRules.manage({ ...withSettings({ rungMoneyness: [0.9] }), position: opened }, bar, 'ACTIVE')).toBeNull();
  });

  it('rolls each due rung to the moneyness of its rank, leaving the others', () => {
    const legs = rollLegs(holding([FIRST, SECOND]).legs, holding([SECOND]).legs, ENTRY_BAR, LEAP_LADDER_DEFAULTS);
    expect(legs?.map((leg) => leg.side)).toEqual(['SELL', 'BUY']);
    expect(legs?.[0]).toEqual({ contract: SECOND.contract, side: 'SELL', quantity: SECOND.quantity });
    // The second rung on the same expiry is taken: its roll steps one strike below it.
    expect(legs?.[1]?.contract.strike).toBeLessThan(SECOND.contract.strike);
  });
});

describe('the LEAP ladder cycle and settings', () => {
  it('starts a new cycle on a later trading day, or the first one at all', () => {
    expect(leapLadderRules.cycleKey(ENTRY_BAR)).toBe(WEDNESDAY);
    expect(leapLadderRules.isNextCycle(context(), at(WEDNESDAY, 15, 0))).toBe(false);
    expect(leapLadderRules.isNextCycle(context(), at('2026-11-19', 9, 31))).toBe(true);
    expect(leapLadderRules.isNextCycle(context({ cycle: null }), at(WEDNESDAY, 15, 0))).toBe(true);
    expect(leapLadderRules.isNextCycle(context({ cycle: null }), at('2026-11-21', 10, 0))).toBe(false);
  });

  it('refuses inconsistent settings, saying which', () => {
    const refusal = (settings: Partial<LeapLadderSettings>) => leapLadderSettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(refusal({ rungMoneyness: [0.9, 0.9] })).toEqual(['the rungs must have different moneyness']);
    expect(refusal({ entryFromMinute: 700, entryUntilMinute: 600 })).toEqual(['the entry window must not end before it starts']);
    expect(refusal({ leapTargetDays: 800 })).toEqual(['the LEAP target must lie in its window']);
    expect(refusal({ leapMinDays: 400, leapTargetDays: 380 })).toEqual(['the LEAP target must lie in its window']);
    expect(refusal({ rollAtDte: 365 })).toEqual(['a new rung must not already be due for a roll']);
    expect(refusal({ exitVixAtMost: 40 })).toEqual(['the exit VIX must be below the managing VIX']);
    expect(refusal({ rollAtDte: 364, exitVixAtMost: 39 })).toBeUndefined();
  });
});
