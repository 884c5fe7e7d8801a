import { describe, expect, it } from 'vitest';
import { addDays, nyTime } from '../../market/calendar';
import { findExpiry } from '../../market/option-chain';
import type { MarketBar, OrderLeg } from '../../market/types';
import { contextOf } from '../lifecycle/strategy-snapshot';
import type { StrategyContext } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot } from '../testing/model';
import { lt112Machine } from './lt112.machine';
import { LT112_DEFAULTS, lt112Legs, lt112MaxProfit, lt112Rules, lt112SettingsSchema, lt112Strikes, type LT112Settings, type LT112Strikes } from './lt112.rules';

// The LT112 rules asked directly: what they decide and the reason the audit trail shows.
const WEDNESDAY = '2026-12-02';
const EXPIRY = findExpiry('SPY', WEDNESDAY, { minDays: 102, maxDays: 122, targetDays: 112 })!;
const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);
const onDte = (dte: number, spy = 590, vix = 20): MarketBar => at(addDays(EXPIRY, -dte), 11, 0, spy, vix);

type Context = StrategyContext<LT112Settings>;
const fresh = contextOf<LT112Settings>(initialSnapshot(lt112Machine, { strategyId: 't', settings: LT112_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: WEDNESDAY, ...overrides });

const ENTRY_BAR = at(WEDNESDAY, 10, 0);
const STRIKES = lt112Strikes(ENTRY_BAR, LT112_DEFAULTS) as LT112Strikes;
const LEGS = lt112Legs(STRIKES, 1);
function holding(legs: readonly OrderLeg[], entryCash?: number): Position {
  const position = applyFills(emptyPosition('PUT_RATIO_112', ENTRY_BAR.time), fillsFor(legs, ENTRY_BAR));
  return { ...position, entryCash: entryCash ?? position.cash };
}
const manage = (position: Position, bar: MarketBar, state = 'ACTIVE') => lt112Rules.manage(context({ position }), bar, state);

describe('the LT112 entry rules, in words', () => {
  it('names the entry window and the VIX bound an entry misses', () => {
    expect(lt112Rules.entryProblems(context(), at(WEDNESDAY, 10, 31, 590, 11.5))).toEqual(['outside the Wednesday 10:00-10:30 ET entry window', 'VIX 11.5 is below 12']);
    expect(lt112Rules.entryProblems(context(), ENTRY_BAR)).toEqual([]);
  });

  it('proposes the 1-1-2, naming its strikes, expiry and DTE', () => {
    expect(EXPIRY).toBe('2027-03-19');
    expect(lt112Rules.propose(context(), ENTRY_BAR)).toEqual({
      structure: 'PUT_RATIO_112',
      legs: LEGS,
      proposedAt: ENTRY_BAR.time,
      note: `1-1-2 ${STRIKES.long}/${STRIKES.short}/${STRIKES.naked}x2 puts expiring ${EXPIRY} (107 DTE) on SPY 590, VIX 20`,
    });
    expect(lt112Legs(STRIKES, 2).map((leg) => `${leg.side} ${leg.quantity}`)).toEqual(['BUY 2', 'SELL 2', 'SELL 4']);
  });

  it('says when no expiry is listed in its window', () => {
    const settings = lt112SettingsSchema.parse({ minDte: 400, targetDte: 405, maxDte: 410 });
    expect(lt112Rules.propose(context({ settings }), ENTRY_BAR)).toEqual({ problems: ['no SPY expiry listed 400-410 days out'] });
  });

  it('refuses to send the order once SPY is at the naked puts, naming both', () => {
    const proposal = { structure: 'PUT_RATIO_112', legs: LEGS, proposedAt: ENTRY_BAR.time, note: '' };
    expect(lt112Rules.validate(context(), proposal, at(WEDNESDAY, 10, 1))).toEqual([]);
    expect(lt112Rules.validate(context(), proposal, at(WEDNESDAY, 10, 1, STRIKES.naked, 36))).toEqual([
      'VIX 36 is above 35',
      `SPY ${STRIKES.naked} is already at or below the naked put ${STRIKES.naked}`,
    ]);
  });
});

describe('the LT112 management rules, in words', () => {
  it('exits defensively once SPY reaches the naked puts, naming both', () => {
    expect(manage(holding(LEGS), onDte(60, STRIKES.naked))).toEqual({ next: 'DEFENSIVE_EXIT', reason: `SPY ${STRIKES.naked} reached the naked short put ${STRIKES.naked}` });
  });

  it('closes at 21 DTE, saying so', () => {
    expect(manage(holding(LEGS), onDte(21))).toEqual({ next: 'DEFENSIVE_21DTE', reason: '21 DTE: still open at 21 DTE, closing it' });
  });

  it('takes profit, naming the P&L, the target and the maximum', () => {
    const position = holding(LEGS);
    const bar = onDte(25, STRIKES.short, 12);
    const maxProfit = lt112MaxProfit(position)!;
    const pnl = positionPnl(position, bar);
    expect(pnl).toBeGreaterThanOrEqual(0.25 * maxProfit);
    expect(manage(position, bar, 'MANAGING')).toEqual({ next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached 25% of the maximum ${maxProfit.toFixed(2)} USD` });
  });

  it('manages from 30 DTE, naming the profit target there', () => {
    const position = holding(LEGS, -1e9);
    expect(manage(position, onDte(30, 590, 30))).toEqual({ next: 'MANAGING', reason: '30 DTE: managing, profit target 25%' });
    expect(manage(position, onDte(30, 590, 30), 'MANAGING')).toBeNull();
    expect(manage(position, onDte(31, 590, 30))).toBeNull();
  });

  it('knows the maximum profit only of a whole 1-1-2', () => {
    const [long, short, naked] = LEGS as [OrderLeg, OrderLeg, OrderLeg];
    expect(lt112MaxProfit(holding([long, short, naked], 50))).toBe((STRIKES.long - STRIKES.short) * 100 + 50);
    expect(lt112MaxProfit(holding([long, naked]))).toBeNull();
    expect(lt112MaxProfit(holding([short, naked]))).toBeNull();
    // Without its short put the naked puts are the only short: no defensive trigger from the short's strike.
    expect(manage(holding([long, naked], -1e9), onDte(60, STRIKES.short))).toBeNull();
  });

  it('holds nothing it does not hold', () => {
    expect(lt112Rules.manage(context(), onDte(21), 'ACTIVE')).toBeNull();
    expect(manage({ ...holding([]), entryCash: 1 }, onDte(21))).toBeNull();
  });
});

describe('the LT112 cycle and settings', () => {
  it('starts a new cycle on a later trading day, or the first one at all', () => {
    expect(lt112Rules.cycleKey(ENTRY_BAR)).toBe(WEDNESDAY);
    expect(lt112Rules.isNextCycle(context(), at(WEDNESDAY, 15, 0))).toBe(false);
    expect(lt112Rules.isNextCycle(context(), at('2026-12-03', 9, 31))).toBe(true);
    expect(lt112Rules.isNextCycle(context({ cycle: null }), at(WEDNESDAY, 15, 0))).toBe(true);
    expect(lt112Rules.isNextCycle(context({ cycle: null }), at('2026-12-05', 10, 0))).toBe(false);
  });

  it('refuses inconsistent settings, saying which', () => {
    const refusal = (settings: Partial<LT112Settings>) => lt112SettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(refusal({ entryFromMinute: 700, entryUntilMinute: 600 })).toEqual(['the entry window must not end before it starts']);
    expect(refusal({ targetDte: 123 })).toEqual(['the target DTE must lie in the expiry window']);
    expect(refusal({ targetDte: 101 })).toEqual(['the target DTE must lie in the expiry window']);
    expect(refusal({ shortPutDelta: 0.25 })).toEqual(['the deltas must fall from the long put to the naked puts']);
    expect(refusal({ nakedPutDelta: 0.2 })).toEqual(['the deltas must fall from the long put to the naked puts']);
    expect(refusal({ defensiveDte: 30 })).toEqual(['MANAGING must begin before the 21 DTE close']);
    expect(refusal({ defensiveDte: 29 })).toBeUndefined();
  });
});
