import { z } from 'zod';
import type { CommandRecord } from '../engine/ports';
import { AppError } from '../errors';
import type { Db } from './client';
import { CommandRepository } from './command-repository';

export interface ResumeRequestRecord {
  readonly id: bigint;
  readonly requestedBy: string;
  readonly requestedById: string;
  readonly reason: string;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  /** Who approved it and when; null while it waits (or since it expired). */
  readonly approvedBy: string | null;
  readonly approvedAt: Date | null;
}

export interface NewResumeRequest {
  readonly requestedBy: string;
  readonly requestedById: string;
  readonly reason: string;
  readonly idempotencyKey: string;
  /** How long it stays open for a second person's approval. */
  readonly openForMinutes: number;
}

export interface NewResumeApproval {
  readonly requestId: bigint;
  readonly approvedBy: string;
  readonly approvedById: string;
  readonly reason: string;
  readonly idempotencyKey: string;
}

const requestRowSchema = z.object({
  id: z.bigint(),
  requestedBy: z.string(),
  requestedById: z.string(),
  reason: z.string(),
  requestedAt: z.date(),
  expiresAt: z.date(),
  approvedBy: z.string().nullable(),
  approvedAt: z.date().nullable(),
});

const SELECT_REQUEST = `
  SELECT r.id, r.requested_by AS "requestedBy", r.requested_by_id AS "requestedById", r.reason,
         r.requested_at AS "requestedAt", r.expires_at AS "expiresAt",
         a.approved_by AS "approvedBy", a.approved_at AS "approvedAt"
    FROM resume_request r LEFT JOIN resume_approval a ON a.request_id = r.id`;

/** One lock for making resume requests, so that two operators asking at once make one open request. */
const REQUESTS_LOCK = "hashtext('wheelhouse.resume_request')";

const formatTime = (time: Date) => time.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * Two people to resume: requests and approvals, both append-only. Every rule that two operators acting at once
 * could break is checked inside one transaction, with the database's clock deciding expiry.
 */
export class ResumeRepository {
  constructor(private readonly db: Db) {}

  /** The request awaiting approval now (not approved, not expired), if any. */
  async open(): Promise<ResumeRequestRecord | null> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`${SELECT_REQUEST} WHERE a.id IS NULL AND r.expires_at > now() ORDER BY r.id DESC LIMIT 1`);
    return rows[0] === undefined ? null : requestRowSchema.parse(rows[0]);
  }

  async find(id: bigint): Promise<ResumeRequestRecord | null> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`${SELECT_REQUEST} WHERE r.id = $1`, id);
    return rows[0] === undefined ? null : requestRowSchema.parse(rows[0]);
  }

  /**
   * Records a request unless one is already open (409 naming it). The same idempotency key returns the
   * request it made, whatever has happened since.
   */
  async request(request: NewResumeRequest): Promise<ResumeRequestRecord> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REQUESTS_LOCK})`);
      const repeated = await tx.$queryRawUnsafe<unknown[]>(`${SELECT_REQUEST} WHERE r.idempotency_key = $1`, request.idempotencyKey);
      if (repeated[0] !== undefined) return requestRowSchema.parse(repeated[0]);
      const open = await tx.$queryRawUnsafe<unknown[]>(`${SELECT_REQUEST} WHERE a.id IS NULL AND r.expires_at > now() ORDER BY r.id DESC LIMIT 1`);
      if (open[0] !== undefined) {
        const waiting = requestRowSchema.parse(open[0]);
        throw new AppError(
          'CONFLICT',
          `a resume requested by ${waiting.requestedBy} is already waiting for approval (until ${formatTime(waiting.expiresAt)}): another operator can approve it`,
        );
      }
      const inserted = await tx.$queryRaw<{ id: bigint }[]>`
        INSERT INTO resume_request (requested_by, requested_by_id, reason, idempotency_key, expires_at)
        VALUES (${request.requestedBy}, ${request.requestedById}, ${request.reason}, ${request.idempotencyKey},
                now() + make_interval(mins => ${request.openForMinutes}))
        RETURNING id`;
      const created = await tx.$queryRawUnsafe<unknown[]>(`${SELECT_REQUEST} WHERE r.id = $1`, inserted[0]!.id);
      return requestRowSchema.parse(created[0]);
    });
  }

  /**
   * Approves request `requestId` and gives the engine its RESUME command, in one transaction: refused when the
   * request is unknown (404), the approver's own (403), already approved by someone else or expired (409).
   * The same idempotency key returns the command the approval gave.
   */
  async approve(approval: NewResumeApproval): Promise<CommandRecord> {
    return this.db.$transaction(async (tx) => {
      const commands = new CommandRepository(tx);
      // The lock first, on its own: a statement that waited for it reads the approval its winner wrote only if it
      // starts after the wait (under READ COMMITTED a locking read re-checks the locked row, not the rows it joins).
      await tx.$queryRaw`SELECT id FROM resume_request WHERE id = ${approval.requestId} FOR UPDATE`;
      const rows = await tx.$queryRaw<{ requestedBy: string; requestedById: string; expired: boolean; approvalKey: string | null; approvedBy: string | null }[]>`
        SELECT r.requested_by AS "requestedBy", r.requested_by_id AS "requestedById", r.expires_at <= now() AS expired,
               c.idempotency_key AS "approvalKey", a.approved_by AS "approvedBy"
          FROM resume_request r
          LEFT JOIN resume_approval a ON a.request_id = r.id
          LEFT JOIN operator_command c ON c.id = a.command_id
         WHERE r.id = ${approval.requestId}`;
      const request = rows[0];
      if (!request) throw new AppError('NOT_FOUND', `no resume request ${approval.requestId}`);
      if (request.approvalKey === approval.idempotencyKey) {
        const { command } = await commands.createOnce({ type: 'RESUME', strategyId: null, actor: approval.approvedBy, actorId: approval.approvedById, reason: approval.reason }, approval.idempotencyKey);
        return command;
      }
      if (request.approvedBy !== null) throw new AppError('CONFLICT', `this resume was already approved by ${request.approvedBy}`);
      if (request.requestedById === approval.approvedById) {
        throw new AppError('FORBIDDEN', 'nobody approves their own resume request: a different operator must approve it');
      }
      if (request.expired) throw new AppError('CONFLICT', 'this resume request has expired: request a resume again');
      const { command, isNew } = await commands.createOnce(
        { type: 'RESUME', strategyId: null, actor: approval.approvedBy, actorId: approval.approvedById, reason: approval.reason },
        approval.idempotencyKey,
      );
      if (!isNew) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different action: make a new key for each action');
      await tx.$executeRaw`
        INSERT INTO resume_approval (request_id, approved_by, approved_by_id, reason, command_id)
        VALUES (${approval.requestId}, ${approval.approvedBy}, ${approval.approvedById}, ${approval.reason}, ${command.id})`;
      return command;
    });
  }
}
