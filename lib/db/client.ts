import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = InstanceType<typeof PrismaClient>;

export function createDb(connectionString: string): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
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
