import { describe, expect, it } from 'vitest';
import { createActor, transition, type AnyMachineSnapshot } from 'xstate';
import { addDays, nyTime } from '../../market/calendar';
import { findExpiry, findStrikeByDelta } from '../../market/option-chain';
import { quoteOption } from '../../market/option-pricing';
import { MINUTE_MS } from '../../market/time';
import type { MarketBar, OptionContract } from '../../market/types';
import { contextOf as strategyContext } from '../lifecycle/strategy-snapshot';
import { type StrategyContext, type StrategyEvent } from '../lifecycle/types';
import { positionPnl } from '../position';
import { barAt, exploreModel, lazyRun, fillsFor, initialSnapshot, tick, update } from '../testing/model';
import { describeStrategyModel } from '../testing/model-suite';
import { futuresStrangleMachine } from './futures-strangle.machine';
import {
  FUTURES_STRANGLE_DEFAULTS,
  futuresStrangleRules,
  isTested,
  rollStrike,
  type FuturesStrangleSettings,
} from './futures-strangle.rules';

const TUESDAY = '2026-12-29';
const ID = 'strangle-test';
const input = { strategyId: ID, settings: FUTURES_STRANGLE_DEFAULTS };
type Context = StrategyContext<FuturesStrangleSettings>;
const contextOf = (snapshot: AnyMachineSnapshot): Context => strategyContext<FuturesStrangleSettings>(snapshot);

const EXPIRY = findExpiry('ES', TUESDAY, { minDays: 45, maxDays: 60, targetDays: 52 })!;
const quarter = (price: number): number => Math.round(price * 4) / 4;

/** A bar with /ES at `es` (the other underlyings follow from SPY = ES / 10). */
function at(date: string, hour: number, minute: number, es = 5900, vix = 20): MarketBar {
  const bar = barAt(nyTime(date, hour, minute), es / 10, vix);
  return { ...bar, underlyings: { ...bar.underlyings, ES: { price: es, open: es } } };
}
/** A bar at 11:00 ET `dte` calendar days before the entry's expiry. */
const onDte = (dte: number, es = 5900, vix = 20): MarketBar => at(addDays(EXPIRY, -dte), 11, 0, es, vix);

const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent): AnyMachineSnapshot => transition(futuresStrangleMachine, snapshot, event)[0];
const fill = (snapshot: AnyMachineSnapshot, bar: MarketBar): AnyMachineSnapshot => {
  const order = contextOf(snapshot).order!;
  return step(snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
};

const shortOf = (context: StrategyContext<unknown>, right: 'P' | 'C'): OptionContract | undefined =>
  context.position?.legs.find((leg) => leg.quantity < 0 && leg.contract.right === right)?.contract;
/** /ES 4% from the short put: tested. */
const testingPut = (put: number): number => quarter(put / 0.96);

/**
 * The bars that matter to the strangle in `context`: entry and validation, the next day, and for a
 * position a 2.5x-credit loss, 21 DTE, a profitable bar, a losing one inside the 28 DTE management,
 * and /ES testing the short put.
 */
function strangleBars(context: StrategyContext<unknown>): MarketBar[] {
  const bars = [at(TUESDAY, 10, 0), at(TUESDAY, 10, 1), at('2026-12-30', 10, 0)];
  const put = shortOf(context, 'P');
  if (put) {
    bars.push(onDte(25, 5000, 40));
    bars.push(onDte(21));
    bars.push(onDte(25, 5900, 12));
    bars.push(onDte(25, 5900, 30));
    bars.push(onDte(25, testingPut(put.strike), 30));
  }
  return bars;
}

const run = lazyRun(() => exploreModel(futuresStrangleMachine, input, strangleBars));

function reach(...events: StrategyEvent[]): AnyMachineSnapshot {
  return events.reduce(step, initialSnapshot(futuresStrangleMachine, input));
}

const entered = () => reach(tick(at(TUESDAY, 9, 59)), tick(at(TUESDAY, 10, 0)), tick(at(TUESDAY, 10, 1)));
const active = () => fill(entered(), at(TUESDAY, 10, 1));
const putStrike = () => shortOf(contextOf(active()), 'P')!.strike;
const callStrike = () => shortOf(contextOf(active()), 'C')!.strike;
const rolling = () => step(active(), tick(onDte(35, testingPut(putStrike()))));
const restore = (snapshot: AnyMachineSnapshot) =>
  createActor(futuresStrangleMachine, {
    input,
    snapshot: JSON.parse(JSON.stringify(futuresStrangleMachine.getPersistedSnapshot(snapshot))),
  }).start();

describeStrategyModel('futures strangle', futuresStrangleMachine, run);

describe('the futures strangle rules at their boundaries', () => {
  const entersOn = (bar: MarketBar) => step(reach(tick(at(TUESDAY, 9, 31))), tick(bar)).value === 'VALIDATION';

  it('needs VIX from 15 to 40, both ends included', () => {
    expect(entersOn(at(TUESDAY, 10, 0, 5900, 14.99))).toBe(false);
    expect(entersOn(at(TUESDAY, 10, 0, 5900, 15))).toBe(true);
    expect(entersOn(at(TUESDAY, 10, 0, 5900, 40))).toBe(true);
    expect(entersOn(at(TUESDAY, 10, 0, 5900, 40.01))).toBe(false);
  });

  it('enters from 10:00 to 11:00 ET on any trading day', () => {
    expect(entersOn(at(TUESDAY, 9, 59))).toBe(false);
    expect(entersOn(at(TUESDAY, 10, 0))).toBe(true);
    expect(entersOn(at(TUESDAY, 11, 0))).toBe(true);
    expect(entersOn(at(TUESDAY, 11, 1))).toBe(false);
    expect(entersOn(at('2026-12-28', 10, 0))).toBe(true);
    expect(entersOn(at('2026-12-31', 10, 0))).toBe(true);
    expect(entersOn(at('2027-01-01', 10, 0))).toBe(false);
    expect(entersOn(at('2027-01-02', 10, 0))).toBe(false);
  });

  it('finds no entry when no /ES expiry is listed 45-60 days out', () => {
    expect(entersOn(at('2026-12-15', 10, 0))).toBe(false);
    const context = contextOf(reach(tick(at(TUESDAY, 9, 31))));
    expect(futuresStrangleRules.propose(context, at('2026-12-15', 10, 0))).toEqual({ problems: ['no /ES expiry listed 45-60 days out'] });
  });

  it('does not open a strangle whose short is already tested', () => {
    const context = contextOf(reach(tick(at(TUESDAY, 9, 31))));
    const proposal = futuresStrangleRules.propose({ ...context, settings: { ...FUTURES_STRANGLE_DEFAULTS, testedDistance: 0.1 } }, at(TUESDAY, 10, 0));
    expect('problems' in proposal && proposal.problems.join('; ')).toMatch(/short put \d+ is already within 10% of \/ES 5900/);
  });

  it('sells a 16-delta put and a 16-delta call about 52 days out as one order, and holds exactly what filled', () => {
    const bar = at(TUESDAY, 10, 0);
    const strike = (right: 'P' | 'C') => findStrikeByDelta({ underlying: 'ES', expiry: EXPIRY, right }, 0.16, bar);
    const order = contextOf(entered()).order!;
    expect(order.legs.map((leg) => `${leg.side} ${leg.quantity} ES ${leg.contract.expiry} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
      `SELL 1 ES ${EXPIRY} ${strike('P')}P`,
      `SELL 1 ES ${EXPIRY} ${strike('C')}C`,
    ]);
    for (const leg of order.legs) expect(Math.abs(quoteOption(leg.contract, bar).delta)).toBeCloseTo(0.16, 1);
    const { position } = contextOf(active());
    expect(position?.legs.map((leg) => leg.quantity)).toEqual([-1, -1]);
    const credit = order.legs.reduce((sum, leg) => sum + quoteOption(leg.contract, at(TUESDAY, 10, 1)).mid * 50, 0);
    expect(position?.entryCash).toBeCloseTo(credit, 2);
  });

  it('rolls the put once /ES is within 5% of it, not at 5% or more', () => {
    const put = shortOf(contextOf(active()), 'P')!;
    const outside = Math.ceil((put.strike / 0.95) * 4) / 4;
    expect(isTested(put, outside, FUTURES_STRANGLE_DEFAULTS)).toBe(false);
    expect(isTested(put, outside - 0.25, FUTURES_STRANGLE_DEFAULTS)).toBe(true);
    expect(step(active(), tick(onDte(35, outside))).value).toBe('ACTIVE');
    expect(step(active(), tick(onDte(35, outside - 0.25))).value).toBe('ROLLING');
  });

  it('rolls the call once /ES is within 5% of it: exactly 5% away is not tested', () => {
    const call = shortOf(contextOf(active()), 'C')!;
    const fivePercent = Math.floor((call.strike / 1.05) * 4) / 4;
    expect(isTested(call, fivePercent, FUTURES_STRANGLE_DEFAULTS)).toBe(false);
    expect(isTested(call, fivePercent + 0.25, FUTURES_STRANGLE_DEFAULTS)).toBe(true);
    expect(step(active(), tick(onDte(35, fivePercent))).value).toBe('ACTIVE');
    expect(step(active(), tick(onDte(35, fivePercent + 0.25))).value).toBe('ROLLING');
  });

  it('rolls by buying back the tested short and selling a new 16-delta one of the same right and expiry, further out', () => {
    const bar = onDte(35, testingPut(putStrike()));
    const snapshot = rolling();
    const { order } = contextOf(snapshot);
    const newPut = findStrikeByDelta({ underlying: 'ES', expiry: EXPIRY, right: 'P' }, 0.16, bar);
    expect(order?.purpose).toBe('ADJUST');
    expect(order?.legs.map((leg) => `${leg.side} ${leg.quantity} ${leg.contract.expiry} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
      `BUY 1 ${EXPIRY} ${putStrike()}P`,
      `SELL 1 ${EXPIRY} ${newPut}P`,
    ]);
    expect(newPut).toBeLessThan(putStrike());
    const rolled = fill(snapshot, bar);
    expect(rolled.value).toBe('ACTIVE');
    expect(contextOf(rolled).position?.legs.map((leg) => `${leg.quantity} ${leg.contract.strike}${leg.contract.right}`).sort()).toEqual(
      [`-1 ${callStrike()}C`, `-1 ${newPut}P`].sort(),
    );
  });

  it('rolls past the tested band when the 16-delta strike is itself tested, and finds nothing beyond the grid', () => {
    const put = shortOf(contextOf(active()), 'P')!;
    const es = testingPut(put.strike);
    const bar = onDte(35, es);
    const nearMoney = { ...FUTURES_STRANGLE_DEFAULTS, shortDelta: 0.4 };
    expect(isTested({ ...put, strike: findStrikeByDelta(put, 0.4, bar) }, es, nearMoney)).toBe(true);
    const strike = rollStrike(put, bar, nearMoney)!;
    expect(isTested({ ...put, strike }, es, nearMoney)).toBe(false);
    expect(isTested({ ...put, strike: strike + 5 }, es, nearMoney)).toBe(true);
    expect(rollStrike(put, bar, { ...FUTURES_STRANGLE_DEFAULTS, testedDistance: 0.55 })).toBeNull();
  });

  it('rolls a tested side at most twice a cycle, then exits defensively', () => {
    const first = onDte(35, testingPut(putStrike()));
    const afterPutRoll = fill(step(active(), tick(first)), first);
    const second = onDte(35, quarter(callStrike() / 1.04));
    const afterCallRoll = fill(step(afterPutRoll, tick(second)), second);
    expect(afterCallRoll.value).toBe('ACTIVE');
    const third = onDte(35, testingPut(shortOf(contextOf(afterCallRoll), 'P')!.strike));
    const exit = step(afterCallRoll, tick(third));
    expect(exit.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(exit).lastReason).toMatch(/tested .* after 2 roll attempts this cycle/);
    expect(contextOf(exit).order?.purpose).toBe('CLOSE');
  });

  it('counts roll attempts, so two rejected rolls also end in a defensive exit', () => {
    const bar = onDte(35, testingPut(putStrike()));
    const reject = (snapshot: AnyMachineSnapshot) =>
      step(snapshot, { type: 'order.updated', order: update(contextOf(snapshot).order!, 'REJECTED', [], bar.time) });
    const once = reject(step(active(), tick(bar)));
    expect(once.value).toBe('ACTIVE');
    const twice = reject(step(once, tick(bar)));
    expect(twice.value).toBe('ACTIVE');
    expect(step(twice, tick(bar)).value).toBe('DEFENSIVE_EXIT');
  });

  it('exits at 21 DTE, not at 22, from ACTIVE and from MANAGING', () => {
    const managing = step(active(), tick(onDte(22, 5900, 30)));
    expect(managing.value).toBe('MANAGING');
    expect(step(managing, tick(onDte(22, 5900, 30))).value).toBe('MANAGING');
    for (const from of [active(), managing]) {
      const exiting = step(from, tick(onDte(21, 5900, 30)));
      expect(exiting.value).toBe('EXITING');
      expect(contextOf(exiting).lastReason).toContain('21 DTE');
    }
  });

  it('manages from 28 DTE, not at 29', () => {
    expect(step(active(), tick(onDte(29, 5900, 30))).value).toBe('ACTIVE');
    expect(step(active(), tick(onDte(28, 5900, 30))).value).toBe('MANAGING');
  });

  it('takes 50% of the credit before 28 DTE and 25% from 28 DTE', () => {
    const { position } = contextOf(active());
    const share = (bar: MarketBar) => positionPnl(position!, bar) / position!.entryCash;
    const between = onDte(35);
    expect(share(between)).toBeGreaterThanOrEqual(0.25);
    expect(share(between)).toBeLessThan(0.5);
    expect(step(active(), tick(between)).value).toBe('ACTIVE');
    const crushed = onDte(35, 5900, 12);
    expect(share(crushed)).toBeGreaterThanOrEqual(0.5);
    expect(contextOf(step(active(), tick(crushed))).lastReason).toMatch(/reached 50% of the credit/);
    const late = onDte(28, 5900, 24);
    expect(share(late)).toBeGreaterThanOrEqual(0.25);
    expect(share(late)).toBeLessThan(0.5);
    const exiting = step(active(), tick(late));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).lastReason).toMatch(/reached 25% of the credit/);
  });

  it('takes profit and stops the loss exactly at their multiples of the credit', () => {
    const context = contextOf(active());
    const decide = (bar: MarketBar, settings: Partial<FuturesStrangleSettings>) =>
      futuresStrangleRules.manage({ ...context, settings: { ...FUTURES_STRANGLE_DEFAULTS, ...settings } }, bar, 'ACTIVE');
    const share = (bar: MarketBar) => positionPnl(context.position!, bar) / context.position!.entryCash;
    const calm = onDte(35);
    expect(decide(calm, { profitTarget: share(calm) - 1e-9 })?.next).toBe('EXITING');
    expect(decide(calm, { profitTarget: share(calm) + 1e-9 })).toBeNull();
    const crash = onDte(40, 5000, 40);
    const lossMultiple = -share(crash);
    expect(lossMultiple).toBeGreaterThan(FUTURES_STRANGLE_DEFAULTS.stopLossMultiple);
    expect(decide(crash, { stopLossMultiple: lossMultiple - 1e-9 })?.reason).toMatch(/loss .* reached .*x the credit/);
    expect(decide(crash, { stopLossMultiple: lossMultiple + 1e-9 })?.next).not.toBe('DEFENSIVE_EXIT');
    const stopped = step(active(), tick(crash));
    expect(stopped.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(stopped).lastReason).toContain('reached 2.5x the credit');
  });

  it('starts the next cycle on a later trading day only', () => {
    const exiting = step(active(), tick(onDte(21)));
    const done = fill(exiting, onDte(21));
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done).position).toBeNull();
    expect(futuresStrangleRules.isNextCycle(contextOf(done), at(TUESDAY, 15, 0))).toBe(false);
    expect(futuresStrangleRules.isNextCycle(contextOf(done), at('2027-01-02', 10, 0))).toBe(false);
    expect(step(done, tick(onDte(21))).value).toBe('WAITING');
  });
});

describe('the futures strangle machine stored and restored', () => {
  it('continues correctly from a snapshot sent through JSON.stringify', () => {
    const restored = restore(active());
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    restored.send(tick(onDte(35, testingPut(putStrike()))));
    expect(restored.getSnapshot().value).toBe('ROLLING');
    expect(contextOf(restored.getSnapshot()).order?.clientOrderId).toBe(`${ID}:${TUESDAY}:adjust:2`);
  });

  it('after a crash during a roll found filled, lands in ACTIVE holding exactly one short put and one short call', () => {
    const restored = restore(rolling());
    const order = contextOf(restored.getSnapshot()).order!;
    const bar = onDte(35, testingPut(putStrike()));
    restored.send({ type: 'system.restored', time: bar.time + MINUTE_MS });
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).recovery?.order?.clientOrderId).toBe(order.clientOrderId);
    restored.send({ type: 'recovery.checked', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time), time: bar.time + MINUTE_MS });
    const { value, context } = restored.getSnapshot();
    expect(value).toBe('ACTIVE');
    const legs = (context as Context).position!.legs;
    expect(legs.filter((leg) => leg.contract.right === 'P').map((leg) => `${leg.quantity} ${leg.contract.strike}`)).toEqual([`-1 ${order.legs[1]!.contract.strike}`]);
    expect(legs.filter((leg) => leg.contract.right === 'C').map((leg) => `${leg.quantity} ${leg.contract.strike}`)).toEqual([`-1 ${callStrike()}`]);
    expect((context as Context).order).toBeNull();
  });

  it('after a crash during a roll found cancelled part-filled, goes to DEFENSIVE_EXIT and closes whatever is held', () => {
    const bar = onDte(35, testingPut(putStrike()));
    const settle = (filled: (fills: ReturnType<typeof fillsFor>) => ReturnType<typeof fillsFor>) => {
      const restored = restore(rolling());
      const order = contextOf(restored.getSnapshot()).order!;
      restored.send({ type: 'system.restored', time: bar.time + MINUTE_MS });
      restored.send({ type: 'recovery.checked', order: update(order, 'CANCELLED', filled(fillsFor(order.legs, bar)), bar.time), time: bar.time + MINUTE_MS });
      return restored.getSnapshot();
    };
    const boughtBackOnly = settle((fills) => fills.slice(0, 1));
    expect(boughtBackOnly.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(boughtBackOnly).order?.legs.map((leg) => `${leg.side} ${leg.contract.strike}${leg.contract.right}`)).toEqual([`BUY ${callStrike()}C`]);
    const soldOnly = settle((fills) => fills.slice(1));
    expect(soldOnly.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(soldOnly).order?.legs).toHaveLength(3);
    const nothing = settle(() => []);
    expect(nothing.value).toBe('ACTIVE');
    expect(contextOf(nothing).position?.legs).toEqual(contextOf(active()).position?.legs);
  });

  it('times out ENTERING 5 minutes of market time after the order, also after a restore', () => {
    const restored = restore(entered());
    restored.send(tick(at(TUESDAY, 10, 6)));
    expect(restored.getSnapshot().value).toBe('ENTERING');
    restored.send(tick(at(TUESDAY, 10, 7)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).lastError?.errorClass).toBe('TIMEOUT');
  });
});
