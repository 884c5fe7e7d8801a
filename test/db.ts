import { createDb, type Db } from '../lib/db/client';
import { TEST_DATABASE_URL } from './int-global-setup';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';

export { TEST_DATABASE_URL };

export function testDb(): Db {
  return createDb(TEST_DATABASE_URL);
}

/** Empties every table (TRUNCATE does not fire the append-only row triggers). */
export async function resetDatabase(db: Db): Promise<void> {
  await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
}
