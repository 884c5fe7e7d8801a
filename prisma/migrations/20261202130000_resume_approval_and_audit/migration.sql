-- Two people to resume: one operator asks, a different one approves before the request expires.
-- Both tables are append-only: a request is open while it has no approval and has not expired.
CREATE TABLE "resume_request" (
    "id" BIGSERIAL NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_by_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resume_request_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "resume_request_idempotency_key_key" ON "resume_request"("idempotency_key");

CREATE TABLE "resume_approval" (
    "id" BIGSERIAL NOT NULL,
    "request_id" BIGINT NOT NULL,
    "approved_by" TEXT NOT NULL,
    "approved_by_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "command_id" BIGINT NOT NULL,
    "approved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "resume_approval_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "resume_approval_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "resume_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "resume_approval_command_id_fkey" FOREIGN KEY ("command_id") REFERENCES "operator_command"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- One approval per request: two operators approving at once make one resume.
CREATE UNIQUE INDEX "resume_approval_request_id_key" ON "resume_approval"("request_id");

-- Nobody approves their own request, whatever the application does.
CREATE FUNCTION "wheelhouse_refuse_self_approval"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "resume_request" WHERE "id" = NEW."request_id" AND "requested_by_id" = NEW."approved_by_id") THEN
    RAISE EXCEPTION 'resume request % cannot be approved by the operator who made it', NEW."request_id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "resume_approval_by_another" BEFORE INSERT ON "resume_approval"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_self_approval"();

CREATE TRIGGER "resume_request_append_only" BEFORE UPDATE OR DELETE ON "resume_request"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();
CREATE TRIGGER "resume_approval_append_only" BEFORE UPDATE OR DELETE ON "resume_approval"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();
CREATE TRIGGER "resume_request_notify" AFTER INSERT ON "resume_request"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "resume_approval_notify" AFTER INSERT ON "resume_approval"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();

-- An operator command is written once; only its status moves, forward, and a settled command never changes.
CREATE FUNCTION "wheelhouse_command_settles_once"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'operator_command is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - ARRAY['status', 'outcome', 'completed_at']) <> (to_jsonb(OLD) - ARRAY['status', 'outcome', 'completed_at'])
     OR OLD."status" IN ('done', 'rejected', 'failed') THEN
    RAISE EXCEPTION 'operator_command % may change only its status, once settled never', OLD."id" USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "operator_command_settles_once" BEFORE UPDATE OR DELETE ON "operator_command"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_command_settles_once"();

-- The audit trail: one row for everything worth reviewing (transitions, refused events, errors, operator
-- commands and their outcome, resume requests and approvals, sign-ins, sign-outs, denied requests), written by
-- triggers in the same transaction as the row it records, so nothing reaches the database unaudited.
-- Tamper-evident: each row's hash is SHA-256(previous row's hash || the row's canonical content, the recorded
-- row included). One chain per strategy and one for everything else: a chain's rows are written one at a time
-- (its head row is locked), and strategies do not wait for each other.
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    "kind" TEXT NOT NULL,
    "chain" TEXT NOT NULL,
    "strategy_id" TEXT,
    "actor" TEXT NOT NULL,
    "from_state" TEXT,
    "state" TEXT,
    "event_type" TEXT,
    "detail" TEXT,
    "market_time" TIMESTAMPTZ(3),
    "source_table" TEXT NOT NULL,
    "source_id" BIGINT NOT NULL,
    "prev_hash" BYTEA NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);
-- The audit page reads newest first by id, filtered: each filter has an index that ends in id.
CREATE INDEX "audit_event_strategy_id_id_idx" ON "audit_event"("strategy_id", "id");
CREATE INDEX "audit_event_actor_id_idx" ON "audit_event"("actor", "id");
CREATE INDEX "audit_event_kind_id_idx" ON "audit_event"("kind", "id");
CREATE INDEX "audit_event_state_id_idx" ON "audit_event"("state", "id");
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");
CREATE INDEX "audit_event_chain_id_idx" ON "audit_event"("chain", "id");

CREATE TABLE "audit_chain_head" (
    "chain" TEXT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "last_hash" BYTEA NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("chain")
);

CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

-- What of the recorded row the hash covers: all of it, except an operator command's status, outcome and
-- completion time, which move after it is written (its settling is a row of its own, covering just those).
CREATE FUNCTION "audit_recorded_content"("kind" TEXT, "source" JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN "kind" = 'command' THEN "source" - ARRAY['status', 'outcome', 'completed_at']
    WHEN "kind" = 'command-settled' THEN jsonb_build_object('id', "source"->'id', 'status', "source"->'status',
                                                            'outcome', "source"->'outcome', 'completed_at', "source"->'completed_at')
    ELSE "source"
  END
$$;

-- The canonical content of an audit row: jsonb's text form (keys in a fixed order), times in UTC.
CREATE FUNCTION "audit_row_hash"("e" "audit_event", "source" JSONB) RETURNS BYTEA LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC' AS $$
  SELECT sha256("e"."prev_hash" || convert_to(jsonb_build_object(
    'id', "e"."id", 'at', "e"."at", 'kind', "e"."kind", 'chain', "e"."chain", 'strategy_id', "e"."strategy_id",
    'actor', "e"."actor", 'from_state', "e"."from_state", 'state', "e"."state", 'event_type', "e"."event_type",
    'detail', "e"."detail", 'market_time', "e"."market_time", 'source_table', "e"."source_table",
    'source_id', "e"."source_id", 'source', audit_recorded_content("e"."kind", "source"))::text, 'UTF8'))
$$;

-- Appends one row to its chain: takes the chain's head (locking it), hashes, writes the row, moves the head.
CREATE FUNCTION "audit_append"("e" "audit_event", "source" JSONB) RETURNS VOID LANGUAGE plpgsql
SET "TimeZone" TO 'UTC' AS $$
DECLARE
  genesis CONSTANT BYTEA := decode(repeat('00', 32), 'hex');
BEGIN
  INSERT INTO "audit_chain_head" ("chain", "last_id", "last_hash") VALUES ("e"."chain", 0, genesis)
    ON CONFLICT ("chain") DO NOTHING;
  SELECT "last_hash" INTO "e"."prev_hash" FROM "audit_chain_head" WHERE "chain" = "e"."chain" FOR UPDATE;
  "e"."id" := nextval(pg_get_serial_sequence('audit_event', 'id'));
  "e"."at" := COALESCE("e"."at", now());
  "e"."hash" := audit_row_hash("e", "source");
  INSERT INTO "audit_event" SELECT ("e").*;
  UPDATE "audit_chain_head" SET "last_id" = "e"."id", "last_hash" = "e"."hash" WHERE "chain" = "e"."chain";
END;
$$;

-- What the audit row says about a recorded row (given as jsonb, as the hash covers it). `kind` is needed only
-- where one table gives two kinds of row (an operator command, and its settling). System actions: `system`.
CREATE FUNCTION "audit_event_of"("tbl" TEXT, "kind" TEXT, "r" JSONB) RETURNS "audit_event" LANGUAGE plpgsql STABLE AS $$
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
    WHEN 'access_event' THEN
      e."event_type" := NULLIF(concat_ws(' ', "r"->>'method', "r"->>'path'), ''); e."detail" := "r"->>'detail';
      e."at" := ("r"->>'at')::TIMESTAMPTZ;
  END CASE;
  e."chain" := CASE WHEN e."strategy_id" IS NULL THEN 'system' ELSE 'strategy:' || e."strategy_id" END;
  RETURN e;
END;
$$;

-- In UTC, like the verifier: the recorded row's times are hashed as text.
CREATE FUNCTION "audit_record"() RETURNS trigger LANGUAGE plpgsql SET "TimeZone" TO 'UTC' AS $$
DECLARE
  source JSONB := to_jsonb(NEW);
  kind TEXT := CASE TG_TABLE_NAME
    WHEN 'transition' THEN 'transition' WHEN 'event_refusal' THEN 'refusal' WHEN 'strategy_error' THEN 'error'
    WHEN 'operator_command' THEN 'command' WHEN 'resume_request' THEN 'resume-requested'
    WHEN 'resume_approval' THEN 'resume-approved' WHEN 'access_event' THEN to_jsonb(NEW)->>'kind' END;
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

CREATE TRIGGER "transition_audit" AFTER INSERT ON "transition" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "event_refusal_audit" AFTER INSERT ON "event_refusal" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "strategy_error_audit" AFTER INSERT ON "strategy_error" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "operator_command_audit" AFTER INSERT OR UPDATE ON "operator_command" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "resume_request_audit" AFTER INSERT ON "resume_request" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "resume_approval_audit" AFTER INSERT ON "resume_approval" FOR EACH ROW EXECUTE FUNCTION "audit_record"();
CREATE TRIGGER "access_event_audit" AFTER INSERT ON "access_event" FOR EACH ROW EXECUTE FUNCTION "audit_record"();

-- The verifier: recomputes every row's hash from the row and the row it records, in chain order, and checks
-- each row's previous hash and each chain's head. Returns the rows checked and the first broken row (by id)
-- with what is wrong, or NULLs when the trail is intact.
CREATE FUNCTION "audit_verify"(OUT "checked" BIGINT, OUT "broken_id" BIGINT, OUT "problem" TEXT) LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC' AS $$
#variable_conflict use_column
BEGIN
  SELECT count(*) INTO "checked" FROM "audit_event";
  WITH sourced AS (
    SELECT a."id", a."chain", a."prev_hash", a."hash",
           COALESCE(to_jsonb(t), to_jsonb(r), to_jsonb(se), to_jsonb(c), to_jsonb(rq), to_jsonb(ra), to_jsonb(ae)) AS source
    FROM "audit_event" a
    LEFT JOIN "transition" t ON a."source_table" = 'transition' AND t."id" = a."source_id"
    LEFT JOIN "event_refusal" r ON a."source_table" = 'event_refusal' AND r."id" = a."source_id"
    LEFT JOIN "strategy_error" se ON a."source_table" = 'strategy_error' AND se."id" = a."source_id"
    LEFT JOIN "operator_command" c ON a."source_table" = 'operator_command' AND c."id" = a."source_id"
    LEFT JOIN "resume_request" rq ON a."source_table" = 'resume_request' AND rq."id" = a."source_id"
    LEFT JOIN "resume_approval" ra ON a."source_table" = 'resume_approval' AND ra."id" = a."source_id"
    LEFT JOIN "access_event" ae ON a."source_table" = 'access_event' AND ae."id" = a."source_id"
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

-- The rows written before this migration join the trail, oldest first (their times hashed in UTC).
SET "TimeZone" TO 'UTC';
SELECT count(audit_append(audit_event_of(tbl, kind, source), source))
FROM (
  SELECT * FROM (
    SELECT 'transition' AS tbl, 'transition' AS kind, to_jsonb(t) AS source, t."wall_time" AS at, t."id" FROM "transition" t
    UNION ALL SELECT 'event_refusal', 'refusal', to_jsonb(r), r."wall_time", r."id" FROM "event_refusal" r
    UNION ALL SELECT 'strategy_error', 'error', to_jsonb(se), se."wall_time", se."id" FROM "strategy_error" se
    UNION ALL SELECT 'operator_command', 'command', to_jsonb(c), c."created_at", c."id" FROM "operator_command" c
    UNION ALL SELECT 'operator_command', 'command-settled', to_jsonb(c), c."completed_at", c."id" FROM "operator_command" c
      WHERE c."status" IN ('done', 'rejected', 'failed') AND c."completed_at" IS NOT NULL
    UNION ALL SELECT 'access_event', ae."kind", to_jsonb(ae), ae."at", ae."id" FROM "access_event" ae
  ) everything
  ORDER BY at, tbl, "id", kind
) oldest_first;
