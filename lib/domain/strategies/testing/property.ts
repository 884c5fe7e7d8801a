/**
 * Property testing for strategy machines (tests only): fast-check drives random sequences of market,
 * broker and operator events against a machine and an independent model of the venue, and checks after
 * every step that the machine holds exactly what the venue filled and never reuses an order id.
 */
import fc from 'fast-check';
import { createActor, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { MINUTE_MS } from '../../market/time';
import type { LegFill, MarketBar } from '../../market/types';
import type { OrderUpdate, PendingOrder, StrategyContext, StrategyEvent } from '../lifecycle/types';
import { fillsFor, tick } from './model';

export type Step =
  | { kind: 'tick'; minutes: number; move: number; vix: number; halted: boolean }
  | { kind: 'fillAll' }
  | { kind: 'fillOne' }
  | { kind: 'reject' }
  | { kind: 'fail'; errorClass: 'CONNECTION' | 'TIMEOUT' | 'UNKNOWN' }
  | { kind: 'recoveryCheck' }
  | { kind: 'recoveryFail' }
  | { kind: 'operator'; type: 'operator.defensiveExit' | 'operator.emergencyExit' | 'operator.recover' }
  | { kind: 'restart' };

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      // Mostly the next minutes, sometimes a jump over hours, days or a week.
      minutes: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(6, 45, 24 * 60, 7 * 24 * 60) }),
      move: fc.oneof({ weight: 6, arbitrary: fc.double({ min: -0.001, max: 0.001, noNaN: true }) }, { weight: 1, arbitrary: fc.double({ min: -0.03, max: 0.03, noNaN: true }) }),
      vix: fc.oneof({ weight: 4, arbitrary: fc.double({ min: 18, max: 30, noNaN: true }) }, { weight: 1, arbitrary: fc.double({ min: 10, max: 50, noNaN: true }) }),
      halted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'fillAll' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'fillOne' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'reject' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), errorClass: fc.constantFrom('CONNECTION' as const, 'TIMEOUT' as const, 'UNKNOWN' as const) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'recoveryCheck' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'recoveryFail' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('operator' as const), type: fc.constantFrom('operator.defensiveExit' as const, 'operator.emergencyExit' as const, 'operator.recover' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

interface VenueOrder {
  readonly legs: PendingOrder['legs'];
  fills: LegFill[];
  status: OrderUpdate['status'];
}

const contractKey = (leg: LegFill['leg']): string =>
  `${leg.contract.underlying} ${leg.contract.expiry} ${leg.contract.strike}${leg.contract.right}`;

/** The venue's view: every order the machine sent, what filled, and the net quantity per contract. */
class Venue {
  readonly orders = new Map<string, VenueOrder>();

  receive(context: StrategyContext): void {
    const order = context.order;
    if (order && !this.orders.has(order.clientOrderId)) {
      this.orders.set(order.clientOrderId, { legs: order.legs, fills: [], status: 'WORKING' });
    }
  }

  net(): Map<string, number> {
    const net = new Map<string, number>();
    for (const order of this.orders.values()) {
      for (const { leg } of order.fills) {
        const key = contractKey(leg);
        net.set(key, (net.get(key) ?? 0) + (leg.side === 'BUY' ? leg.quantity : -leg.quantity));
      }
    }
    for (const [key, quantity] of net) if (quantity === 0) net.delete(key);
    return net;
  }
}

function held(context: StrategyContext): Map<string, number> {
  const legs = new Map<string, number>();
  for (const { contract, quantity } of context.position?.legs ?? []) {
    legs.set(contractKey({ contract, side: 'BUY', quantity: 1 }), quantity);
  }
  return legs;
}

export interface PropertyOptions {
  readonly machine: AnyStateMachine;
  readonly input: unknown;
  /** A bar at which the strategy can enter; random ticks walk from here. */
  readonly startBar: MarketBar;
}

/**
 * Plays `steps`; throws (failing the property) when the machine's legs and the venue's fills disagree, or an
 * id returns. Returns the states visited, so a test can show the random walks really reach positions.
 */
export function playSteps({ machine, input, startBar }: PropertyOptions, steps: readonly Step[]): Set<string> {
  const visited = new Set<string>();
  let snapshot: AnyMachineSnapshot = createActor(machine, { input: input as never }).getSnapshot();
  let bar = startBar;
  const venue = new Venue();
  const retired = new Set<string>();
  let current: string | null = null;

  const send = (event: StrategyEvent) => {
    [snapshot] = transition(machine, snapshot, event);
  };
  const context = () => snapshot.context as StrategyContext;
  const reply = (id: string, order: VenueOrder): OrderUpdate => ({ clientOrderId: id, status: order.status, legFills: [...order.fills], reason: 'venue', time: bar.time });

  for (const step of steps) {
    const order = context().order;
    const venueOrder = order ? venue.orders.get(order.clientOrderId) : undefined;
    switch (step.kind) {
      case 'tick': {
        const spy = Math.max(50, Math.round(bar.underlyings.SPY.price * (1 + step.move) * 100) / 100);
        const ratio = spy / bar.underlyings.SPY.price;
        const scaled = (u: 'QQQ' | 'IWM' | 'ES') => ({ ...bar.underlyings[u], price: Math.round(bar.underlyings[u].price * ratio * 100) / 100 });
        bar = { time: bar.time + step.minutes * MINUTE_MS, vix: Math.round(step.vix * 100) / 100, underlyings: { SPY: { ...bar.underlyings.SPY, price: spy }, QQQ: scaled('QQQ'), IWM: scaled('IWM'), ES: scaled('ES') } };
        send(tick(bar, step.halted ? 'EMERGENCY' : 'RUNNING', step.halted ? { allowed: false, reasons: ['system is EMERGENCY'] } : { allowed: true, reasons: [] }));
        break;
      }
      case 'fillAll':
      case 'fillOne':
        if (order && venueOrder && venueOrder.status !== 'REJECTED' && venueOrder.status !== 'CANCELLED' && venueOrder.status !== 'FILLED') {
          const all = fillsFor(venueOrder.legs, bar);
          venueOrder.fills = step.kind === 'fillAll' ? all : all.slice(0, Math.min(venueOrder.fills.length + 1, all.length));
          venueOrder.status = venueOrder.fills.length === all.length ? 'FILLED' : 'PARTIALLY_FILLED';
          send({ type: 'order.updated', order: reply(order.clientOrderId, venueOrder) });
        }
        break;
      case 'reject':
        if (order && venueOrder && (venueOrder.status === 'WORKING' || venueOrder.status === 'PARTIALLY_FILLED')) {
          venueOrder.status = 'REJECTED';
          send({ type: 'order.updated', order: reply(order.clientOrderId, venueOrder) });
        }
        break;
      case 'fail':
        if (order) {
          if (step.errorClass === 'CONNECTION' && venueOrder && venueOrder.fills.length === 0) venue.orders.delete(order.clientOrderId);
          send({ type: 'order.failed', clientOrderId: order.clientOrderId, errorClass: step.errorClass, message: 'injected', time: bar.time });
        }
        break;
      case 'recoveryCheck': {
        const inDoubt = context().recovery?.order;
        const known = inDoubt ? venue.orders.get(inDoubt.clientOrderId) : undefined;
        if (known && (known.status === 'WORKING' || known.status === 'PARTIALLY_FILLED')) known.status = 'CANCELLED';
        send({ type: 'recovery.checked', order: inDoubt && known ? reply(inDoubt.clientOrderId, known) : null, time: bar.time });
        break;
      }
      case 'recoveryFail':
        send({ type: 'recovery.failed', message: 'unreachable', time: bar.time });
        break;
      case 'operator':
        send({ type: step.type, actor: 'prop', reason: 'property test', time: bar.time });
        break;
      case 'restart': {
        const stored = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot)));
        snapshot = createActor(machine, { input: input as never, snapshot: stored }).getSnapshot();
        if (context().order) send({ type: 'system.restored', time: bar.time });
        break;
      }
    }
    visited.add(String(snapshot.value));
    venue.receive(context());
    const now = context().order?.clientOrderId ?? null;
    if (now !== current) {
      if (current) retired.add(current);
      if (now && retired.has(now)) throw new Error(`order id ${now} was used again after it was retired`);
      current = now;
    }
    const expected = venue.net();
    const actual = held(context());
    if (JSON.stringify([...actual].sort()) !== JSON.stringify([...expected].sort())) {
      throw new Error(
        `after ${step.kind} in ${String(snapshot.value)} the strategy holds ${JSON.stringify([...actual])} but the venue filled ${JSON.stringify([...expected])}`,
      );
    }
  }
  return visited;
}
