import { migrate } from '../lib/db/migrate';

/** Integration tests get their own database, never the demo's. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse_test';

export default async function setup(): Promise<void> {
  await migrate(TEST_DATABASE_URL);
  process.env.DATABASE_URL = TEST_DATABASE_URL;
}
