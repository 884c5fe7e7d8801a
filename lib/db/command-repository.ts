import { z } from 'zod';
import { COMMAND_STATUSES, COMMAND_TYPES, type CommandClaimer, type CommandRecord, type CommandStore, type NewCommand } from '../engine/ports';
import type { Db } from './client';
import { Prisma } from './generated/client';

/** A command row as read: its type and status are checked, not assumed. */
const commandRowSchema = z.object({
  id: z.bigint(),
  type: z.enum(COMMAND_TYPES),
  strategyId: z.string().nullable(),
  actor: z.string(),
  reason: z.string(),
  status: z.enum(COMMAND_STATUSES),
  outcome: z.string().nullable(),
  outcomeCode: z.string().nullable(),
  previewFingerprint: z.string().nullable(),
});

const SELECTED = { id: true, type: true, strategyId: true, actor: true, reason: true, status: true, outcome: true, outcomeCode: true, previewFingerprint: true } as const;

/** The same columns, as raw statements return them. */
const RETURNED = Prisma.sql`id, type, strategy_id AS "strategyId", actor, reason, status, outcome, outcome_code AS "outcomeCode", preview_fingerprint AS "previewFingerprint"`;

const toRecord = (row: unknown): CommandRecord => commandRowSchema.parse(row);

/** The lease a command belongs to, in SQL over `c`: its strategy's, or the clock's for a system-wide command. */
const COMMAND_LEASE = Prisma.sql`COALESCE('strategy:' || c.strategy_id, 'clock')`;

/** Operator commands: any server writes them, the engine claims and executes them, the row is the audit trail. */
export class CommandRepository implements CommandStore {
  /** The client, or an open transaction when a command must commit with other writes (a resume's approval). */
  constructor(private readonly db: Db | Prisma.TransactionClient) {}

  async create(command: NewCommand): Promise<CommandRecord> {
    return toRecord(await this.db.operatorCommand.create({ data: { ...command, status: 'pending' }, select: SELECTED }));
  }

  /**
   * Creates the command unless one with `idempotencyKey` exists, in one statement: concurrent requests
   * with one key make one command (the others wait for the first to commit, then read it).
   */
  async createOnce(command: NewCommand, idempotencyKey: string): Promise<{ command: CommandRecord; actorId: string | null; isNew: boolean }> {
    const inserted = await this.db.$queryRaw<unknown[]>`
      INSERT INTO operator_command (type, strategy_id, actor, actor_id, reason, status, idempotency_key, preview_fingerprint)
      VALUES (${command.type}, ${command.strategyId}, ${command.actor}, ${command.actorId ?? null}, ${command.reason}, 'pending', ${idempotencyKey},
              ${command.previewFingerprint ?? null})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING ${RETURNED}`;
    if (inserted[0] !== undefined) return { command: toRecord(inserted[0]), actorId: command.actorId ?? null, isNew: true };
    const existing = await this.db.operatorCommand.findUnique({ where: { idempotencyKey }, select: { ...SELECTED, actorId: true } });
    if (!existing) throw new Error(`command with idempotency key ${idempotencyKey} neither inserted nor found`);
    const { actorId, ...record } = existing;
    return { command: toRecord(record), actorId, isNew: false };
  }

  async find(id: bigint): Promise<CommandRecord | null> {
    const row = await this.db.operatorCommand.findUnique({ where: { id }, select: SELECTED });
    return row && toRecord(row);
  }

  /**
   * The oldest pending command the claimer may execute, marked executing by it. With `leased`, only a command
   * whose lease it holds now: a strategy's command goes to the server running the strategy, a system-wide one to
   * the clock's; commands for a strategy nobody holds yet wait for the server that takes it.
   */
  async claimNext({ executor, leased }: CommandClaimer): Promise<CommandRecord | null> {
    const mine = leased
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM lease l WHERE l.name = ${COMMAND_LEASE} AND l.holder = ${executor} AND l.expires_at > now())`
      : Prisma.empty;
    const rows = await this.db.$queryRaw<unknown[]>`
      UPDATE operator_command SET status = 'executing', executor = ${executor}
       WHERE id = (SELECT c.id FROM operator_command c WHERE c.status = 'pending' ${mine} ORDER BY c.id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${RETURNED}`;
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  /** Settles the command, if it is still the executor's: one that a takeover failed meanwhile keeps that outcome. */
  async complete(id: bigint, executor: string, status: 'done' | 'rejected' | 'failed', outcome: string, outcomeCode: string | null = null): Promise<void> {
    await this.db.operatorCommand.updateMany({ where: { id, executor, status: 'executing' }, data: { status, outcome, outcomeCode, completedAt: new Date() } });
  }

  /**
   * Fails the commands a server left half-executed: it stopped, or lost the command's lease. Whether each took
   * effect is in the strategy's history; running it again blindly could act twice, so an operator decides.
   */
  async failInterrupted({ executor, leased }: CommandClaimer): Promise<number> {
    const abandoned = leased
      ? Prisma.sql`NOT EXISTS (SELECT 1 FROM lease l WHERE l.name = ${COMMAND_LEASE} AND l.holder = c.executor AND l.expires_at > now())`
      : Prisma.sql`c.executor IS DISTINCT FROM ${executor}`;
    return this.db.$executeRaw`
      UPDATE operator_command c
         SET status = 'failed', completed_at = now(),
             outcome = 'interrupted: the server executing it stopped or lost its lease; check the history before repeating it'
       WHERE c.status = 'executing' AND ${abandoned}`;
  }

  /** The latest commands, newest first, with when they were given and settled. */
  async recent(limit = 20): Promise<(CommandRecord & { createdAt: Date; completedAt: Date | null })[]> {
    const rows = await this.db.operatorCommand.findMany({
      orderBy: { id: 'desc' },
      take: limit,
      select: { ...SELECTED, createdAt: true, completedAt: true },
    });
    return rows.map(({ createdAt, completedAt, ...row }) => ({ ...toRecord(row), createdAt, completedAt }));
  }
}
