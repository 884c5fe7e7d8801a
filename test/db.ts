import { createDb, type Db } from '../lib/db/client';
import { TEST_DATABASE_URL } from './int-global-setup';

export { TEST_DATABASE_URL };

export function testDb(): Db {
  return createDb(TEST_DATABASE_URL);
}

/** Empties every table (TRUNCATE does not fire the append-only row triggers). */
export async function resetDatabase(db: Db): Promise<void> {
  await db.$executeRawUnsafe(
    'TRUNCATE strategy, transition, event_refusal, strategy_error, system_state, market_clock, operator_command, paper_order, paper_fill, paper_position, paper_broker_settings RESTART IDENTITY CASCADE',
  );
}
