import { z } from 'zod';
import type { LossDay } from '../domain/risk/loss-day';
import { MODE_CAUSES, SYSTEM_MODES } from '../domain/system-mode';
import type { Lease, MarketClockRecord, ModeChange, SystemRecord, SystemStore } from '../engine/ports';
import { AppError } from '../errors';
import { fenceHolds } from './lease-repository';
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

  /**
   * The mode row moves and the change is appended to its history (and so to the audit trail), in one transaction;
   * under a fence (the clock's lease), only while it is in force: a server that lost the clock changes no mode.
   */
  async setMode({ mode, cause, actor, reason, marketTime }: ModeChange, fence?: Lease | null): Promise<SystemRecord> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO "system_state" ("id", "mode", "actor", "reason") VALUES (1, 'RUNNING', 'system', 'first start')
        ON CONFLICT ("id") DO NOTHING`;
      if (fence) {
        const [check] = await tx.$queryRaw<{ held: boolean }[]>`SELECT ${fenceHolds(fence)} AS held`;
        if (!check?.held) throw new AppError('FENCED', 'this server no longer holds the clock lease; the mode was not changed');
      }
      // Locked, so two changes at once are recorded one after the other, each from the mode the other left.
      const [before] = await tx.$queryRaw<{ mode: string }[]>`SELECT "mode" FROM "system_state" WHERE "id" = 1 FOR UPDATE`;
      const row = await tx.systemState.update({ where: { id: 1 }, data: { mode, cause, actor, reason, changedAt: new Date() }, select: SELECTED });
      await tx.systemModeChange.create({ data: { fromMode: before!.mode, mode, cause, actor, reason, marketTime } });
      return systemRowSchema.parse(row);
    });
  }

  async lossDay(): Promise<LossDay | null> {
    const row = await this.db.systemState.findUnique({ where: { id: 1 }, select: { riskDay: true, dayOpenNlv: true, dayHighNlv: true } });
    if (!row?.riskDay || row.dayOpenNlv === null || row.dayHighNlv === null) return null;
    return { day: isoDate(row.riskDay), openNlv: row.dayOpenNlv, highNlv: row.dayHighNlv };
  }

  async saveLossDay({ day, openNlv, highNlv }: LossDay, fence?: Lease | null): Promise<boolean> {
    const save = () => this.db.$executeRaw`
      UPDATE "system_state" SET "risk_day" = ${day}::date, "day_open_nlv" = ${openNlv}, "day_high_nlv" = ${highNlv}
       WHERE "id" = 1 AND ${fenceHolds(fence)}`;
    // The row exists from the first start on: it is created (and the save tried again) only when nothing was saved.
    if ((await save()) === 1) return true;
    await this.current();
    return (await save()) === 1;
  }

  async marketClock(): Promise<MarketClockRecord | null> {
    return this.db.marketClock.findUnique({ where: { id: 1 }, select: { time: true, state: true } });
  }

  async saveMarketClock(time: Date, state: unknown, fence?: Lease | null): Promise<boolean> {
    const saved = await this.db.$executeRaw`
      INSERT INTO "market_clock" ("id", "time", "state", "updated_at")
      SELECT 1, ${time}, ${JSON.stringify(state)}::jsonb, now() WHERE ${fenceHolds(fence)}
      ON CONFLICT ("id") DO UPDATE SET "time" = EXCLUDED."time", "state" = EXCLUDED."state", "updated_at" = EXCLUDED."updated_at"`;
    return saved === 1;
  }
}
