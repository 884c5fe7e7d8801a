-- An override's preview: the fingerprint of the orders and cancels the operator was shown and confirmed (the engine
-- recomputes it before sending), and why a command was rejected when a client acts on it (PREVIEW_CHANGED).
ALTER TABLE "operator_command" ADD COLUMN "preview_fingerprint" TEXT;
ALTER TABLE "operator_command" ADD COLUMN "outcome_code" TEXT;

-- The outcome's code is set as the command settles, with its status and outcome.
CREATE OR REPLACE FUNCTION "wheelhouse_command_settles_once"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'operator_command is append-only: DELETE refused' USING ERRCODE = 'restrict_violation';
  END IF;
  IF (to_jsonb(NEW) - ARRAY['status', 'outcome', 'completed_at', 'executor', 'outcome_code'])
       <> (to_jsonb(OLD) - ARRAY['status', 'outcome', 'completed_at', 'executor', 'outcome_code'])
     OR OLD."status" IN ('done', 'rejected', 'failed') THEN
    RAISE EXCEPTION 'operator_command % may change only its status, once settled never', OLD."id" USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;

-- The audit trail hashes the new columns only where they are set: a command recorded before this migration (or
-- without a preview) hashes as it did. The fingerprint is part of what was asked; the code part of the settling.
CREATE OR REPLACE FUNCTION "audit_recorded_content"("kind" TEXT, "source" JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN "kind" = 'command' THEN
      ("source" - ARRAY['status', 'outcome', 'completed_at', 'executor', 'outcome_code', 'preview_fingerprint'])
        || jsonb_strip_nulls(jsonb_build_object('preview_fingerprint', "source"->'preview_fingerprint'))
    WHEN "kind" = 'command-settled' THEN jsonb_build_object('id', "source"->'id', 'status', "source"->'status',
                                                            'outcome', "source"->'outcome', 'completed_at', "source"->'completed_at')
                                         || jsonb_strip_nulls(jsonb_build_object('outcome_code', "source"->'outcome_code'))
    ELSE "source"
  END
$$;
