-- CreateTable
CREATE TABLE "strategy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "state_since" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "strategy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transition" (
    "id" BIGSERIAL NOT NULL,
    "strategy_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "event_payload" JSONB NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "market_time" TIMESTAMPTZ(3) NOT NULL,
    "wall_time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_refusal" (
    "id" BIGSERIAL NOT NULL,
    "strategy_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "event_payload" JSONB NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "market_time" TIMESTAMPTZ(3) NOT NULL,
    "wall_time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_refusal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "strategy_error" (
    "id" BIGSERIAL NOT NULL,
    "strategy_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "context" JSONB NOT NULL,
    "position_snapshot" JSONB,
    "market_time" TIMESTAMPTZ(3) NOT NULL,
    "wall_time" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "strategy_error_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "system_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "mode" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "market_clock" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "state" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "market_clock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operator_command" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "strategy_id" TEXT,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "outcome" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "operator_command_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "transition_strategy_id_seq_key" ON "transition"("strategy_id", "seq");

-- CreateIndex
CREATE INDEX "event_refusal_strategy_id_id_idx" ON "event_refusal"("strategy_id", "id");

-- CreateIndex
CREATE INDEX "strategy_error_strategy_id_id_idx" ON "strategy_error"("strategy_id", "id");

-- CreateIndex
CREATE INDEX "operator_command_status_id_idx" ON "operator_command"("status", "id");

-- AddForeignKey
ALTER TABLE "transition" ADD CONSTRAINT "transition_strategy_id_fkey" FOREIGN KEY ("strategy_id") REFERENCES "strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_refusal" ADD CONSTRAINT "event_refusal_strategy_id_fkey" FOREIGN KEY ("strategy_id") REFERENCES "strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "strategy_error" ADD CONSTRAINT "strategy_error_strategy_id_fkey" FOREIGN KEY ("strategy_id") REFERENCES "strategy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma does not model these): the history tables are append-only ...
CREATE FUNCTION "wheelhouse_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER "transition_append_only" BEFORE UPDATE OR DELETE ON "transition"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();
CREATE TRIGGER "event_refusal_append_only" BEFORE UPDATE OR DELETE ON "event_refusal"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();
CREATE TRIGGER "strategy_error_append_only" BEFORE UPDATE OR DELETE ON "strategy_error"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

-- ... and every change is announced on the 'wheelhouse' channel (delivered at commit) for live pages and engines.
CREATE FUNCTION "wheelhouse_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload jsonb := jsonb_build_object('table', TG_TABLE_NAME);
BEGIN
  IF TG_TABLE_NAME IN ('transition', 'event_refusal', 'strategy_error') THEN
    payload := payload || jsonb_build_object('strategyId', NEW."strategy_id", 'id', NEW."id");
  ELSIF TG_TABLE_NAME = 'operator_command' THEN
    payload := payload || jsonb_build_object('id', NEW."id", 'status', NEW."status", 'strategyId', NEW."strategy_id");
  ELSIF TG_TABLE_NAME = 'system_state' THEN
    payload := payload || jsonb_build_object('mode', NEW."mode");
  END IF;
  PERFORM pg_notify('wheelhouse', payload::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "transition_notify" AFTER INSERT ON "transition"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "event_refusal_notify" AFTER INSERT ON "event_refusal"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "strategy_error_notify" AFTER INSERT ON "strategy_error"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "operator_command_notify" AFTER INSERT OR UPDATE ON "operator_command"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "system_state_notify" AFTER INSERT OR UPDATE ON "system_state"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
CREATE TRIGGER "market_clock_notify" AFTER INSERT OR UPDATE ON "market_clock"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
