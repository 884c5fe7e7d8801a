import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { strategyDefinition } from '../domain/strategies/registry';
import { resetDatabase, testDb } from '../../test/db';
import type { Db } from './client';

const MIGRATION_SQL = path.resolve(import.meta.dirname, '../../prisma/migrations/20261202100000_vix_range_settings/migration.sql');

const db: Db = testDb();

/** Settings as each kind stored them before `entryVix`, and as they read after the migration. */
const CASES = [
  {
    kind: 'ZERO_DTE',
    legacy: { weekday: 5, contracts: 2, vixAbove: 20, vixAtMost: 30 },
    migrated: { weekday: 5, contracts: 2, entryVix: { above: 20, atMost: 30 } },
  },
  {
    kind: 'LT112',
    legacy: { weekday: 3, minDte: 102, vixMin: 14, vixMax: 33 },
    migrated: { weekday: 3, minDte: 102, entryVix: { atLeast: 14, atMost: 33 } },
  },
  {
    kind: 'IPMCC',
    legacy: { underlying: 'QQQ', vixAbove: 12, vixAtMost: 40, exitVixAbove: 40 },
    migrated: { underlying: 'QQQ', exitVixAbove: 40, entryVix: { above: 12, atMost: 40 } },
  },
  {
    kind: 'LEAP_LADDER',
    legacy: { vixAtMost: 28, managingVix: 40, exitVixAtMost: 30 },
    migrated: { managingVix: 40, exitVixAtMost: 30, entryVix: { atMost: 28 } },
  },
  {
    kind: 'FUTURES_STRANGLE',
    legacy: { shortDelta: 0.16, vixMin: 15, vixMax: 40 },
    migrated: { shortDelta: 0.16, entryVix: { atLeast: 15, atMost: 40 } },
  },
] as const;

const ALREADY_MIGRATED = { weekday: 5, entryVix: { above: 25, atMost: 35 } };

/** A persisted xstate snapshot holding `settings` in its context, as the engine stores one. */
const snapshotWith = (id: string, settings: object) => ({
  status: 'active',
  value: 'WAITING',
  context: { strategyId: id, settings, cycle: null, position: null },
  historyValue: {},
  children: {},
});

async function insertStrategy(id: string, kind: string, settings: object): Promise<void> {
  await db.strategy.create({
    data: { id, name: id, kind, settings, snapshot: snapshotWith(id, settings), state: 'WAITING', version: 3, stateSince: new Date('2026-11-20T15:00:00Z') },
  });
}

const allRows = () => db.strategy.findMany({ orderBy: { id: 'asc' } });

async function runMigration(): Promise<number> {
  return db.$executeRawUnsafe(await readFile(MIGRATION_SQL, 'utf8'));
}

beforeEach(async () => {
  await resetDatabase(db);
  for (const { kind, legacy } of CASES) await insertStrategy(kind.toLowerCase(), kind, legacy);
  await insertStrategy('already-migrated', 'ZERO_DTE', ALREADY_MIGRATED);
});

afterAll(async () => {
  await db.$disconnect();
});

describe('the VIX range settings migration', () => {
  it("moves each kind's legacy entry VIX keys into entryVix, in the settings column and in the snapshot's context", async () => {
    await runMigration();
    for (const { kind, migrated } of CASES) {
      const row = await db.strategy.findUniqueOrThrow({ where: { id: kind.toLowerCase() } });
      expect(row.settings).toEqual(migrated);
      expect(row.snapshot).toEqual(snapshotWith(row.id, migrated));
      expect(row.version).toBe(3);
      expect(strategyDefinition(kind).settingsSchema.parse(row.settings)).toMatchObject({ entryVix: migrated.entryVix });
    }
  });

  it('leaves a row already in the new shape untouched', async () => {
    const before = await db.strategy.findUniqueOrThrow({ where: { id: 'already-migrated' } });
    await runMigration();
    expect(await db.strategy.findUniqueOrThrow({ where: { id: 'already-migrated' } })).toEqual(before);
  });

  it('changes nothing when run a second time', async () => {
    expect(await runMigration()).toBe(CASES.length);
    const once = await allRows();
    expect(await runMigration()).toBe(0);
    expect(await allRows()).toEqual(once);
  });
});
