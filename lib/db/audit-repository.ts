import type { Db } from './client';
import type { Prisma } from './generated/client';

/** What the audit page and its export filter by; every part optional, all of them combined with AND. */
export interface AuditFilter {
  readonly strategyId?: string;
  readonly actor?: string;
  readonly kind?: string;
  /** A state the row moved into or out of (or was in, for a refusal or an error). */
  readonly state?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Words in the reason, message or detail, or in the event's type; case-insensitive. */
  readonly text?: string;
}

export interface AuditRecord {
  readonly id: bigint;
  readonly at: Date;
  readonly kind: string;
  readonly strategyId: string | null;
  readonly actor: string;
  readonly fromState: string | null;
  readonly state: string | null;
  readonly eventType: string | null;
  readonly detail: string | null;
  readonly marketTime: Date | null;
  readonly hash: Uint8Array;
}

export interface AuditVerification {
  readonly checked: bigint;
  /** The first row (by id) whose hash, previous hash or recorded row does not match; null when intact. */
  readonly brokenId: bigint | null;
  readonly problem: string | null;
}

const SELECTED = {
  id: true,
  at: true,
  kind: true,
  strategyId: true,
  actor: true,
  fromState: true,
  state: true,
  eventType: true,
  detail: true,
  marketTime: true,
  hash: true,
} as const;

function whereOf(filter: AuditFilter, before?: bigint): Prisma.AuditEventWhereInput {
  const insensitive = (value: string) => ({ contains: value, mode: 'insensitive' as const });
  return {
    ...(before !== undefined && { id: { lt: before } }),
    ...(filter.strategyId && { strategyId: filter.strategyId }),
    ...(filter.actor && { actor: filter.actor }),
    ...(filter.kind && { kind: filter.kind }),
    ...((filter.from || filter.to) && { at: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) } }),
    AND: [
      ...(filter.state ? [{ OR: [{ state: filter.state }, { fromState: filter.state }] }] : []),
      ...(filter.text ? [{ OR: [{ detail: insensitive(filter.text) }, { eventType: insensitive(filter.text) }] }] : []),
    ],
  };
}

/**
 * The audit trail as one table, read newest first with keyset pagination (`id < cursor`): each page costs
 * the same at row 10 as at row 1,000,000. The rows are written only by the database's triggers.
 */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Up to `limit` rows older than `before` (newest first), and whether more follow. */
  async page(filter: AuditFilter, limit: number, before?: bigint): Promise<{ rows: AuditRecord[]; hasMore: boolean }> {
    const rows = await this.db.auditEvent.findMany({ where: whereOf(filter, before), orderBy: { id: 'desc' }, take: limit + 1, select: SELECTED });
    return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** Every row matching `filter`, newest first, read in batches: an export of a million rows never sits in memory. */
  async *all(filter: AuditFilter, batchSize = 1_000): AsyncGenerator<AuditRecord> {
    let before: bigint | undefined;
    for (;;) {
      const { rows, hasMore } = await this.page(filter, batchSize, before);
      yield* rows;
      if (!hasMore) return;
      before = rows.at(-1)!.id;
    }
  }

  /** Recomputes every row's hash and chain link in the database (`audit_verify()`, see the migration). */
  async verify(): Promise<AuditVerification> {
    const [result] = await this.db.$queryRaw<{ checked: bigint; broken_id: bigint | null; problem: string | null }[]>`
      SELECT checked, broken_id, problem FROM audit_verify()`;
    return { checked: result!.checked, brokenId: result!.broken_id, problem: result!.problem };
  }

  /** The strategies and actors that appear in the trail, for the page's filter choices. */
  async actors(limit = 200): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ actor: string }[]>`
      WITH RECURSIVE actors AS (
        (SELECT actor FROM audit_event ORDER BY actor LIMIT 1)
        UNION ALL
        SELECT (SELECT a.actor FROM audit_event a WHERE a.actor > actors.actor ORDER BY a.actor LIMIT 1) FROM actors WHERE actors.actor IS NOT NULL
      )
      SELECT actor FROM actors WHERE actor IS NOT NULL LIMIT ${limit}`;
    return rows.map((row) => row.actor);
  }
}
