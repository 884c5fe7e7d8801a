-- The cancels an emergency halt asks the broker for (an order that adds risk and was working when the halt came),
-- one row per client order id, kept until the broker answers: every server counts the ones still open from here,
-- and a server taking the engine over asks again for those its predecessor left unanswered.
CREATE TABLE "order_cancel" (
    "client_order_id" TEXT NOT NULL,
    "strategy_id" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "confirmed_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_cancel_pkey" PRIMARY KEY ("client_order_id")
);

-- Serves the count of cancels still unanswered.
CREATE INDEX "order_cancel_unconfirmed_idx" ON "order_cancel" ("requested_at") WHERE "confirmed_at" IS NULL;

-- Announced like the other tables (one change per statement), so that pages showing the count re-read it.
CREATE TRIGGER "order_cancel_change_insert" AFTER INSERT ON "order_cancel"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "order_cancel_change_update" AFTER UPDATE ON "order_cancel"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();

-- As 20261202131000_app_role_grants: the application's role requests cancels and records the broker's answers.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT, UPDATE ON "order_cancel" TO wheelhouse_app;
  END IF;
END;
$$;
