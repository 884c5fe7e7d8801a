import type { Db } from './client';
import { migrationNames } from './migrations-folder';

/** What the readiness probe reads: whether this code's migrations are all applied, and the leases a server holds. */
export class ReadinessRepository {
  constructor(
    private readonly db: Db,
    private readonly listMigrations: () => Promise<readonly string[]> = migrationNames,
  ) {}

  /**
   * The migrations in prisma/migrations that the `_prisma_migrations` ledger does not show finished (and not rolled
   * back), in order: all of them on a database never migrated. Throws when the database cannot be reached.
   */
  async pendingMigrations(): Promise<string[]> {
    const [ledger] = await this.db.$queryRaw<{ exists: boolean }[]>`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`;
    const rows = ledger?.exists
      ? await this.db.$queryRaw<{ migration_name: string }[]>`
          SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`
      : [];
    const applied = new Set(rows.map((row) => row.migration_name));
    return (await this.listMigrations()).filter((name) => !applied.has(name));
  }

  /** The leases `holder` holds now, by the database's clock (a lease past its expiry is anyone's to take). */
  async leasesHeldBy(holder: string): Promise<number> {
    const [row] = await this.db.$queryRaw<{ held: number }[]>`
      SELECT count(*)::int AS "held" FROM "lease" WHERE "holder" = ${holder} AND "expires_at" > now()`;
    return row?.held ?? 0;
  }
}
