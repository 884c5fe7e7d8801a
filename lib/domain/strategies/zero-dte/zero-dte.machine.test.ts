import { describe, expect, it } from 'vitest';
import { createActor, transition, type SnapshotFrom } from 'xstate';
import { ALLOWED, type EntryPermit } from '../../coordinator';
import { nyTime } from '../../market/calendar';
import { comboMid, quoteOption } from '../../market/option-pricing';
import type { ComboFill, MarketBar, OrderLeg } from '../../market/types';
import { acceptedEvents, machineGraph, refusalReason } from '../machine-graph';
import type { Position } from '../position';
import { ironCondorLegs, ZERO_DTE_DEFAULTS } from './zero-dte.rules';
import { zeroDteMachine, type ZeroDteContext, type ZeroDteEvent } from './zero-dte.machine';

type Snapshot = SnapshotFrom<typeof zeroDteMachine>;

const FRIDAY = '2026-11-20';
const THURSDAY = '2026-11-19';
const GOOD_FRIDAY = '2026-04-03';
const ID = 'zero-dte-test';

function bar(date: string, hour: number, minute: number, spy = 590, vix = 24): MarketBar {
  return { time: nyTime(date, hour, minute), spy, vix, spyOpen: 589.5 };
}

function tick(b: MarketBar, permit: EntryPermit = ALLOWED, systemMode: 'RUNNING' | 'HALTED' = 'RUNNING'): ZeroDteEvent {
  return { type: 'market.tick', bar: b, permit, systemMode };
}

function fillFor(legs: readonly OrderLeg[], clientOrderId: string, at: MarketBar): ComboFill {
  const fills = legs.map((leg) => ({ leg, price: quoteOption(leg.contract, at).mid }));
  return { clientOrderId, time: at.time, fills, netCredit: comboMid(legs, at) };
}

const initial = (): Snapshot => createActor(zeroDteMachine, { input: { strategyId: ID } }).getSnapshot();
const step = (snapshot: Snapshot, event: ZeroDteEvent): Snapshot => transition(zeroDteMachine, snapshot, event)[0];

const entryBar = bar(FRIDAY, 10, 30);
const inValidation = (): Snapshot => step(initial(), tick(entryBar));
const entering = (): Snapshot => step(inValidation(), tick(bar(FRIDAY, 10, 31)));
const active = (): Snapshot => {
  const snapshot = entering();
  const order = snapshot.context.order!;
  return step(snapshot, { type: 'order.filled', fill: fillFor(order.legs, order.clientOrderId, bar(FRIDAY, 10, 31)) });
};
const managing = (): Snapshot => {
  // At 15:30 with SPY near (not through) the short call the condor has neither profit nor a stop: it is managed.
  const snapshot = step(active(), tick(bar(FRIDAY, 15, 30, 598.5)));
  expect(snapshot.value).toBe('MANAGING');
  return snapshot;
};
const exitOrderFor = (snapshot: Snapshot) => snapshot.context.order!;
const defensiveExit = (): Snapshot =>
  step(active(), { type: 'operator.defensiveExit', actor: 'alice', reason: 'news', time: bar(FRIDAY, 12, 0).time });
const exiting = (): Snapshot => step(active(), tick(bar(FRIDAY, 14, 0, 590)));
const complete = (): Snapshot => {
  const snapshot = exiting();
  const order = exitOrderFor(snapshot);
  return step(snapshot, { type: 'order.filled', fill: fillFor(order.legs, order.clientOrderId, bar(FRIDAY, 14, 1)) });
};
const error = (): Snapshot => {
  const snapshot = exiting();
  const order = exitOrderFor(snapshot);
  return step(snapshot, { type: 'order.rejected', clientOrderId: order.clientOrderId, reason: 'venue closed', time: bar(FRIDAY, 14, 1).time });
};

const ALL_EVENTS: readonly ZeroDteEvent[] = [
  tick(bar(FRIDAY, 12, 0)),
  { type: 'order.filled', fill: { clientOrderId: 'x', time: 0, fills: [], netCredit: 0 } },
  { type: 'order.rejected', clientOrderId: 'x', reason: 'no', time: 0 },
  { type: 'operator.defensiveExit', actor: 'alice', reason: 'why', time: 0 },
];

describe('the 0DTE Friday machine', () => {
  describe('takes every transition in its table', () => {
    const cases: Record<string, () => { before: Snapshot; after: Snapshot }> = {
      'WAITING -> VALIDATION on market.tick': () => ({ before: initial(), after: inValidation() }),
      'VALIDATION -> ENTERING on market.tick': () => ({ before: inValidation(), after: entering() }),
      'VALIDATION -> WAITING on market.tick': () => {
        const before = inValidation();
        return { before, after: step(before, tick(bar(FRIDAY, 10, 31), { allowed: false, reasons: ['system is HALTED'] })) };
      },
      'ENTERING -> ACTIVE on order.filled': () => ({ before: entering(), after: active() }),
      'ENTERING -> WAITING on order.rejected': () => {
        const before = entering();
        const id = before.context.order!.clientOrderId;
        return { before, after: step(before, { type: 'order.rejected', clientOrderId: id, reason: 'no liquidity', time: 0 }) };
      },
      'ENTERING -> ERROR on market.tick': () => {
        const before = entering();
        return { before, after: step(before, tick(bar(FRIDAY, 10, 37))) };
      },
      'ACTIVE -> DEFENSIVE_EXIT on market.tick': () => {
        const before = active();
        return { before, after: step(before, tick(bar(FRIDAY, 12, 0, 580))) };
      },
      'ACTIVE -> EXITING on market.tick': () => ({ before: active(), after: exiting() }),
      'ACTIVE -> MANAGING on market.tick': () => ({ before: active(), after: managing() }),
      'ACTIVE -> DEFENSIVE_EXIT on operator.defensiveExit': () => ({ before: active(), after: defensiveExit() }),
      'MANAGING -> DEFENSIVE_EXIT on market.tick': () => {
        const before = managing();
        return { before, after: step(before, tick(bar(FRIDAY, 15, 31, 599.5))) };
      },
      'MANAGING -> EXITING on market.tick': () => {
        const before = managing();
        return { before, after: step(before, tick(bar(FRIDAY, 15, 45, 598.5))) };
      },
      'MANAGING -> DEFENSIVE_EXIT on operator.defensiveExit': () => {
        const before = managing();
        return { before, after: step(before, { type: 'operator.defensiveExit', actor: 'bob', reason: 'r', time: 0 }) };
      },
      'DEFENSIVE_EXIT -> COMPLETE on order.filled': () => {
        const before = defensiveExit();
        const order = exitOrderFor(before);
        return { before, after: step(before, { type: 'order.filled', fill: fillFor(order.legs, order.clientOrderId, bar(FRIDAY, 12, 1)) }) };
      },
      'DEFENSIVE_EXIT -> ERROR on order.rejected': () => {
        const before = defensiveExit();
        const id = exitOrderFor(before).clientOrderId;
        return { before, after: step(before, { type: 'order.rejected', clientOrderId: id, reason: 'halted venue', time: 0 }) };
      },
      'DEFENSIVE_EXIT -> ERROR on market.tick': () => {
        const before = defensiveExit();
        return { before, after: step(before, tick(bar(FRIDAY, 12, 6))) };
      },
      'EXITING -> COMPLETE on order.filled': () => ({ before: exiting(), after: complete() }),
      'EXITING -> ERROR on order.rejected': () => ({ before: exiting(), after: error() }),
      'EXITING -> ERROR on market.tick': () => {
        const before = exiting();
        return { before, after: step(before, tick(bar(FRIDAY, 14, 6))) };
      },
      'COMPLETE -> WAITING on market.tick': () => {
        const before = complete();
        return { before, after: step(before, tick(bar('2026-11-23', 9, 31))) };
      },
      'ERROR -> DEFENSIVE_EXIT on operator.defensiveExit': () => {
        const before = error();
        return { before, after: step(before, { type: 'operator.defensiveExit', actor: 'carol', reason: 'flatten', time: 0 }) };
      },
    };

    it('has a case for every transition the machine defines, and no other', () => {
      const table = machineGraph(zeroDteMachine).transitions.map((t) => `${t.from} -> ${t.to} on ${t.event}`);
      expect(Object.keys(cases).sort()).toEqual([...new Set(table)].sort());
    });

    for (const [name, run] of Object.entries(cases)) {
      it(name, () => {
        const [from, rest] = name.split(' -> ') as [string, string];
        const to = rest.split(' on ')[0];
        const { before, after } = run();
        expect(before.value).toBe(from);
        expect(after.value).toBe(to);
        expect(after.context.lastReason).toBeTruthy();
      });
    }
  });

  describe('refuses every event its state does not accept, changing nothing', () => {
    const fixtures: Record<string, () => Snapshot> = {
      WAITING: initial,
      VALIDATION: inValidation,
      ENTERING: entering,
      ACTIVE: active,
      MANAGING: managing,
      DEFENSIVE_EXIT: defensiveExit,
      EXITING: exiting,
      COMPLETE: complete,
      ERROR: error,
    };

    it('has a fixture for every state', () => {
      expect(Object.keys(fixtures).sort()).toEqual(machineGraph(zeroDteMachine).states.map((s) => s.id).sort());
    });

    for (const [state, fixture] of Object.entries(fixtures)) {
      const refused = ALL_EVENTS.filter((event) => !acceptedEvents(zeroDteMachine, state).includes(event.type));
      for (const event of refused) {
        it(`${state} refuses ${event.type}`, () => {
          const before = fixture();
          const after = step(before, event);
          expect(after.value).toBe(state);
          expect(after.context).toBe(before.context);
          expect(before.can(event)).toBe(false);
          expect(refusalReason(zeroDteMachine, state, event.type)).toContain(`${state} does not accept ${event.type}`);
        });
      }
    }

    it('refuses a fill for an order it did not send, naming the unmet guard', () => {
      const before = entering();
      const stray: ZeroDteEvent = { type: 'order.filled', fill: { clientOrderId: 'someone-else', time: 0, fills: [], netCredit: 1 } };
      expect(step(before, stray).context).toBe(before.context);
      expect(refusalReason(zeroDteMachine, 'ENTERING', 'order.filled')).toContain('isReplyToPendingOrder');
    });

    it('refuses a defensive exit in ERROR when nothing is held', () => {
      const entered = entering();
      const timedOut = step(entered, tick(bar(FRIDAY, 10, 37)));
      expect(timedOut.value).toBe('ERROR');
      const after = step(timedOut, { type: 'operator.defensiveExit', actor: 'a', reason: 'b', time: 0 });
      expect(after.context).toBe(timedOut.context);
    });
  });

  describe('enters only inside its guard boundaries', () => {
    const entersOn = (b: MarketBar) => step(initial(), tick(b)).value === 'VALIDATION';

    it('needs VIX above 22: exactly 22 is not enough', () => {
      expect(entersOn(bar(FRIDAY, 10, 30, 590, 22))).toBe(false);
      expect(entersOn(bar(FRIDAY, 10, 30, 590, 22.01))).toBe(true);
    });

    it('is suspended above VIX 35', () => {
      expect(entersOn(bar(FRIDAY, 10, 30, 590, 35))).toBe(true);
      expect(entersOn(bar(FRIDAY, 10, 30, 590, 35.01))).toBe(false);
    });

    it('opens its window at 10:30 ET and closes it after 11:00 ET', () => {
      expect(entersOn(bar(FRIDAY, 10, 29))).toBe(false);
      expect(entersOn(bar(FRIDAY, 10, 30))).toBe(true);
      expect(entersOn(bar(FRIDAY, 11, 0))).toBe(true);
      expect(entersOn(bar(FRIDAY, 11, 1))).toBe(false);
    });

    it('trades Fridays only, and not a Friday the exchange is closed', () => {
      expect(entersOn(bar(THURSDAY, 10, 30))).toBe(false);
      expect(entersOn(bar(GOOD_FRIDAY, 10, 30))).toBe(false);
    });

    it('does not enter when the coordinator says no', () => {
      const blocked = step(initial(), tick(entryBar, { allowed: false, reasons: ['system is HALTED'] }));
      expect(blocked.value).toBe('WAITING');
    });

    it('never proposes an order from bad market data', () => {
      for (const spy of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) expect(entersOn(bar(FRIDAY, 10, 30, spy))).toBe(false);
      const validating = inValidation();
      const bad = step(validating, tick({ ...bar(FRIDAY, 10, 31), vix: Number.NaN }));
      expect(bad.value).toBe('WAITING');
      expect(bad.context.order).toBeNull();
    });

    it('stops after three entry attempts in one day', () => {
      let snapshot = initial();
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        snapshot = step(step(snapshot, tick(bar(FRIDAY, 10, 30 + attempt))), tick(bar(FRIDAY, 10, 31 + attempt)));
        expect(snapshot.value).toBe('ENTERING');
        expect(snapshot.context.order?.clientOrderId).toBe(`${ID}:${FRIDAY}:entry:${attempt}`);
        snapshot = step(snapshot, { type: 'order.rejected', clientOrderId: snapshot.context.order!.clientOrderId, reason: 'x', time: 0 });
      }
      expect(step(snapshot, tick(bar(FRIDAY, 10, 50))).value).toBe('WAITING');
    });
  });

  describe('builds and manages the iron condor by the numbers', () => {
    it('places short strikes one expected daily move from spot with $5 wings', () => {
      const legs = ironCondorLegs(entryBar, ZERO_DTE_DEFAULTS);
      const move = 590 * 0.24 * Math.sqrt(1 / 252);
      expect(legs.map((leg) => `${leg.side} ${leg.contract.strike}${leg.contract.right}`)).toEqual([
        `BUY ${Math.floor(590 - move) - 5}P`,
        `SELL ${Math.floor(590 - move)}P`,
        `SELL ${Math.ceil(590 + move)}C`,
        `BUY ${Math.ceil(590 + move) + 5}C`,
      ]);
      expect(legs.every((leg) => leg.contract.expiry === FRIDAY)).toBe(true);
    });

    it('sends the four legs as one combo and holds them once filled', () => {
      const snapshot = active();
      const position = snapshot.context.position as Position;
      expect(position.legs).toHaveLength(4);
      expect(position.entryCredit).toBeGreaterThan(0);
      expect(snapshot.context.order).toBeNull();
    });

    it('exits defensively when a short strike is touched, not a cent before', () => {
      const position = active().context.position as Position;
      const shortPut = position.legs.find((leg) => leg.side === 'SELL' && leg.contract.right === 'P')!.contract.strike;
      expect(step(active(), tick(bar(FRIDAY, 11, 0, shortPut + 0.01))).value).toBe('ACTIVE');
      const breached = step(active(), tick(bar(FRIDAY, 11, 0, shortPut)));
      expect(breached.value).toBe('DEFENSIVE_EXIT');
      expect(breached.context.lastReason).toContain(`short put ${shortPut}`);
    });

    it('takes profit once half the credit is earned', () => {
      const snapshot = exiting();
      expect(snapshot.value).toBe('EXITING');
      expect(snapshot.context.lastReason).toMatch(/profit/);
    });

    it('goes to MANAGING at 15:30 ET, not at 15:29', () => {
      expect(step(active(), tick(bar(FRIDAY, 15, 29, 598.5))).value).toBe('ACTIVE');
      expect(managing().value).toBe('MANAGING');
    });

    it('exits every open position while the system is HALTED', () => {
      const halted = step(active(), tick(bar(FRIDAY, 11, 0), { allowed: false, reasons: ['system is HALTED'] }, 'HALTED'));
      expect(halted.value).toBe('DEFENSIVE_EXIT');
    });

    it('books the realised P&L when the exit fills and starts again on the next trading day', () => {
      const done = complete();
      expect(done.context.position).toBeNull();
      expect(done.context.realizedPnl).toBeGreaterThan(0);
      expect(step(done, tick(bar(FRIDAY, 15, 0))).value).toBe('COMPLETE');
      expect(step(done, tick(bar('2026-11-23', 9, 31))).value).toBe('WAITING');
    });
  });

  describe('survives being stored', () => {
    it('continues correctly from a snapshot sent through JSON.stringify', () => {
      const actor = createActor(zeroDteMachine, { input: { strategyId: ID } }).start();
      actor.send(tick(entryBar));
      actor.send(tick(bar(FRIDAY, 10, 31)));
      const order = actor.getSnapshot().context.order!;
      actor.send({ type: 'order.filled', fill: fillFor(order.legs, order.clientOrderId, bar(FRIDAY, 10, 31)) });
      const stored = JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();

      const restored = createActor(zeroDteMachine, { input: { strategyId: ID }, snapshot: JSON.parse(stored) }).start();
      const context: ZeroDteContext = restored.getSnapshot().context;
      expect(restored.getSnapshot().value).toBe('ACTIVE');
      expect(context.position?.legs).toHaveLength(4);
      expect(restored.getSnapshot().can({ type: 'operator.defensiveExit', actor: 'a', reason: 'b', time: 0 })).toBe(true);
      restored.send(tick(bar(FRIDAY, 11, 0, 570)));
      expect(restored.getSnapshot().value).toBe('DEFENSIVE_EXIT');
      expect(restored.getSnapshot().context.order?.clientOrderId).toBe(`${ID}:${FRIDAY}:exit:1`);
    });

    it('keeps the order deadline in the context, so a restored ENTERING still times out', () => {
      const stored = JSON.stringify(zeroDteMachine.getPersistedSnapshot(entering()));
      const restored = createActor(zeroDteMachine, { input: { strategyId: ID }, snapshot: JSON.parse(stored) }).start();
      restored.send(tick(bar(FRIDAY, 10, 36)));
      expect(restored.getSnapshot().value).toBe('ENTERING');
      restored.send(tick(bar(FRIDAY, 10, 37)));
      expect(restored.getSnapshot().value).toBe('ERROR');
    });
  });
});
