import type { SystemMode } from '../domain/coordinator';
import type { Db } from './client';

export interface SystemRecord {
  readonly mode: SystemMode;
  readonly actor: string;
  readonly reason: string | null;
  readonly changedAt: Date;
}

export interface MarketClockRecord {
  readonly time: Date;
  readonly state: unknown;
}

/** The system's trading mode and the simulated market's saved clock: one row each. */
export class SystemRepository {
  constructor(private readonly db: Db) {}

  async system(): Promise<SystemRecord> {
    const row = await this.db.systemState.upsert({
      where: { id: 1 },
      create: { id: 1, mode: 'RUNNING', actor: 'system', reason: 'first start' },
      update: {},
    });
    return { ...row, mode: row.mode === 'HALTED' ? 'HALTED' : 'RUNNING' };
  }

  async setMode(mode: SystemMode, actor: string, reason: string): Promise<SystemRecord> {
    const row = await this.db.systemState.upsert({
      where: { id: 1 },
      create: { id: 1, mode, actor, reason },
      update: { mode, actor, reason, changedAt: new Date() },
    });
    return { ...row, mode };
  }

  async marketClock(): Promise<MarketClockRecord | null> {
    return this.db.marketClock.findUnique({ where: { id: 1 }, select: { time: true, state: true } });
  }

  async saveMarketClock(time: Date, state: unknown): Promise<void> {
    const json = state as object;
    await this.db.marketClock.upsert({
      where: { id: 1 },
      create: { id: 1, time, state: json },
      update: { time, state: json, updatedAt: new Date() },
    });
  }
}
