import { describe, expect, it } from 'vitest';
import { createActor, transition, type AnyMachineSnapshot } from 'xstate';
import { canEnter } from '../../coordinator';
import { addDays, nyTime } from '../../market/calendar';
import { findExpiry, findStrikeByDelta } from '../../market/option-chain';
import { quoteOption } from '../../market/option-pricing';
import { MINUTE_MS } from '../../market/time';
import type { MarketBar } from '../../market/types';
import { type StrategyContext, type StrategyEvent } from '../lifecycle/types';
import { positionPnl } from '../position';
import { barAt, exploreModel, lazyRun, fillsFor, initialSnapshot, tick, update } from '../testing/model';
import { describeStrategyModel } from '../testing/model-suite';
import { lt112Machine } from './lt112.machine';
import { LT112_DEFAULTS, lt112MaxProfit, lt112Rules, lt112Strikes, type LT112Settings } from './lt112.rules';
import { contextOf as strategyContext } from '../lifecycle/strategy-snapshot';

const WEDNESDAY = '2026-12-02';
const ID = 'lt112-test';
const input = { strategyId: ID, settings: LT112_DEFAULTS };
type Context = StrategyContext<LT112Settings>;
const contextOf = (snapshot: AnyMachineSnapshot): Context => strategyContext<LT112Settings>(snapshot);

const EXPIRY = findExpiry('SPY', WEDNESDAY, { minDays: 102, maxDays: 122, targetDays: 112 })!;
/** The New York date `dte` calendar days before the entry's expiry. */
const dteDate = (dte: number): string => addDays(EXPIRY, -dte);

const at = (date: string, hour: number, minute: number, spy = 590, vix = 20): MarketBar => barAt(nyTime(date, hour, minute), spy, vix);
const onDte = (dte: number, spy = 590, vix = 20): MarketBar => at(dteDate(dte), 11, 0, spy, vix);

const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent): AnyMachineSnapshot => transition(lt112Machine, snapshot, event)[0];

const strikesOf = (context: StrategyContext<unknown>) => {
  const puts = (context.position?.legs ?? []).filter((leg) => leg.contract.right === 'P');
  const shorts = puts.filter((leg) => leg.quantity < 0).map((leg) => leg.contract.strike).sort((a, b) => b - a);
  const long = puts.find((leg) => leg.quantity > 0)?.contract.strike;
  return { long, short: shorts[0], naked: shorts[shorts.length - 1] };
};

/**
 * The bars that matter to LT112 in `context`: entry and validation on the Wednesday, the next day, and for a
 * position the naked puts touched, 21 DTE, a profitable bar and a losing one inside the 30 DTE management.
 */
function lt112Bars(context: StrategyContext<unknown>): MarketBar[] {
  const bars = [at(WEDNESDAY, 10, 0), at(WEDNESDAY, 10, 1), at('2026-12-03', 10, 0)];
  const { short, naked } = strikesOf(context);
  if (naked !== undefined) {
    bars.push(onDte(25, naked));
    bars.push(onDte(21));
    bars.push(onDte(25, short ?? 590));
    bars.push(onDte(25, naked + 25, 30));
  }
  return bars;
}

const run = lazyRun(() => exploreModel(lt112Machine, input, lt112Bars));

function reach(...events: StrategyEvent[]): AnyMachineSnapshot {
  return events.reduce(step, initialSnapshot(lt112Machine, input));
}

const entered = () => reach(tick(at(WEDNESDAY, 9, 59)), tick(at(WEDNESDAY, 10, 0)), tick(at(WEDNESDAY, 10, 1)));
function active(): AnyMachineSnapshot {
  const snapshot = entered();
  const order = contextOf(snapshot).order!;
  const bar = at(WEDNESDAY, 10, 1);
  return step(snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
}
const held = () => strikesOf(contextOf(active()));
const restore = (snapshot: AnyMachineSnapshot) =>
  createActor(lt112Machine, { input, snapshot: JSON.parse(JSON.stringify(lt112Machine.getPersistedSnapshot(snapshot))) }).start();

describeStrategyModel('LT112', lt112Machine, run);

describe('the LT112 rules at their boundaries', () => {
  const entersOn = (bar: MarketBar) => step(reach(tick(at(WEDNESDAY, 9, 31))), tick(bar)).value === 'VALIDATION';

  it('needs VIX from 12 to 35, both ends included', () => {
    expect(entersOn(at(WEDNESDAY, 10, 0, 590, 11.99))).toBe(false);
    expect(entersOn(at(WEDNESDAY, 10, 0, 590, 12))).toBe(true);
    expect(entersOn(at(WEDNESDAY, 10, 0, 590, 35))).toBe(true);
    expect(entersOn(at(WEDNESDAY, 10, 0, 590, 35.01))).toBe(false);
  });

  it('opens its window at 10:00 ET and closes it after 10:30 ET', () => {
    expect(entersOn(at(WEDNESDAY, 9, 59))).toBe(false);
    expect(entersOn(at(WEDNESDAY, 10, 0))).toBe(true);
    expect(entersOn(at(WEDNESDAY, 10, 30))).toBe(true);
    expect(entersOn(at(WEDNESDAY, 10, 31))).toBe(false);
  });

  it('trades Wednesdays only, and not a Wednesday the exchange is closed', () => {
    expect(entersOn(at('2026-12-01', 10, 0))).toBe(false);
    expect(entersOn(at('2026-12-03', 10, 0))).toBe(false);
    expect(entersOn(at('2025-01-01', 10, 0))).toBe(false);
  });

  it('does not enter when the coordinator says no, or on stale data', () => {
    const waiting = reach(tick(at(WEDNESDAY, 9, 31)));
    expect(step(waiting, tick(at(WEDNESDAY, 10, 0), 'RUNNING', { allowed: false, reasons: ['system is HALTED'] })).value).toBe('WAITING');
    expect(step(waiting, tick({ ...at(WEDNESDAY, 10, 0), isStale: true })).value).toBe('WAITING');
  });

  it('buys a 25-delta put, sells a 20-delta put below it and two 8-delta puts further out, about 112 days out', () => {
    const bar = at(WEDNESDAY, 10, 0);
    const proposal = contextOf(step(reach(tick(at(WEDNESDAY, 9, 31))), tick(bar))).proposal!;
    const series = { underlying: 'SPY' as const, expiry: EXPIRY, right: 'P' as const };
    const strike = (delta: number) => findStrikeByDelta(series, delta, bar);
    expect(proposal.legs.map((leg) => `${leg.side} ${leg.quantity} ${leg.contract.expiry} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
      `BUY 1 ${EXPIRY} ${strike(0.25)}P`,
      `SELL 1 ${EXPIRY} ${strike(0.2)}P`,
      `SELL 2 ${EXPIRY} ${strike(0.08)}P`,
    ]);
    expect(strike(0.25)).toBeGreaterThan(strike(0.2));
    expect(strike(0.2)).toBeGreaterThan(strike(0.08));
    expect(Math.abs(quoteOption(proposal.legs[0]!.contract, bar).delta)).toBeCloseTo(0.25, 1);
  });

  it('steps the short put one strike lower when the delta search gives the long put strike, and the naked puts below the short', () => {
    const bar = at(WEDNESDAY, 10, 0);
    const series = { underlying: 'SPY' as const, expiry: EXPIRY, right: 'P' as const };
    const long = findStrikeByDelta(series, 0.25, bar);
    expect(findStrikeByDelta(series, 0.249, bar)).toBe(long);
    const close = lt112Strikes(bar, { ...LT112_DEFAULTS, shortPutDelta: 0.249, nakedPutDelta: 0.248 });
    expect(close).toEqual({ expiry: EXPIRY, long, short: long - 1, naked: long - 2 });
  });

  it('finds no entry when no expiry is listed 102-122 days out', () => {
    const strikes = lt112Strikes(at(WEDNESDAY, 10, 0), { ...LT112_DEFAULTS, minDte: 200, maxDte: 210, targetDte: 205 });
    expect(strikes).toEqual({ problems: ['no SPY expiry listed 200-210 days out'] });
  });

  it('sends the 1-1-2 as one order and holds exactly what filled, its maximum profit the width plus the entry cash', () => {
    const snapshot = active();
    const { position, order } = contextOf(snapshot);
    const { long, short } = held();
    expect(snapshot.value).toBe('ACTIVE');
    expect(position?.legs.map((leg) => leg.quantity)).toEqual([1, -1, -2]);
    expect(order).toBeNull();
    expect(lt112MaxProfit(position!)).toBeCloseTo((long! - short!) * 100 + position!.entryCash, 6);
  });

  it('exits defensively when SPY reaches the naked puts, not a cent before', () => {
    const { naked } = held();
    expect(step(active(), tick(onDte(60, naked! + 0.01))).value).toBe('ACTIVE');
    const touched = step(active(), tick(onDte(60, naked!)));
    expect(touched.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(touched).lastReason).toContain(`naked short put ${naked}`);
    expect(contextOf(touched).order?.legs).toHaveLength(3);
  });

  it('manages from 30 DTE, not at 31', () => {
    const { naked } = held();
    expect(step(active(), tick(onDte(31, naked! + 25, 30))).value).toBe('ACTIVE');
    const managing = step(active(), tick(onDte(30, naked! + 25, 30)));
    expect(managing.value).toBe('MANAGING');
    expect(contextOf(managing).lastReason).toContain('30 DTE');
  });

  it('closes at 21 DTE in DEFENSIVE_21DTE, not at 22, from ACTIVE and from MANAGING', () => {
    const { naked } = held();
    const managing = step(active(), tick(onDte(22, naked! + 25, 30)));
    expect(managing.value).toBe('MANAGING');
    expect(step(managing, tick(onDte(22, naked! + 25, 30))).value).toBe('MANAGING');
    for (const from of [active(), managing]) {
      const closing = step(from, tick(onDte(21, naked! + 25, 30)));
      expect(closing.value).toBe('DEFENSIVE_21DTE');
      expect(contextOf(closing).order?.purpose).toBe('CLOSE');
      expect(contextOf(closing).lastReason).toContain('21 DTE');
    }
  });

  it('takes 50% of the maximum profit before 30 DTE and 25% from 30 DTE', () => {
    const { position } = contextOf(active());
    const maxProfit = lt112MaxProfit(position!)!;
    const share = (bar: MarketBar) => positionPnl(position!, bar) / maxProfit;
    const between = onDte(31, held().short!);
    expect(share(between)).toBeGreaterThanOrEqual(0.25);
    expect(share(between)).toBeLessThan(0.5);
    expect(step(active(), tick(between)).value).toBe('ACTIVE');
    const crushed = onDte(31, held().short!, 12);
    expect(share(crushed)).toBeGreaterThanOrEqual(0.5);
    const exiting = step(active(), tick(crushed));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).lastReason).toMatch(/reached 50% of the maximum/);
    const late = onDte(30, held().short!);
    expect(share(late)).toBeLessThan(0.5);
    expect(contextOf(step(active(), tick(late))).lastReason).toMatch(/reached 25% of the maximum/);
  });

  it('takes profit exactly at its target fraction, not below it', () => {
    const context = contextOf(active());
    const bar = onDte(40, held().short!);
    const share = positionPnl(context.position!, bar) / lt112MaxProfit(context.position!)!;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(LT112_DEFAULTS.profitTarget);
    const decide = (profitTarget: number) => lt112Rules.manage({ ...context, settings: { ...LT112_DEFAULTS, profitTarget } }, bar, 'ACTIVE');
    expect(decide(share - 1e-9)?.next).toBe('EXITING');
    expect(decide(share + 1e-9)).toBeNull();
  });

  it('books the realised P&L when the exit fills and starts the next cycle on a later trading day', () => {
    const exiting = step(active(), tick(onDte(25, held().short!)));
    const order = contextOf(exiting).order!;
    const bar = onDte(25, held().short!);
    const done = step(exiting, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time) });
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done).position).toBeNull();
    expect(contextOf(done).realizedPnl).toBeGreaterThan(0);
    expect(lt112Rules.isNextCycle(contextOf(done), at(WEDNESDAY, 15, 0))).toBe(false);
    expect(lt112Rules.isNextCycle(contextOf(done), at('2026-12-05', 10, 0))).toBe(false);
    expect(step(done, tick(onDte(25, held().short!))).value).toBe('WAITING');
  });

  it('keeps 0DTE out while it closes at 21 DTE', () => {
    const closing = step(active(), tick(onDte(21)));
    const lt112 = { id: ID, name: 'LT112', kind: lt112Rules.kind, state: String(closing.value) };
    const zeroDte = { id: 'z', name: '0DTE Friday', kind: 'ZERO_DTE', state: 'WAITING' };
    expect(canEnter(zeroDte, { systemMode: 'RUNNING', strategies: [zeroDte, lt112] }).reasons).toEqual(['LT112 is in DEFENSIVE_21DTE']);
  });
});

describe('the LT112 machine stored and restored', () => {
  it('continues correctly from a snapshot sent through JSON.stringify', () => {
    const restored = restore(active());
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    expect(contextOf(restored.getSnapshot()).position?.legs).toHaveLength(3);
    restored.send(tick(onDte(40, held().naked!)));
    expect(restored.getSnapshot().value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(restored.getSnapshot()).order?.clientOrderId).toBe(`${ID}:${WEDNESDAY}:close:2`);
  });

  it('checks DTE on the first bar after a restore: an ACTIVE position at 21 DTE goes to DEFENSIVE_21DTE', () => {
    const atTwentyTwo = restore(active());
    atTwentyTwo.send(tick(onDte(22, held().naked! + 25, 30)));
    expect(atTwentyTwo.getSnapshot().value).toBe('MANAGING');
    const atTwentyOne = restore(active());
    atTwentyOne.send(tick(onDte(21)));
    expect(atTwentyOne.getSnapshot().value).toBe('DEFENSIVE_21DTE');
  });

  it('goes through RECOVERY to ACTIVE after a crash during entry, and the next bar applies the 21 DTE rule', () => {
    const restored = restore(entered());
    const order = contextOf(restored.getSnapshot()).order!;
    const backUp = onDte(21);
    restored.send({ type: 'system.restored', time: backUp.time });
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    const entryBar = at(WEDNESDAY, 10, 1);
    restored.send({ type: 'recovery.checked', order: update(order, 'FILLED', fillsFor(order.legs, entryBar), entryBar.time), time: backUp.time });
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    restored.send(tick(backUp));
    expect(restored.getSnapshot().value).toBe('DEFENSIVE_21DTE');
  });

  it('settles a DEFENSIVE_21DTE close at the broker after a crash, never sending it twice', () => {
    const closing = step(active(), tick(onDte(21)));
    const restored = restore(closing);
    const order = contextOf(restored.getSnapshot()).order!;
    const bar = onDte(21);
    restored.send({ type: 'system.restored', time: bar.time + MINUTE_MS });
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    restored.send({ type: 'recovery.checked', order: update(order, 'FILLED', fillsFor(order.legs, bar), bar.time), time: bar.time + MINUTE_MS });
    expect(restored.getSnapshot().value).toBe('COMPLETE');
    expect(contextOf(restored.getSnapshot()).order).toBeNull();
  });

  it('times out ENTERING 5 minutes of market time after the order, also after a restore', () => {
    const restored = restore(entered());
    restored.send(tick(at(WEDNESDAY, 10, 6)));
    expect(restored.getSnapshot().value).toBe('ENTERING');
    restored.send(tick(at(WEDNESDAY, 10, 7)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).lastError?.errorClass).toBe('TIMEOUT');
  });
});
