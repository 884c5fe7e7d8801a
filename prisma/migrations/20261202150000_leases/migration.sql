-- Several servers on one database (DESIGN.md, "Several servers"). A lease names what one server runs: the market
-- clock ('clock') or one strategy ('strategy:<id>'). It is timed by this database's clock, never a server's, and
-- every grant takes a new token from one sequence, so a token only ever grows: writes made under a lease carry its
-- token and are refused once another grant has replaced it.
CREATE SEQUENCE "lease_token_seq";

CREATE TABLE "lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "token" BIGINT NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lease_pkey" PRIMARY KEY ("name")
);
CREATE INDEX "lease_holder_idx" ON "lease"("holder");

-- Append-only: every grant, with whom it was taken from, for takeovers' figures and the chaos run's checks.
CREATE TABLE "lease_grant" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "token" BIGINT NOT NULL,
    "previous_holder" TEXT,
    "previous_expired_at" TIMESTAMPTZ(3),
    "granted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lease_grant_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "lease_grant_name_idx" ON "lease_grant"("name", "id");
CREATE TRIGGER "lease_grant_append_only" BEFORE UPDATE OR DELETE ON "lease_grant"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

-- The token of the lease a transition was written under: along a strategy's history it never decreases.
ALTER TABLE "transition" ADD COLUMN "lease_token" BIGINT;

-- The server executing a command: only it may complete it, and a command left executing by a server that no
-- longer holds its lease is failed by the one that takes the lease over.
ALTER TABLE "operator_command" ADD COLUMN "executor" TEXT;

-- How many times an order was submitted under its client order id (a repeat returns the first order): the chaos
-- run's "intents sent twice" counts rows above one.
ALTER TABLE "paper_order" ADD COLUMN "submissions" INTEGER NOT NULL DEFAULT 1;

-- ... so a command's executor is set as it is claimed, with its status: still the only other column that moves.
CREATE OR REPLACE FUNCTION "wheelhouse_command_settles_once"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'operator_command is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - ARRAY['status', 'outcome', 'completed_at', 'executor']) <> (to_jsonb(OLD) - ARRAY['status', 'outcome', 'completed_at', 'executor'])
     OR OLD."status" IN ('done', 'rejected', 'failed') THEN
    RAISE EXCEPTION 'operator_command % may change only its status, once settled never', OLD."id" USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;

-- As 20261202131000_app_role_grants: the application's role reads and appends grants, and never changes one.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "lease" TO wheelhouse_app;
    GRANT SELECT, INSERT ON "lease_grant" TO wheelhouse_app;
    GRANT USAGE, SELECT ON "lease_token_seq", "lease_grant_id_seq" TO wheelhouse_app;
  END IF;
END;
$$;

-- The audit trail's record of a command is what was asked: its executor, set when it is claimed, is left out
-- of the hash like its status (a command recorded before this migration has no executor, so hashes the same).
CREATE OR REPLACE FUNCTION "audit_recorded_content"("kind" TEXT, "source" JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN "kind" = 'command' THEN "source" - ARRAY['status', 'outcome', 'completed_at', 'executor']
    WHEN "kind" = 'command-settled' THEN jsonb_build_object('id', "source"->'id', 'status', "source"->'status',
                                                            'outcome', "source"->'outcome', 'completed_at', "source"->'completed_at')
    ELSE "source"
  END
$$;
