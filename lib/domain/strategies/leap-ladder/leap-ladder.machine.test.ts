import { describe, expect, it } from 'vitest';
import { createActor, transition, type AnyMachineSnapshot } from 'xstate';
import { addDays, isTradingDay, nextTradingDay, nyParts, nyTime } from '../../market/calendar';
import { roundToStrike } from '../../market/instruments';
import { findExpiry } from '../../market/option-chain';
import { quoteOption } from '../../market/option-pricing';
import type { MarketBar } from '../../market/types';
import { contextOf as strategyContext } from '../lifecycle/strategy-snapshot';
import { type StrategyContext, type StrategyEvent } from '../lifecycle/types';
import { marketValue } from '../position';
import { barAt, exploreModel, lazyRun, fillsFor, initialSnapshot, tick, update } from '../testing/model';
import { describeStrategyModel } from '../testing/model-suite';
import { leapLadderMachine } from './leap-ladder.machine';
import {
  LEAP_LADDER_DEFAULTS,
  leapLadderSettingsSchema,
  nextRungDate,
  rungContract,
  rungsDueForRoll,
  rungsOf,
  type LeapLadderSettings,
} from './leap-ladder.rules';

const ENTRY_DAY = '2026-11-18'; // a Wednesday
const NEXT_DAY = '2026-11-19';
const ID = 'leap-ladder-test';
const input = { strategyId: ID, settings: LEAP_LADDER_DEFAULTS };
const LEAP_WINDOW = { minDays: 365, maxDays: 730, targetDays: 540 };
type Context = StrategyContext<LeapLadderSettings>;
const contextOf = (snapshot: AnyMachineSnapshot): Context => strategyContext<LeapLadderSettings>(snapshot);

const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);
const onOrAfter = (date: string): string => (isTradingDay(date) ? date : nextTradingDay(date));

const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent): AnyMachineSnapshot => transition(leapLadderMachine, snapshot, event)[0];
const filled = (snapshot: AnyMachineSnapshot, bar: MarketBar): AnyMachineSnapshot => {
  const order = contextOf(snapshot).order!;
  return step(snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
};
const openedOn = (snapshot: AnyMachineSnapshot): string => nyParts(contextOf(snapshot).position!.openedAt).date;
const earliestExpiry = (snapshot: AnyMachineSnapshot): string => rungsOf(contextOf(snapshot).position).map((rung) => rung.contract.expiry).sort()[0]!;
const describeLegs = (snapshot: AnyMachineSnapshot) =>
  contextOf(snapshot).order?.legs.map((leg) => `${leg.side} ${leg.quantity} ${leg.contract.strike}${leg.contract.right} ${leg.contract.expiry}`);

/**
 * The bars that matter to the ladder in `context`: entry, validation, the next day; for a position the
 * next rung's build day, the roll day of its nearest rung (the first trading day at 90 DTE or less) and
 * VIX at 40.
 */
function ladderBars(context: StrategyContext<unknown>): MarketBar[] {
  const bars = [at(ENTRY_DAY, 10, 0), at(ENTRY_DAY, 10, 1), at(NEXT_DAY, 9, 31)];
  const { position } = context;
  const rungs = rungsOf(position);
  if (position && rungs.length > 0) {
    bars.push(at(onOrAfter(nextRungDate(position, LEAP_LADDER_DEFAULTS)), 10, 30));
    const nearest = rungs.map((rung) => rung.contract.expiry).sort()[0]!;
    bars.push(at(onOrAfter(addDays(nearest, -90)), 10, 30));
    bars.push(at(NEXT_DAY, 10, 30, 590, 40));
  }
  return bars;
}

function reach(...events: StrategyEvent[]): AnyMachineSnapshot {
  return events.reduce(step, initialSnapshot(leapLadderMachine, input));
}

const entered = () => reach(tick(at(ENTRY_DAY, 9, 59)), tick(at(ENTRY_DAY, 10, 0)), tick(at(ENTRY_DAY, 10, 1)));
const active = () => filled(entered(), at(ENTRY_DAY, 10, 1));
const buildDay = (snapshot: AnyMachineSnapshot) => onOrAfter(nextRungDate(contextOf(snapshot).position!, LEAP_LADDER_DEFAULTS));
function twoRungs(): AnyMachineSnapshot {
  const bar = at(buildDay(active()), 10, 30);
  return filled(step(active(), tick(bar)), bar);
}

const run = lazyRun(() => exploreModel(leapLadderMachine, input, ladderBars));

/**
 * Rows of the shared table no broker reply can take here: they need an order with some legs filled and
 * others not, and the ladder's entry (the first rung) and builds (the next rung) are one-leg orders, filled
 * whole or not at all.
 */
const ONE_LEG_ROWS = ['ENTERING -> ENTERING on order.updated', 'BUILDING -> BUILDING on order.updated', 'BUILDING -> DEFENSIVE_EXIT on order.updated'];

/**
 * The model from one rung (where the exploration holds every position it reaches) closes one leg; from two
 * rungs a close fills leg by leg, which the lifecycle's rows also cover. Both runs together are the model.
 */
const ladderRun = lazyRun(() => {
  const fromTwoRungs = exploreModel(leapLadderMachine, input, ladderBars, { fromState: twoRungs() });
  return { ...run(), taken: new Set([...run().taken, ...fromTwoRungs.taken]) };
});

describeStrategyModel('LEAP ladder', leapLadderMachine, ladderRun, {
  rows: ONE_LEG_ROWS,
  because: 'part fills of its one-leg orders',
});

describe('the LEAP ladder machine, beyond the shared model', () => {
  it('sends its entry and every build as one-leg orders, which is why their part-fill rows cannot be taken', () => {
    expect(contextOf(run().exemplars.get('ENTERING')!).order?.legs).toHaveLength(1);
    expect(contextOf(run().exemplars.get('BUILDING')!).order?.legs).toHaveLength(1);
    expect(contextOf(step(twoRungs(), tick(at(buildDay(twoRungs()), 10, 30)))).order?.legs).toHaveLength(1);
  });
});

describe('the LEAP ladder entry rules at their boundaries', () => {
  const entersOn = (bar: MarketBar) => step(reach(tick(at(ENTRY_DAY, 9, 31))), tick(bar)).value === 'VALIDATION';

  it('needs VIX at most 30', () => {
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 12))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 30))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 30.01))).toBe(false);
  });

  it('opens its window at 10:00 ET and closes it after 11:00 ET, on trading days only', () => {
    expect(entersOn(at(ENTRY_DAY, 9, 59))).toBe(false);
    expect(entersOn(at(ENTRY_DAY, 10, 0))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 11, 0))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 11, 1))).toBe(false);
    expect(entersOn(at('2026-11-21', 10, 30))).toBe(false);
    expect(entersOn(at('2026-11-26', 10, 30))).toBe(false);
  });

  it('does not enter when the coordinator says no, or on stale data', () => {
    const waiting = reach(tick(at(ENTRY_DAY, 9, 31)));
    expect(step(waiting, tick(at(ENTRY_DAY, 10, 30), 'RUNNING', { allowed: false, reasons: ['system is HALTED'] })).value).toBe('WAITING');
    expect(step(waiting, tick({ ...at(ENTRY_DAY, 10, 30), isStale: true })).value).toBe('WAITING');
  });

  it('opens with the first rung: an SPY put at 0.90 x spot, 365-730 DTE, sized to a fifth of 5% of the portfolio', () => {
    const bar = at(ENTRY_DAY, 10, 0);
    const [rung, ...rest] = contextOf(entered()).order!.legs;
    expect(rest).toEqual([]);
    expect(rung?.side).toBe('BUY');
    expect(rung?.contract).toEqual({ underlying: 'SPY', expiry: findExpiry('SPY', ENTRY_DAY, LEAP_WINDOW), strike: roundToStrike('SPY', 590 * 0.9, 'nearest', 590), right: 'P' });
    expect(rung?.quantity).toBe(Math.max(1, Math.floor(1_000 / (quoteOption(rung!.contract, bar).mid * 100))));
  });

  it('buys as many contracts per rung as its share of the budget pays for, and at least one', () => {
    const rich = leapLadderSettingsSchema.parse({ portfolioValue: 2_000_000 });
    const waiting = createActor(leapLadderMachine, { input: { strategyId: ID, settings: rich } }).start();
    waiting.send(tick(at(ENTRY_DAY, 9, 59)));
    waiting.send(tick(at(ENTRY_DAY, 10, 0)));
    const rung = contextOf(waiting.getSnapshot()).proposal!.legs[0]!;
    const cost = quoteOption(rung.contract, at(ENTRY_DAY, 10, 0)).mid * 100;
    expect(rung.quantity).toBe(Math.floor(20_000 / cost));
    expect(rung.quantity).toBeGreaterThan(1);
    expect(contextOf(active()).position?.legs.map((leg) => leg.quantity)).toEqual([1]);
  });

  it('refuses settings with a repeated rung or an exit VIX at or above the managing VIX', () => {
    expect(leapLadderSettingsSchema.safeParse({ rungMoneyness: [0.9, 0.9] }).success).toBe(false);
    expect(leapLadderSettingsSchema.safeParse({ exitVixAtMost: 40 }).success).toBe(false);
    expect(leapLadderSettingsSchema.safeParse({ rungMoneyness: [0.95, 0.8] }).success).toBe(true);
  });
});

describe('the LEAP ladder management rules at their boundaries', () => {
  it('builds the next rung 28 calendar days after the ladder opened, not 27', () => {
    const opened = openedOn(active());
    expect(step(active(), tick(at(addDays(opened, 27), 10, 30))).value).toBe('ACTIVE');
    const building = step(active(), tick(at(addDays(opened, 28), 10, 30)));
    expect(building.value).toBe('BUILDING');
    expect(contextOf(building).order?.purpose).toBe('ADJUST');
    expect(describeLegs(building)).toEqual([
      `BUY 1 ${roundToStrike('SPY', 590 * 0.85, 'nearest', 590)}P ${findExpiry('SPY', addDays(opened, 28), LEAP_WINDOW)}`,
    ]);
  });

  it('builds only in the 10:00-11:00 ET window and while VIX is at most 30', () => {
    const day = addDays(openedOn(active()), 28);
    expect(step(active(), tick(at(day, 9, 59))).value).toBe('ACTIVE');
    expect(step(active(), tick(at(day, 11, 1))).value).toBe('ACTIVE');
    expect(step(active(), tick(at(day, 10, 30, 590, 30.01))).value).toBe('ACTIVE');
    expect(step(active(), tick(at(day, 10, 30, 590, 30))).value).toBe('BUILDING');
  });

  it('builds rung by rung at 0.85, 0.80, 0.75 and 0.70 x SPY, then stops at five', () => {
    let snapshot = active();
    const strikes = [contextOf(snapshot).position!.legs[0]!.contract.strike];
    for (const [index, moneyness] of [0.85, 0.8, 0.75, 0.7].entries()) {
      const day = addDays(openedOn(snapshot), 28 * (index + 1));
      expect(step(snapshot, tick(at(addDays(day, -1), 10, 30, 600))).value).toBe('ACTIVE');
      const bar = at(day, 10, 30, 600);
      const building = step(snapshot, tick(bar));
      expect(building.value).toBe('BUILDING');
      snapshot = filled(building, bar);
      strikes.push(roundToStrike('SPY', 600 * moneyness, 'nearest', 600));
      expect(contextOf(snapshot).position?.legs.map((leg) => leg.contract.strike)).toEqual(strikes);
    }
    expect(step(snapshot, tick(at(addDays(openedOn(snapshot), 28 * 5), 10, 30, 600))).value).toBe('ACTIVE');
  });

  it('never puts a new rung on a contract another rung holds: it steps down one listed strike', () => {
    const bar = at('2026-12-16', 10, 30, 635.3);
    const expiry = findExpiry('SPY', '2026-12-16', LEAP_WINDOW)!;
    const held = { underlying: 'SPY' as const, expiry, strike: 540, right: 'P' as const };
    expect(rungContract(bar, 0.85, LEAP_LADDER_DEFAULTS, [])?.strike).toBe(540);
    expect(rungContract(bar, 0.85, LEAP_LADDER_DEFAULTS, [held])?.strike).toBe(535);
  });

  it('counts 90 DTE as due for a roll and 91 not', () => {
    const rungs = rungsOf(contextOf(active()).position);
    const expiry = rungs[0]!.contract.expiry;
    expect(rungsDueForRoll(rungs, addDays(expiry, -91), LEAP_LADDER_DEFAULTS)).toEqual([]);
    expect(rungsDueForRoll(rungs, addDays(expiry, -90), LEAP_LADDER_DEFAULTS)).toEqual(rungs);
  });

  it('holds a rung at 91 DTE and rolls it on the first trading day at 90 or less, at any time of day', () => {
    const expiry = earliestExpiry(active());
    const day91 = addDays(expiry, -91);
    expect(isTradingDay(day91)).toBe(true);
    // 11:30: outside the buying window, so the overdue next rung is not built either.
    expect(step(active(), tick(at(day91, 11, 30))).value).toBe('ACTIVE');
    const rolling = step(active(), tick(at(onOrAfter(addDays(expiry, -90)), 11, 30)));
    expect(rolling.value).toBe('ROLLING');
    expect(contextOf(rolling).order?.purpose).toBe('ADJUST');
    expect(contextOf(rolling).lastReason).toContain('at 90 DTE or less');
  });

  it('rolls a rung to the same moneyness 365-730 DTE, and nets out: the new rung is held and no trace of the old one', () => {
    const old = rungsOf(contextOf(active()).position)[0]!;
    const day = onOrAfter(addDays(old.contract.expiry, -90));
    const bar = at(day, 10, 30, 620);
    const rolling = step(active(), tick(bar));
    const bought = { underlying: 'SPY', expiry: findExpiry('SPY', day, LEAP_WINDOW), strike: roundToStrike('SPY', 620 * 0.9, 'nearest', 620), right: 'P' };
    expect(contextOf(rolling).order?.legs).toEqual([
      { contract: old.contract, side: 'SELL', quantity: old.quantity },
      { contract: bought, side: 'BUY', quantity: old.quantity },
    ]);
    const rolled = filled(rolling, bar);
    expect(rolled.value).toBe('ACTIVE');
    expect(contextOf(rolled).order).toBeNull();
    expect(contextOf(rolled).position?.legs).toEqual([{ contract: bought, quantity: old.quantity }]);
  });

  it('rolls every due rung in one order, each to the moneyness of its rank in the ladder', () => {
    const ladder = twoRungs();
    const [first, second] = rungsOf(contextOf(ladder).position);
    expect(first!.contract.expiry).toBe(second!.contract.expiry);
    const day = onOrAfter(addDays(first!.contract.expiry, -90));
    const rolling = step(ladder, tick(at(day, 10, 30, 650)));
    const expiry = findExpiry('SPY', day, LEAP_WINDOW);
    expect(describeLegs(rolling)).toEqual([
      `SELL 1 ${first!.contract.strike}P ${first!.contract.expiry}`,
      `BUY 1 ${roundToStrike('SPY', 650 * 0.9, 'nearest', 650)}P ${expiry}`,
      `SELL 1 ${second!.contract.strike}P ${second!.contract.expiry}`,
      `BUY 1 ${roundToStrike('SPY', 650 * 0.85, 'nearest', 650)}P ${expiry}`,
    ]);
  });

  it('goes to MANAGING when VIX reaches 40, not at 39.99', () => {
    expect(step(active(), tick(at(NEXT_DAY, 10, 30, 590, 39.99))).value).toBe('ACTIVE');
    const managing = step(active(), tick(at(NEXT_DAY, 10, 30, 590, 40)));
    expect(managing.value).toBe('MANAGING');
    expect(contextOf(managing).lastReason).toContain('the hedge pays');
  });

  it('never exits by itself in a crash: only an operator can send DEFENSIVE_EXIT', () => {
    const crash = at(NEXT_DAY, 10, 30, 450, 39.99);
    expect(step(active(), tick(crash)).value).toBe('ACTIVE');
    const exiting = step(active(), { type: 'operator.defensiveExit', actor: 'alice', reason: 'de-risk', time: crash.time });
    expect(exiting.value).toBe('DEFENSIVE_EXIT');
  });

  it('banks the hedge in MANAGING once VIX is back at 30, not at 30.01', () => {
    const managing = step(active(), tick(at(NEXT_DAY, 10, 30, 590, 45)));
    // SPY up at 640, so the puts have not yet made what they cost (which would bank the hedge too).
    expect(step(managing, tick(at(NEXT_DAY, 11, 0, 640, 30.01))).value).toBe('MANAGING');
    const exiting = step(managing, tick(at(NEXT_DAY, 11, 0, 640, 30)));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).order?.purpose).toBe('CLOSE');
    expect(contextOf(exiting).lastReason).toContain('banking the hedge');
  });

  it('banks the hedge in MANAGING once the P&L reaches 100% of what the ladder cost, not a cent before', () => {
    const managing = step(active(), tick(at(NEXT_DAY, 10, 30, 590, 45)));
    const bar = at(NEXT_DAY, 11, 0, 500, 35);
    const value = marketValue(contextOf(managing).position!, bar);
    const costing = (cash: number) => {
      const context = contextOf(managing);
      return leapLadderMachine.resolveState({ value: 'MANAGING', context: { ...context, position: { ...context.position!, cash } } });
    };
    expect(step(costing(-value / 2 - 0.01), tick(bar)).value).toBe('MANAGING');
    const exiting = step(costing(-value / 2), tick(bar));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).lastReason).toMatch(/reached 100% of the .* the ladder cost/);
  });

  it('books the cycle when the exit fills and rebuilds from the first rung on a later trading day', () => {
    const exiting = step(step(active(), tick(at(NEXT_DAY, 10, 30, 590, 45))), tick(at(NEXT_DAY, 10, 45, 590, 25)));
    const done = filled(exiting, at(NEXT_DAY, 10, 46, 590, 25));
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done).position).toBeNull();
    expect(contextOf(done).realizedPnl).not.toBe(0);
    const waiting = step(done, tick(at('2026-11-20', 9, 45)));
    expect(waiting.value).toBe('WAITING');
    const next = step(waiting, tick(at('2026-11-20', 10, 0)));
    expect(next.value).toBe('VALIDATION');
    expect(contextOf(next).proposal?.legs[0]?.contract.strike).toBe(roundToStrike('SPY', 590 * 0.9, 'nearest', 590));
  });
});

describe('the LEAP ladder machine stored and restored', () => {
  it('continues correctly from a snapshot sent through JSON.stringify', () => {
    const stored = JSON.stringify(leapLadderMachine.getPersistedSnapshot(twoRungs()));
    const restored = createActor(leapLadderMachine, { input, snapshot: JSON.parse(stored) }).start();
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    expect(contextOf(restored.getSnapshot()).position?.legs).toHaveLength(2);
    restored.send(tick(at(buildDay(twoRungs()), 10, 30)));
    expect(restored.getSnapshot().value).toBe('BUILDING');
    expect(contextOf(restored.getSnapshot()).order?.clientOrderId).toBe(`${ID}:${ENTRY_DAY}:adjust:3`);
  });

  it('times out ENTERING 5 minutes of market time after the order, also after a restore', () => {
    const stored = JSON.stringify(leapLadderMachine.getPersistedSnapshot(entered()));
    const restored = createActor(leapLadderMachine, { input, snapshot: JSON.parse(stored) }).start();
    restored.send(tick(at(ENTRY_DAY, 10, 6)));
    expect(restored.getSnapshot().value).toBe('ENTERING');
    restored.send(tick(at(ENTRY_DAY, 10, 7)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).lastError?.errorClass).toBe('TIMEOUT');
  });
});
