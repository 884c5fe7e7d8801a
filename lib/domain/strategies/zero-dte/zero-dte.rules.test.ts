import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import { comboMid } from '../../market/option-pricing';
import type { MarketBar, OrderLeg } from '../../market/types';
import { contextOf } from '../lifecycle/strategy-snapshot';
import type { Proposal, StrategyContext } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl, type Position } from '../position';
import { barAt, fillsFor, initialSnapshot } from '../testing/model';
import { zeroDteMachine } from './zero-dte.machine';
import {
  chooseStructure,
  expectedDailyMove,
  morningMove,
  shortStrikeBreach,
  ZERO_DTE_DEFAULTS,
  zeroDteLegs,
  zeroDteRules,
  zeroDteSettingsSchema,
  type ZeroDteSettings,
} from './zero-dte.rules';

// The 0DTE Friday rules asked directly: what they decide and the reason the audit trail shows.
const FRIDAY = '2026-11-20';
const at = (hour: number, minute: number, spy = 590, vix = 24, open = spy): MarketBar => barAt(nyTime(FRIDAY, hour, minute), spy, vix, open);

type Context = StrategyContext<ZeroDteSettings>;
const fresh = contextOf<ZeroDteSettings>(initialSnapshot(zeroDteMachine, { strategyId: 'z', settings: ZERO_DTE_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: FRIDAY, ...overrides });

const ENTRY_BAR = at(10, 30);
const CONDOR = zeroDteLegs(ENTRY_BAR, 'IRON_CONDOR', ZERO_DTE_DEFAULTS);
const [, SHORT_PUT, SHORT_CALL] = CONDOR as [OrderLeg, OrderLeg, OrderLeg, OrderLeg];
function holding(legs: readonly OrderLeg[], entryCash?: number): Position {
  const position = applyFills(emptyPosition('IRON_CONDOR', ENTRY_BAR.time), fillsFor(legs, ENTRY_BAR));
  return { ...position, entryCash: entryCash ?? position.cash };
}
const manage = (position: Position, bar: MarketBar, state = 'ACTIVE') => zeroDteRules.manage(context({ position }), bar, state);

describe('the 0DTE Friday entry rules, in words', () => {
  it('names the entry window and the VIX bound an entry misses', () => {
    expect(zeroDteRules.entryProblems(context(), at(10, 29, 590, 22))).toEqual(['outside the Friday 10:30-11:00 ET entry window', 'VIX 22 is not above 22']);
    expect(zeroDteRules.entryProblems(context(), ENTRY_BAR)).toEqual([]);
  });

  it('proposes the structure the morning move calls for, naming it, the move and VIX', () => {
    const up = at(10, 30, 590, 24, 586);
    const proposal = zeroDteRules.propose(context(), up) as Proposal;
    expect(proposal.structure).toBe('PUT_SPREAD');
    expect(proposal.legs).toEqual(zeroDteLegs(up, 'PUT_SPREAD', ZERO_DTE_DEFAULTS));
    expect(proposal.proposedAt).toBe(up.time);
    expect(proposal.note).toBe('put spread on SPY 590 (move 0.68%), VIX 24');
    expect((zeroDteRules.propose(context(), ENTRY_BAR) as Proposal).note).toBe('iron condor on SPY 590 (move 0.00%), VIX 24');
  });

  it('chooses by the move strictly inside or beyond its thresholds', () => {
    const moved = (move: number) => chooseStructure(at(10, 30, 600 * (1 + move), 24, 600), ZERO_DTE_DEFAULTS);
    expect(moved(0.0019)).toBe('IRON_CONDOR');
    expect(moved(-0.0019)).toBe('IRON_CONDOR');
    expect(moved(0.0021)).toBeNull();
    expect(moved(0.0049)).toBeNull();
    expect(moved(0.0051)).toBe('PUT_SPREAD');
    expect(moved(-0.0049)).toBeNull();
    expect(moved(-0.0051)).toBe('CALL_SPREAD');
  });

  it('needs a move strictly beyond a threshold: exactly at it is not enough', () => {
    const bar = at(10, 30, 592, 24, 590);
    const move = morningMove(bar);
    expect(chooseStructure(bar, { ...ZERO_DTE_DEFAULTS, condorMaxMove: move, directionalMinMove: move })).toBeNull();
    const down = at(10, 30, 588, 24, 590);
    expect(chooseStructure(down, { ...ZERO_DTE_DEFAULTS, condorMaxMove: 0.001, directionalMinMove: -morningMove(down) })).toBeNull();
  });

  it('builds a put spread of two puts below spot', () => {
    const legs = zeroDteLegs(ENTRY_BAR, 'PUT_SPREAD', ZERO_DTE_DEFAULTS);
    expect(legs.map((leg) => `${leg.side} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
      `BUY ${SHORT_PUT.contract.strike - 5}P`,
      `SELL ${SHORT_PUT.contract.strike}P`,
    ]);
  });

  it('takes the expected daily move from spot and VIX', () => {
    expect(expectedDailyMove(600, 20)).toBeCloseTo(600 * 0.2 / Math.sqrt(252), 9);
  });

  it('builds a call spread above spot, and sizes every leg by its contracts', () => {
    const legs = zeroDteLegs(ENTRY_BAR, 'CALL_SPREAD', { ...ZERO_DTE_DEFAULTS, contracts: 3 });
    expect(legs.map((leg) => `${leg.side} ${leg.quantity} ${leg.contract.strike}${leg.contract.right} ${leg.contract.expiry}`)).toEqual([
      `SELL 3 ${SHORT_CALL.contract.strike}C ${FRIDAY}`,
      `BUY 3 ${SHORT_CALL.contract.strike + 5}C ${FRIDAY}`,
    ]);
  });

  it('validates VIX, an untouched short strike and the minimum credit, naming each', () => {
    const proposal: Proposal = { structure: 'IRON_CONDOR', legs: CONDOR, proposedAt: ENTRY_BAR.time, note: '' };
    expect(zeroDteRules.validate(context(), proposal, at(10, 31))).toEqual([]);
    const breached = at(10, 31, SHORT_PUT.contract.strike, 36);
    expect(zeroDteRules.validate(context(), proposal, breached).slice(0, 2)).toEqual([
      'VIX 36 is above 35',
      `already breached: SPY ${SHORT_PUT.contract.strike} breached the short put ${SHORT_PUT.contract.strike}`,
    ]);
    // Below the long put wing every put is in the money: the breach named is the short put's, not the wing's.
    const crashed = zeroDteRules.validate(context(), proposal, at(10, 31, SHORT_PUT.contract.strike - 10));
    expect(crashed).toContain(`already breached: SPY ${SHORT_PUT.contract.strike - 10} breached the short put ${SHORT_PUT.contract.strike}`);
    const credit0 = comboMid(CONDOR, at(10, 31));
    expect(zeroDteRules.validate(context({ settings: { ...ZERO_DTE_DEFAULTS, minCredit: credit0 } }), proposal, at(10, 31))).toEqual([]);
    const greedy = context({ settings: { ...ZERO_DTE_DEFAULTS, minCredit: 50 } });
    const credit = comboMid(CONDOR, at(10, 31));
    expect(zeroDteRules.validate(greedy, proposal, at(10, 31))).toEqual([`the credit ${credit.toFixed(2)} is below the minimum 50.00`]);
  });
});

describe('the 0DTE Friday management rules, in words', () => {
  it('names the short strike SPY touched, and ignores long legs', () => {
    const held = holding(CONDOR);
    expect(manage(held, at(11, 0, SHORT_CALL.contract.strike))).toEqual({
      next: 'DEFENSIVE_EXIT',
      reason: `SPY ${SHORT_CALL.contract.strike} breached the short call ${SHORT_CALL.contract.strike}`,
    });
    const longPut = { contract: SHORT_PUT.contract, quantity: 1 };
    expect(shortStrikeBreach([longPut], at(11, 0, SHORT_PUT.contract.strike - 1))).toBeNull();
    expect(shortStrikeBreach([{ ...longPut, quantity: 0 }], at(11, 0, SHORT_PUT.contract.strike - 1))).toBeNull();
  });

  it('stops the loss at its multiple of the credit, naming both', () => {
    const held = holding(CONDOR, 10);
    const bar = at(11, 0, 590, 40);
    const loss = -positionPnl(held, bar);
    expect(loss).toBeGreaterThanOrEqual(20);
    expect(manage(held, bar)).toEqual({ next: 'DEFENSIVE_EXIT', reason: `loss ${loss.toFixed(2)} USD reached 2x the credit` });
  });

  it('takes profit at its share of the credit, naming both', () => {
    const held = holding(CONDOR);
    const bar = at(14, 0);
    expect(manage(held, bar)).toEqual({ next: 'EXITING', reason: `profit ${positionPnl(held, bar).toFixed(2)} USD reached 50% of the credit` });
  });

  it('manages from 15:30 ET and closes everything at 15:45 ET', () => {
    const held = holding(CONDOR, 1e9);
    expect(manage(held, at(15, 30))).toEqual({ next: 'MANAGING', reason: '15:30 ET: time-based management' });
    expect(manage(held, at(15, 30), 'MANAGING')).toBeNull();
    expect(manage(held, at(15, 45), 'MANAGING')).toEqual({ next: 'EXITING', reason: 'closing time: everything closes before the expiry' });
    expect(manage(held, at(15, 29))).toBeNull();
    expect(zeroDteRules.manage(context(), at(15, 45), 'MANAGING')).toBeNull();
  });

  it('stops the loss exactly at its multiple and takes profit exactly at its share', () => {
    const bar = at(11, 0, 590, 40);
    const loss = -positionPnl(holding(CONDOR), bar);
    // Credits that make the thresholds exact in floating point: a multiple of 2 and a share of 1/2.
    expect(manage(holding(CONDOR, loss / 2), bar)?.next).toBe('DEFENSIVE_EXIT');
    const calm = at(14, 0);
    const pnl = positionPnl(holding(CONDOR), calm);
    expect(manage(holding(CONDOR, 2 * pnl), calm)?.next).toBe('EXITING');
  });

  it('sets no profit target or stop without a credit', () => {
    const debit = holding(CONDOR, -10);
    expect(manage(debit, at(14, 0))).toBeNull();
    expect(manage(debit, at(11, 0, 590, 40))).toBeNull();
    const none = holding(CONDOR, 0);
    expect(manage(none, at(14, 0))).toBeNull();
    expect(manage(none, at(11, 0, 590, 40))).toBeNull();
  });
});

describe('the 0DTE Friday cycle and settings', () => {
  it('starts a new cycle on another day', () => {
    expect(zeroDteRules.cycleKey(ENTRY_BAR)).toBe(FRIDAY);
    expect(zeroDteRules.isNextCycle(context(), at(15, 50))).toBe(false);
    expect(zeroDteRules.isNextCycle(context({ cycle: '2026-11-13' }), at(9, 31))).toBe(true);
  });

  it('refuses inconsistent settings, saying which', () => {
    const refusal = (settings: Partial<ZeroDteSettings>) => zeroDteSettingsSchema.safeParse(settings).error?.issues.map((issue) => issue.message);
    expect(refusal({ entryFromMinute: 700, entryUntilMinute: 600 })).toEqual(['the entry window must not end before it starts']);
    expect(refusal({ condorMaxMove: 0.006 })).toEqual(['the condor move must not exceed the directional move']);
    expect(refusal({ condorMaxMove: 0.005, entryFromMinute: 660 })).toBeUndefined();
  });
});
