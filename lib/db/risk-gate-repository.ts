import { holdingsOf } from '../domain/risk/book';
import { gateOrder, type GateDecision } from '../domain/risk/pre-trade-gate';
import { MINUTE_MS } from '../domain/market/time';
import { parseStoredSnapshot } from '../domain/strategies/lifecycle/stored-snapshot';
import type { GateRequest, RiskGate } from '../engine/ports';
import type { Db } from './client';

/** The advisory lock key of the pre-trade gate: any constant the rest of the app does not use ('WHRG' in ASCII). */
const RISK_GATE_LOCK = 0x57_48_52_47;

/** Time to wait for the lock and decide: every server's opening orders queue for it, each taking milliseconds. */
const DECISION_TIMEOUT_MS = 10_000;

interface StoredStrategy {
  readonly id: string;
  readonly snapshot: unknown;
  /** Whether the order the strategy has out (if any) holds an approval. */
  readonly isApproved: boolean;
}

interface GateReading {
  readonly first: { readonly allowed: boolean; readonly reasons: string[] } | null;
  readonly strategies: StoredStrategy[];
  readonly approvals: number;
}

/**
 * The pre-trade gate on PostgreSQL. Each opening order is decided in one transaction holding one advisory lock,
 * the same for every server: the stored book (every strategy's position, and the orders out that hold an
 * approval) is read, the order checked against it, and the decision written before the lock is released. The
 * next decision therefore sees this approval counted in, so two entries can never both take the last of a
 * shared limit (no write skew). Orders still waiting for their decision are not counted: each is checked, with
 * everything approved before it, when its turn comes.
 */
export class RiskGateRepository implements RiskGate {
  constructor(private readonly db: Db) {}

  async decide(request: GateRequest): Promise<GateDecision> {
    const { order, bar } = request;
    const marketTime = new Date(bar.time);
    return this.db.$transaction(
      async (tx) => {
        // A statement of its own, and READ COMMITTED: each statement after it reads what the lock's previous holder
        // committed (a read in the same statement, or a snapshot of the whole transaction, could predate it).
        // PostgreSQL's default level, checked here rather than set by a statement of its own (a round trip per order).
        const [locked] = await tx.$queryRaw<{ isolation: string }[]>`
          SELECT current_setting('transaction_isolation') AS isolation, pg_advisory_xact_lock(${RISK_GATE_LOCK})::text AS locked`;
        if (locked?.isolation !== 'read committed') {
          throw new Error(`the pre-trade gate needs READ COMMITTED transactions, the database gives ${locked?.isolation ?? 'none'}`);
        }
        // One statement for everything the decision reads: a repeat's first decision, the stored book, the last minute's approvals.
        const [read] = await tx.$queryRaw<GateReading[]>`
          SELECT (SELECT jsonb_build_object('allowed', allowed, 'reasons', reasons)
                    FROM risk_gate_decision WHERE client_order_id = ${order.clientOrderId}) AS "first",
                 (SELECT coalesce(jsonb_agg(stored), '[]'::jsonb) FROM (
                    SELECT s.id, s.snapshot, coalesce(d.allowed, false) AS "isApproved"
                      FROM strategy s
                      LEFT JOIN risk_gate_decision d ON d.client_order_id = s.snapshot #>> '{context,order,clientOrderId}') stored) AS strategies,
                 (SELECT count(*)::int FROM risk_gate_decision
                   WHERE allowed AND market_time > ${new Date(bar.time - MINUTE_MS)} AND market_time <= ${marketTime}) AS approvals`;
        if (!read) throw new Error('the pre-trade gate read no row');
        const { first, strategies, approvals } = read;
        if (first) return { allowed: first.allowed, reasons: first.reasons };

        const holdings = strategies.map(({ id, snapshot, isApproved }) =>
          holdingsOf(id, parseStoredSnapshot(id, snapshot).context, () => isApproved),
        );
        const decision = gateOrder({ ...request, holdings, ordersLastMinute: approvals });

        await tx.$executeRaw`
          INSERT INTO risk_gate_decision
            (client_order_id, strategy_id, purpose, legs, decided_price, allowed, reasons, system_mode, market_time)
          VALUES (${order.clientOrderId}, ${order.strategyId}, ${order.purpose}, ${JSON.stringify(order.legs)}::jsonb,
                  ${order.decidedPrice ?? null}, ${decision.allowed}, ${JSON.stringify(decision.reasons)}::jsonb,
                  ${request.systemMode}, ${marketTime})`;
        return decision;
      },
      { maxWait: DECISION_TIMEOUT_MS, timeout: DECISION_TIMEOUT_MS },
    );
  }
}
