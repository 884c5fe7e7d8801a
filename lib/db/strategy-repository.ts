import { AppError } from '../errors';
import type { Db } from './client';

export interface StrategyRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly settings: unknown;
  readonly state: string;
  readonly snapshot: unknown;
  readonly version: number;
  readonly stateSince: Date;
}

export interface TransitionWrite {
  readonly strategyId: string;
  /** The version the writer last read; the write is refused when the row has moved on. */
  readonly expectedVersion: number;
  readonly fromState: string;
  readonly toState: string;
  readonly snapshot: unknown;
  readonly eventType: string;
  readonly eventPayload: unknown;
  readonly actor: string;
  readonly reason: string | null;
  readonly marketTime: Date;
}

export interface NewStrategy {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly settings: unknown;
  readonly state: string;
  readonly snapshot: unknown;
  readonly marketTime: Date;
}

export interface RefusalWrite {
  readonly strategyId: string;
  readonly state: string;
  readonly eventType: string;
  readonly eventPayload: unknown;
  readonly actor: string;
  readonly reason: string;
  readonly marketTime: Date;
}

export interface ErrorWrite {
  readonly strategyId: string;
  readonly state: string;
  readonly type: string;
  readonly message: string;
  readonly context: unknown;
  readonly positionSnapshot: unknown;
  readonly marketTime: Date;
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

/** Strategies, their transitions, refusals and errors. The transition write is the engine's hot path. */
export class StrategyRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<StrategyRecord[]> {
    return this.db.strategy.findMany({ orderBy: { createdAt: 'asc' } });
  }

  async find(id: string): Promise<StrategyRecord | null> {
    return this.db.strategy.findUnique({ where: { id } });
  }

  /** Creates the strategy with its first history row (seq 1, from nothing), in one statement. */
  async create(strategy: NewStrategy): Promise<StrategyRecord> {
    const rows = await this.db.$queryRaw<StrategyRecord[]>`
      WITH s AS (
        INSERT INTO strategy (id, name, kind, settings, state, snapshot, version, state_since)
        VALUES (${strategy.id}, ${strategy.name}, ${strategy.kind}, ${json(strategy.settings)}::jsonb, ${strategy.state},
                ${json(strategy.snapshot)}::jsonb, 1, ${strategy.marketTime})
        RETURNING id, name, kind, settings, state, snapshot, version, state_since AS "stateSince"
      ), t AS (
        INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time)
        SELECT id, version, NULL, state, 'strategy.created', '{}'::jsonb, 'system', 'created', ${strategy.marketTime} FROM s
      )
      SELECT * FROM s`;
    const created = rows[0];
    if (!created) throw new Error(`strategy ${strategy.id} was not created`);
    return created;
  }

  /**
   * Appends the transition and moves the strategy row in one statement (one round trip, one transaction).
   * The row moves only from `expectedVersion`; otherwise nothing is written and STALE_VERSION is thrown.
   * The new version is the transition's sequence number, so sequence numbers have no gaps.
   */
  async recordTransition(write: TransitionWrite): Promise<number> {
    const rows = await this.db.$queryRaw<{ seq: number }[]>`
      WITH u AS (
        UPDATE strategy
           SET state = ${write.toState}, snapshot = ${json(write.snapshot)}::jsonb, version = version + 1,
               state_since = ${write.marketTime}, updated_at = now()
         WHERE id = ${write.strategyId} AND version = ${write.expectedVersion}
        RETURNING id, version
      )
      INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time)
      SELECT u.id, u.version, ${write.fromState}, ${write.toState}, ${write.eventType}, ${json(write.eventPayload)}::jsonb,
             ${write.actor}, ${write.reason}, ${write.marketTime}
        FROM u
      RETURNING seq`;
    const written = rows[0];
    if (!written) {
      throw new AppError(
        'STALE_VERSION',
        `strategy ${write.strategyId} is no longer at version ${write.expectedVersion}; the transition was not written`,
      );
    }
    return written.seq;
  }

  async recordRefusal(refusal: RefusalWrite): Promise<void> {
    await this.db.eventRefusal.create({
      data: { ...refusal, eventPayload: refusal.eventPayload ?? {} },
    });
  }

  async recordError(error: ErrorWrite): Promise<void> {
    await this.db.strategyError.create({
      data: { ...error, context: error.context ?? {}, positionSnapshot: error.positionSnapshot ?? undefined },
    });
  }

  async transitions(strategyId: string, limit = 200) {
    return this.db.transition.findMany({ where: { strategyId }, orderBy: { seq: 'desc' }, take: limit });
  }

  async errors(strategyId: string, limit = 100) {
    return this.db.strategyError.findMany({ where: { strategyId }, orderBy: { id: 'desc' }, take: limit });
  }

  async refusals(strategyId: string, limit = 100) {
    return this.db.eventRefusal.findMany({ where: { strategyId }, orderBy: { id: 'desc' }, take: limit });
  }

  /** The latest market time any transition was stored at, so a restarted clock never runs behind history. */
  async latestMarketTime(): Promise<Date | null> {
    const latest = await this.db.transition.aggregate({ _max: { marketTime: true } });
    return latest._max.marketTime;
  }
}
