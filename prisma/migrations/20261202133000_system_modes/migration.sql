-- Four trading modes (RUNNING, HALTED, REDUCING, EMERGENCY) and why the mode is what it is: an operator, a loss
-- limit, a market-data quarantine, or the end of an emergency. Every change of mode is a row of its own,
-- append-only and in the audit trail (the system chain), with who, why, from which mode and at what market time.
ALTER TABLE "system_state" ADD COLUMN "cause" TEXT NOT NULL DEFAULT 'operator';
-- The loss limits' day: its date (New York), the net liquidation value it opened at, and its highest so far.
ALTER TABLE "system_state" ADD COLUMN "risk_day" DATE;
ALTER TABLE "system_state" ADD COLUMN "day_open_nlv" DOUBLE PRECISION;
ALTER TABLE "system_state" ADD COLUMN "day_high_nlv" DOUBLE PRECISION;

CREATE TABLE "system_mode_change" (
    "id" BIGSERIAL NOT NULL,
    "from_mode" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "market_time" TIMESTAMPTZ(3),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_mode_change_pkey" PRIMARY KEY ("id")
);

CREATE TRIGGER "system_mode_change_append_only" BEFORE UPDATE OR DELETE ON "system_mode_change"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

CREATE OR REPLACE FUNCTION "audit_event_of"("tbl" TEXT, "kind" TEXT, "r" JSONB) RETURNS "audit_event" LANGUAGE plpgsql STABLE AS $$
DECLARE
  e "audit_event";
BEGIN
  e."source_table" := "tbl";
  e."source_id" := ("r"->>'id')::BIGINT;
  e."kind" := "kind";
  e."strategy_id" := "r"->>'strategy_id';
  e."actor" := COALESCE("r"->>'actor', 'system');
  CASE "tbl"
    WHEN 'transition' THEN
      e."from_state" := "r"->>'from_state'; e."state" := "r"->>'to_state'; e."event_type" := "r"->>'event_type';
      e."detail" := "r"->>'reason'; e."market_time" := ("r"->>'market_time')::TIMESTAMPTZ; e."at" := ("r"->>'wall_time')::TIMESTAMPTZ;
    WHEN 'event_refusal' THEN
      e."state" := "r"->>'state'; e."event_type" := "r"->>'event_type'; e."detail" := "r"->>'reason';
      e."market_time" := ("r"->>'market_time')::TIMESTAMPTZ; e."at" := ("r"->>'wall_time')::TIMESTAMPTZ;
    WHEN 'strategy_error' THEN
      e."state" := "r"->>'state'; e."event_type" := "r"->>'type'; e."detail" := "r"->>'message';
      e."market_time" := ("r"->>'market_time')::TIMESTAMPTZ; e."at" := ("r"->>'wall_time')::TIMESTAMPTZ;
    WHEN 'operator_command' THEN
      e."event_type" := "r"->>'type';
      IF "kind" = 'command' THEN
        e."detail" := "r"->>'reason'; e."at" := ("r"->>'created_at')::TIMESTAMPTZ;
      ELSE
        e."state" := "r"->>'status'; e."detail" := "r"->>'outcome'; e."at" := ("r"->>'completed_at')::TIMESTAMPTZ;
      END IF;
    WHEN 'resume_request' THEN
      e."actor" := "r"->>'requested_by'; e."event_type" := 'RESUME'; e."detail" := "r"->>'reason';
      e."at" := ("r"->>'requested_at')::TIMESTAMPTZ;
    WHEN 'resume_approval' THEN
      e."actor" := "r"->>'approved_by'; e."event_type" := 'RESUME'; e."detail" := "r"->>'reason';
      e."at" := ("r"->>'approved_at')::TIMESTAMPTZ;
    WHEN 'system_mode_change' THEN
      e."state" := "r"->>'mode'; e."from_state" := "r"->>'from_mode'; e."event_type" := "r"->>'cause'; e."detail" := "r"->>'reason';
      e."market_time" := ("r"->>'market_time')::TIMESTAMPTZ; e."at" := ("r"->>'at')::TIMESTAMPTZ;
    WHEN 'access_event' THEN
      e."event_type" := NULLIF(concat_ws(' ', "r"->>'method', "r"->>'path'), ''); e."detail" := "r"->>'detail';
      e."at" := ("r"->>'at')::TIMESTAMPTZ;
  END CASE;
  e."chain" := CASE WHEN e."strategy_id" IS NULL THEN 'system' ELSE 'strategy:' || e."strategy_id" END;
  RETURN e;
END;
$$;

CREATE OR REPLACE FUNCTION "audit_record"() RETURNS trigger LANGUAGE plpgsql SET "TimeZone" TO 'UTC' AS $$
DECLARE
  source JSONB := to_jsonb(NEW);
  kind TEXT := CASE TG_TABLE_NAME
    WHEN 'transition' THEN 'transition' WHEN 'event_refusal' THEN 'refusal' WHEN 'strategy_error' THEN 'error'
    WHEN 'operator_command' THEN 'command' WHEN 'resume_request' THEN 'resume-requested'
    WHEN 'resume_approval' THEN 'resume-approved' WHEN 'system_mode_change' THEN 'mode-changed' WHEN 'access_event' THEN to_jsonb(NEW)->>'kind' END;
BEGIN
  IF TG_TABLE_NAME = 'operator_command' AND TG_OP = 'UPDATE' THEN
    -- Only its settling is a row of the trail; pending -> executing is not.
    IF NEW."status" NOT IN ('done', 'rejected', 'failed') OR OLD."status" = NEW."status" THEN RETURN NULL; END IF;
    kind := 'command-settled';
  END IF;
  PERFORM audit_append(audit_event_of(TG_TABLE_NAME, kind, source), source);
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION "audit_verify"(OUT "checked" BIGINT, OUT "broken_id" BIGINT, OUT "problem" TEXT) LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC' AS $$
#variable_conflict use_column
BEGIN
  SELECT count(*) INTO "checked" FROM "audit_event";
  WITH sourced AS (
    SELECT a."id", a."chain", a."prev_hash", a."hash",
           COALESCE(to_jsonb(t), to_jsonb(r), to_jsonb(se), to_jsonb(c), to_jsonb(rq), to_jsonb(ra), to_jsonb(ae), to_jsonb(mc)) AS source
    FROM "audit_event" a
    LEFT JOIN "transition" t ON a."source_table" = 'transition' AND t."id" = a."source_id"
    LEFT JOIN "event_refusal" r ON a."source_table" = 'event_refusal' AND r."id" = a."source_id"
    LEFT JOIN "strategy_error" se ON a."source_table" = 'strategy_error' AND se."id" = a."source_id"
    LEFT JOIN "operator_command" c ON a."source_table" = 'operator_command' AND c."id" = a."source_id"
    LEFT JOIN "resume_request" rq ON a."source_table" = 'resume_request' AND rq."id" = a."source_id"
    LEFT JOIN "resume_approval" ra ON a."source_table" = 'resume_approval' AND ra."id" = a."source_id"
    LEFT JOIN "access_event" ae ON a."source_table" = 'access_event' AND ae."id" = a."source_id"
    LEFT JOIN "system_mode_change" mc ON a."source_table" = 'system_mode_change' AND mc."id" = a."source_id"
  ), judged AS (
    SELECT s."id",
           CASE
             WHEN s.source IS NULL THEN 'the row it records is gone'
             WHEN s."prev_hash" <> COALESCE(lag(s."hash") OVER w, decode(repeat('00', 32), 'hex'))
               THEN 'its previous hash does not match the row before it in its chain: a row was removed or altered'
             WHEN s."hash" <> audit_row_hash(a, s.source) THEN 'its content or the row it records was altered'
           END AS problem
    FROM sourced s JOIN "audit_event" a ON a."id" = s."id"
    WINDOW w AS (PARTITION BY s."chain" ORDER BY s."id")
  ), heads AS (
    SELECT h."last_id" AS "id", 'its chain ends in a row that is missing or altered: rows were removed' AS problem
    FROM "audit_chain_head" h
    LEFT JOIN LATERAL (SELECT a."id", a."hash" FROM "audit_event" a WHERE a."chain" = h."chain" ORDER BY a."id" DESC LIMIT 1) last ON true
    WHERE last."id" IS DISTINCT FROM h."last_id" OR last."hash" IS DISTINCT FROM h."last_hash"
  )
  SELECT b."id", b.problem INTO "broken_id", "problem"
  FROM (SELECT * FROM judged WHERE problem IS NOT NULL UNION ALL SELECT * FROM heads) b
  ORDER BY b."id" LIMIT 1;
END;
$$;

CREATE TRIGGER "system_mode_change_audit" AFTER INSERT ON "system_mode_change" FOR EACH ROW EXECUTE FUNCTION "audit_record"();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT ON "system_mode_change" TO wheelhouse_app;
    GRANT USAGE, SELECT ON SEQUENCE "system_mode_change_id_seq" TO wheelhouse_app;
  END IF;
END;
$$;
