import { describe, expect, it } from 'vitest';
import { addDays, nyTime } from '../../market/calendar';
import { findExpiry } from '../../market/option-chain';
import type { MarketBar, OrderLeg } from '../../market/types';
import { contextOf } from '../lifecycle/strategy-snapshot';
import type { StrategyContext } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot } from '../testing/model';
import { futuresStrangleMachine } from './futures-strangle.machine';
import {
  distanceToStrike,
  FUTURES_STRANGLE_DEFAULTS,
  futuresStrangleRules,
  futuresStrangleSettingsSchema,
  isTested,
  rollStrike,
  rollsThisCycle,
  strangleLegs,
  strangleStrikes,
  type FuturesStrangleSettings,
} from './futures-strangle.rules';

// The futures strangle rules asked directly: what they decide and the reason the audit trail shows.
const TUESDAY = '2026-12-29';
const EXPIRY = findExpiry('ES', TUESDAY, { minDays: 45, maxDays: 60, targetDays: 52 })!;
function at(date: string, hour: number, minute: number, es = 5900, vix = 20): MarketBar {
  const bar = barAt(nyTime(date, hour, minute), es / 10, vix);
  return { ...bar, underlyings: { ...bar.underlyings, ES: { price: es, open: es } } };
}
const onDte = (dte: number, es = 5900, vix = 20): MarketBar => at(addDays(EXPIRY, -dte), 11, 0, es, vix);

type Context = StrategyContext<FuturesStrangleSettings>;
const fresh = contextOf<FuturesStrangleSettings>(initialSnapshot(futuresStrangleMachine, { strategyId: 'f', settings: FUTURES_STRANGLE_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: TUESDAY, orderAttempts: 1, ...overrides });

const ENTRY_BAR = at(TUESDAY, 10, 30);
const STRIKES = strangleStrikes(ENTRY_BAR, FUTURES_STRANGLE_DEFAULTS) as { expiry: string; put: number; call: number };
const [PUT, CALL] = strangleLegs(STRIKES, 1) as [OrderLeg, OrderLeg];
/** The strangle as sold on the entry bar; its entry credit unless given. */
function holding(legs: readonly OrderLeg[], entryCash?: number): Position {
  const position = applyFills(emptyPosition('STRANGLE', ENTRY_BAR.time), fillsFor(legs, ENTRY_BAR));
  return { ...position, entryCash: entryCash ?? position.cash };
}
const manage = (position: Position, bar: MarketBar, state = 'ACTIVE', overrides: Partial<Context> = {}) =>
  futuresStrangleRules.manage(context({ position, ...overrides }), bar, state);

describe('the futures strangle entry rules, in words', () => {
  it('names the entry window and the VIX bound an entry misses', () => {
    expect(futuresStrangleRules.entryProblems(context(), at(TUESDAY, 9, 59, 5900, 14.5))).toEqual([
      'outside the 10:00-11:00 ET entry window of a trading day',
      'VIX 14.5 is below 15',
    ]);
    expect(futuresStrangleRules.entryProblems(context(), ENTRY_BAR)).toEqual([]);
  });

  it('proposes both 16-delta shorts as one order, naming strikes, expiry and DTE', () => {
    expect(EXPIRY).toBe('2027-02-19');
    expect(PUT).toEqual({ contract: { underlying: 'ES', expiry: EXPIRY, strike: STRIKES.put, right: 'P' }, side: 'SELL', quantity: 1 });
    expect(CALL).toEqual({ contract: { underlying: 'ES', expiry: EXPIRY, strike: STRIKES.call, right: 'C' }, side: 'SELL', quantity: 1 });
    const proposal = futuresStrangleRules.propose(context(), ENTRY_BAR);
    expect(proposal).toEqual({
      structure: 'STRANGLE',
      legs: [PUT, CALL],
      proposedAt: ENTRY_BAR.time,
      note: `/ES ${STRIKES.put}P/${STRIKES.call}C strangle expiring ${EXPIRY} (52 DTE) on /ES 5900, VIX 20`,
    });
    expect(strangleLegs(STRIKES, 3).map((leg) => leg.quantity)).toEqual([3, 3]);
    expect(STRIKES.put).toBeLessThan(5900);
    expect(STRIKES.call).toBeGreaterThan(5900);
  });

  it('says when no /ES expiry is listed', () => {
    const settings = futuresStrangleSettingsSchema.parse({ minDte: 200, targetDte: 205, maxDte: 210 });
    expect(futuresStrangleRules.propose(context({ settings }), ENTRY_BAR)).toEqual({ problems: ['no /ES expiry listed 200-210 days out'] });
  });

  it('refuses to open or send a strangle whose short is already tested, naming it', () => {
    const near = futuresStrangleSettingsSchema.parse({ testedDistance: 0.9 });
    expect(futuresStrangleRules.propose(context({ settings: near }), ENTRY_BAR)).toEqual({
      problems: [`the short put ${STRIKES.put} is already within 90% of /ES 5900`, `the short call ${STRIKES.call} is already within 90% of /ES 5900`],
    });
    const proposal = { structure: 'STRANGLE', legs: [PUT, CALL], proposedAt: ENTRY_BAR.time, note: '' };
    expect(futuresStrangleRules.validate(context(), proposal, at(TUESDAY, 10, 31))).toEqual([]);
    expect(futuresStrangleRules.validate(context(), proposal, at(TUESDAY, 10, 31, STRIKES.put, 41))).toEqual([
      'VIX 41 is above 40',
      `the short put ${STRIKES.put} is already within 5% of /ES ${STRIKES.put}`,
    ]);
  });

  it('measures how far /ES is from a short towards it', () => {
    expect(distanceToStrike({ ...PUT.contract, strike: 5000 }, 6000)).toBeCloseTo(1 / 6, 9);
    expect(distanceToStrike({ ...CALL.contract, strike: 6600 }, 6000)).toBeCloseTo(0.1, 9);
    expect(distanceToStrike({ ...CALL.contract, strike: 5400 }, 6000)).toBeCloseTo(-0.1, 9);
  });
});

describe('the futures strangle management rules, in words', () => {
  it('stops the loss, naming it and the multiple', () => {
    const crash = onDte(40, 5000, 40);
    const position = holding([PUT, CALL]);
    const loss = -positionPnl(position, crash);
    expect(manage(position, crash)).toEqual({ next: 'DEFENSIVE_EXIT', reason: `loss ${loss.toFixed(2)} USD reached 2.5x the credit` });
  });

  it('exits at its DTE, naming both', () => {
    expect(manage(holding([PUT, CALL]), onDte(21))).toEqual({ next: 'EXITING', reason: '21 DTE: out at 21 DTE' });
  });

  it('takes profit naming the P&L and the target', () => {
    const calm = onDte(35, 5900, 12);
    const position = holding([PUT, CALL]);
    const pnl = positionPnl(position, calm);
    expect(manage(position, calm)).toEqual({ next: 'EXITING', reason: `profit ${pnl.toFixed(2)} USD reached 50% of the credit` });
  });

  it('rolls the most tested short, naming it, /ES and the new strike', () => {
    const es = Math.round((STRIKES.put / 0.97) * 4) / 4;
    const decision = manage(holding([PUT, CALL], 1e9), onDte(35, es, 30));
    const sold = decision?.legs?.[1];
    expect(decision?.next).toBe('ROLLING');
    expect(decision?.legs?.[0]).toEqual({ contract: PUT.contract, side: 'BUY', quantity: 1 });
    expect(sold).toMatchObject({ side: 'SELL', quantity: 1, contract: { right: 'P', expiry: EXPIRY } });
    expect(decision?.reason).toBe(`the short put ${STRIKES.put} is tested (/ES ${es}): rolling it to ${sold?.contract.strike}`);
  });

  it('exits when a tested short has used up its rolls, or nothing further out is listed', () => {
    const es = Math.round((STRIKES.put / 0.97) * 4) / 4;
    const bar = onDte(35, es, 30);
    const what = `the short put ${STRIKES.put} is tested (/ES ${es})`;
    expect(manage(holding([PUT, CALL], 1e9), bar, 'ACTIVE', { orderAttempts: 3 })).toEqual({ next: 'DEFENSIVE_EXIT', reason: `${what} after 2 roll attempts this cycle` });
    const wide = futuresStrangleSettingsSchema.parse({ testedDistance: 0.55 });
    expect(manage(holding([PUT, CALL], 1e9), bar, 'ACTIVE', { settings: wide })).toEqual({ next: 'DEFENSIVE_EXIT', reason: `${what} and no strike further out is listed` });
  });

  it('rolls a tested call further up when its delta strike is itself tested', () => {
    const es = Math.round((STRIKES.call / 1.03) * 4) / 4;
    const bar = onDte(35, es, 30);
    const nearMoney = { ...FUTURES_STRANGLE_DEFAULTS, shortDelta: 0.4 };
    const strike = rollStrike(CALL.contract, bar, nearMoney)!;
    expect(strike).toBeGreaterThan(es);
    expect(isTested({ ...CALL.contract, strike }, es, nearMoney)).toBe(false);
    expect(isTested({ ...CALL.contract, strike: strike - 5 }, es, nearMoney)).toBe(true);
  });

  it('rolls the short /ES is closest to when both are tested', () => {
    const wide = futuresStrangleSettingsSchema.parse({ testedDistance: 0.2 });
    const nearCall = Math.round((STRIKES.call / 1.01) * 4) / 4;
    const decision = manage(holding([PUT, CALL], 1e9), onDte(35, nearCall, 30), 'ACTIVE', { settings: wide });
    expect(decision?.reason).toMatch(new RegExp(`^the short call ${STRIKES.call} is tested`));
  });

  it('stops the loss exactly at its multiple and takes profit exactly at its share', () => {
    const exact = futuresStrangleSettingsSchema.parse({ stopLossMultiple: 2 });
    const crash = onDte(40, 5000, 40);
    const loss = -positionPnl(holding([PUT, CALL]), crash);
    expect(manage(holding([PUT, CALL], loss / 2), crash, 'ACTIVE', { settings: exact })?.next).toBe('DEFENSIVE_EXIT');
    const calm = onDte(35, 5900, 12);
    const pnl = positionPnl(holding([PUT, CALL]), calm);
    expect(manage(holding([PUT, CALL], 2 * pnl), calm)?.next).toBe('EXITING');
  });

  it('sets no profit target or stop without a credit', () => {
    expect(manage(holding([PUT, CALL], 0), onDte(35, 5900, 12))).toBeNull();
    expect(manage(holding([PUT, CALL], 0), onDte(40, 5900, 40))).toBeNull();
  });

  it('rolls only what is short and tested', () => {
    // A long put near /ES is no short to roll: with nothing else to do the position is held.
    const longPut = { ...PUT, side: 'BUY' as const };
    expect(manage(holding([longPut], 1e9), onDte(35, Math.round((STRIKES.put / 0.97) * 4) / 4, 30))).toBeNull();
  });

  it('manages from its DTE, naming the profit target there', () => {
    expect(manage(holding([PUT, CALL], 1e9), onDte(28, 5900, 30))).toEqual({ next: 'MANAGING', reason: '28 DTE: managing, profit target 25%' });
    expect(manage(holding([PUT, CALL], 1e9), onDte(28, 5900, 30), 'MANAGING')).toBeNull();
    expect(futuresStrangleRules.manage(context(), onDte(28), 'ACTIVE')).toBeNull();
    expect(manage({ ...holding([]), entryCash: 1 }, onDte(28))).toBeNull();
  });

  it('counts every order after the entry as a roll attempt', () => {
    expect(rollsThisCycle(context({ orderAttempts: 0 }))).toBe(0);
    expect(rollsThisCycle(context({ orderAttempts: 1 }))).toBe(0);
    expect(rollsThisCycle(context({ orderAttempts: 3 }))).toBe(2);
  });
});

describe('the futures strangle cycle and settings', () => {
  it('starts a new cycle on a later trading day, or the first one at all', () => {
    expect(futuresStrangleRules.cycleKey(ENTRY_BAR)).toBe(TUESDAY);
    expect(futuresStrangleRules.isNextCycle(context(), at(TUESDAY, 15, 0))).toBe(false);
    expect(futuresStrangleRules.isNextCycle(context(), at('2026-12-30', 9, 31))).toBe(true);
    expect(futuresStrangleRules.isNextCycle(context({ cycle: null }), at(TUESDAY, 15, 0))).toBe(true);
    expect(futuresStrangleRules.isNextCycle(context({ cycle: null }), at('2027-01-02', 10, 0))).toBe(false);
  });

  it('refuses inconsistent settings, saying which', () => {
    const refusal = (settings: Partial<FuturesStrangleSettings>) => futuresStrangleSettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(refusal({ entryFromMinute: 700, entryUntilMinute: 600 })).toEqual(['the entry window must not end before it starts']);
    expect(refusal({ targetDte: 61 })).toEqual(['the target DTE must lie in the expiry window']);
    expect(refusal({ targetDte: 44 })).toEqual(['the target DTE must lie in the expiry window']);
    expect(refusal({ exitDte: 28 })).toEqual(['MANAGING must begin before the 21 DTE exit']);
    expect(refusal({ exitDte: 27 })).toBeUndefined();
  });
});
