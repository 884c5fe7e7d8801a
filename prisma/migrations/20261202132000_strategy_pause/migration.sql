-- Pause one strategy: no new entries for it, while its management and exits go on. Who paused it and why.
ALTER TABLE "strategy" ADD COLUMN "paused_by" TEXT;
ALTER TABLE "strategy" ADD COLUMN "pause_reason" TEXT;
ALTER TABLE "strategy" ADD COLUMN "paused_at" TIMESTAMPTZ(3);
