import { migrate } from '../../lib/db/migrate';
import { testDatabaseServer } from '../../scripts/support/database-server';

/** E2E_DATABASE_URL, or `wheelhouse_e2e` on the machine's PostgreSQL, or on an embedded server of the suite's own. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = process.env.E2E_DATABASE_URL ? null : await testDatabaseServer();
  // Workers start after this and read the URL from the environment (e2e/support/database.ts).
  if (server) process.env.E2E_DATABASE_URL = server.url('wheelhouse_e2e');
  await migrate(process.env.E2E_DATABASE_URL!);
  return async () => server?.stop();
}
