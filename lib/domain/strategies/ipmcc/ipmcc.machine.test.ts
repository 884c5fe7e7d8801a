import { describe, expect, it } from 'vitest';
import { createActor, transition, type AnyMachineSnapshot } from 'xstate';
import { addDays, isTradingDay, nextTradingDay, nyTime } from '../../market/calendar';
import { roundToStrike } from '../../market/instruments';
import { daysToExpiry, findExpiry } from '../../market/option-chain';
import { quoteOption } from '../../market/option-pricing';
import type { MarketBar, OrderLeg } from '../../market/types';
import { contextOf as strategyContext } from '../lifecycle/strategy-snapshot';
import { type StrategyContext, type StrategyEvent } from '../lifecycle/types';
import { applyFills, emptyPosition, positionPnl } from '../position';
import { barAt, exploreModel, lazyRun, fillsFor, gateRefusal, initialSnapshot, tick, update } from '../testing/model';
import { describeStrategyModel } from '../testing/model-suite';
import { ipmccMachine } from './ipmcc.machine';
import {
  assignmentRisk,
  callExtrinsic,
  IPMCC_DEFAULTS,
  ipmccLegs,
  ipmccSettingsSchema,
  leapLeg,
  newShortCall,
  shortLeg,
  type IpmccSettings,
} from './ipmcc.rules';

const ENTRY_DAY = '2026-11-18'; // a Wednesday
const NEXT_DAY = '2026-11-19';
const ID = 'ipmcc-test';
const input = { strategyId: ID, settings: IPMCC_DEFAULTS };
type Context = StrategyContext<IpmccSettings>;
const contextOf = (snapshot: AnyMachineSnapshot): Context => strategyContext<IpmccSettings>(snapshot);

const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);
/** `bar` with QQQ at exactly `price` (barAt derives QQQ from SPY by ratio). */
const withQqq = (bar: MarketBar, price: number): MarketBar => ({ ...bar, underlyings: { ...bar.underlyings, QQQ: { price, open: price } } });
const onOrAfter = (date: string): string => (isTradingDay(date) ? date : nextTradingDay(date));

const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent): AnyMachineSnapshot => transition(ipmccMachine, snapshot, event)[0];
const filled = (snapshot: AnyMachineSnapshot, bar: MarketBar): AnyMachineSnapshot => {
  const order = contextOf(snapshot).order!;
  return step(snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
};

/**
 * The bars that matter to IPMCC in `context`: entry, validation, the next day; for a position the short's
 * roll day, a profit bar on its expiry day (rallied to just under its strike, VIX at 40), the LEAP's
 * 120-DTE day, and VIX above 40.
 */
function ipmccBars(context: StrategyContext<unknown>): MarketBar[] {
  const bars = [at(ENTRY_DAY, 10, 0), at(ENTRY_DAY, 10, 1), at(NEXT_DAY, 9, 31)];
  const legs = context.position?.legs ?? [];
  const short = shortLeg(legs)?.contract;
  const leap = leapLeg(legs)?.contract;
  if (short) {
    bars.push(at(addDays(short.expiry, -7), 10, 30));
    bars.push(withQqq(at(short.expiry, 10, 30, 590, 40), short.strike - 0.5));
  }
  if (leap) bars.push(at(onOrAfter(addDays(leap.expiry, -120)), 10, 30));
  bars.push(at(NEXT_DAY, 10, 30, 590, 40.01));
  return bars;
}

const run = lazyRun(() => exploreModel(ipmccMachine, input, ipmccBars));

function reach(...events: StrategyEvent[]): AnyMachineSnapshot {
  return events.reduce(step, initialSnapshot(ipmccMachine, input));
}

const entered = () => reach(tick(at(ENTRY_DAY, 9, 59)), tick(at(ENTRY_DAY, 10, 0)), tick(at(ENTRY_DAY, 10, 1)));
const active = () => filled(entered(), at(ENTRY_DAY, 10, 1));
const heldShort = () => shortLeg(contextOf(active()).position!.legs)!.contract;
const heldLeap = () => leapLeg(contextOf(active()).position!.legs)!.contract;

/** A machine in `state` holding exactly `legs`, bought at `bar`'s mids (a position the model's bars do not reach). */
function holding(state: 'ACTIVE' | 'MANAGING', legs: readonly OrderLeg[], bar: MarketBar, entryCash?: number): AnyMachineSnapshot {
  const position = applyFills(emptyPosition('IPMCC', bar.time), fillsFor(legs, bar));
  return ipmccMachine.resolveState({ value: state, context: { ...contextOf(active()), position: { ...position, entryCash: entryCash ?? position.cash } } });
}

describeStrategyModel('IPMCC', ipmccMachine, run);

describe('the IPMCC entry rules at their boundaries', () => {
  const entersOn = (bar: MarketBar) => step(reach(tick(at(ENTRY_DAY, 9, 31))), tick(bar)).value === 'VALIDATION';

  it('needs VIX above 12 (exactly 12 is not enough) and at most 40', () => {
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 12))).toBe(false);
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 12.01))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 40))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 10, 30, 590, 40.01))).toBe(false);
  });

  it('opens its window at 10:00 ET and closes it after 11:00 ET', () => {
    expect(entersOn(at(ENTRY_DAY, 9, 59))).toBe(false);
    expect(entersOn(at(ENTRY_DAY, 10, 0))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 11, 0))).toBe(true);
    expect(entersOn(at(ENTRY_DAY, 11, 1))).toBe(false);
  });

  it('enters on any trading day, but not on a weekend or an exchange holiday', () => {
    expect(entersOn(at('2026-11-16', 10, 30))).toBe(true);
    expect(entersOn(at('2026-11-20', 10, 30))).toBe(true);
    expect(entersOn(at('2026-11-21', 10, 30))).toBe(false);
    expect(entersOn(at('2026-11-26', 10, 30))).toBe(false);
  });

  it('does not enter when the coordinator says no, or on stale data', () => {
    const waiting = reach(tick(at(ENTRY_DAY, 9, 31)));
    expect(step(waiting, tick(at(ENTRY_DAY, 10, 30), 'RUNNING', { allowed: false, reasons: ['system is HALTED'] })).value).toBe('WAITING');
    expect(step(waiting, tick({ ...at(ENTRY_DAY, 10, 30), isStale: true })).value).toBe('WAITING');
  });

  it('buys a ~0.80 delta QQQ LEAP 365-730 DTE and sells a 7-14 DTE call 3% out of the money above it, as one order', () => {
    const bar = at(ENTRY_DAY, 10, 0);
    const spot = bar.underlyings.QQQ.price;
    const [leap, short] = contextOf(entered()).order!.legs;
    expect(leap?.side).toBe('BUY');
    expect(leap?.contract.expiry).toBe(findExpiry('QQQ', ENTRY_DAY, { minDays: 365, maxDays: 730, targetDays: 540 }));
    expect(quoteOption(leap!.contract, bar).delta).toBeCloseTo(0.8, 1);
    expect(short?.side).toBe('SELL');
    expect(short?.contract.expiry).toBe(findExpiry('QQQ', ENTRY_DAY, { minDays: 8, maxDays: 14, targetDays: 10 }));
    expect(daysToExpiry(short!.contract.expiry, ENTRY_DAY)).toBeGreaterThanOrEqual(7);
    expect(short?.contract.strike).toBe(roundToStrike('QQQ', spot * 1.03, 'up', spot));
    expect(short!.contract.strike).toBeGreaterThan(leap!.contract.strike);
    expect([leap?.quantity, short?.quantity]).toEqual([1, 1]);
  });

  it('never sells a short call that is already due for a roll: on a Friday it sells 14 DTE, not 7', () => {
    const legs = ipmccLegs(at('2026-11-20', 10, 0), IPMCC_DEFAULTS) as OrderLeg[];
    expect(daysToExpiry(legs[1]!.contract.expiry, '2026-11-20')).toBe(14);
  });

  it('keeps the short strike above the LEAP strike when 3% out of the money would be below it', () => {
    const bar = at(ENTRY_DAY, 10, 0);
    const short = newShortCall(bar, 540, IPMCC_DEFAULTS)!;
    expect(short.strike).toBeGreaterThan(540);
    expect(short.strike).toBe(roundToStrike('QQQ', 540.01, 'up', bar.underlyings.QQQ.price));
  });

  it('trades the underlying its settings name: QQQ, SPY or IWM, nothing else', () => {
    const spy = ipmccSettingsSchema.parse({ underlying: 'SPY' });
    const legs = ipmccLegs(at(ENTRY_DAY, 10, 0), spy) as OrderLeg[];
    expect(legs.map((leg) => leg.contract.underlying)).toEqual(['SPY', 'SPY']);
    expect(ipmccSettingsSchema.safeParse({ underlying: 'IWM' }).success).toBe(true);
    expect(ipmccSettingsSchema.safeParse({ underlying: 'ES' }).success).toBe(false);
    expect(ipmccSettingsSchema.safeParse({ entryVix: { above: 40, atMost: 30 } }).success).toBe(false);
  });

  it('sends both legs as one order and holds exactly what filled, at a debit', () => {
    const snapshot = active();
    const { position, order } = contextOf(snapshot);
    expect(snapshot.value).toBe('ACTIVE');
    expect(position?.legs.map((leg) => leg.quantity)).toEqual([1, -1]);
    expect(position?.entryCash).toBeLessThan(0);
    expect(order).toBeNull();
  });
});

describe('the IPMCC management rules at their boundaries', () => {
  it('rolls the short call at 7 DTE, not at 8', () => {
    const short = heldShort();
    expect(step(active(), tick(at(addDays(short.expiry, -8), 10, 30))).value).toBe('ACTIVE');
    const rolling = step(active(), tick(at(addDays(short.expiry, -7), 10, 30)));
    expect(rolling.value).toBe('ROLLING');
    expect(contextOf(rolling).lastReason).toContain('7 DTE');
    const { order } = contextOf(rolling);
    expect(order?.purpose).toBe('ADJUST');
    expect(order?.legs.map((leg) => `${leg.side} ${leg.quantity} ${leg.contract.strike}C ${leg.contract.expiry}`)[0]).toBe(
      `BUY 1 ${short.strike}C ${short.expiry}`,
    );
  });

  it('sells the new weekly 7-14 DTE, 3% out of the money, above the LEAP strike', () => {
    const day = addDays(heldShort().expiry, -7);
    const bar = at(day, 10, 30, 600);
    const spot = bar.underlyings.QQQ.price;
    const sold = contextOf(step(active(), tick(bar))).order!.legs[1]!;
    expect(sold.side).toBe('SELL');
    expect(sold.contract.expiry).toBe(findExpiry('QQQ', day, { minDays: 8, maxDays: 14, targetDays: 10 }));
    expect(sold.contract.strike).toBe(roundToStrike('QQQ', spot * 1.03, 'up', spot));
    expect(sold.contract.strike).toBeGreaterThan(heldLeap().strike);
  });

  it('nets a roll out: once it fills, the position holds the LEAP and exactly the new short, no trace of the old one', () => {
    const old = heldShort();
    const bar = at(addDays(old.expiry, -7), 10, 30);
    const rolling = step(active(), tick(bar));
    const sold = contextOf(rolling).order!.legs[1]!.contract;
    const rolled = filled(rolling, bar);
    const { position, order } = contextOf(rolled);
    expect(rolled.value).toBe('ACTIVE');
    expect(order).toBeNull();
    expect(position?.legs).toEqual([
      { contract: heldLeap(), quantity: 1 },
      { contract: sold, quantity: -1 },
    ]);
    expect(position?.legs.some((leg) => leg.contract.expiry === old.expiry)).toBe(false);
    expect(position?.entryCash).toBe(contextOf(active()).position?.entryCash);
  });

  it('leaves the position as it was when a roll is rejected unfilled, and rolls again on the next bar', () => {
    const bar = at(addDays(heldShort().expiry, -7), 10, 30);
    const rolling = step(active(), tick(bar));
    const order = contextOf(rolling).order!;
    const rejected = step(rolling, { type: 'order.updated', order: update(order, 'REJECTED', [], bar.time) });
    expect(rejected.value).toBe('ACTIVE');
    expect(contextOf(rejected).position?.legs).toEqual(contextOf(active()).position?.legs);
    const again = step(rejected, tick(at(addDays(heldShort().expiry, -7), 10, 31)));
    expect(again.value).toBe('ROLLING');
    expect(contextOf(again).order?.clientOrderId).toBe(`${ID}:${ENTRY_DAY}:adjust:3`);
  });

  it('backs off a roll the pre-trade gate refuses: asked again after 1, 2, 4 minutes, back to ACTIVE each time, never ERROR', () => {
    const day = addDays(heldShort().expiry, -7);
    const refuse = (rolling: AnyMachineSnapshot, minute: number) =>
      step(rolling, { type: 'order.updated', order: gateRefusal(contextOf(rolling).order!, at(day, 10, minute).time) });
    const asked: number[] = [];
    let snapshot = active();
    for (let minute = 30; minute < 45; minute += 1) {
      snapshot = step(snapshot, tick(at(day, 10, minute)));
      if (snapshot.value !== 'ROLLING') continue;
      asked.push(minute);
      snapshot = refuse(snapshot, minute);
      expect(snapshot.value).toBe('ACTIVE');
      expect(contextOf(snapshot)).toMatchObject({ order: null, errorCount: 0, lastReason: expect.stringMatching(/^adjustment refused \(pre-trade gate: /) });
      expect(contextOf(snapshot).position?.legs).toEqual(contextOf(active()).position?.legs);
    }
    expect(asked).toEqual([30, 31, 33, 37]);
    expect(contextOf(snapshot).adjustmentBackoff).toMatchObject({ refusals: 4, since: at(day, 10, 30).time, retryAt: at(day, 10, 45).time });
    // Its exits never wait: VIX above 40 closes it while the roll is held back.
    expect(step(snapshot, tick(at(day, 10, 38, 590, 40.01))).value).toBe('DEFENSIVE_EXIT');
  });

  it("records a refused roll's error once: a refusal repeated under the same position and mode keeps the error on record", () => {
    const day = addDays(heldShort().expiry, -7);
    const refuse = (rolling: AnyMachineSnapshot, minute: number) =>
      step(rolling, { type: 'order.updated', order: gateRefusal(contextOf(rolling).order!, at(day, 10, minute).time) });
    const first = refuse(step(active(), tick(at(day, 10, 30))), 30);
    const second = refuse(step(first, tick(at(day, 10, 31))), 31);
    expect(contextOf(first).lastError).toMatchObject({ errorClass: 'ORDER_REJECTED', message: expect.stringMatching(/^pre-trade gate: /) });
    expect(contextOf(second).lastError).toBe(contextOf(first).lastError);
    expect(contextOf(second).lastReason).toMatch(/asked again in 2 min \(refusal 2 in a row\)/);
  });

  it('asks again at once when the system mode the gate refused the roll in has changed', () => {
    const day = addDays(heldShort().expiry, -7);
    const rolling = step(active(), tick(at(day, 10, 30), 'REDUCING'));
    const refused = step(rolling, {
      type: 'order.updated',
      order: { ...gateRefusal(contextOf(rolling).order!, at(day, 10, 30).time), gateSystemMode: 'REDUCING' },
    });
    expect(refused.value).toBe('ACTIVE');
    expect(step(refused, tick(at(day, 10, 31), 'REDUCING')).value).toBe('ROLLING');
    const heldBack = step(refused, tick(at(day, 10, 30, 590), 'REDUCING'));
    expect(heldBack.value).toBe('ACTIVE');
    expect(step(refused, tick(at(day, 10, 30, 590), 'RUNNING')).value).toBe('ROLLING');
  });

  it('starts the back-off afresh once a roll fills: the next roll is asked for at once', () => {
    const day = addDays(heldShort().expiry, -7);
    const rolling = step(active(), tick(at(day, 10, 30)));
    const refused = step(rolling, { type: 'order.updated', order: gateRefusal(contextOf(rolling).order!, at(day, 10, 30).time) });
    const rolled = filled(step(refused, tick(at(day, 10, 31))), at(day, 10, 31));
    expect(rolled.value).toBe('ACTIVE');
    expect(contextOf(rolled).adjustmentBackoff).toBeUndefined();
  });

  it('exits defensively on assignment risk: an in-the-money short with 2 DTE, not 3, and not at the money', () => {
    const short = heldShort();
    const itm = (date: string, price: number) => withQqq(at(date, 10, 30), price);
    expect(step(active(), tick(itm(addDays(short.expiry, -3), short.strike + 1))).value).toBe('ROLLING');
    expect(step(active(), tick(itm(addDays(short.expiry, -2), short.strike))).value).toBe('ROLLING');
    const exiting = step(active(), tick(itm(addDays(short.expiry, -2), short.strike + 0.01)));
    expect(exiting.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(exiting).lastReason).toMatch(/assignment risk: .* with 2 DTE/);
    expect(contextOf(exiting).order?.legs).toHaveLength(2);
  });

  it('counts an in-the-money short with less than $0.05 of extrinsic value as an assignment risk, whatever its DTE', () => {
    const settings = ipmccSettingsSchema.parse({ underlying: 'SPY' });
    const bar = barAt(nyTime(ENTRY_DAY, 10, 30), 50, 20);
    const expiry = addDays(ENTRY_DAY, 5);
    const deep = { contract: { underlying: 'SPY' as const, expiry, strike: 40, right: 'C' as const }, quantity: -1 };
    const near = { contract: { ...deep.contract, strike: 49 }, quantity: -1 };
    expect(callExtrinsic(deep.contract, bar)).toBeLessThan(0.05);
    expect(callExtrinsic(near.contract, bar)).toBeGreaterThanOrEqual(0.05);
    expect(assignmentRisk(deep, bar, settings)).toMatch(/extrinsic value left/);
    expect(assignmentRisk(near, bar, settings)).toBeNull();
  });

  it('exits defensively when VIX rises above 40, not at 40', () => {
    expect(step(active(), tick(at(NEXT_DAY, 10, 30, 590, 40))).value).toBe('ACTIVE');
    const exiting = step(active(), tick(at(NEXT_DAY, 10, 30, 590, 40.01)));
    expect(exiting.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(exiting).lastReason).toContain('above 40');
  });

  it('takes profit at exactly 50% of the entry debit, not a cent before', () => {
    const bar = at(NEXT_DAY, 10, 30, 600);
    const legs = contextOf(active()).position!.legs.map((leg) => ({ contract: leg.contract, side: leg.quantity > 0 ? 'BUY' : 'SELL', quantity: 1 }) as const);
    const pnl = positionPnl(contextOf(holding('ACTIVE', legs, at(ENTRY_DAY, 10, 1))).position!, bar);
    expect(pnl).toBeGreaterThan(0);
    expect(step(holding('ACTIVE', legs, at(ENTRY_DAY, 10, 1), -2 * pnl - 0.02), tick(bar)).value).toBe('ACTIVE');
    const exiting = step(holding('ACTIVE', legs, at(ENTRY_DAY, 10, 1), -2 * pnl), tick(bar));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).lastReason).toMatch(/reached 50% of the .* debit/);
  });

  it('goes to MANAGING when the LEAP has 120 DTE, not 121; there no new short is sold and all closes at the short\'s 7 DTE', () => {
    const leap = heldLeap();
    const day121 = addDays(leap.expiry, -121);
    const bar = at(day121, 10, 30);
    const short = newShortCall(bar, leap.strike, IPMCC_DEFAULTS)!;
    const legs: OrderLeg[] = [
      { contract: leap, side: 'BUY', quantity: 1 },
      { contract: short, side: 'SELL', quantity: 1 },
    ];
    expect(step(holding('ACTIVE', legs, bar), tick(bar)).value).toBe('ACTIVE');
    const managing = step(holding('ACTIVE', legs, bar), tick(at(addDays(leap.expiry, -120), 10, 30)));
    expect(managing.value).toBe('MANAGING');
    expect(contextOf(managing).lastReason).toContain('120 DTE');
    expect(contextOf(managing).order).toBeNull();
    expect(step(managing, tick(at(addDays(short.expiry, -8), 10, 30))).value).toBe('MANAGING');
    const exiting = step(managing, tick(at(addDays(short.expiry, -7), 10, 30)));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).order?.legs.map((leg) => leg.side)).toEqual(['SELL', 'BUY']);
  });

  it('prefers MANAGING to a roll when the LEAP is near expiry and the short is due', () => {
    const leap = heldLeap();
    const bar = at(onOrAfter(addDays(leap.expiry, -118)), 10, 30);
    const short = newShortCall(bar, leap.strike, IPMCC_DEFAULTS)!;
    const legs: OrderLeg[] = [
      { contract: leap, side: 'BUY', quantity: 1 },
      { contract: short, side: 'SELL', quantity: 1 },
    ];
    expect(daysToExpiry(leap.expiry, addDays(short.expiry, -7))).toBeLessThanOrEqual(120);
    expect(step(holding('ACTIVE', legs, bar), tick(at(addDays(short.expiry, -7), 10, 30))).value).toBe('MANAGING');
  });

  it('books the realised P&L when the exit fills and starts again on a later trading day', () => {
    const exiting = step(active(), tick(at(NEXT_DAY, 10, 30, 590, 41)));
    const done = filled(exiting, at(NEXT_DAY, 10, 31, 590, 41));
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done).position).toBeNull();
    expect(contextOf(done).realizedPnl).not.toBe(0);
    expect(step(done, tick(at(ENTRY_DAY, 15, 0))).value).toBe('COMPLETE');
    expect(step(done, tick(at(NEXT_DAY, 15, 0))).value).toBe('WAITING');
  });
});

describe('the IPMCC machine stored and restored', () => {
  it('continues correctly from a snapshot sent through JSON.stringify', () => {
    const stored = JSON.stringify(ipmccMachine.getPersistedSnapshot(active()));
    const restored = createActor(ipmccMachine, { input, snapshot: JSON.parse(stored) }).start();
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    expect(contextOf(restored.getSnapshot()).position?.legs).toHaveLength(2);
    restored.send(tick(at(addDays(heldShort().expiry, -7), 10, 30)));
    expect(restored.getSnapshot().value).toBe('ROLLING');
    expect(contextOf(restored.getSnapshot()).order?.clientOrderId).toBe(`${ID}:${ENTRY_DAY}:adjust:2`);
  });

  it('times out ENTERING 5 minutes of market time after the order, also after a restore', () => {
    const stored = JSON.stringify(ipmccMachine.getPersistedSnapshot(entered()));
    const restored = createActor(ipmccMachine, { input, snapshot: JSON.parse(stored) }).start();
    restored.send(tick(at(ENTRY_DAY, 10, 6)));
    expect(restored.getSnapshot().value).toBe('ENTERING');
    restored.send(tick(at(ENTRY_DAY, 10, 7)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).lastError?.errorClass).toBe('TIMEOUT');
  });

  it('times out a roll too after a restore, and recovery finds the position unchanged', () => {
    const day = addDays(heldShort().expiry, -7);
    const rolling = step(active(), tick(at(day, 10, 30)));
    const restored = createActor(ipmccMachine, { input, snapshot: JSON.parse(JSON.stringify(ipmccMachine.getPersistedSnapshot(rolling))) }).start();
    restored.send(tick(at(day, 10, 36)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    restored.send({ type: 'recovery.checked', order: null, time: at(day, 10, 37).time });
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    expect(contextOf(restored.getSnapshot()).position?.legs).toEqual(contextOf(active()).position?.legs);
  });
});
