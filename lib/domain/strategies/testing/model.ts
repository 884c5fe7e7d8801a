/**
 * Model-based testing for strategy machines (tests only): events generated from each snapshot, a traversal
 * with @xstate/graph, and helpers shared by every strategy's test.
 */
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { ALLOWED } from '../../coordinator';
import type { SystemMode } from '../../system-mode';
import { quoteOption } from '../../market/option-pricing';
import { MINUTE_MS } from '../../market/time';
import type { EpochMs, LegFill, MarketBar, OrderLeg } from '../../market/types';
import type { OrderUpdate, PendingOrder, StrategyContext, StrategyEvent } from '../lifecycle/types';
import { machineGraph } from '../machine-graph';
import { MAX_ERRORS } from '../lifecycle/lifecycle-limits';
import { isFlat } from '../position';
import { contextOf } from '../lifecycle/strategy-snapshot';

/** A full bar from SPY's price; the other underlyings follow (QQQ, IWM by ratio; ES = SPY x 10). */
export function barAt(time: EpochMs, spy: number, vix: number, spyOpen = spy): MarketBar {
  const at = (ratio: number) => ({ price: Math.round(spy * ratio * 100) / 100, open: Math.round(spyOpen * ratio * 100) / 100 });
  return {
    time,
    vix,
    underlyings: {
      SPY: { price: spy, open: spyOpen },
      QQQ: at(510 / 590),
      IWM: at(235 / 590),
      ES: { price: Math.round(spy * 40) / 4, open: Math.round(spyOpen * 40) / 4 },
    },
  };
}

export const tick = (bar: MarketBar, systemMode: SystemMode = 'RUNNING', permit = ALLOWED): StrategyEvent => ({
  type: 'market.tick',
  bar,
  permit,
  systemMode,
});

export function fillsFor(legs: readonly OrderLeg[], bar: MarketBar): LegFill[] {
  return legs.map((leg) => ({ leg, price: quoteOption(leg.contract, bar).mid }));
}

export function update(order: PendingOrder, status: OrderUpdate['status'], legFills: readonly LegFill[], time: EpochMs): OrderUpdate {
  return { clientOrderId: order.clientOrderId, status, legFills, reason: status === 'REJECTED' ? 'rejected by venue' : null, time };
}

/** The pre-trade gate's refusal of `order`: it never went out, and the machine hears of it as a rejection. */
export function gateRefusal(order: PendingOrder, time: EpochMs): OrderUpdate {
  return { ...update(order, 'REJECTED', [], time), reason: 'pre-trade gate: system is HALTED: only orders that reduce risk go out', isGateRefusal: true };
}

type Context = StrategyContext<unknown>;

/**
 * Every kind of event a strategy can receive, made to fit `snapshot`: the strategy's own bars (entry,
 * breach, profit, clock...), replies to its order (filled, part-filled, rejected, failed, overdue), recovery
 * answers and operator commands. Events that do not fit are generated too: refusing them is part of the model.
 */
export function modelEvents(snapshot: AnyMachineSnapshot, strategyBars: (context: Context) => MarketBar[]): StrategyEvent[] {
  const context = contextOf(snapshot);
  const bars = strategyBars(context);
  const base = bars[0];
  if (!base) throw new Error('strategyBars must give at least one bar');
  const now = Math.max(context.lastBarTime ?? base.time, base.time);
  const events: StrategyEvent[] = bars.map((bar) => tick(bar));
  events.push(tick(base, 'EMERGENCY', { allowed: false, reasons: ['system is EMERGENCY'] }));
  events.push(tick({ ...base, isStale: true }));
  const { order, recovery } = context;
  if (order) {
    const fills = fillsFor(order.legs, base);
    const applied = fills.slice(0, order.appliedFills);
    events.push({ type: 'order.updated', order: update(order, 'FILLED', fills, base.time) });
    // One legged step per order keeps the model finite; the lifecycle treats every later step alike.
    if (order.appliedFills === 0 && order.legs.length > 1 && order.purpose !== 'UNWIND') {
      events.push({ type: 'order.updated', order: update(order, 'PARTIALLY_FILLED', fills.slice(0, order.appliedFills + 1), base.time) });
      events.push({ type: 'order.updated', order: update(order, 'CANCELLED', fills.slice(0, order.appliedFills + 1), base.time) });
    }
    events.push({ type: 'order.updated', order: update(order, 'REJECTED', applied, base.time) });
    // Only opening orders ask the gate, before anything is sent.
    if (order.appliedFills === 0 && (order.purpose === 'ENTRY' || order.purpose === 'ADJUST')) {
      events.push({ type: 'order.updated', order: gateRefusal(order, base.time) });
    }
    for (const errorClass of ['CONNECTION', 'TIMEOUT', 'UNKNOWN'] as const) {
      events.push({ type: 'order.failed', clientOrderId: order.clientOrderId, errorClass, message: `${errorClass.toLowerCase()} failure`, time: base.time });
    }
    events.push(tick({ ...base, time: order.deadline + MINUTE_MS }));
    events.push({ type: 'system.restored', time: now });
  }
  if (recovery) {
    events.push({ type: 'recovery.checked', order: null, time: now });
    events.push({ type: 'recovery.failed', message: 'broker unreachable', time: now });
    events.push(tick({ ...base, time: recovery.since + 31 * MINUTE_MS }));
    if (recovery.order) {
      const fills = fillsFor(recovery.order.legs, base);
      events.push({ type: 'recovery.checked', order: update(recovery.order, 'FILLED', fills, now), time: now });
      events.push({ type: 'recovery.checked', order: update(recovery.order, 'CANCELLED', fills.slice(0, recovery.order.appliedFills), now), time: now });
    }
  }
  events.push({ type: 'operator.defensiveExit', actor: 'alice', reason: 'operator exit', time: now });
  events.push({ type: 'operator.emergencyExit', actor: 'alice', reason: 'emergency halt', time: now });
  events.push({ type: 'operator.recover', actor: 'alice', reason: 'errors reviewed', time: now });
  return events;
}

/** The model's notion of "the same situation": state, what is held, the order in flight, errors, recovery. */
export function serializeForModel(snapshot: AnyMachineSnapshot): string {
  const context = contextOf(snapshot);
  return [
    String(snapshot.value),
    context.order ? `${context.order.purpose}:${context.order.appliedFills}` : '-',
    isFlat(context.position) ? 'flat' : 'held',
    `e${Math.min(context.errorCount, MAX_ERRORS)}`,
    context.recovery ? (context.recovery.order ? `r:${context.recovery.order.purpose}` : 'r') : '-',
  ].join('|');
}

export interface ModelRun {
  /** Every (from, event, to) the traversal saw a transition take. */
  readonly taken: Set<string>;
  /** One snapshot per state, the first the traversal reached. */
  readonly exemplars: Map<string, AnyMachineSnapshot>;
  /** The states shortest paths from the initial state reach. */
  readonly reached: Set<string>;
}

/** Explores the machine from its initial state with `modelEvents`, recording what was taken. */
export function exploreModel(
  machine: AnyStateMachine,
  input: unknown,
  strategyBars: (context: Context) => MarketBar[],
  { fromState, limit = 1_000_000 }: { fromState?: AnyMachineSnapshot; limit?: number } = {},
): ModelRun {
  const options = {
    input,
    fromState,
    events: (snapshot: AnyMachineSnapshot) => modelEvents(snapshot, strategyBars),
    serializeState: serializeForModel,
    serializeEvent: (event: { type: string }) => JSON.stringify(event),
    limit,
  };
  const edges = adjacencyMapToArray(getAdjacencyMap(machine, options));
  const taken = new Set<string>();
  const exemplars = new Map<string, AnyMachineSnapshot>();
  for (const { state, event, nextState } of edges) {
    const from = String(state.value);
    const to = String(nextState.value);
    if (!exemplars.has(from)) exemplars.set(from, state);
    if (!exemplars.has(to)) exemplars.set(to, nextState);
    if (from !== to || nextState.context !== state.context) taken.add(`${from} -> ${to} on ${event.type}`);
  }
  const reached = new Set(getShortestPaths(machine, options).map((path) => String(path.state.value)));
  return { taken, exemplars, reached };
}

/**
 * A model run computed on first use, inside a test rather than at import: a run costs seconds, and code a
 * test runs is attributed to that test (mutation testing then knows which tests to re-run for a change).
 */
export function lazyRun(explore: () => ModelRun): () => ModelRun {
  let run: ModelRun | undefined;
  return () => (run ??= explore());
}

/** The (from, event, to) triples the machine's table allows. */
export function tableTriples(machine: AnyStateMachine): Set<string> {
  return new Set(machineGraph(machine).transitions.map((t) => `${t.from} -> ${t.to} on ${t.event}`));
}

export function initialSnapshot(machine: AnyStateMachine, input: unknown): AnyMachineSnapshot {
  return createActor(machine, { input }).getSnapshot();
}
