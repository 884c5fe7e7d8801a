import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';

export type Db = InstanceType<typeof PrismaClient>;

/**
 * Connections per process: the engine writes for many strategies at once on every bar, beside the pages' reads
 * and the LISTEN connection (its own). pg's default of 10 queued the writes of more than ten strategies.
 */
const POOL_MAX = 20;

/** The pool under each client, for the statements on the hot path (sqlPool). */
const pools = new WeakMap<object, pg.Pool>();

export function createDb(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: POOL_MAX });
  // An idle connection that breaks (a restarted database) is dropped by the pool and replaced by the next query;
  // without a listener, pg's 'error' event would end the process.
  pool.on('error', () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The connection pool Prisma uses under `db`, for the few statements on the engine's hot path sent as named
 * prepared statements: parsed and planned once per connection, where Prisma's raw queries cost 0.5-2 ms of CPU
 * each (measured by `npm run bench`'s write path). Everything else goes through Prisma.
 */
export function sqlPool(db: object): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this statement needs the database client itself, not a transaction');
  return pool;
}

const globalForDb = globalThis as typeof globalThis & { wheelhouseDb?: Db };

/**
 * One client per process. Next.js bundles instrumentation and route handlers separately, so module state is
 * not shared between them; globalThis is.
 */
export function getDb(connectionString: string): Db {
  globalForDb.wheelhouseDb ??= createDb(connectionString);
  return globalForDb.wheelhouseDb;
}
