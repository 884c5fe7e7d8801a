import { z } from 'zod';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import { riskLimitsSchema } from '../domain/risk/limits-schema';
import type { RiskLimitStore } from '../engine/ports';
import type { Db } from './client';

/** The limits in force and the last change to them; who, why and when are null while the defaults hold. */
export interface StoredRiskLimits {
  readonly limits: RiskLimits;
  /** 0 while DESIGN.md's defaults hold; each change adds one. */
  readonly version: number;
  readonly changedBy: string | null;
  readonly changedById: string | null;
  readonly reason: string | null;
  /** The key the last change was sent with: the same request sent again is answered, not made twice. */
  readonly idempotencyKey: string | null;
  readonly changedAt: Date | null;
}

/** A change to the limits and its row in the audit trail. */
export interface RiskLimitsWrite {
  readonly limits: RiskLimits;
  /** The version the change was made from; the write is refused when the row has moved on. */
  readonly expectedVersion: number;
  readonly actor: string;
  readonly actorId: string | null;
  readonly reason: string;
  readonly idempotencyKey: string;
  /** The audit row's detail: what changed, before and after, and why. */
  readonly detail: string;
  /** Where the change came from, as the access events record it. */
  readonly origin: { readonly ip: string | null; readonly userAgent: string | null; readonly method: string | null; readonly path: string | null };
}

const rowSchema = z.object({
  limits: z.unknown(),
  version: z.number(),
  changedBy: z.string(),
  changedById: z.string().nullable(),
  reason: z.string(),
  idempotencyKey: z.string(),
  changedAt: z.date(),
});

const RETURNED = `limits, version, changed_by AS "changedBy", changed_by_id AS "changedById", reason,
                  idempotency_key AS "idempotencyKey", changed_at AS "changedAt"`;

/** A first change inserts the row; any later one moves it only from the version its editor saw. */
const WRITE_FIRST = `INSERT INTO risk_limits (id, limits, version, changed_by, changed_by_id, reason, idempotency_key)
                     SELECT 1, $1::jsonb, $2::int + 1, $3::text, $4::text, $5::text, $6::text
                     ON CONFLICT (id) DO NOTHING`;
const WRITE_NEXT = `UPDATE risk_limits
                       SET limits = $1::jsonb, version = version + 1, changed_by = $3::text, changed_by_id = $4::text,
                           reason = $5::text, idempotency_key = $6::text, changed_at = now()
                     WHERE id = 1 AND version = $2::int`;

/**
 * The coordinator's risk limits, one row (none while DESIGN.md's defaults hold). Read back through
 * riskLimitsSchema, so nothing trades on limits that do not pass it; a limit added to RiskLimits after the row
 * was written starts at its default. Every change announces itself (`risk_limits`) to every server's engine.
 */
export class RiskLimitsRepository implements RiskLimitStore {
  constructor(private readonly db: Db) {}

  async current(): Promise<RiskLimits> {
    return (await this.read()).limits;
  }

  async read(): Promise<StoredRiskLimits> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`SELECT ${RETURNED} FROM risk_limits WHERE id = 1`);
    return rows[0] === undefined ? DEFAULTS_IN_FORCE : storedOf(rows[0]);
  }

  /**
   * Stores `write.limits` from `expectedVersion`, and its access event (kind `risk-limits-changed`), in one
   * statement: both or neither. Returns the limits as stored, or null when the row is no longer at that version.
   */
  async change(write: RiskLimitsWrite): Promise<StoredRiskLimits | null> {
    const { limits, expectedVersion, actor, actorId, reason, idempotencyKey, detail, origin } = write;
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `WITH changed AS (${expectedVersion === 0 ? WRITE_FIRST : WRITE_NEXT} RETURNING ${RETURNED}),
            audited AS (
              INSERT INTO access_event (kind, user_id, actor, ip, user_agent, method, path, detail)
              SELECT 'risk-limits-changed', $4::text, $3::text, $7::text, $8::text, $9::text, $10::text, $11::text FROM changed
            )
       SELECT * FROM changed`,
      JSON.stringify(riskLimitsSchema.parse(limits)),
      expectedVersion,
      actor,
      actorId,
      reason,
      idempotencyKey,
      origin.ip,
      origin.userAgent,
      origin.method,
      origin.path,
      detail,
    );
    return rows[0] === undefined ? null : storedOf(rows[0]);
  }
}

const DEFAULTS_IN_FORCE: StoredRiskLimits = {
  limits: DEFAULT_RISK_LIMITS,
  version: 0,
  changedBy: null,
  changedById: null,
  reason: null,
  idempotencyKey: null,
  changedAt: null,
};

function storedOf(row: unknown): StoredRiskLimits {
  const { limits, ...rest } = rowSchema.parse(row);
  const stored = typeof limits === 'object' && limits !== null ? limits : {};
  return { ...rest, limits: riskLimitsSchema.parse({ ...DEFAULT_RISK_LIMITS, ...stored }) };
}
