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
   * The mode row moves and the change is appended to its history (and so to the audit trail), in one statement (one
   * round trip: a halt is stored as fast as the database commits); under a fence (the clock's lease), only while it
   * is in force: a server that lost the clock changes no mode. The row is locked first, so two changes at once are
   * recorded one after the other, each from the mode the other left.
   */
  async setMode(change: ModeChange, fence?: Lease | null): Promise<SystemRecord> {
    const moved = await this.moveMode(change, fence);
    if (moved) return moved;
    // A fresh database has no row yet: made as `current()` makes it, then moved.
    await this.current();
    const retried = await this.moveMode(change, fence);
    if (!retried) throw new Error('the system_state row is missing after it was created');
    return retried;
  }

  /** The move, or null when there is no system_state row to move. */
  private async moveMode({ mode, cause, actor, reason, marketTime }: ModeChange, fence: Lease | null | undefined): Promise<SystemRecord | null> {
    const rows = await this.db.$queryRaw<{ held: boolean; moved: boolean }[]>`
      WITH fence AS (SELECT ${fenceHolds(fence)} AS held),
      before AS (SELECT "mode" FROM "system_state" WHERE "id" = 1 AND (SELECT held FROM fence) FOR UPDATE),
      moved AS (
        UPDATE "system_state" s
           SET "mode" = ${mode}, "cause" = ${cause}, "actor" = ${actor}, "reason" = ${reason}, "changed_at" = now()
          FROM before
         WHERE s."id" = 1
        RETURNING s."mode", s."cause", s."actor", s."reason", s."changed_at" AS "changedAt", before."mode" AS "fromMode"
      ),
      history AS (
        INSERT INTO "system_mode_change" ("from_mode", "mode", "cause", "actor", "reason", "market_time")
        SELECT "fromMode", "mode", "cause", "actor", "reason", ${marketTime} FROM moved
      )
      SELECT f.held, m."mode" IS NOT NULL AS moved, m."mode", m."cause", m."actor", m."reason", m."changedAt"
        FROM fence f LEFT JOIN moved m ON TRUE`;
    const [result] = rows;
    if (!result?.held) throw new AppError('FENCED', 'this server no longer holds the clock lease; the mode was not changed');
    return result.moved ? systemRowSchema.parse(result) : null;
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
