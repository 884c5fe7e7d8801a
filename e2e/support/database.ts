import pg from 'pg';
import { TRUNCATE_ALL_TABLES } from '../../lib/db/reset';

/** The end-to-end tests' own database, never the demo's. */
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse_e2e';

/** Runs one query against the e2e database on a short-lived connection. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function resetDatabase(): Promise<void> {
  await query(TRUNCATE_ALL_TABLES);
}

/** The simulated market time the running server last saved. */
export async function marketTime(): Promise<number | null> {
  const rows = await query<{ time: Date }>('SELECT time FROM market_clock WHERE id = 1');
  return rows[0]?.time.getTime() ?? null;
}
