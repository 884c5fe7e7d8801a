-- Every operator action carries an idempotency key: the same key is the same command, however often it is sent.
ALTER TABLE "operator_command" ADD COLUMN "idempotency_key" TEXT;
ALTER TABLE "operator_command" ADD COLUMN "actor_id" TEXT;
CREATE UNIQUE INDEX "operator_command_idempotency_key_key" ON "operator_command"("idempotency_key");
