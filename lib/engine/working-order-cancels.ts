import type { Broker, BrokerOrder } from '../broker/broker';
import type { MarketBar } from '../domain/market/types';
import { haltCancelOf } from '../domain/strategies/lifecycle/override-orders';
import type { OrderUpdate } from '../domain/strategies/lifecycle/types';
import type { Logger } from '../log';
import type { Ownership } from './ownership';
import { strategyLease, type CancelRequest, type CancelStore, type EngineSignals, type StrategyStore } from './ports';
import { orderUpdateOf, SYSTEM_ACTOR, type StrategyRunner } from './strategy-runner';
import { TransitionBatch } from './transition-batch';

export interface WorkingOrderCancelsDeps {
  readonly store: CancelStore;
  /** Where the strategies' roll-backs are stored, together (one write for all the answers of one round). */
  readonly strategies: Pick<StrategyStore, 'recordTransitions'>;
  readonly broker: Broker;
  readonly ownership: Ownership;
  readonly log: Logger;
  readonly signals: EngineSignals;
  /** The latest market bar: the time a cancel is made at. */
  readonly currentBar: () => MarketBar;
  /** The strategy's runner while this server runs it. */
  readonly runner: (strategyId: string) => StrategyRunner | undefined;
}

interface Answer {
  readonly request: CancelRequest;
  /** The order as it ended at the broker; null when the broker never had it (the id is cancelled there now). */
  readonly order: BrokerOrder | null;
}

/**
 * The cancels of an emergency halt: every order out that adds risk (an entry, an adjustment that may open a leg) is
 * cancelled at the broker by its client order id, the request stored first so that every server can count the
 * ones not yet answered. Each answer goes to its strategy as an order update, so the machine rolls back by its
 * usual path (legs that filled are unwound). A cancel the broker did not answer (unreachable) is asked again on
 * every bar until it is, also by a server that takes the strategy over.
 */
export class WorkingOrderCancels {
  private readonly open = new Map<string, CancelRequest>();
  private retrying: Promise<void> | null = null;

  constructor(private readonly deps: WorkingOrderCancelsDeps) {}

  /** Whether a cancel is still waiting for the broker's answer. */
  get hasOpen(): boolean {
    return this.open.size > 0;
  }

  /** Takes up the stored cancels still unanswered (left by a restart, or by the server this one took over from). */
  async adopt(): Promise<void> {
    for (const request of await this.deps.store.unconfirmed()) this.open.set(request.clientOrderId, request);
  }

  /** Cancels every order of `runners` out that adds risk; says how many were asked for and how many are unanswered. */
  async cancelWorking(runners: readonly StrategyRunner[]): Promise<{ requested: number; unanswered: number }> {
    const requests = runners.flatMap(({ id, context }) => {
      const order = haltCancelOf(context);
      return order ? [{ clientOrderId: order.clientOrderId, strategyId: id }] : [];
    });
    if (requests.length === 0) return { requested: 0, unanswered: 0 };
    await this.deps.store.request(requests);
    for (const request of requests) this.open.set(request.clientOrderId, request);
    const answered = await this.send(requests);
    return { requested: requests.length, unanswered: requests.length - answered };
  }

  /** Asks again for every cancel still unanswered; one round at a time. */
  async retry(): Promise<void> {
    if (this.open.size === 0 || this.retrying) return;
    this.retrying = this.send([...this.open.values()])
      .then(() => undefined)
      .finally(() => {
        this.retrying = null;
      });
    await this.retrying;
  }

  /** Sends `requests` at once, stores which were answered (one statement) and tells their strategies; returns how many were answered. */
  private async send(requests: readonly CancelRequest[]): Promise<number> {
    const bar = this.deps.currentBar();
    // A strategy another server runs now is that server's to settle: it takes the stored request up.
    const mine = requests.filter((request) => {
      const isMine = this.deps.runner(request.strategyId) !== undefined;
      if (!isMine) this.open.delete(request.clientOrderId);
      return isMine;
    });
    const answers = (await Promise.all(mine.map((request) => this.cancel(request, bar)))).filter((answer): answer is Answer => answer !== null);
    if (answers.length === 0) return 0;
    await this.deps.store.confirm(answers.map(({ request }) => request.clientOrderId));
    for (const { request } of answers) this.open.delete(request.clientOrderId);
    const batch = new TransitionBatch(this.deps.strategies);
    for (const answer of answers) this.tell(answer, bar, batch);
    return answers.length;
  }

  private async cancel(request: CancelRequest, bar: MarketBar): Promise<Answer | null> {
    // As before an order goes out: a server paused or cut off since its last write asks the broker for nothing.
    if (!(await this.deps.ownership.confirm(strategyLease(request.strategyId)))) return null;
    try {
      return { request, order: await this.deps.broker.cancel(request.clientOrderId, bar) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ strategyId: request.strategyId, clientOrderId: request.clientOrderId, err: error }, 'cancel not answered: asked again on the next bar');
      this.deps.signals.emit({ kind: 'broker-error', strategyId: request.strategyId, operation: 'cancel', message });
      return null;
    }
  }

  /** The strategy hears how its order ended, while that order is still the one it has out. Not waited for. */
  private tell({ request, order }: Answer, bar: MarketBar, batch: TransitionBatch): void {
    const runner = this.deps.runner(request.strategyId);
    if (!order || !runner || runner.context.order?.clientOrderId !== order.clientOrderId) return;
    const update: OrderUpdate = { ...orderUpdateOf(order), ...(order.status === 'CANCELLED' ? { isHaltCancel: true } : {}) };
    runner
      .send({ type: 'order.updated', order: update }, { actor: SYSTEM_ACTOR, marketTime: bar.time }, batch)
      .catch((error: unknown) => this.deps.log.error({ err: error, strategyId: request.strategyId }, 'cancelled order not applied'));
  }
}
