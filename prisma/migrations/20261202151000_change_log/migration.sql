-- Every announced change is also kept for a while, so that a page that lost its stream can be sent what it missed
-- (GET /api/events with Last-Event-ID, lib/use-cases/watch-changes.ts). One row per statement and (table, strategy),
-- not per changed row: a bar that moves five strategies writes five rows, a bulk update of one table one row.
-- `xact` and `snapshot` say which transactions were still open when the change was written: ids are handed out at
-- insert, so a change with a smaller id can commit after a larger one, and a replay must not skip it.
-- Rows older than CHANGE_LOG_RETENTION_MINUTES are pruned (lib/db/change-log-repository.ts), oldest ids first.
CREATE TABLE "change_log" (
    "id" BIGSERIAL NOT NULL,
    "table_name" TEXT NOT NULL,
    "strategy_id" TEXT,
    "xact" XID8 NOT NULL DEFAULT pg_current_xact_id(),
    "snapshot" PG_SNAPSHOT NOT NULL DEFAULT pg_current_snapshot(),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "change_log_pkey" PRIMARY KEY ("id")
);

-- The row triggers of 20261124210000_init and later migrations announced each row; these statement triggers log the
-- change and announce it with its id. The payload keeps what consumers read (`table`, `strategyId`) and adds
-- `changeId`; the per-row `id`, `status` and `mode` went with the rows.
DROP TRIGGER "transition_notify" ON "transition";
DROP TRIGGER "event_refusal_notify" ON "event_refusal";
DROP TRIGGER "strategy_error_notify" ON "strategy_error";
DROP TRIGGER "operator_command_notify" ON "operator_command";
DROP TRIGGER "system_state_notify" ON "system_state";
DROP TRIGGER "market_clock_notify" ON "market_clock";
DROP TRIGGER "paper_broker_settings_notify" ON "paper_broker_settings";
DROP TRIGGER "resume_request_notify" ON "resume_request";
DROP TRIGGER "resume_approval_notify" ON "resume_approval";
DROP TRIGGER "risk_limits_notify" ON "risk_limits";
DROP FUNCTION "wheelhouse_notify"();

-- Attached FOR EACH STATEMENT with the changed rows as `changed_rows`; a statement that changed nothing logs nothing.
CREATE FUNCTION "wheelhouse_record_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  change record;
BEGIN
  IF TG_TABLE_NAME IN ('transition', 'event_refusal', 'strategy_error', 'operator_command') THEN
    FOR change IN
      INSERT INTO "change_log" ("table_name", "strategy_id")
      SELECT DISTINCT TG_TABLE_NAME, "strategy_id" FROM changed_rows
      RETURNING "id", "table_name", "strategy_id"
    LOOP
      PERFORM pg_notify('wheelhouse', json_build_object('changeId', change.id::text, 'table', change.table_name, 'strategyId', change.strategy_id)::text);
    END LOOP;
  ELSIF EXISTS (SELECT FROM changed_rows) THEN
    INSERT INTO "change_log" ("table_name") VALUES (TG_TABLE_NAME) RETURNING "id", "table_name", "strategy_id" INTO change;
    PERFORM pg_notify('wheelhouse', json_build_object('changeId', change.id::text, 'table', change.table_name, 'strategyId', NULL)::text);
  END IF;
  RETURN NULL;
END;
$$;

-- A trigger with a transition table takes one event, so a table changed by INSERT and UPDATE has two.
CREATE TRIGGER "transition_change" AFTER INSERT ON "transition"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "event_refusal_change" AFTER INSERT ON "event_refusal"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "strategy_error_change" AFTER INSERT ON "strategy_error"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "resume_request_change" AFTER INSERT ON "resume_request"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "resume_approval_change" AFTER INSERT ON "resume_approval"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "operator_command_change_insert" AFTER INSERT ON "operator_command"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "operator_command_change_update" AFTER UPDATE ON "operator_command"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "system_state_change_insert" AFTER INSERT ON "system_state"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "system_state_change_update" AFTER UPDATE ON "system_state"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "market_clock_change_insert" AFTER INSERT ON "market_clock"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "market_clock_change_update" AFTER UPDATE ON "market_clock"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "paper_broker_settings_change_insert" AFTER INSERT ON "paper_broker_settings"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "paper_broker_settings_change_update" AFTER UPDATE ON "paper_broker_settings"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "risk_limits_change_insert" AFTER INSERT ON "risk_limits"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();
CREATE TRIGGER "risk_limits_change_update" AFTER UPDATE ON "risk_limits"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION "wheelhouse_record_change"();

-- As 20261202131000_app_role_grants: the application's role appends (through the triggers), reads and prunes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT, DELETE ON "change_log" TO wheelhouse_app;
    GRANT USAGE, SELECT ON SEQUENCE "change_log_id_seq" TO wheelhouse_app;
  END IF;
END;
$$;
