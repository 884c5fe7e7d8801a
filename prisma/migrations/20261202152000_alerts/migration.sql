-- Alerts: webhooks that admins configure, and every delivery to them, durable so that a restart loses none and
-- several servers on one database send each attempt once (claimed with FOR UPDATE SKIP LOCKED,
-- lib/db/alert-repository.ts). A webhook's changes are `access_event` rows (alert-webhook-added, -changed,
-- -removed), written in the same statement as the change.
CREATE TABLE "alert_webhook" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "event_kinds" TEXT[] NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_webhook_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_webhook_format" CHECK ("format" IN ('generic', 'slack', 'discord')),
    CONSTRAINT "alert_webhook_url_scheme" CHECK ("url" ~ '^https?://'),
    CONSTRAINT "alert_webhook_name_present" CHECK (length(btrim("name")) > 0)
);

-- One row per alert per webhook. `attempts` counts the attempts made (claimed); `next_attempt_at` is when a
-- pending delivery is due, and while one is being sent, when another server may take it over.
CREATE TABLE "alert_delivery" (
    "id" BIGSERIAL NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "event_kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_delivery_status" CHECK ("status" IN ('pending', 'delivered', 'failed')),
    CONSTRAINT "alert_delivery_attempts" CHECK ("attempts" >= 0)
);

CREATE INDEX "alert_delivery_due_idx" ON "alert_delivery"("next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "alert_delivery_webhook_id_idx" ON "alert_delivery"("webhook_id");

-- A removed webhook takes its deliveries with it (its removal stays in the audit trail).
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "alert_webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- As 20261202131000_app_role_grants: the application's role configures webhooks and moves deliveries along.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "alert_webhook", "alert_delivery" TO wheelhouse_app;
    GRANT USAGE, SELECT ON SEQUENCE "alert_delivery_id_seq" TO wheelhouse_app;
  END IF;
END;
$$;
