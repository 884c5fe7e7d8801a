import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { BrokerConnectionError, BrokerTimeoutError, type Broker, type BrokerOrder } from '../broker/broker';
import type { MarketBar } from '../domain/market/types';
import type { RiskLimits } from '../domain/risk/limits';
import { isRiskReducing } from '../domain/risk/risk-reducing';
import type { SystemMode } from '../domain/system-mode';
import type { StoredSnapshot } from '../domain/strategies/lifecycle/stored-snapshot';
import { contextOf, stateOf } from '../domain/strategies/lifecycle/strategy-snapshot';
import type { OrderUpdate, PendingOrder, StrategyContext, StrategyEvent } from '../domain/strategies/lifecycle/types';
import { refusalReason } from '../domain/strategies/machine-graph';
import { orderEffect } from '../domain/strategies/lifecycle/override-orders';
import { strategyPlan, type PlanSubject, type StrategyPlan } from '../domain/strategies/override-plan';
import { strategyDefinition } from '../domain/strategies/registry';
import { AppError } from '../errors';
import type { Logger } from '../log';
import type { Ownership } from './ownership';
import { pureTransition, type PureTransition } from '../domain/strategies/pure-transition';
import { restoreSnapshot, strategyInput } from '../domain/strategies/restore-snapshot';
import { strategyLease, type EngineSignals, type Lease, type RiskGate, type StrategyPause, type StrategyRecord, type StrategyStore } from './ports';

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
  | { readonly kind: 'conflict'; readonly reason: string }
  /** This server no longer holds the strategy's lease: nothing was written, and the runner does nothing more. */
  | { readonly kind: 'fenced' };

export interface RunnerDeps {
  readonly strategies: StrategyStore;
  readonly broker: Broker;
  readonly log: Logger;
  /** The latest market bar, for pricing orders sent outside a tick (operator commands, restores). */
  readonly currentBar: () => MarketBar;
  /** Decides every opening order as it is sent; orders that only reduce risk never ask it. */
  readonly riskGate: RiskGate;
  /** The limits, the system mode and the account's net liquidation value as they are when an order is sent. */
  readonly riskLimits: () => RiskLimits;
  readonly systemMode: () => SystemMode;
  readonly netLiquidation: () => number | null;
  /** The leases this server holds: every write carries the strategy's, and it is confirmed before an order goes out. */
  readonly ownership: Ownership;
  readonly signals: EngineSignals;
}

/** Where a transition is stored: the strategy store, or a batch of many strategies' transitions. */
export type TransitionWriter = Pick<StrategyStore, 'recordTransition'>;

/** Events that are observations, not requests: when they change nothing, nothing was refused. */
const OBSERVATIONS: ReadonlySet<string> = new Set(['market.tick']);

type Context = StrategyContext<unknown>;

/** The broker's order as the machine's `order.updated` payload. */
export function orderUpdateOf(order: BrokerOrder): OrderUpdate {
  return {
    clientOrderId: order.clientOrderId,
    status: order.status,
    legFills: order.legFills,
    reason: order.rejectReason,
    time: order.updatedAt,
  };
}

function failureClass(error: unknown): 'CONNECTION' | 'TIMEOUT' | 'UNKNOWN' {
  if (error instanceof BrokerConnectionError) return 'CONNECTION';
  if (error instanceof BrokerTimeoutError) return 'TIMEOUT';
  return 'UNKNOWN';
}

/**
 * Runs one strategy: computes each transition with xstate's pure `transition()`, stores it, and only then
 * adopts it, so memory never runs ahead of the database. Events are handled one at a time, in order.
 * Effects are read from the stored snapshot, not fired as actions: `context.order` is an order to send,
 * `context.recovery` an order in doubt to settle at the broker. A runner sends only an order its own transition
 * decided: an order it finds in a snapshot read from the database (built after a restart or a takeover, or reloaded
 * after a stale version) may be at the broker already, so the machine's `system.restored` row sends it to RECOVERY,
 * where it is settled at the broker by its client order id, never sent again.
 */
export class StrategyRunner {
  private snapshot: AnyMachineSnapshot;
  private version: number;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The client order id of the last order this runner's own transition decided: the only one it may send. Null at
   * first: whatever order the stored snapshot holds was decided elsewhere (before a restart, by another server).
   */
  private decidedOrderId: string | null = null;
  /** The client order id this runner has sent (or had refused by the pre-trade gate): it goes out once. */
  private sentOrderId: string | null = null;
  private readonly machine: AnyStateMachine;
  private readonly transition: PureTransition;
  /** Set while an operator has paused this strategy: the coordinator lets it enter nothing new. */
  pause: StrategyPause | null = null;
  /** Set once the database refused a write under this strategy's lease: another server runs it now. */
  private fenced = false;
  /**
   * The grant of the strategy's lease this runner was built under. It writes and sends under this grant only: after
   * the lease lapsed and was granted again (to this server, to a new runner), this one's effects still in flight
   * carry the old token and are refused, instead of acting under its successor's grant.
   */
  private readonly grant: Lease | null;

  constructor(
    readonly record: Pick<StrategyRecord, 'id' | 'name' | 'kind' | 'settings'>,
    snapshot: StoredSnapshot,
    version: number,
    private readonly deps: RunnerDeps,
  ) {
    this.machine = strategyDefinition(record.kind).machine;
    this.transition = pureTransition(this.machine, strategyInput(record.id, record.settings));
    this.snapshot = restoreSnapshot(this.machine, snapshot, record.id, record.settings);
    this.version = version;
    this.grant = deps.ownership.fence(this.leaseName);
  }

  /** Whether this runner's grant is the one held now, by this server's own clock. */
  private isCurrentGrant(): boolean {
    return this.deps.ownership.fence(this.leaseName)?.token === this.grant?.token && this.deps.ownership.isCurrent(this.leaseName);
  }

  /** As isCurrentGrant, confirmed by the database: asked just before anything goes to the broker. */
  private async confirmGrant(): Promise<boolean> {
    return this.isCurrentGrant() && (await this.deps.ownership.confirm(this.leaseName));
  }

  get id(): string {
    return this.record.id;
  }

  get name(): string {
    return this.record.name;
  }

  get kind(): string {
    return this.record.kind;
  }

  get state(): string {
    return stateOf(this.snapshot);
  }

  get context(): Context {
    return contextOf(this.snapshot);
  }

  get currentVersion(): number {
    return this.version;
  }

  /** Whether this server lost the strategy: every event since has been ignored, and the engine lets the runner go. */
  get isFenced(): boolean {
    return this.fenced;
  }

  private get leaseName(): string {
    return strategyLease(this.id);
  }

  /**
   * Queues `event`; resolves once it and everything it caused (an order's fill) is stored. `writer`: where its
   * transition is stored, when it goes with other strategies' in one write (a TransitionBatch).
   */
  send(event: StrategyEvent, meta: EventMeta, writer?: TransitionWriter): Promise<SendOutcome> {
    return this.enqueue(() => this.apply(event, meta, writer));
  }

  /**
   * As `send`, for an operator's override: first the plan of what the event makes the machine send, computed on the
   * snapshot the event meets (after everything queued before it) by the code the preview uses; `proceed(plan)` false
   * sends nothing (`outcome` null). The plan's order is the one then placed: the same transition on the same snapshot.
   */
  sendOverride(
    event: StrategyEvent,
    meta: EventMeta,
    bar: MarketBar,
    proceed: (plan: StrategyPlan) => boolean,
    writer?: TransitionWriter,
  ): Promise<{ plan: StrategyPlan; outcome: SendOutcome | null }> {
    return this.enqueue(async () => {
      const plan = strategyPlan(this.planSubject, event, bar);
      if (!proceed(plan)) return { plan, outcome: null };
      return { plan, outcome: await this.apply(event, meta, writer) };
    });
  }

  /** The strategy as an override's plan is computed from (`lib/domain/strategies/override-plan.ts`). */
  get planSubject(): PlanSubject {
    return { id: this.id, name: this.name, machine: this.machine, snapshot: this.snapshot, transition: this.transition };
  }

  /** Waits for everything queued so far. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async apply(event: StrategyEvent, meta: EventMeta, writer: TransitionWriter = this.deps.strategies): Promise<SendOutcome> {
    if (this.fenced || !this.isCurrentGrant()) return { kind: 'fenced' };
    const previous = this.snapshot;
    const next = this.transition(previous, event);
    const from = stateOf(previous);
    const to = stateOf(next);
    if (from === to && next.context === previous.context) {
      if (OBSERVATIONS.has(event.type)) {
        await this.runEffects();
        return { kind: 'unchanged' };
      }
      const reason = refusalReason(this.machine, from, event.type);
      const recorded = await this.deps.strategies.recordRefusal({
        strategyId: this.id,
        fence: this.grant,
        state: from,
        eventType: event.type,
        eventPayload: event,
        actor: meta.actor,
        reason,
        marketTime: new Date(meta.marketTime),
      });
      if (!recorded) return this.becomeFenced();
      return { kind: 'refused', reason };
    }

    const context = contextOf(next);
    let seq: number;
    const writeStarted = performance.now();
    try {
      seq = await writer.recordTransition({
        strategyId: this.id,
        fence: this.grant,
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
      if (error instanceof AppError && error.code === 'FENCED') return this.becomeFenced();
      if (!(error instanceof AppError && error.code === 'STALE_VERSION')) throw error;
      await this.reload();
      this.deps.log.warn({ strategyId: this.id, err: error }, 'stale strategy version: reloaded');
      return { kind: 'conflict', reason: error.message };
    }
    this.snapshot = next;
    this.version = seq;
    if (context.order && context.order.clientOrderId !== contextOf(previous).order?.clientOrderId) this.decidedOrderId = context.order.clientOrderId;
    this.deps.signals.emit({ kind: 'transition', strategyId: this.id, from, to, event: event.type, writeMs: performance.now() - writeStarted });
    if (to === 'ERROR' && from !== 'ERROR') {
      const reason = context.lastReason ?? context.lastError?.message ?? 'no reason recorded';
      this.deps.signals.emit({ kind: 'strategy-error', strategyId: this.id, name: this.name, from, reason, circuitBreaker: reason.startsWith('circuit breaker') });
    }
    if (context.lastError && context.lastError !== contextOf(previous).lastError) {
      await this.deps.strategies.recordError({
        strategyId: this.id,
        fence: this.grant,
        state: from,
        type: context.lastError.errorClass,
        message: context.lastError.message,
        context: { event: event.type, to, order: context.order ?? context.recovery?.order ?? null, reason: context.lastReason },
        positionSnapshot: context.position,
        marketTime: new Date(meta.marketTime),
      });
    }
    await this.runEffects();
    return { kind: 'transitioned', from, to, seq };
  }

  private becomeFenced(): SendOutcome {
    if (!this.fenced) this.deps.log.warn({ strategyId: this.id }, 'strategy lease lost: another server runs it now; this one stops');
    this.fenced = true;
    // A successor's grant of the same lease is not this runner's to give up.
    if (this.deps.ownership.fence(this.leaseName)?.token === this.grant?.token) this.deps.ownership.lose(this.leaseName);
    return { kind: 'fenced' };
  }

  /** Sends the order the snapshot holds, or settles the order in doubt, feeding the answers back as events. */
  private async runEffects(): Promise<void> {
    const effect = orderEffect(this.state, this.context);
    if (effect?.kind === 'settle') {
      if (this.deps.currentBar().time >= effect.recovery.nextAttemptAt) await this.checkRecovery();
      return;
    }
    const order = effect?.order;
    if (!order) return;
    if (order.clientOrderId !== this.decidedOrderId) {
      await this.settleInDoubt(this.deps.currentBar().time);
      return;
    }
    if (this.sentOrderId === order.clientOrderId) return;
    this.sentOrderId = order.clientOrderId;
    const bar = this.deps.currentBar();
    const refusal = await this.preTradeRefusal(order, bar);
    if (refusal !== null) {
      // Answered as the broker answers a rejection, so each state rolls back as it would from one.
      const refused: OrderUpdate = {
        clientOrderId: order.clientOrderId,
        status: 'REJECTED',
        legFills: [],
        reason: refusal.reason,
        time: bar.time,
        isGateRefusal: true,
        ...(refusal.systemMode ? { gateSystemMode: refusal.systemMode } : {}),
      };
      await this.apply({ type: 'order.updated', order: refused }, { actor: SYSTEM_ACTOR, marketTime: bar.time });
      return;
    }
    // The lease is confirmed at the database just before the order goes: a server paused or cut off since its last
    // write sends nothing (the broker cannot check a token). Whoever holds the lease now settles this order by its
    // id, as after a restart.
    if (!(await this.confirmGrant())) {
      this.becomeFenced();
      return;
    }
    let reply: BrokerOrder;
    this.deps.log.debug({ strategyId: this.id, clientOrderId: order.clientOrderId, leaseToken: this.grant?.token.toString() ?? null }, 'sending order');
    try {
      reply = await this.deps.broker.placeCombo({ clientOrderId: order.clientOrderId, legs: order.legs }, bar, this.grant);
    } catch (error) {
      // The lease lapsed between the confirmation and the venue (a pause, a starved process): the venue refused it.
      if (error instanceof AppError && error.code === 'FENCED') {
        this.becomeFenced();
        return;
      }
      this.deps.log.warn({ strategyId: this.id, err: error, clientOrderId: order.clientOrderId }, 'order send failed');
      this.deps.signals.emit({ kind: 'broker-error', strategyId: this.id, operation: 'place', message: error instanceof Error ? error.message : String(error) });
      const message = error instanceof Error ? error.message : String(error);
      await this.apply(
        { type: 'order.failed', clientOrderId: order.clientOrderId, errorClass: failureClass(error), message, time: bar.time },
        { actor: SYSTEM_ACTOR, marketTime: bar.time },
      );
      return;
    }
    if (reply.status === 'WORKING' && reply.legFills.length === 0) return;
    await this.apply({ type: 'order.updated', order: orderUpdateOf(reply) }, { actor: SYSTEM_ACTOR, marketTime: reply.updatedAt });
  }

  /**
   * Why the pre-trade gate keeps `order` from going out on `bar` (and the system mode it decided in), or null to send
   * it. An order that only reduces what the strategy holds never asks, so exits work even while the database does
   * not; an opening order goes out only on the gate's approval, so one the gate cannot decide is not sent (fail closed).
   */
  private async preTradeRefusal(order: PendingOrder, bar: MarketBar): Promise<{ reason: string; systemMode?: SystemMode } | null> {
    if (isRiskReducing(order.legs, this.context.position)) return null;
    const { clientOrderId, purpose, legs, decidedPrice } = order;
    const systemMode = this.deps.systemMode();
    try {
      const decision = await this.deps.riskGate.decide({
        order: { strategyId: this.id, clientOrderId, purpose, legs, decidedPrice },
        bar,
        limits: this.deps.riskLimits(),
        systemMode,
        netLiquidation: this.deps.netLiquidation(),
      });
      if (decision.allowed) return null;
      this.deps.log.info({ strategyId: this.id, clientOrderId, reasons: decision.reasons }, 'order refused by the pre-trade gate');
      return { reason: `pre-trade gate: ${decision.reasons.join('; ')}`, systemMode };
    } catch (error) {
      this.deps.log.error({ strategyId: this.id, err: error, clientOrderId }, 'pre-trade gate unavailable: order not sent');
      return { reason: `pre-trade gate unavailable, not sent: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /**
   * Settles the order in the snapshot at the broker when this runner did not decide it (see `runEffects`): the
   * engine asks as it adopts a strategy; the first event the runner handles otherwise does the same.
   */
  restore(marketTime: number): Promise<SendOutcome> {
    return this.enqueue(() => this.settleInDoubt(marketTime));
  }

  /**
   * An order this runner found in a stored snapshot may already be at the broker: its state's `system.restored` row
   * sends it to RECOVERY, which settles it there by its id. A state without that row (ERROR keeps its order for the
   * operator's recovery) keeps it as it is; nothing is sent either way.
   */
  private async settleInDoubt(marketTime: number): Promise<SendOutcome> {
    const order = this.context.order;
    if (!order || order.clientOrderId === this.decidedOrderId) return { kind: 'unchanged' };
    const restored: StrategyEvent = { type: 'system.restored', time: marketTime };
    if (stateOf(this.transition(this.snapshot, restored)) === this.state) return { kind: 'unchanged' };
    return this.apply(restored, { actor: SYSTEM_ACTOR, marketTime });
  }

  /** Cancels what is left of the order in doubt and reads what filled; an unreachable broker means try later. */
  private async checkRecovery(): Promise<void> {
    const inDoubt = this.context.recovery?.order ?? null;
    const bar = this.deps.currentBar();
    const meta: EventMeta = { actor: SYSTEM_ACTOR, marketTime: bar.time };
    if (!inDoubt) {
      await this.apply({ type: 'recovery.checked', order: null, time: bar.time }, meta);
      return;
    }
    if (!(await this.confirmGrant())) {
      this.becomeFenced();
      return;
    }
    let settled: BrokerOrder | null;
    try {
      settled = await this.deps.broker.cancel(inDoubt.clientOrderId, bar);
    } catch (error) {
      this.deps.signals.emit({ kind: 'broker-error', strategyId: this.id, operation: 'cancel', message: error instanceof Error ? error.message : String(error) });
      await this.apply({ type: 'recovery.failed', message: error instanceof Error ? error.message : String(error), time: bar.time }, meta);
      return;
    }
    await this.apply({ type: 'recovery.checked', order: settled ? orderUpdateOf(settled) : null, time: bar.time }, meta);
  }

  private async reload(): Promise<void> {
    const fresh = await this.deps.strategies.find(this.id);
    if (!fresh) throw new Error(`strategy ${this.id} disappeared`);
    this.snapshot = restoreSnapshot(this.machine, fresh.snapshot, this.id, fresh.settings);
    this.version = fresh.version;
  }
}
