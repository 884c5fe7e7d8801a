import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, testDb } from '../../test/db';
import { createDb } from './client';
import { migrationNames } from './migrations-folder';
import { ReadinessRepository } from './readiness-repository';

const db = testDb();
const THIS_SERVER = 'host-a:100:aaaaaaaa';
const OTHER_SERVER = 'host-b:200:bbbbbbbb';

async function grantLease(name: string, holder: string, expiresIn: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "lease" ("name", "holder", "token", "granted_at", "expires_at")
     VALUES ($1, $2, nextval('lease_token_seq'), now(), now() + $3::interval)`,
    name,
    holder,
    expiresIn,
  );
}

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await db.$disconnect();
});

describe('the leases a server holds', () => {
  it('are those under its id that have not expired by the database clock', async () => {
    await grantLease('clock', THIS_SERVER, '30 seconds');
    await grantLease('strategy:zero-dte-friday', THIS_SERVER, '30 seconds');
    await grantLease('strategy:iron-condor', THIS_SERVER, '-1 second');
    await grantLease('strategy:wheel', OTHER_SERVER, '30 seconds');
    const repository = new ReadinessRepository(db);
    expect(await repository.leasesHeldBy(THIS_SERVER)).toBe(2);
    expect(await repository.leasesHeldBy(OTHER_SERVER)).toBe(1);
    expect(await repository.leasesHeldBy('a-server-holding-nothing')).toBe(0);
  });
});

describe('the pending migrations', () => {
  it('are none on a migrated database', async () => {
    expect(await new ReadinessRepository(db).pendingMigrations()).toEqual([]);
  });

  it('are those this code brings that the ledger does not have, in order', async () => {
    const ahead = new ReadinessRepository(db, async () => [...(await migrationNames()), '29991231000000_from_the_future']);
    expect(await ahead.pendingMigrations()).toEqual(['29991231000000_from_the_future']);
  });

  it('include one the ledger has unfinished or rolled back', async () => {
    const names = ['29991231000001_unfinished', '29991231000002_rolled_back'];
    await db.$executeRawUnsafe(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, rolled_back_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, 'x', $1, NULL, NULL, 0), (gen_random_uuid()::text, 'x', $2, now(), now(), 1)`,
      ...names,
    );
    try {
      const repository = new ReadinessRepository(db, async () => [...(await migrationNames()), ...names]);
      expect(await repository.pendingMigrations()).toEqual(names);
    } finally {
      await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = ANY($1::text[])`, names);
    }
  });

  it('cannot be read from a database that cannot be reached: that throws', async () => {
    const nowhere = createDb('postgresql://postgres@127.0.0.1:1/nowhere');
    try {
      await expect(new ReadinessRepository(nowhere).pendingMigrations()).rejects.toThrow();
    } finally {
      await nowhere.$disconnect();
    }
  });
});
