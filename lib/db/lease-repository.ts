import type { Lease, LeaseGrant, LeaseStore } from '../engine/ports';
import type { Db } from './client';
import { Prisma } from './generated/client';

/**
 * Leases on PostgreSQL, timed by its clock (`now()`, never a server's): a lease is free once `expires_at` has
 * passed, and each grant draws its token from one sequence, so a later grant always carries a larger token.
 * Every statement here is one round trip; a grant and its history row are one statement.
 */
export class LeaseRepository implements LeaseStore {
  constructor(private readonly db: Db) {}

  async acquire(holder: string, names: readonly string[], ttlMs: number): Promise<LeaseGrant[]> {
    if (names.length === 0) return [];
    // `before` reads each lease as the statement found it; the upsert takes only the free or expired ones (a row
    // held by someone else is left alone: the WHERE of DO UPDATE), and the grant history records whom from.
    const rows = await this.db.$queryRaw<{ name: string; token: bigint; previousHolder: string | null }[]>`
      WITH wanted AS (SELECT unnest(${names as string[]}::text[]) AS name),
      before AS (
        SELECT w.name, l.holder, l.expires_at FROM wanted w LEFT JOIN lease l ON l.name = w.name
      ),
      granted AS (
        INSERT INTO lease (name, holder, token, granted_at, expires_at)
        SELECT name, ${holder}, nextval('lease_token_seq'), now(), now() + make_interval(secs => ${ttlMs / 1000}::double precision) FROM wanted
        ON CONFLICT (name) DO UPDATE
          SET holder = EXCLUDED.holder, token = EXCLUDED.token, granted_at = EXCLUDED.granted_at, expires_at = EXCLUDED.expires_at
          WHERE lease.expires_at <= now()
        RETURNING name, token, granted_at
      ),
      history AS (
        INSERT INTO lease_grant (name, holder, token, previous_holder, previous_expired_at, granted_at)
        SELECT g.name, ${holder}, g.token, b.holder, b.expires_at, g.granted_at FROM granted g JOIN before b USING (name)
      )
      SELECT g.name, g.token, b.holder AS "previousHolder" FROM granted g JOIN before b USING (name)`;
    return rows.map(({ name, token, previousHolder }) => ({ name, token: BigInt(token), previousHolder }));
  }

  async renew(holder: string, leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    if (leases.length === 0) return [];
    const rows = await this.db.$queryRaw<{ name: string; token: bigint }[]>`
      UPDATE lease l SET expires_at = now() + make_interval(secs => ${ttlMs / 1000}::double precision)
        FROM unnest(${leases.map((lease) => lease.name)}::text[], ${leases.map((lease) => lease.token.toString())}::bigint[]) AS mine(name, token)
       WHERE l.name = mine.name AND l.token = mine.token AND l.holder = ${holder}
      RETURNING l.name, l.token`;
    return rows.map(({ name, token }) => ({ name, token: BigInt(token) }));
  }

  async release(holder: string, leases: readonly Lease[]): Promise<void> {
    if (leases.length === 0) return;
    // Expired rather than deleted: the row stays for the next grant to replace (and its token sequence goes on).
    await this.db.$executeRaw`
      UPDATE lease l SET expires_at = now()
        FROM unnest(${leases.map((lease) => lease.name)}::text[], ${leases.map((lease) => lease.token.toString())}::bigint[]) AS mine(name, token)
       WHERE l.name = mine.name AND l.token = mine.token AND l.holder = ${holder}`;
  }

  async holds(lease: Lease): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ held: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM lease WHERE name = ${lease.name} AND token = ${lease.token} AND expires_at > now()) AS held`;
    return rows[0]?.held === true;
  }
}

/**
 * The SQL condition "`fence` is in force now", for a write's WHERE; TRUE where no lease is in play (one engine
 * owns the database). Repositories that write under a lease put it in the same statement as the write.
 */
export function fenceHolds(fence: Lease | null | undefined): Prisma.Sql {
  if (!fence) return Prisma.sql`TRUE`;
  return Prisma.sql`EXISTS (SELECT 1 FROM lease WHERE name = ${fence.name} AND token = ${fence.token} AND expires_at > now())`;
}
