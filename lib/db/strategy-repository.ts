import { z } from 'zod';
import type { StrategyView } from '../domain/coordinator';
import type {
  ErrorWrite,
  NewStrategy,
  RefusalWrite,
  StrategyPause,
  StrategyRecord,
  StrategyStore,
  TransitionWrite,
  TransitionWriteResult,
} from '../engine/ports';
import { parseStoredSnapshot } from '../domain/strategies/lifecycle/stored-snapshot';
import pg from 'pg';
import { SYSTEM_MODES, type SystemMode } from '../domain/system-mode';
import { AppError, transitionRefused } from '../errors';
import { sqlPool, type Db } from './client';
import { Prisma } from './generated/client';
import { fenceHolds } from './lease-repository';

const json = (value: unknown): string => JSON.stringify(value ?? null);

/** Several strategies' transitions in one statement, from one JSON array of writes ($1); see recordTransitions. */
const RECORD_TRANSITIONS = `
      WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
          ord int, strategy_id text, expected_version int, from_state text, to_state text, snapshot jsonb, event_type text,
          event_payload jsonb, actor text, reason text, market_time timestamptz, lease_name text, lease_token bigint)
      ),
      checked AS (
        SELECT i.*, (i.lease_name IS NULL OR EXISTS (
                 SELECT 1 FROM lease l WHERE l.name = i.lease_name AND l.token = i.lease_token AND l.expires_at > now())) AS held
          FROM input i
      ),
      u AS (
        UPDATE strategy s
           SET state = c.to_state, snapshot = c.snapshot, version = s.version + 1, state_since = c.market_time, updated_at = now()
          FROM checked c
         WHERE s.id = c.strategy_id AND s.version = c.expected_version AND c.held
        RETURNING s.id, s.version
      ), t AS (
        INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time, lease_token)
        SELECT u.id, u.version, c.from_state, c.to_state, c.event_type, c.event_payload, c.actor, c.reason, c.market_time, c.lease_token
          FROM u JOIN checked c ON c.strategy_id = u.id
        RETURNING strategy_id, seq
      )
      SELECT c.ord, c.held, t.seq FROM checked c LEFT JOIN t ON t.strategy_id = c.strategy_id ORDER BY c.ord`;

interface WaitingWrite {
  readonly write: TransitionWrite;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Statements of single transitions in flight at once, each on its own connection. Two: while one statement executes,
 * the other's commit waits its turn (PostgreSQL serialises the commits of notifying transactions), so the server's two
 * cores both work; measured on such a machine, two streams carried 1.2x to 1.5x the transitions of one at 4 and 16
 * writers, and more streams of smaller batches carried fewer.
 */
const WRITE_STREAMS = 2;

/**
 * Removes and returns at most `limit` waiting writes, the oldest of each strategy without a write in flight: one
 * statement moves a strategy once, and a strategy's next write waits for its last to commit.
 */
function takeBatch(waiting: WaitingWrite[], inFlight: ReadonlySet<string>, limit: number): WaitingWrite[] {
  const taken: WaitingWrite[] = [];
  const strategies = new Set<string>(inFlight);
  for (let index = 0; index < waiting.length && taken.length < limit; ) {
    const next = waiting[index]!;
    if (strategies.has(next.write.strategyId)) {
      index += 1;
      continue;
    }
    strategies.add(next.write.strategyId);
    taken.push(next);
    waiting.splice(index, 1);
  }
  return taken;
}

/**
 * A transition in one statement: the version-checked update of the strategy, only while the fence holds (the lease
 * `$1` with token `$2` in force, by the database's clock, or no lease in play), and the appended row; returns the
 * row's seq, or no row when nothing was written (then FENCE_HOLDS tells which check failed). The engine's hottest
 * statement: a named prepared statement, and nothing else in it (an outer SELECT saying which check failed cost
 * about a fifth more of the server's time on every write, for a case that is rare).
 */
const RECORD_TRANSITION = `
  WITH u AS (
    UPDATE strategy
       SET state = $5::text, snapshot = $6::jsonb, version = version + 1, state_since = $7::timestamptz, updated_at = now()
     WHERE id = $3::text AND version = $4::int
       AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM lease WHERE name = $1::text AND token = $2::bigint AND expires_at > now()))
    RETURNING id, version
  )
  INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time, lease_token)
  SELECT u.id, u.version, $8::text, $5::text, $9::text, $10::jsonb, $11::text, $12::text, $7::timestamptz, $2::bigint FROM u
  RETURNING seq`;

/** Whether the lease `$1` with token `$2` is in force now: asked only after a transition wrote nothing. */
const FENCE_HOLDS = `SELECT EXISTS (SELECT 1 FROM lease WHERE name = $1::text AND token = $2::bigint AND expires_at > now()) AS held`;

const SELECTED = {
  id: true,
  name: true,
  kind: true,
  settings: true,
  state: true,
  snapshot: true,
  version: true,
  stateSince: true,
  pausedBy: true,
  pauseReason: true,
  pausedAt: true,
} as const;

/** The history's columns the pages show; the JSON payloads and contexts stay in the database (the audit reads them). */
const HISTORY_ROW = {
  transition: { seq: true, fromState: true, toState: true, eventType: true, actor: true, reason: true, marketTime: true, wallTime: true },
  error: { id: true, state: true, type: true, message: true, marketTime: true, wallTime: true },
  refusal: { id: true, state: true, eventType: true, actor: true, reason: true, marketTime: true, wallTime: true },
} as const;

/**
 * What a transition of strategy `$1` changed on its page, in one statement (one round trip, one snapshot, so the
 * strategy's version and its newest transition agree): the strategy's row, every strategy as the coordinator sees it,
 * the trading mode, the market clock's bar, and at most `$3` of its transitions after seq `$2`, newest first.
 */
const LIVE_CHANGE = `
  SELECT s.id, s.name, s.kind, s.settings, s.state, s.snapshot, s.version, s.state_since AS "stateSince",
         s.paused_by AS "pausedBy", s.pause_reason AS "pauseReason", s.paused_at AS "pausedAt",
         (SELECT json_agg(json_build_object('id', v.id, 'name', v.name, 'kind', v.kind, 'state', v.state,
                                            'pausedBy', v.paused_by, 'pauseReason', v.pause_reason, 'pausedAt', v.paused_at)
                          ORDER BY v.created_at)
            FROM strategy v) AS views,
         (SELECT mode FROM system_state WHERE id = 1) AS mode,
         (SELECT state FROM market_clock WHERE id = 1) AS bar,
         (SELECT coalesce(json_agg(t ORDER BY t.seq DESC), '[]')
            FROM (SELECT seq, from_state AS "fromState", to_state AS "toState", event_type AS "eventType", actor, reason,
                         market_time AS "marketTime", wall_time AS "wallTime"
                    FROM transition WHERE strategy_id = s.id AND seq > $2::int ORDER BY seq DESC LIMIT $3::int) t) AS transitions
    FROM strategy s
   WHERE s.id = $1::text`;

const liveChangeSchema = z.object({
  views: z.array(
    z.object({ id: z.string(), name: z.string(), kind: z.string(), state: z.string(), pausedBy: z.string().nullable(), pauseReason: z.string().nullable(), pausedAt: z.string().nullable() }),
  ),
  mode: z.enum(SYSTEM_MODES).nullable(),
  bar: z.unknown(),
  transitions: z.array(
    z.object({
      seq: z.number(),
      fromState: z.string().nullable(),
      toState: z.string(),
      eventType: z.string(),
      actor: z.string(),
      reason: z.string().nullable(),
      marketTime: z.coerce.date(),
      wallTime: z.coerce.date(),
    }),
  ),
});

/** What a transition changed on its strategy's page, read in one statement (StrategyRepository.liveChange). */
export interface StrategyLiveChange {
  readonly record: StrategyRecord;
  readonly views: StrategyView[];
  /** Null on a database no server has started on yet (no system_state row). */
  readonly mode: SystemMode | null;
  /** The market clock's stored bar, unparsed; null before the first start. */
  readonly bar: unknown;
  /** Newest first. */
  readonly transitions: { seq: number; fromState: string | null; toState: string; eventType: string; actor: string; reason: string | null; marketTime: Date; wallTime: Date }[];
}

type StrategyRow = Omit<StrategyRecord, 'snapshot' | 'pause'> & {
  snapshot: unknown;
  pausedBy: string | null;
  pauseReason: string | null;
  pausedAt: Date | null;
};

/** A strategy row with its snapshot checked: a row that is not a strategy snapshot fails here, naming the strategy. */
function toRecord({ pausedBy, pauseReason, pausedAt, ...row }: StrategyRow): StrategyRecord {
  const pause = pausedBy !== null && pausedAt !== null ? { actor: pausedBy, reason: pauseReason ?? '', since: pausedAt } : null;
  return { ...row, snapshot: parseStoredSnapshot(row.id, row.snapshot), pause };
}

/** Strategies, their transitions, refusals and errors. The transition write is the engine's hot path. */
export class StrategyRepository implements StrategyStore {
  /** The client, or an open transaction (the defaults are created in one). */
  constructor(private readonly db: Db | Prisma.TransactionClient) {}

  async list(): Promise<StrategyRecord[]> {
    const rows = await this.db.strategy.findMany({ orderBy: { createdAt: 'asc' }, select: SELECTED });
    return rows.map(toRecord);
  }

  /**
   * Every strategy as the coordinator sees it (id, name, kind, state, pause), without its snapshot or settings: what
   * one strategy's entry permit depends on, light enough to read on every change.
   */
  async views(): Promise<StrategyView[]> {
    const rows = await this.db.strategy.findMany({
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, kind: true, state: true, pausedBy: true, pauseReason: true, pausedAt: true },
    });
    return rows.map(({ pausedBy, pauseReason, pausedAt, ...row }) => ({
      ...row,
      pause: pausedBy !== null && pausedAt !== null ? { actor: pausedBy, reason: pauseReason ?? '' } : null,
    }));
  }

  async find(id: string): Promise<StrategyRecord | null> {
    const row = await this.db.strategy.findUnique({ where: { id }, select: SELECTED });
    return row && toRecord(row);
  }

  /** Creates the strategy with its first history row (seq 1, from nothing), in one statement. */
  async create(strategy: NewStrategy): Promise<StrategyRecord> {
    const created = await this.insert(strategy, false);
    if (!created) throw new Error(`strategy ${strategy.id} was not created`);
    return created;
  }

  async createAllIfAbsent(strategies: readonly NewStrategy[]): Promise<StrategyRecord[]> {
    return this.db.$transaction(async (tx) => {
      const repository = new StrategyRepository(tx);
      const records: StrategyRecord[] = [];
      for (const strategy of strategies) {
        // A server that got there first has them: wait for its transaction, then read what it stored.
        const record = (await repository.insert(strategy, true)) ?? (await repository.find(strategy.id));
        if (!record) throw new Error(`strategy ${strategy.id} neither created nor found`);
        records.push(record);
      }
      return records;
    });
  }

  /** The strategy and its creation row in one statement; with `ifAbsent`, nothing (and null) when the id is taken. */
  private async insert(strategy: NewStrategy, ifAbsent: boolean): Promise<StrategyRecord | null> {
    const onConflict = ifAbsent ? Prisma.sql`ON CONFLICT (id) DO NOTHING` : Prisma.empty;
    const rows = await this.db.$queryRaw<StrategyRow[]>`
      WITH s AS (
        INSERT INTO strategy (id, name, kind, settings, state, snapshot, version, state_since)
        VALUES (${strategy.id}, ${strategy.name}, ${strategy.kind}, ${json(strategy.settings)}::jsonb, ${strategy.state},
                ${json(strategy.snapshot)}::jsonb, 1, ${strategy.marketTime})
        ${onConflict}
        RETURNING id, name, kind, settings, state, snapshot, version, state_since AS "stateSince",
                  paused_by AS "pausedBy", pause_reason AS "pauseReason", paused_at AS "pausedAt"
      ), t AS (
        INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time)
        SELECT id, version, NULL, state, 'strategy.created', '{}'::jsonb, 'system', 'created', ${strategy.marketTime} FROM s
      )
      SELECT * FROM s`;
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Appends the transition and moves the strategy row in one statement (one round trip, one transaction).
   * The row moves only from `expectedVersion` and only while the write's lease is in force (checked in the same
   * statement, by the database's clock); otherwise nothing is written and STALE_VERSION or FENCED is thrown.
   * The new version is the transition's sequence number, so sequence numbers have no gaps.
   *
   * A group commit: a write arriving while no statement is in flight goes at once (no timer, no added turn of the event
   * loop), together with the writes handed in before the microtasks already queued have run (a synchronous burst, or
   * the writers woken by the same commit). Writes go in at most WRITE_STREAMS statements in flight at once, each
   * taking its share of what is waiting (one statement, one round trip, one commit for several strategies, at most one
   * per strategy); a slow write (a locked row) holds up only its own stream. Each resolves with its new version once
   * its statement has committed, or rejects as a single write would: FENCED or STALE_VERSION for its own row only.
   */
  recordTransition(write: TransitionWrite): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
      // A stream between statements picks the write up; when every stream is executing, another starts (up to the limit).
      if (this.streams === this.executing && !this.inFlight.has(write.strategyId)) this.startStream();
    });
  }

  private readonly waiting: WaitingWrite[] = [];
  /** Streams running (each holding a connection while writes keep coming), and how many of them have a statement in flight. */
  private streams = 0;
  private executing = 0;
  /** Strategies with a write in a statement in flight. */
  private readonly inFlight = new Set<string>();

  private startStream(): void {
    if (this.streams >= WRITE_STREAMS) return;
    this.streams += 1;
    // Started after the microtasks already queued, not in a later turn (no timer, no I/O hop): the writers woken by
    // the same commit, and the writes of one synchronous burst, go together.
    queueMicrotask(() => void this.writeWaiting());
  }

  /**
   * One stream: writes what is waiting, on one connection taken from the pool for as long as writes keep coming (a
   * writer woken by its commit hands in its next write before this loop looks again), not one checkout per write.
   */
  private async writeWaiting(): Promise<void> {
    let connection: pg.PoolClient | null = null;
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    try {
      connection = await sqlPool(this.db).connect();
      connection.on('error', onError);
      for (;;) {
        // An equal share for each stream that could take writes now (this one and those not executing).
        const share = Math.ceil(this.takeableStrategies() / (WRITE_STREAMS - this.executing));
        const batch = takeBatch(this.waiting, this.inFlight, share);
        if (batch.length === 0) break;
        this.executing += 1;
        for (const { write } of batch) this.inFlight.add(write.strategyId);
        if (this.streams === this.executing && this.hasTakeableWrite()) this.startStream();
        try {
          if (batch.length === 1) {
            const [{ write, resolve }] = batch as [WaitingWrite];
            resolve(await this.writeOne(connection, write));
          } else {
            const results = await this.writeMany(connection, batch.map(({ write }) => write));
            batch.forEach(({ write, resolve, reject }, index) => {
              const result = results[index]!;
              if ('seq' in result) resolve(result.seq);
              else reject(transitionRefused(write, result.refused));
            });
          }
        } catch (error) {
          // A refusal or the database's answer to a statement leaves the connection as it was; a FATAL answer (the
          // session ended) or anything else may have broken it.
          const answered = error instanceof AppError || (error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC');
          if (!answered) broken ??= error as Error;
          for (const { reject } of batch) reject(error);
        } finally {
          this.executing -= 1;
          for (const { write } of batch) this.inFlight.delete(write.strategyId);
        }
        if (broken) break;
        // One microtask: a writer woken by this commit that writes again at once is waiting when the loop looks.
        await Promise.resolve();
      }
    } catch (error) {
      // No connection: what is waiting fails with the pool's error.
      for (const { reject } of this.waiting.splice(0)) reject(error);
    } finally {
      // A broken connection may still report its end: it keeps a listener, so that report is not an uncaught error.
      if (!broken) connection?.off('error', onError);
      connection?.release(broken);
      this.streams -= 1;
      // Writes handed in while this stream was ending (a broken connection given back, a strategy's next write that
      // waited for its last) go on a new one when no other stream will take them.
      if (this.streams === this.executing && this.hasTakeableWrite()) this.startStream();
    }
  }

  /** Whether a write is waiting whose strategy has none in flight. */
  private hasTakeableWrite(): boolean {
    return this.waiting.some(({ write }) => !this.inFlight.has(write.strategyId));
  }

  /** How many strategies have a write waiting and none in flight: what one statement could take now. */
  private takeableStrategies(): number {
    return new Set(this.waiting.map(({ write }) => write.strategyId).filter((id) => !this.inFlight.has(id))).size;
  }

  private async writeOne(connection: pg.ClientBase, write: TransitionWrite): Promise<number> {
    const lease = write.fence ? [write.fence.name, write.fence.token.toString()] : [null, null];
    const { rows } = await connection.query<[number]>({
      name: 'record-transition',
      text: RECORD_TRANSITION,
      rowMode: 'array',
      values: [
        ...lease,
        write.strategyId,
        write.expectedVersion,
        write.toState,
        json(write.snapshot),
        write.marketTime.toISOString(),
        write.fromState,
        write.eventType,
        json(write.eventPayload),
        write.actor,
        write.reason,
      ],
    });
    if (rows[0]) return rows[0][0];
    // Nothing written: the version moved, or the fence did not hold. The fence is asked afresh; a lease that lapsed
    // since is FENCED either way (this server holds it no longer), and one renewed under the same token since may be
    // written under again, after a reload.
    if (!write.fence) throw transitionRefused(write, 'STALE_VERSION');
    const fence = await connection.query<{ held: boolean }>({ name: 'fence-holds', text: FENCE_HOLDS, values: lease });
    throw transitionRefused(write, fence.rows[0]?.held ? 'STALE_VERSION' : 'FENCED');
  }

  /**
   * As `recordTransition` for several strategies in one statement (one round trip, one commit): each row moves only
   * from its expected version and under its own fence, and the others are written whatever becomes of it.
   */
  async recordTransitions(writes: readonly TransitionWrite[]): Promise<TransitionWriteResult[]> {
    if (writes.length === 0) return [];
    return this.writeMany(sqlPool(this.db), writes);
  }

  private async writeMany(connection: pg.Pool | pg.ClientBase, writes: readonly TransitionWrite[]): Promise<TransitionWriteResult[]> {
    const input = writes.map((write, index) => ({
      ord: index,
      strategy_id: write.strategyId,
      expected_version: write.expectedVersion,
      from_state: write.fromState,
      to_state: write.toState,
      snapshot: write.snapshot ?? null,
      event_type: write.eventType,
      event_payload: write.eventPayload ?? null,
      actor: write.actor,
      reason: write.reason,
      market_time: write.marketTime.toISOString(),
      lease_name: write.fence?.name ?? null,
      lease_token: write.fence?.token.toString() ?? null,
    }));
    const { rows } = await connection.query<{ ord: number; held: boolean; seq: number | null }>({
      name: 'record-transitions',
      text: RECORD_TRANSITIONS,
      values: [json(input)],
    });
    return rows.map(({ held, seq }): TransitionWriteResult => {
      if (!held) return { refused: 'FENCED' };
      return seq === null ? { refused: 'STALE_VERSION' } : { seq };
    });
  }

  async setPause(id: string, pause: StrategyPause | null): Promise<void> {
    await this.db.strategy.update({
      where: { id },
      data: { pausedBy: pause?.actor ?? null, pauseReason: pause?.reason ?? null, pausedAt: pause?.since ?? null },
    });
  }

  async recordRefusal({ fence, ...refusal }: RefusalWrite): Promise<boolean> {
    const written = await this.db.$executeRaw`
      INSERT INTO event_refusal (strategy_id, state, event_type, event_payload, actor, reason, market_time)
      SELECT ${refusal.strategyId}, ${refusal.state}, ${refusal.eventType}, ${json(refusal.eventPayload ?? {})}::jsonb,
             ${refusal.actor}, ${refusal.reason}, ${refusal.marketTime}
       WHERE ${fenceHolds(fence)}`;
    return written === 1;
  }

  async recordError({ fence, ...error }: ErrorWrite): Promise<boolean> {
    const written = await this.db.$executeRaw`
      INSERT INTO strategy_error (strategy_id, state, type, message, context, position_snapshot, market_time)
      SELECT ${error.strategyId}, ${error.state}, ${error.type}, ${error.message}, ${json(error.context ?? {})}::jsonb,
             ${error.positionSnapshot === undefined || error.positionSnapshot === null ? null : json(error.positionSnapshot)}::jsonb, ${error.marketTime}
       WHERE ${fenceHolds(fence)}`;
    return written === 1;
  }

  /** The latest transitions after `afterSeq`, newest first, without their payloads (what the pages show). */
  /**
   * What a transition of `strategyId` changed on its page (LIVE_CHANGE): read once per change by each server, for every
   * stream it sends the change to. Null when there is no such strategy.
   */
  async liveChange(strategyId: string, { afterSeq, limit }: { afterSeq: number; limit: number }): Promise<StrategyLiveChange | null> {
    const { rows } = await sqlPool(this.db).query<StrategyRow & { views: unknown; mode: unknown; bar: unknown; transitions: unknown }>({
      name: 'live-strategy-change',
      text: LIVE_CHANGE,
      values: [strategyId, afterSeq, limit],
    });
    const row = rows[0];
    if (!row) return null;
    const { views, mode, bar, transitions } = liveChangeSchema.parse(row);
    const { id, name, kind, settings, state, snapshot, version, stateSince, pausedBy, pauseReason, pausedAt } = row;
    return {
      record: toRecord({ id, name, kind, settings, state, snapshot, version, stateSince, pausedBy, pauseReason, pausedAt }),
      views: views.map(({ pausedBy, pauseReason, pausedAt, ...view }) => ({
        ...view,
        pause: pausedBy !== null && pausedAt !== null ? { actor: pausedBy, reason: pauseReason ?? '' } : null,
      })),
      mode,
      bar: bar ?? null,
      transitions,
    };
  }

  async transitions(strategyId: string, { afterSeq = 0, limit = 200 }: { afterSeq?: number; limit?: number } = {}) {
    return this.db.transition.findMany({
      where: { strategyId, seq: { gt: afterSeq } },
      orderBy: { seq: 'desc' },
      take: limit,
      select: HISTORY_ROW.transition,
    });
  }

  async errors(strategyId: string, limit = 100) {
    return this.db.strategyError.findMany({ where: { strategyId }, orderBy: { id: 'desc' }, take: limit, select: HISTORY_ROW.error });
  }

  async refusals(strategyId: string, limit = 100) {
    return this.db.eventRefusal.findMany({ where: { strategyId }, orderBy: { id: 'desc' }, take: limit, select: HISTORY_ROW.refusal });
  }

  /** The latest market time any transition was stored at, so a restarted clock never runs behind history. */
  async latestMarketTime(): Promise<Date | null> {
    const latest = await this.db.transition.aggregate({ _max: { marketTime: true } });
    return latest._max.marketTime;
  }
}
