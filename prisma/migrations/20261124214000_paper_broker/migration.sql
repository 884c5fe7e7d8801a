-- CreateTable
CREATE TABLE "paper_order" (
    "id" BIGSERIAL NOT NULL,
    "client_order_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "legs" JSONB NOT NULL,
    "reject_reason" TEXT,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "fills_due_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "paper_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "paper_fill" (
    "id" BIGSERIAL NOT NULL,
    "order_id" BIGINT NOT NULL,
    "leg_index" INTEGER NOT NULL,
    "underlying" TEXT NOT NULL,
    "expiry" TEXT NOT NULL,
    "strike" DOUBLE PRECISION NOT NULL,
    "right" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "market_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "paper_fill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "paper_position" (
    "id" BIGSERIAL NOT NULL,
    "underlying" TEXT NOT NULL,
    "expiry" TEXT NOT NULL,
    "strike" DOUBLE PRECISION NOT NULL,
    "right" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "average_price" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "paper_position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "paper_broker_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "faults" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "paper_broker_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "paper_order_client_order_id_key" ON "paper_order"("client_order_id");

-- CreateIndex
CREATE INDEX "paper_order_status_fills_due_at_idx" ON "paper_order"("status", "fills_due_at");

-- CreateIndex
CREATE UNIQUE INDEX "paper_fill_order_id_leg_index_key" ON "paper_fill"("order_id", "leg_index");

-- CreateIndex
CREATE UNIQUE INDEX "paper_position_underlying_expiry_strike_right_key" ON "paper_position"("underlying", "expiry", "strike", "right");

-- AddForeignKey
ALTER TABLE "paper_fill" ADD CONSTRAINT "paper_fill_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "paper_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma does not model these): the paper broker's fills are append-only ...
CREATE TRIGGER "paper_fill_append_only" BEFORE UPDATE OR DELETE ON "paper_fill"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_refuse_change"();

-- ... and a change of injected faults is announced, so every engine refreshes its broker's faults.
CREATE TRIGGER "paper_broker_settings_notify" AFTER INSERT OR UPDATE ON "paper_broker_settings"
  FOR EACH ROW EXECUTE FUNCTION "wheelhouse_notify"();
