-- The paper broker's account: the balance it started with, a setting. It is stored the first time the account is
-- read (from PAPER_STARTING_BALANCE), so a restart or a changed environment leaves it as it was. One row.
-- Cash, net liquidation value and buying power are not stored: they follow from this, paper_fill and paper_position.
CREATE TABLE "paper_account" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "starting_balance" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "paper_account_pkey" PRIMARY KEY ("id")
);

-- Hand-written (Prisma does not model these): one row, and a balance to trade with.
ALTER TABLE "paper_account" ADD CONSTRAINT "paper_account_one_row" CHECK ("id" = 1);
ALTER TABLE "paper_account" ADD CONSTRAINT "paper_account_starting_balance_positive" CHECK ("starting_balance" > 0);

-- The application role's rights (see *_app_role_grants): it creates the row and reads it.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN
    GRANT SELECT, INSERT ON "paper_account" TO wheelhouse_app;
  END IF;
END;
$$;
