import { migrate } from '../lib/db/migrate';
import { testDatabaseServer } from '../scripts/support/database-server';

/**
 * Integration tests get their own database, never the demo's: TEST_DATABASE_URL, or `wheelhouse_test` on the machine's
 * PostgreSQL, or (with neither) on an embedded server of their own. Read by each test file; set by `setup` below
 * before any runs.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse_test';

export default async function setup(): Promise<() => Promise<void>> {
  const server = process.env.TEST_DATABASE_URL ? null : await testDatabaseServer();
  // The test files run in workers started after this: they read the URL from the environment.
  if (server) process.env.TEST_DATABASE_URL = server.url('wheelhouse_test');
  const url = process.env.TEST_DATABASE_URL ?? TEST_DATABASE_URL;
  await migrate(url);
  process.env.DATABASE_URL = url;
  return async () => server?.stop();
}
