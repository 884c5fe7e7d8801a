-- The coordinator's risk limits in force: one row, absent while DESIGN.md's defaults (DEFAULT_RISK_LIMITS) hold.
-- The limits are JSON, checked by riskLimitsSchema whenever they are read. `version` counts the changes: a change
-- is made only from the version its editor saw. Who made the last change, why and when; every change, with the
-- values before and after, is also an `access_event` row (kind `risk-limits-changed`), written in the same
-- statement, so the audit trail holds the whole history.
CREATE TABLE "risk_limits" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "limits" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "changed_by" TEXT NOT NULL,
    "changed_by_id" TEXT,
    "reason" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "risk_limits_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "risk_limits_one_row" CHECK ("id" = 1),
    CONSTRAINT "risk_limits_version_positive" CHECK ("version" > 0)
);

-- Every server's engine and every open page follow a change.
CREATE TRIGGER "risk_limits_notify" AFTER INSERT OR UPDATE ON "risk_limits"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();

-- The application's role (see 20261202131000_app_role_grants) may read and change the row, never remove it:
-- without a row the defaults would be back in force.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT, UPDATE ON "risk_limits" TO wheelhouse_app;
  END IF;
END;
$$;
