-- The pre-trade gate's decisions: one row per opening order, by its client order id, approved or refused with
-- the reasons, at the market time it was asked. Decided one at a time under an advisory transaction lock
-- (lib/db/risk-gate-repository.ts); an approved order counts in the book while its strategy still has it out, and
-- approvals count towards the orders per minute. A decision is never changed: append-only.
CREATE TABLE "risk_gate_decision" (
    "client_order_id" TEXT NOT NULL,
    "strategy_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "legs" JSONB NOT NULL,
    "decided_price" DOUBLE PRECISION,
    "allowed" BOOLEAN NOT NULL,
    "reasons" JSONB NOT NULL,
    "system_mode" TEXT NOT NULL,
    "market_time" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "risk_gate_decision_pkey" PRIMARY KEY ("client_order_id")
);

CREATE INDEX "risk_gate_decision_market_time_idx" ON "risk_gate_decision"("market_time");

ALTER TABLE "risk_gate_decision" ADD CONSTRAINT "risk_gate_decision_strategy_id_fkey" FOREIGN KEY ("strategy_id") REFERENCES "strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TRIGGER "risk_gate_decision_append_only" BEFORE UPDATE OR DELETE ON "risk_gate_decision"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

-- As 20261202131000_app_role_grants: the application's role reads and appends, and never changes a decision.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT ON "risk_gate_decision" TO wheelhouse_app;
  END IF;
END;
$$;
