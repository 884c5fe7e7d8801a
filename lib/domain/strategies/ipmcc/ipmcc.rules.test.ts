import { describe, expect, it } from 'vitest';
import { addDays, nyTime } from '../../market/calendar';
import { comboMid } from '../../market/option-pricing';
import type { MarketBar, OrderLeg } from '../../market/types';
import { contextOf } from '../lifecycle/strategy-snapshot';
import type { StrategyContext } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot } from '../testing/model';
import { ipmccMachine } from './ipmcc.machine';
import {
  assignmentRisk,
  callExtrinsic,
  IPMCC_DEFAULTS,
  ipmccLegs,
  ipmccRules,
  ipmccSettingsSchema,
  leapLeg,
  rollLegs,
  shortCallWindow,
  shortLeg,
  type IpmccSettings,
} from './ipmcc.rules';

// The IPMCC rules asked directly: what they decide and the reason the audit trail shows.
const WEDNESDAY = '2026-11-18';
const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);
const withQqq = (bar: MarketBar, price: number): MarketBar => ({ ...bar, underlyings: { ...bar.underlyings, QQQ: { price, open: price } } });

type Context = StrategyContext<IpmccSettings>;
const fresh = contextOf<IpmccSettings>(initialSnapshot(ipmccMachine, { strategyId: 'i', settings: IPMCC_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: WEDNESDAY, ...overrides });
const withSettings = (settings: Partial<IpmccSettings>): Context => context({ settings: ipmccSettingsSchema.parse(settings) });

const ENTRY_BAR = at(WEDNESDAY, 10, 30);
function entryLegs(): OrderLeg[] {
  const legs = ipmccLegs(ENTRY_BAR, IPMCC_DEFAULTS);
  if ('problems' in legs) throw new Error(legs.problems.join('; '));
  return legs;
}
const [LEAP, SHORT] = entryLegs() as [OrderLeg, OrderLeg];
/** Held as bought on the entry bar, the entry debit its cash unless given. */
function holding(legs: readonly OrderLeg[], entryCash?: number): Position {
  const position = applyFills(emptyPosition('IPMCC', ENTRY_BAR.time), fillsFor(legs, ENTRY_BAR));
  return { ...position, entryCash: entryCash ?? position.cash };
}
const manage = (position: Position, bar: MarketBar, state = 'ACTIVE', settings: Partial<IpmccSettings> = {}) =>
  ipmccRules.manage({ ...withSettings(settings), position }, bar, state);

describe('the IPMCC entry rules, in words', () => {
  it('names the entry window and the VIX bound an entry misses', () => {
    expect(ipmccRules.entryProblems(context(), at(WEDNESDAY, 9, 59, 590, 12))).toEqual([
      'outside the trading-day 10:00-11:00 ET entry window',
      'VIX 12 is not above 12',
    ]);
    expect(ipmccRules.entryProblems(context(), at(WEDNESDAY, 10, 0))).toEqual([]);
  });

  it('writes the window of its settings as a clock', () => {
    const early = withSettings({ entryFromMinute: 9 * 60 + 35, entryUntilMinute: 10 * 60 + 5 });
    expect(ipmccRules.entryProblems(early, at(WEDNESDAY, 11, 0))).toEqual(['outside the trading-day 9:35-10:05 ET entry window']);
  });

  it('proposes the LEAP and the short call as one debit combo, naming both', () => {
    const proposal = ipmccRules.propose(context(), ENTRY_BAR);
    expect(proposal).toEqual({
      structure: 'IPMCC',
      legs: [LEAP, SHORT],
      proposedAt: ENTRY_BAR.time,
      note: `LEAP ${LEAP.contract.strike}C ${LEAP.contract.expiry} / short ${SHORT.contract.strike}C ${SHORT.contract.expiry} on QQQ ${ENTRY_BAR.underlyings.QQQ.price}, VIX 20`,
    });
    expect(LEAP).toMatchObject({ side: 'BUY', quantity: 1, contract: { underlying: 'QQQ', right: 'C', expiry: '2028-01-21' } });
    expect(SHORT).toMatchObject({ side: 'SELL', quantity: 1, contract: { underlying: 'QQQ', right: 'C', expiry: '2026-11-27' } });
  });

  it('says which expiry is missing when none is listed', () => {
    const noLeap = withSettings({ leapMinDays: 1000, leapTargetDays: 1050, leapMaxDays: 1100 });
    expect(ipmccRules.propose(noLeap, ENTRY_BAR)).toEqual({ problems: ['no QQQ expiry listed 1000-1100 days out for the LEAP'] });
    // Nothing is listed 10 days after a Wednesday (a Saturday).
    const noShort = withSettings({ shortMinDays: 10, shortTargetDays: 10, shortMaxDays: 10, rollAtDte: 7 });
    expect(ipmccRules.propose(noShort, ENTRY_BAR)).toEqual({ problems: ['no QQQ expiry listed 10-10 days out for the short call'] });
  });

  it('chooses the short call more than the roll threshold out', () => {
    expect(shortCallWindow(IPMCC_DEFAULTS)).toEqual({ minDays: 8, maxDays: 14, targetDays: 10 });
    expect(shortCallWindow({ ...IPMCC_DEFAULTS, shortMinDays: 9, shortTargetDays: 12 })).toEqual({ minDays: 9, maxDays: 14, targetDays: 12 });
    expect(shortCallWindow({ ...IPMCC_DEFAULTS, rollAtDte: 10 })).toEqual({ minDays: 11, maxDays: 14, targetDays: 11 });
  });

  it('refuses a combo that costs nothing as no debit, and checks the diagonal only of a two-leg combo', () => {
    const flat = { structure: 'IPMCC', legs: [LEAP, { ...LEAP, side: 'SELL' as const }], proposedAt: ENTRY_BAR.time, note: '' };
    expect(ipmccRules.validate(context(), flat, at(WEDNESDAY, 10, 31))).toContain('the combo is not a debit (0.00)');
    const leapOnly = { ...flat, legs: [LEAP] };
    expect(ipmccRules.validate(context(), leapOnly, at(WEDNESDAY, 10, 31))).toEqual([]);
  });

  it('validates the proposal on the next bar: VIX, the diagonal and a debit', () => {
    const proposal = { structure: 'IPMCC', legs: [LEAP, SHORT], proposedAt: ENTRY_BAR.time, note: '' };
    expect(ipmccRules.validate(context(), proposal, at(WEDNESDAY, 10, 31))).toEqual([]);
    expect(ipmccRules.validate(context(), proposal, at(WEDNESDAY, 10, 31, 590, 41))).toEqual(['VIX 41 is above 40']);
    const inverted = { ...proposal, legs: [LEAP, { ...SHORT, contract: { ...SHORT.contract, strike: LEAP.contract.strike } }] };
    expect(ipmccRules.validate(context(), inverted, at(WEDNESDAY, 10, 31))).toContain(`the short strike ${LEAP.contract.strike} is not above the LEAP strike ${LEAP.contract.strike}`);
    const credit = { ...proposal, legs: [{ ...LEAP, side: 'SELL' as const }, { ...SHORT, side: 'BUY' as const }] };
    const net = comboMid(credit.legs, at(WEDNESDAY, 10, 31));
    expect(ipmccRules.validate(context(), credit, at(WEDNESDAY, 10, 31))).toEqual([`the combo is not a debit (${(-net).toFixed(2)})`]);
  });
});

describe('the IPMCC management rules, in words', () => {
  const day = (n: number) => addDays(WEDNESDAY, n);

  it('closes an uncovered short call at once', () => {
    expect(manage(holding([SHORT]), at(day(1), 10, 30))).toEqual({ next: 'DEFENSIVE_EXIT', reason: 'no LEAP call held: the short call is uncovered' });
  });

  it('exits defensively above the VIX bound, naming both', () => {
    expect(manage(holding([LEAP, SHORT]), at(day(1), 10, 30, 590, 40.5))).toEqual({ next: 'DEFENSIVE_EXIT', reason: 'VIX 40.5 is above 40' });
  });

  it('names the short call, its moneyness and its DTE as the assignment risk', () => {
    const expiry = SHORT.contract.expiry;
    const bar = withQqq(at(addDays(expiry, -2), 10, 30), SHORT.contract.strike + 1);
    expect(manage(holding([LEAP, SHORT]), bar)).toEqual({
      next: 'DEFENSIVE_EXIT',
      reason: `assignment risk: the short ${SHORT.contract.strike}C ${expiry} is in the money (QQQ ${SHORT.contract.strike + 1}) with 2 DTE`,
    });
  });

  it('finds the LEAP and the short among the legs by their right and side', () => {
    const longPut = { contract: { ...LEAP.contract, right: 'P' as const }, quantity: 1 };
    const shortPut = { contract: { ...SHORT.contract, right: 'P' as const }, quantity: -1 };
    const leap = { contract: LEAP.contract, quantity: 1 };
    const short = { contract: SHORT.contract, quantity: -1 };
    expect(leapLeg([longPut, short, leap])).toBe(leap);
    expect(shortLeg([shortPut, leap, short])).toBe(short);
  });

  it('counts a short call in the money with exactly the minimum extrinsic value left as no assignment risk', () => {
    const bar = withQqq(at(addDays(SHORT.contract.expiry, -5), 10, 30), SHORT.contract.strike + 1);
    const extrinsic = callExtrinsic(SHORT.contract, bar);
    const short = { contract: SHORT.contract, quantity: -1 };
    expect(assignmentRisk(short, bar, { ...IPMCC_DEFAULTS, minExtrinsic: extrinsic })).toBeNull();
  });

  it('sets no profit target without a debit', () => {
    const bar = at(day(1), 10, 30, 600);
    expect(positionPnl(holding([LEAP, SHORT]), bar)).toBeGreaterThan(0);
    expect(manage(holding([LEAP, SHORT], 0), bar)).toBeNull();
    expect(manage(holding([LEAP, SHORT], 100), bar)).toBeNull();
  });

  it('sells no short call when none is listed', () => {
    expect(manage(holding([LEAP], -1e9), at(day(1), 10, 30), 'ACTIVE', { shortMinDays: 10, shortTargetDays: 10, shortMaxDays: 10 })).toBeNull();
  });

  it('takes profit naming the P&L and the debit', () => {
    const bar = at(day(1), 10, 30, 600);
    const position = holding([LEAP, SHORT], -100);
    const pnl = positionPnl(position, bar);
    expect(pnl).toBeGreaterThan(50);
    expect(manage(position, bar)).toEqual({ next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached 50% of the 100.00 USD debit` });
  });

  it('in MANAGING holds until the last short is due, then closes everything', () => {
    const position = holding([LEAP, SHORT], -1e9);
    const expiry = SHORT.contract.expiry;
    expect(manage(position, at(addDays(expiry, -8), 10, 30), 'MANAGING')).toBeNull();
    expect(manage(position, at(addDays(expiry, -7), 10, 30), 'MANAGING')).toEqual({ next: 'EXITING', reason: 'the last short call has 7 DTE: closing everything' });
    expect(manage(holding([LEAP], -1e9), at(day(1), 10, 30), 'MANAGING')).toEqual({ next: 'EXITING', reason: 'no short call left: closing the LEAP' });
  });

  it('winds down when the LEAP has 120 DTE or less', () => {
    const bar = at(addDays(LEAP.contract.expiry, -120), 10, 30);
    expect(manage(holding([LEAP, SHORT], -1e9), bar)).toEqual({ next: 'MANAGING', reason: 'the LEAP has 120 DTE: no new short calls, winding down' });
  });

  it('rolls a due short call, naming its DTE and the call it sells', () => {
    const bar = at(addDays(SHORT.contract.expiry, -7), 10, 30);
    const decision = manage(holding([LEAP, SHORT], -1e9), bar);
    const sold = decision?.legs?.at(-1);
    expect(decision?.next).toBe('ROLLING');
    expect(decision?.reason).toBe(`the short call has 7 DTE: selling ${sold?.contract.strike}C ${sold?.contract.expiry}`);
    expect(decision?.legs?.[0]).toEqual({ contract: SHORT.contract, side: 'BUY', quantity: 1 });
  });

  it('sells a short call when none is held, covering the whole LEAP', () => {
    const two = { ...LEAP, quantity: 2 };
    const decision = manage(holding([two], -1e9), at(day(1), 10, 30));
    expect(decision?.next).toBe('ROLLING');
    expect(decision?.legs).toHaveLength(1);
    expect(decision?.legs?.[0]).toMatchObject({ side: 'SELL', quantity: 2 });
    expect(decision?.reason).toMatch(/^no short call held: selling \d+C \d{4}-\d{2}-\d{2}$/);
  });

  it('holds a short call that is not due', () => {
    expect(manage(holding([LEAP, SHORT], -1e9), at(addDays(SHORT.contract.expiry, -8), 10, 30))).toBeNull();
    expect(ipmccRules.manage(context(), at(day(1), 10, 30), 'ACTIVE')).toBeNull();
  });

  it('rolls nothing when no new short call is listed', () => {
    const leap = { contract: LEAP.contract, quantity: 1 };
    expect(rollLegs(leap, undefined, at(day(1), 10, 30), { ...IPMCC_DEFAULTS, shortMinDays: 10, shortTargetDays: 10, shortMaxDays: 10 })).toBeNull();
  });
});

describe('the IPMCC cycle and settings', () => {
  it('starts a new cycle on a later trading day, or the first one at all', () => {
    expect(ipmccRules.cycleKey(ENTRY_BAR)).toBe(WEDNESDAY);
    expect(ipmccRules.isNextCycle(context(), at(WEDNESDAY, 15, 0))).toBe(false);
    expect(ipmccRules.isNextCycle(context(), at('2026-11-19', 9, 31))).toBe(true);
    expect(ipmccRules.isNextCycle(context({ cycle: null }), at(WEDNESDAY, 15, 0))).toBe(true);
    expect(ipmccRules.isNextCycle(context({ cycle: null }), at('2026-11-21', 10, 0))).toBe(false);
  });

  it('refuses inconsistent settings, saying which', () => {
    const refusal = (settings: Partial<IpmccSettings>) => ipmccSettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(refusal({ entryFromMinute: 700, entryUntilMinute: 600 })).toEqual(['the entry window must not end before it starts']);
    expect(refusal({ leapTargetDays: 800 })).toEqual(['the LEAP target must lie in its window']);
    expect(refusal({ leapTargetDays: 300, managingLeapDte: 100 })).toEqual(['the LEAP target must lie in its window']);
    expect(refusal({ shortTargetDays: 15 })).toEqual(['the short call target must lie in its window']);
    expect(refusal({ shortMinDays: 9, shortTargetDays: 8 })).toEqual(['the short call target must lie in its window']);
    expect(refusal({ rollAtDte: 14 })).toEqual(['a new short call must have more days to go than the roll threshold']);
    expect(refusal({ managingLeapDte: 365 })).toEqual(['a new LEAP must not already be due for MANAGING']);
    expect(refusal({ rollAtDte: 13, managingLeapDte: 364 })).toBeUndefined();
  });
});
