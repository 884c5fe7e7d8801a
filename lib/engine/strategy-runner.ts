import { createActor, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { Broker, BrokerOrder } from '../broker/broker';
import type { StrategyRepository, StrategyRecord } from '../db/strategy-repository';
import type { MarketBar } from '../domain/market/types';
import { refusalReason } from '../domain/strategies/machine-graph';
import { strategyDefinition } from '../domain/strategies/registry';
import type { PendingOrder, StrategyContextBase, StrategyEvent } from '../domain/strategies/strategy';
import { AppError } from '../errors';
import type { Logger } from '../log';

export const SYSTEM_ACTOR = 'system';

/** Who sent an event and when, in market time. Operator events carry the operator's name and reason. */
export interface EventMeta {
  readonly actor: string;
  readonly reason?: string;
  readonly marketTime: number;
}

export type SendOutcome =
  | { readonly kind: 'transitioned'; readonly from: string; readonly to: string; readonly seq: number }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'conflict'; readonly reason: string };

export interface RunnerDeps {
  readonly strategies: StrategyRepository;
  readonly broker: Broker;
  readonly log: Logger;
  /** The latest market bar, for pricing orders sent outside a tick (operator commands, restores). */
  readonly currentBar: () => MarketBar;
}

/** Events that are observations, not requests: when they change nothing, nothing was refused. */
const OBSERVATIONS: ReadonlySet<string> = new Set(['market.tick']);

function contextOf(snapshot: AnyMachineSnapshot): StrategyContextBase {
  return snapshot.context as StrategyContextBase;
}

function stateOf(snapshot: AnyMachineSnapshot): string {
  if (typeof snapshot.value !== 'string') throw new Error('strategy machines have flat states');
  return snapshot.value;
}

/**
 * Runs one strategy: computes each transition with xstate's pure `transition()`, stores it, and only then
 * adopts it, so memory never runs ahead of the database. Events are handled one at a time, in order.
 * The order to send is read from the snapshot rather than fired as an action: after a restore the same
 * code finds the outstanding order and resends it under the same client order id, which the broker answers
 * with the existing order instead of a second one.
 */
export class StrategyRunner {
  private snapshot: AnyMachineSnapshot;
  private version: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** The client order id sent and not yet answered; a broker failure clears it so the next tick retries. */
  private inFlight: string | null = null;
  private readonly machine: AnyStateMachine;

  constructor(
    readonly record: Pick<StrategyRecord, 'id' | 'name' | 'kind'>,
    snapshot: unknown,
    version: number,
    private readonly deps: RunnerDeps,
  ) {
    this.machine = strategyDefinition(record.kind).machine;
    this.snapshot = restoreSnapshot(this.machine, snapshot, record.id);
    this.version = version;
  }

  get id(): string {
    return this.record.id;
  }

  get state(): string {
    return stateOf(this.snapshot);
  }

  get context(): StrategyContextBase {
    return contextOf(this.snapshot);
  }

  get currentVersion(): number {
    return this.version;
  }

  /** Queues `event`; resolves once it and everything it caused (an order's fill) is stored. */
  send(event: StrategyEvent, meta: EventMeta): Promise<SendOutcome> {
    const result = this.queue.then(() => this.apply(event, meta));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Sends the outstanding order, if any. Used after a restore, before the first tick. */
  resume(): Promise<void> {
    const result = this.queue.then(() => this.sendOutstandingOrder());
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Waits for everything queued so far. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async apply(event: StrategyEvent, meta: EventMeta): Promise<SendOutcome> {
    const previous = this.snapshot;
    const [next] = transition(this.machine, previous, event);
    const from = stateOf(previous);
    const to = stateOf(next);
    if (from === to && next.context === previous.context) {
      if (OBSERVATIONS.has(event.type)) {
        // An order whose send failed earlier is retried on the next bar; its deadline bounds how long.
        await this.sendOutstandingOrder();
        return { kind: 'unchanged' };
      }
      const reason = refusalReason(this.machine, from, event.type);
      await this.deps.strategies.recordRefusal({
        strategyId: this.id,
        state: from,
        eventType: event.type,
        eventPayload: event,
        actor: meta.actor,
        reason,
        marketTime: new Date(meta.marketTime),
      });
      return { kind: 'refused', reason };
    }

    const context = contextOf(next);
    let seq: number;
    try {
      seq = await this.deps.strategies.recordTransition({
        strategyId: this.id,
        expectedVersion: this.version,
        fromState: from,
        toState: to,
        snapshot: this.machine.getPersistedSnapshot(next),
        eventType: event.type,
        eventPayload: event,
        actor: meta.actor,
        reason: meta.reason ?? context.lastReason,
        marketTime: new Date(meta.marketTime),
      });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'STALE_VERSION')) throw error;
      await this.reload();
      this.deps.log.warn({ strategyId: this.id, err: error }, 'stale strategy version: reloaded');
      return { kind: 'conflict', reason: error.message };
    }
    this.snapshot = next;
    this.version = seq;
    await this.recordErrorFor(event, from, to, meta);
    await this.sendOutstandingOrder();
    return { kind: 'transitioned', from, to, seq };
  }

  /** Every failure becomes an error record with the position as it stood. */
  private async recordErrorFor(event: StrategyEvent, from: string, to: string, meta: EventMeta): Promise<void> {
    let type: string | null = null;
    let message = this.context.lastReason ?? to;
    if (event.type === 'order.rejected') {
      type = 'ORDER_REJECTED';
      message = event.reason;
    } else if (to === 'ERROR') {
      type = 'ORDER_TIMEOUT';
    }
    if (!type) return;
    await this.deps.strategies.recordError({
      strategyId: this.id,
      state: from,
      type,
      message,
      context: { event, to },
      positionSnapshot: this.context.position,
      marketTime: new Date(meta.marketTime),
    });
  }

  private async sendOutstandingOrder(): Promise<void> {
    const order = this.context.order;
    if (!order || this.inFlight === order.clientOrderId) return;
    this.inFlight = order.clientOrderId;
    let reply: BrokerOrder;
    const bar = this.deps.currentBar();
    try {
      reply = await this.deps.broker.placeCombo({ clientOrderId: order.clientOrderId, legs: order.legs }, bar);
    } catch (error) {
      this.inFlight = null;
      await this.recordBrokerFailure(order, error, bar.time);
      return;
    }
    const meta: EventMeta = { actor: SYSTEM_ACTOR, marketTime: reply.fill?.time ?? bar.time };
    if (reply.status === 'FILLED' && reply.fill) {
      await this.apply({ type: 'order.filled', fill: reply.fill }, meta);
    } else {
      await this.apply(
        { type: 'order.rejected', clientOrderId: order.clientOrderId, reason: reply.rejectReason ?? 'rejected', time: bar.time },
        meta,
      );
    }
    if (this.inFlight === order.clientOrderId) this.inFlight = null;
  }

  private async recordBrokerFailure(order: PendingOrder, error: unknown, marketTime: number): Promise<void> {
    this.deps.log.error({ strategyId: this.id, err: error, clientOrderId: order.clientOrderId }, 'order send failed');
    await this.deps.strategies.recordError({
      strategyId: this.id,
      state: this.state,
      type: 'BROKER_UNAVAILABLE',
      message: error instanceof Error ? error.message : String(error),
      context: { clientOrderId: order.clientOrderId, purpose: order.purpose },
      positionSnapshot: this.context.position,
      marketTime: new Date(marketTime),
    });
  }

  private async reload(): Promise<void> {
    const fresh = await this.deps.strategies.find(this.id);
    if (!fresh) throw new Error(`strategy ${this.id} disappeared`);
    this.snapshot = restoreSnapshot(this.machine, fresh.snapshot, this.id);
    this.version = fresh.version;
  }
}

/** A machine snapshot from its stored JSON form (or a fresh one when nothing is stored yet). */
export function restoreSnapshot(machine: AnyStateMachine, stored: unknown, strategyId: string): AnyMachineSnapshot {
  const input = { strategyId };
  if (stored === null || stored === undefined) return createActor(machine, { input }).getSnapshot();
  return createActor(machine, { input, snapshot: stored as AnyMachineSnapshot }).getSnapshot();
}
