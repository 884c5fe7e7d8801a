import { z } from 'zod';
import type { LossDay } from '../domain/risk/loss-day';
import { MODE_CAUSES, SYSTEM_MODES } from '../domain/system-mode';
import type { MarketClockRecord, ModeChange, SystemRecord, SystemStore } from '../engine/ports';
import type { Prisma } from './generated/client';
import type { Db } from './client';

const systemRowSchema = z.object({
  mode: z.enum(SYSTEM_MODES),
  cause: z.enum(MODE_CAUSES),
  actor: z.string(),
  reason: z.string().nullable(),
  changedAt: z.date(),
});

const SELECTED = { mode: true, cause: true, actor: true, reason: true, changedAt: true } as const;

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The system's trading mode (with its history), the loss limits' day, and the simulated market's saved clock. */
export class SystemRepository implements SystemStore {
  constructor(private readonly db: Db) {}

  /** The mode in force (RUNNING on a fresh database, recorded as set by the system at first start). */
  async current(): Promise<SystemRecord> {
    const existing = await this.db.systemState.findUnique({ where: { id: 1 }, select: SELECTED });
    if (existing) return systemRowSchema.parse(existing);
    // Servers booting together on a fresh database: one inserts, the others find its row.
    await this.db.$executeRaw`
      INSERT INTO "system_state" ("id", "mode", "actor", "reason") VALUES (1, 'RUNNING', 'system', 'first start')
      ON CONFLICT ("id") DO NOTHING`;
    return systemRowSchema.parse(await this.db.systemState.findUniqueOrThrow({ where: { id: 1 }, select: SELECTED }));
  }

  /** One statement: the mode row moves and the change is appended to its history (and so to the audit trail). */
  async setMode({ mode, cause, actor, reason, marketTime }: ModeChange): Promise<SystemRecord> {
    const rows = await this.db.$queryRaw<unknown[]>`
      WITH before AS (SELECT "mode" FROM "system_state" WHERE "id" = 1 FOR UPDATE),
      changed AS (
        INSERT INTO "system_state" ("id", "mode", "cause", "actor", "reason", "changed_at")
        VALUES (1, ${mode}, ${cause}, ${actor}, ${reason}, now())
        ON CONFLICT ("id") DO UPDATE SET "mode" = EXCLUDED."mode", "cause" = EXCLUDED."cause", "actor" = EXCLUDED."actor",
          "reason" = EXCLUDED."reason", "changed_at" = EXCLUDED."changed_at"
        RETURNING "mode", "cause", "actor", "reason", "changed_at" AS "changedAt"
      ),
      history AS (
        INSERT INTO "system_mode_change" ("from_mode", "mode", "cause", "actor", "reason", "market_time")
        SELECT COALESCE((SELECT "mode" FROM before), 'RUNNING'), ${mode}, ${cause}, ${actor}, ${reason}, ${marketTime}
      )
      SELECT * FROM changed`;
    return systemRowSchema.parse(rows[0]);
  }

  async lossDay(): Promise<LossDay | null> {
    const row = await this.db.systemState.findUnique({ where: { id: 1 }, select: { riskDay: true, dayOpenNlv: true, dayHighNlv: true } });
    if (!row?.riskDay || row.dayOpenNlv === null || row.dayHighNlv === null) return null;
    return { day: isoDate(row.riskDay), openNlv: row.dayOpenNlv, highNlv: row.dayHighNlv };
  }

  async saveLossDay({ day, openNlv, highNlv }: LossDay): Promise<void> {
    const fields = { riskDay: new Date(`${day}T00:00:00Z`), dayOpenNlv: openNlv, dayHighNlv: highNlv };
    await this.current();
    await this.db.systemState.update({ where: { id: 1 }, data: fields });
  }

  async marketClock(): Promise<MarketClockRecord | null> {
    return this.db.marketClock.findUnique({ where: { id: 1 }, select: { time: true, state: true } });
  }

  async saveMarketClock(time: Date, state: unknown): Promise<void> {
    const json = state as Prisma.InputJsonObject;
    await this.db.marketClock.upsert({
      where: { id: 1 },
      create: { id: 1, time, state: json },
      update: { time, state: json, updatedAt: new Date() },
    });
  }
}
