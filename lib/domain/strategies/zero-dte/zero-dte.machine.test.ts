import { describe, expect, it } from 'vitest';
import { createActor, transition, type AnyMachineSnapshot } from 'xstate';
import { nyTime } from '../../market/calendar';
import type { MarketBar } from '../../market/types';
import type { StrategyContext, StrategyEvent } from '../lifecycle/types';
import { barAt, exploreModel, lazyRun, fillsFor, gateRefusal, initialSnapshot, tick, update } from '../testing/model';
import { describeStrategyModel } from '../testing/model-suite';
import { ZERO_DTE_DEFAULTS, zeroDteLegs, type ZeroDteSettings } from './zero-dte.rules';
import { zeroDteMachine } from './zero-dte.machine';
import { contextOf as strategyContext } from '../lifecycle/strategy-snapshot';

const FRIDAY = '2026-11-20';
const ID = 'zero-dte-test';
const input = { strategyId: ID, settings: ZERO_DTE_DEFAULTS };
type Context = StrategyContext<ZeroDteSettings>;
const contextOf = (snapshot: AnyMachineSnapshot): Context => strategyContext<ZeroDteSettings>(snapshot);

const at = (date: string, hour: number, minute: number, spy = 590, vix = 24, open = 590): MarketBar =>
  barAt(nyTime(date, hour, minute), spy, vix, open);

const step = (snapshot: AnyMachineSnapshot, event: StrategyEvent): AnyMachineSnapshot => transition(zeroDteMachine, snapshot, event)[0];

/** The bars that matter to 0DTE in `context`: entry, validation, and for a position its breach, profit, stop and clock. */
function zeroDteBars(context: StrategyContext<unknown>): MarketBar[] {
  const bars = [at(FRIDAY, 10, 30), at(FRIDAY, 10, 31), at('2026-11-23', 9, 31)];
  const legs = context.position?.legs ?? [];
  const shortPut = legs.find((leg) => leg.quantity < 0 && leg.contract.right === 'P')?.contract.strike;
  const shortCall = legs.find((leg) => leg.quantity < 0 && leg.contract.right === 'C')?.contract.strike;
  if (shortPut) bars.push(at(FRIDAY, 12, 0, shortPut));
  if (shortCall) {
    bars.push(at(FRIDAY, 15, 30, shortCall - 0.3));
    bars.push(at(FRIDAY, 15, 45, shortCall - 0.05));
  }
  bars.push(at(FRIDAY, 14, 0));
  return bars;
}

const run = lazyRun(() => exploreModel(zeroDteMachine, input, zeroDteBars));

function reach(...events: StrategyEvent[]): AnyMachineSnapshot {
  return events.reduce(step, initialSnapshot(zeroDteMachine, input));
}

const entered = () => reach(tick(at(FRIDAY, 10, 29)), tick(at(FRIDAY, 10, 30)), tick(at(FRIDAY, 10, 31)));
function active(): AnyMachineSnapshot {
  const snapshot = entered();
  const order = contextOf(snapshot).order!;
  return step(snapshot, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, at(FRIDAY, 10, 31)), at(FRIDAY, 10, 31).time) });
}

describeStrategyModel('0DTE Friday', zeroDteMachine, run);

describe('the 0DTE Friday rules at their boundaries', () => {
  const entersOn = (bar: MarketBar) => step(reach(tick(at(FRIDAY, 9, 31))), tick(bar)).value === 'VALIDATION';

  it('needs VIX above 22 (exactly 22 is not enough) and at most 35', () => {
    expect(entersOn(at(FRIDAY, 10, 30, 590, 22))).toBe(false);
    expect(entersOn(at(FRIDAY, 10, 30, 590, 22.01))).toBe(true);
    expect(entersOn(at(FRIDAY, 10, 30, 590, 35))).toBe(true);
    expect(entersOn(at(FRIDAY, 10, 30, 590, 35.01))).toBe(false);
  });

  it('opens its window at 10:30 ET and closes it after 11:00 ET', () => {
    expect(entersOn(at(FRIDAY, 10, 29))).toBe(false);
    expect(entersOn(at(FRIDAY, 10, 30))).toBe(true);
    expect(entersOn(at(FRIDAY, 11, 0))).toBe(true);
    expect(entersOn(at(FRIDAY, 11, 1))).toBe(false);
  });

  it('trades Fridays only, and not a Friday the exchange is closed', () => {
    expect(entersOn(at('2026-11-19', 10, 30))).toBe(false);
    expect(entersOn(at('2026-04-03', 10, 30))).toBe(false);
  });

  it('does not enter when the coordinator says no, or on stale or broken data', () => {
    const waiting = reach(tick(at(FRIDAY, 9, 31)));
    expect(step(waiting, tick(at(FRIDAY, 10, 30), 'RUNNING', { allowed: false, reasons: ['system is HALTED'] })).value).toBe('WAITING');
    expect(step(waiting, tick({ ...at(FRIDAY, 10, 30), isStale: true })).value).toBe('WAITING');
    expect(step(waiting, tick(at(FRIDAY, 10, 30, Number.NaN))).value).toBe('WAITING');
  });

  it('chooses the structure by the morning move: condor, put spread up, call spread down, nothing between', () => {
    const structureOn = (open: number) => contextOf(step(reach(tick(at(FRIDAY, 9, 31))), tick(at(FRIDAY, 10, 30, 590, 24, open)))).proposal?.structure ?? null;
    expect(structureOn(590 / 1.0019)).toBe('IRON_CONDOR');
    expect(structureOn(590 / 1.0051)).toBe('PUT_SPREAD');
    expect(structureOn(590 / 0.9949)).toBe('CALL_SPREAD');
    expect(structureOn(590 / 1.003)).toBeNull();
  });

  it('places short strikes one expected daily move from spot with $5 wings', () => {
    const move = 590 * 0.24 * Math.sqrt(1 / 252);
    const legs = zeroDteLegs(at(FRIDAY, 10, 30), 'IRON_CONDOR', ZERO_DTE_DEFAULTS);
    expect(legs.map((leg) => `${leg.side} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
      `BUY ${Math.floor(590 - move) - 5}P`,
      `SELL ${Math.floor(590 - move)}P`,
      `SELL ${Math.ceil(590 + move)}C`,
      `BUY ${Math.ceil(590 + move) + 5}C`,
    ]);
  });

  it('sends the four legs as one order and holds exactly what filled', () => {
    const snapshot = active();
    const context = contextOf(snapshot);
    expect(snapshot.value).toBe('ACTIVE');
    expect(context.position?.legs.map((leg) => leg.quantity)).toEqual([1, -1, -1, 1]);
    expect(context.position?.entryCash).toBeGreaterThan(0);
    expect(context.order).toBeNull();
  });

  it('exits defensively when a short strike is touched, not a cent before', () => {
    const shortPut = contextOf(active()).position!.legs.find((leg) => leg.quantity < 0 && leg.contract.right === 'P')!.contract.strike;
    expect(step(active(), tick(at(FRIDAY, 11, 0, shortPut + 0.01))).value).toBe('ACTIVE');
    const breached = step(active(), tick(at(FRIDAY, 11, 0, shortPut)));
    expect(breached.value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(breached).lastReason).toContain(`short put ${shortPut}`);
    expect(contextOf(breached).order?.purpose).toBe('CLOSE');
  });

  it('goes to MANAGING at 15:30 ET, not at 15:29, and closes at 15:45', () => {
    const shortCall = contextOf(active()).position!.legs.find((leg) => leg.quantity < 0 && leg.contract.right === 'C')!.contract.strike;
    expect(step(active(), tick(at(FRIDAY, 15, 29, shortCall - 0.3))).value).toBe('ACTIVE');
    const managing = step(active(), tick(at(FRIDAY, 15, 30, shortCall - 0.3)));
    expect(managing.value).toBe('MANAGING');
    // Near the short call nothing is earned yet: MANAGING holds until the 15:45 close-out.
    expect(step(managing, tick(at(FRIDAY, 15, 44, shortCall - 0.05))).value).toBe('MANAGING');
    const closing = step(managing, tick(at(FRIDAY, 15, 45, shortCall - 0.05)));
    expect(closing.value).toBe('EXITING');
    expect(contextOf(closing).lastReason).toContain('closing time');
  });

  it('takes profit once half the credit is earned', () => {
    const exiting = step(active(), tick(at(FRIDAY, 14, 0)));
    expect(exiting.value).toBe('EXITING');
    expect(contextOf(exiting).lastReason).toMatch(/profit .* reached 50% of the credit/);
  });

  it('books the realised P&L when the exit fills and starts again on the next trading day', () => {
    const exiting = step(active(), tick(at(FRIDAY, 14, 0)));
    const order = contextOf(exiting).order!;
    const done = step(exiting, { type: 'order.updated', order: update(order, 'FILLED', fillsFor(order.legs, at(FRIDAY, 14, 1)), at(FRIDAY, 14, 1).time) });
    expect(done.value).toBe('COMPLETE');
    expect(contextOf(done).position).toBeNull();
    expect(contextOf(done).realizedPnl).toBeGreaterThan(0);
    expect(step(done, tick(at(FRIDAY, 15, 0))).value).toBe('COMPLETE');
    expect(step(done, tick(at('2026-11-23', 9, 31))).value).toBe('WAITING');
  });
});

describe('the 0DTE Friday machine stored and restored', () => {
  it('continues correctly from a snapshot sent through JSON.stringify', () => {
    const stored = JSON.stringify(zeroDteMachine.getPersistedSnapshot(active()));
    const restored = createActor(zeroDteMachine, { input, snapshot: JSON.parse(stored) }).start();
    expect(restored.getSnapshot().value).toBe('ACTIVE');
    expect(contextOf(restored.getSnapshot()).position?.legs).toHaveLength(4);
    restored.send(tick(at(FRIDAY, 11, 0, 570)));
    expect(restored.getSnapshot().value).toBe('DEFENSIVE_EXIT');
    expect(contextOf(restored.getSnapshot()).order?.clientOrderId).toBe(`${ID}:${FRIDAY}:close:2`);
  });

  it('times out ENTERING 5 minutes of market time after the order, also after a restore', () => {
    const stored = JSON.stringify(zeroDteMachine.getPersistedSnapshot(entered()));
    const restored = createActor(zeroDteMachine, { input, snapshot: JSON.parse(stored) }).start();
    restored.send(tick(at(FRIDAY, 10, 36)));
    expect(restored.getSnapshot().value).toBe('ENTERING');
    restored.send(tick(at(FRIDAY, 10, 37)));
    expect(restored.getSnapshot().value).toBe('RECOVERY');
    expect(contextOf(restored.getSnapshot()).lastError?.errorClass).toBe('TIMEOUT');
  });
});

describe('the 0DTE Friday machine recovering an entry', () => {
  it('opens the position with the entry credit when the order in doubt turns out filled', () => {
    const inDoubt = contextOf(entered()).order!;
    const restarted = step(entered(), { type: 'system.restored', time: at(FRIDAY, 10, 33).time });
    expect(restarted.value).toBe('RECOVERY');
    const recovered = step(restarted, {
      type: 'recovery.checked',
      order: update(inDoubt, 'FILLED', fillsFor(inDoubt.legs, at(FRIDAY, 10, 31)), at(FRIDAY, 10, 33).time),
      time: at(FRIDAY, 10, 33).time,
    });
    expect(recovered.value).toBe('ACTIVE');
    const position = contextOf(recovered).position!;
    expect(position.entryCash).toBe(position.cash);
    expect(position.entryCash).toBeGreaterThan(0);
    // And so the profit target works as after a normal fill.
    expect(step(recovered, tick(at(FRIDAY, 14, 0))).value).toBe('EXITING');
  });
});

describe('the 0DTE Friday circuit breaker', () => {
  it('opens at the third rejected entry of the day, and an operator recovery lets the day start again', () => {
    let snapshot = reach(tick(at(FRIDAY, 10, 29)));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      snapshot = step(step(snapshot, tick(at(FRIDAY, 10, 28 + 2 * attempt))), tick(at(FRIDAY, 10, 29 + 2 * attempt)));
      const order = contextOf(snapshot).order!;
      expect(order.clientOrderId).toBe(`${ID}:${FRIDAY}:entry:${attempt}`);
      snapshot = step(snapshot, { type: 'order.updated', order: update(order, 'REJECTED', [], at(FRIDAY, 10, 29 + 2 * attempt).time) });
    }
    expect(snapshot.value).toBe('ERROR');
    expect(step(snapshot, tick(at(FRIDAY, 10, 40))).value).toBe('ERROR');

    const recovering = step(snapshot, { type: 'operator.recover', actor: 'dana', reason: 'limits reset', time: at(FRIDAY, 10, 41).time });
    expect(recovering.value).toBe('RECOVERY');
    const inDoubt = contextOf(recovering).recovery!.order!;
    const waiting = step(recovering, { type: 'recovery.checked', order: update(inDoubt, 'REJECTED', [], at(FRIDAY, 10, 41).time), time: at(FRIDAY, 10, 41).time });
    expect(waiting.value).toBe('WAITING');
    expect(contextOf(waiting).errorCount).toBe(0);
    expect(step(waiting, tick(at(FRIDAY, 10, 42))).value).toBe('VALIDATION');
  });
});

describe('the 0DTE Friday entry refused by the pre-trade gate', () => {
  it('rolls back to WAITING each time without a step towards the breaker: three refusals leave it flat and waiting, not in ERROR', () => {
    let snapshot = reach(tick(at(FRIDAY, 10, 29)));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      snapshot = step(step(snapshot, tick(at(FRIDAY, 10, 28 + 2 * attempt))), tick(at(FRIDAY, 10, 29 + 2 * attempt)));
      expect(snapshot.value).toBe('ENTERING');
      snapshot = step(snapshot, { type: 'order.updated', order: gateRefusal(contextOf(snapshot).order!, at(FRIDAY, 10, 29 + 2 * attempt).time) });
      expect(snapshot.value).toBe('WAITING');
      expect(contextOf(snapshot)).toMatchObject({ order: null, position: null, errorCount: 0, lastError: { errorClass: 'ORDER_REJECTED' } });
      expect(contextOf(snapshot).lastReason).toMatch(/^entry rejected \(pre-trade gate: system is HALTED: .*\): rolled back, nothing held$/);
    }
    // The cycle's entry attempts are spent: it waits for the next cycle rather than asking again.
    expect(step(snapshot, tick(at(FRIDAY, 10, 36))).value).toBe('WAITING');
  });
});
