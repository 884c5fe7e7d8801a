import { z } from 'zod';
import { SYSTEM_MODES, type SystemMode } from '../domain/system-mode';
import type { MarketClockRecord, SystemRecord, SystemStore } from '../engine/ports';
import type { Prisma } from './generated/client';
import type { Db } from './client';

const systemRowSchema = z.object({
  mode: z.enum(SYSTEM_MODES),
  actor: z.string(),
  reason: z.string().nullable(),
  changedAt: z.date(),
});

const SELECTED = { mode: true, actor: true, reason: true, changedAt: true } as const;

/** The system's trading mode and the simulated market's saved clock: one row each. */
export class SystemRepository implements SystemStore {
  constructor(private readonly db: Db) {}

  /** The mode in force (RUNNING on a fresh database, recorded as set by the system at first start). */
  async current(): Promise<SystemRecord> {
    const row = await this.db.systemState.upsert({
      where: { id: 1 },
      create: { id: 1, mode: 'RUNNING', actor: 'system', reason: 'first start' },
      update: {},
      select: SELECTED,
    });
    return systemRowSchema.parse(row);
  }

  async setMode(mode: SystemMode, actor: string, reason: string): Promise<SystemRecord> {
    const row = await this.db.systemState.upsert({
      where: { id: 1 },
      create: { id: 1, mode, actor, reason },
      update: { mode, actor, reason, changedAt: new Date() },
      select: SELECTED,
    });
    return systemRowSchema.parse(row);
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
