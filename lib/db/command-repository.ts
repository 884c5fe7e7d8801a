import type { Db } from './client';

export type CommandType = 'DEFENSIVE_EXIT' | 'RECOVER' | 'EMERGENCY_HALT' | 'RESUME';
export type CommandStatus = 'pending' | 'executing' | 'done' | 'rejected' | 'failed';

export interface CommandRecord {
  readonly id: bigint;
  readonly type: string;
  readonly strategyId: string | null;
  readonly actor: string;
  readonly reason: string;
  readonly status: string;
  readonly outcome: string | null;
}

export interface NewCommand {
  readonly type: CommandType;
  readonly strategyId: string | null;
  readonly actor: string;
  readonly reason: string;
}

/** Operator commands: any server writes them, the engine claims and executes them, the row is the audit trail. */
export class CommandRepository {
  constructor(private readonly db: Db) {}

  async create(command: NewCommand): Promise<CommandRecord> {
    return this.db.operatorCommand.create({ data: { ...command, status: 'pending' } });
  }

  async find(id: bigint): Promise<CommandRecord | null> {
    return this.db.operatorCommand.findUnique({ where: { id } });
  }

  /** Claims the oldest pending command; concurrent claimers never get the same one. */
  async claimNext(): Promise<CommandRecord | null> {
    const rows = await this.db.$queryRaw<CommandRecord[]>`
      UPDATE operator_command SET status = 'executing'
       WHERE id = (SELECT id FROM operator_command WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, type, strategy_id AS "strategyId", actor, reason, status, outcome`;
    return rows[0] ?? null;
  }

  async complete(id: bigint, status: Exclude<CommandStatus, 'pending' | 'executing'>, outcome: string): Promise<void> {
    await this.db.operatorCommand.update({ where: { id }, data: { status, outcome, completedAt: new Date() } });
  }

  /**
   * Fails the commands a stopped server left half-executed. Whether each took effect is in the strategy's
   * history; running it again blindly could act twice, so an operator decides.
   */
  async failInterrupted(): Promise<number> {
    return this.db.operatorCommand.updateMany({
      where: { status: 'executing' },
      data: {
        status: 'failed',
        outcome: 'interrupted: the server stopped while executing it; check the history before repeating it',
        completedAt: new Date(),
      },
    }).then((result) => result.count);
  }

  async recent(limit = 50): Promise<CommandRecord[]> {
    return this.db.operatorCommand.findMany({ orderBy: { id: 'desc' }, take: limit });
  }
}
