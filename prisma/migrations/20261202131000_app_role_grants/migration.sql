-- Append-only by the database's own rights, where the server allows it: when the application connects as the
-- role `wheelhouse_app` (not the tables' owner, not a superuser), that role may read and append to the history
-- and audit tables but never change or remove a row, whatever the triggers say. Create the role and connect as
-- it in production (see README, "Database"); where it does not exist (a laptop, CI), nothing changes here.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT USAGE ON SCHEMA public TO wheelhouse_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wheelhouse_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO wheelhouse_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON "transition", "event_refusal", "strategy_error", "access_event",
      "resume_request", "resume_approval", "audit_event", "paper_fill" FROM wheelhouse_app;
    -- An operator command's status moves (its other columns are held by a trigger); it is never deleted.
    REVOKE DELETE, TRUNCATE ON "operator_command" FROM wheelhouse_app;
  END IF;
END;
$$;
