import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { comboMid, quoteOption } from '../market/option-pricing';
import type { EpochMs, MarketBar, OptionRight, OrderLeg, Side, Underlying } from '../market/types';
import type { SystemMode } from '../system-mode';
import { marketDataProblems } from './lifecycle/market-data';
import type { OverrideAction } from './override-actions';
import { haltCancelOf, isHaltExit, orderEffect } from './lifecycle/override-orders';
import { contextOf, stateOf } from './lifecycle/strategy-snapshot';
import type { OrderPurpose, PendingOrder, StrategyEvent } from './lifecycle/types';
import { refusalReason } from './machine-graph';
import { isFlat } from './position';
import type { PureTransition } from './pure-transition';

export type { OverrideAction };

/** A strategy as a plan is computed from: its machine, the snapshot the override's event would meet, and the machine's transition. */
export interface PlanSubject {
  readonly id: string;
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly snapshot: AnyMachineSnapshot;
  readonly transition: PureTransition;
}

export interface PlannedLeg {
  readonly underlying: Underlying;
  readonly expiry: string;
  readonly strike: number;
  readonly right: OptionRight;
  readonly side: Side;
  readonly quantity: number;
  /** Per share (per /ES point): the leg's mid in the chain on the bar, the price the paper venue fills it at. */
  readonly limitPrice: number;
}

export interface PlannedOrder {
  readonly strategyId: string;
  readonly clientOrderId: string;
  readonly purpose: OrderPurpose;
  /** `now`: sent by the command itself; `after-settling`: sent once the order in doubt is settled, if nothing more filled. */
  readonly when: 'now' | 'after-settling';
  readonly legs: readonly PlannedLeg[];
  /** Net per unit at the legs' limit prices, as `comboMid`: a credit positive. */
  readonly netPrice: number;
}

export interface PlannedCancel {
  readonly strategyId: string;
  readonly clientOrderId: string;
  readonly purpose: OrderPurpose;
}

/** What an override does to one strategy. */
export interface StrategyPlan {
  readonly strategyId: string;
  readonly name: string;
  readonly from: string;
  /** Where the override's event takes the machine; null when it is refused (`refusal` says why) or not sent now. */
  readonly to: string | null;
  readonly refusal: string | null;
  /** Where the strategy ends once the order in doubt is settled (Recover), if nothing more filled; else null. */
  readonly landsIn: string | null;
  readonly orders: readonly PlannedOrder[];
  readonly cancels: readonly PlannedCancel[];
  readonly notes: readonly string[];
}

/** The orders and cancels an override would send now, per strategy, with a fingerprint of what would be sent. */
export interface OverridePlan {
  readonly action: OverrideAction;
  /** The bar the limit prices are read from. */
  readonly barTime: EpochMs;
  readonly strategies: readonly StrategyPlan[];
  readonly notes: readonly string[];
  readonly fingerprint: string;
}

/** The operator event an override sends a strategy; who and why do not change what it decides. */
export function overrideEvent(action: OverrideAction, time: EpochMs, actor = 'operator', reason = 'preview'): StrategyEvent {
  const type = action === 'defensive-exit' ? 'operator.defensiveExit' : action === 'recover' ? 'operator.recover' : 'operator.emergencyExit';
  return { type, actor, reason, time };
}

function plannedOrder(strategyId: string, order: PendingOrder, when: PlannedOrder['when'], bar: MarketBar): PlannedOrder {
  return {
    strategyId,
    clientOrderId: order.clientOrderId,
    purpose: order.purpose,
    when,
    legs: order.legs.map(({ contract, side, quantity }: OrderLeg) => ({ ...contract, side, quantity, limitPrice: quoteOption(contract, bar).mid })),
    netPrice: comboMid(order.legs, bar),
  };
}

/**
 * What `event` makes `subject`'s machine send, computed by the machine itself on the snapshot the event would meet:
 * the transition the engine stores, then the effect the engine reads from it (`orderEffect`): an order to place, or
 * an order in doubt to settle (its rest cancelled at the broker by client order id). For a recovery, the settling is
 * projected as if nothing more filled, to say where the strategy lands and which close it then sends.
 */
export function strategyPlan(subject: PlanSubject, event: StrategyEvent, bar: MarketBar): StrategyPlan {
  const from = stateOf(subject.snapshot);
  const before = contextOf(subject.snapshot);
  const base = { strategyId: subject.id, name: subject.name, from, landsIn: null, notes: [] };
  const next = subject.transition(subject.snapshot, event);
  if (stateOf(next) === from && next.context === subject.snapshot.context) {
    return { ...base, to: null, refusal: refusalReason(subject.machine, from, event.type), orders: [], cancels: [] };
  }
  const to = stateOf(next);
  const effect = orderEffect(to, contextOf(next));
  if (effect?.kind === 'place') {
    const isNew = effect.order.clientOrderId !== before.order?.clientOrderId;
    return { ...base, to, refusal: null, orders: isNew ? [plannedOrder(subject.id, effect.order, 'now', bar)] : [], cancels: [] };
  }
  if (effect?.kind !== 'settle') return { ...base, to, refusal: null, orders: [], cancels: [] };
  const inDoubt = effect.recovery.order;
  const settled = subject.transition(next, { type: 'recovery.checked', order: null, time: bar.time });
  const landsIn = stateOf(settled);
  const then = orderEffect(landsIn, contextOf(settled));
  return {
    ...base,
    to,
    refusal: null,
    landsIn,
    orders: then?.kind === 'place' ? [plannedOrder(subject.id, then.order, 'after-settling', bar)] : [],
    cancels: inDoubt ? [{ strategyId: subject.id, clientOrderId: inDoubt.clientOrderId, purpose: inDoubt.purpose }] : [],
    notes: inDoubt ? [] : ['no order in doubt: nothing to settle at the broker'],
  };
}

/** An override's strategy plans as one plan, with its fingerprint. */
export function overridePlan(action: OverrideAction, strategies: readonly StrategyPlan[], bar: MarketBar, notes: readonly string[] = []): OverridePlan {
  return withFingerprint({ action, barTime: bar.time, strategies, notes: [...notes, ...marketNotes(bar)] });
}

/** Defensive Exit or Recover of one strategy, as a plan. */
export function singleStrategyPlan(action: Exclude<OverrideAction, 'emergency-halt'>, subject: PlanSubject, bar: MarketBar): OverridePlan {
  return overridePlan(action, [strategyPlan(subject, overrideEvent(action, bar.time), bar)], bar);
}

/**
 * An emergency halt, as the engine carries it out (`emergencyHalt`): nothing when the system already is in EMERGENCY;
 * else every order out that adds risk cancelled (`haltCancelOf`), and every strategy holding a position with no order
 * out sent to EMERGENCY_EXIT (`isHaltExit`), unless the bar is unusable: then each flattens on the first usable bar.
 */
export function emergencyHaltPlan(subjects: readonly PlanSubject[], mode: SystemMode, bar: MarketBar): OverridePlan {
  if (mode === 'EMERGENCY') return overridePlan('emergency-halt', [], bar, ['the system is already in EMERGENCY: a halt changes nothing']);
  const dataProblems = marketDataProblems(bar);
  const event = overrideEvent('emergency-halt', bar.time);
  const strategies = subjects.flatMap((subject): StrategyPlan[] => {
    const context = contextOf(subject.snapshot);
    const from = stateOf(subject.snapshot);
    const cancel = haltCancelOf(context);
    const cancels = cancel ? [{ strategyId: subject.id, clientOrderId: cancel.clientOrderId, purpose: cancel.purpose }] : [];
    const idle = { strategyId: subject.id, name: subject.name, from, to: null, refusal: null, landsIn: null, orders: [] };
    if (isHaltExit(context)) {
      if (dataProblems.length === 0) return [strategyPlan(subject, event, bar)];
      return [{ ...idle, cancels, notes: ['market data unusable: flattens on the first usable bar'] }];
    }
    if (cancels.length > 0) return [{ ...idle, cancels, notes: ['its order that adds risk is cancelled; filled legs are unwound'] }];
    if (!isFlat(context.position)) return [{ ...idle, cancels, notes: [`its ${context.order?.purpose.toLowerCase() ?? ''} order out is kept; it flattens on the next bar if still holding`] }];
    return [];
  });
  return overridePlan('emergency-halt', strategies, bar, ['no new entries from now on, also after a restart']);
}

function marketNotes(bar: MarketBar): string[] {
  const problems = marketDataProblems(bar);
  return problems.length > 0 ? [`market data unusable (${problems.join('; ')}): prices shown are not tradable`] : [];
}

/** What a plan sends and cancels, prices aside: every order's id, purpose and legs; every cancel's id; where each strategy goes. */
function ordersText({ action, strategies }: Omit<OverridePlan, 'fingerprint'>): string {
  return JSON.stringify([
    action,
    strategies.map((strategy) => [
      strategy.strategyId,
      strategy.to,
      strategy.landsIn,
      strategy.refusal === null,
      strategy.orders.map((order) => [
        order.clientOrderId,
        order.purpose,
        order.when,
        order.legs.map((leg) => [leg.underlying, leg.expiry, leg.strike, leg.right, leg.side, leg.quantity]),
      ]),
      strategy.cancels.map((cancel) => cancel.clientOrderId),
    ]),
  ]);
}

/** The limit prices of a plan's orders, in order. */
const pricesText = ({ strategies }: Omit<OverridePlan, 'fingerprint'>): string =>
  JSON.stringify(strategies.map((strategy) => strategy.orders.map((order) => order.legs.map((leg) => leg.limitPrice))));

/**
 * FNV-1a, 32 bits, as 8 hex digits: tells a changed plan from the previewed one (a check of what is sent, not a
 * security measure; the domain has no Node crypto).
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function withFingerprint(plan: Omit<OverridePlan, 'fingerprint'>): OverridePlan {
  return { ...plan, fingerprint: `${fnv1a(ordersText(plan))}${fnv1a(pricesText(plan))}` };
}

/**
 * How the plan now compares with the one the operator was shown, by fingerprint (16 hex digits: the orders, then
 * their prices): `same`; `prices`, the same orders and cancels at other limit prices (the market moved); `orders`,
 * other orders, cancels or destinations.
 */
export function previewDifference(shown: string, now: OverridePlan): 'same' | 'prices' | 'orders' {
  if (shown === now.fingerprint) return 'same';
  return shown.slice(0, 8) === now.fingerprint.slice(0, 8) ? 'prices' : 'orders';
}

const price = (value: number): string => value.toFixed(2);

/** One order in words: `CLOSE z:2026-12-04:close:3: BUY 1 SPY 2026-12-04 580P @ 1.23; ... (net debit 0.45)`. */
export function describeOrder(order: PlannedOrder): string {
  const legs = order.legs
    .map((leg) => `${leg.side} ${leg.quantity} ${leg.underlying} ${leg.expiry} ${leg.strike}${leg.right} @ ${price(leg.limitPrice)}`)
    .join(', ');
  const net = `net ${order.netPrice < 0 ? 'debit' : 'credit'} ${price(Math.abs(order.netPrice))}`;
  return `${order.purpose} ${order.clientOrderId}${order.when === 'now' ? '' : ' (after settling)'}: ${legs} (${net})`;
}

/** A plan in words, for the command's outcome and a refusal: what it sends and cancels, strategy by strategy. */
export function describePlan(plan: OverridePlan): string {
  const parts = plan.strategies.map((strategy) => {
    if (strategy.refusal) return `${strategy.name}: refused (${strategy.refusal})`;
    const sends = strategy.orders.map(describeOrder);
    const cancels = strategy.cancels.map((cancel) => `cancel ${cancel.clientOrderId}`);
    const what = [...cancels, ...sends];
    const move = strategy.to ? `${strategy.from} -> ${strategy.to}${strategy.landsIn ? ` -> ${strategy.landsIn}` : ''}` : strategy.from;
    return `${strategy.name} (${move}): ${what.length > 0 ? what.join('; ') : 'nothing sent'}`;
  });
  return parts.length > 0 ? parts.join(' | ') : 'nothing to send';
}
