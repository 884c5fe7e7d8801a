/**
 * The pre-trade gate in memory, for the engine's unit tests (tests only): the same decision as the database's
 * (`gateOrder` over the stored snapshots, counting only orders it approved), one request at a time, and told per
 * test to fail as an unreachable database would.
 */
import { holdingsOf } from '../../domain/risk/book';
import { gateOrder, type GateDecision } from '../../domain/risk/pre-trade-gate';
import { MINUTE_MS } from '../../domain/market/time';
import type { EpochMs } from '../../domain/market/types';
import type { GateRequest, RiskGate, StrategyStore } from '../ports';

interface Decided extends GateDecision {
  readonly strategyId: string;
  readonly marketTime: EpochMs;
}

export class InMemoryRiskGate implements RiskGate {
  readonly decisions = new Map<string, Decided>();
  /** Every request, repeats included. */
  readonly requests: GateRequest[] = [];
  /** When set, every request fails with it. */
  failure: Error | null = null;

  constructor(private readonly strategies: StrategyStore) {}

  async decide(request: GateRequest): Promise<GateDecision> {
    this.requests.push(request);
    if (this.failure) throw this.failure;
    const { clientOrderId, strategyId } = request.order;
    const known = this.decisions.get(clientOrderId);
    if (known) return { allowed: known.allowed, reasons: known.reasons };
    const approved = (id: string) => this.decisions.get(id)?.allowed === true;
    const holdings = (await this.strategies.list()).map(({ id, snapshot }) => holdingsOf(id, snapshot.context, (order) => approved(order.clientOrderId)));
    const now = request.bar.time;
    const ordersLastMinute = [...this.decisions.values()].filter((d) => d.allowed && d.marketTime > now - MINUTE_MS && d.marketTime <= now).length;
    const decision = gateOrder({ ...request, holdings, ordersLastMinute });
    this.decisions.set(clientOrderId, { ...decision, strategyId, marketTime: now });
    return decision;
  }

  /** An opening order approved for a strategy another server runs: it counts towards the orders per minute. */
  approveElsewhere(clientOrderId: string, strategyId: string, marketTime: EpochMs): void {
    this.decisions.set(clientOrderId, { allowed: true, reasons: [], strategyId, marketTime });
  }
}
