-- AlterTable
ALTER TABLE "strategy" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';
