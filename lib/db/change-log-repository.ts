import { z } from 'zod';
import { loggedChangeSchema, type LoggedChange } from '../domain/change-event';
import type { Db } from './client';

const headSchema = z.object({ changeId: z.string().nullable() });
const prunedSchema = z.object({ pruned: z.number() });

/**
 * The changes after `$1`, in id order, with `$1` itself first when it is still kept: without it, what came after
 * cannot be vouched for. Also the earlier changes whose transactions were still open when `$1` was written (not
 * visible in its snapshot, and not its own transaction): they may have committed after it, unseen by whoever saw it.
 */
const CHANGES_FROM = `
  WITH seen AS (SELECT id, xact, snapshot FROM change_log WHERE id = $1::bigint)
  SELECT c.id::text AS "changeId", c.table_name AS "table", c.strategy_id AS "strategyId"
    FROM change_log c, seen
   WHERE c.id >= seen.id OR (c.xact <> seen.xact AND NOT pg_visible_in_snapshot(c.xact, seen.snapshot))
   ORDER BY c.id`;

/** Oldest ids first, so that a kept change has every later one kept with it. */
const PRUNE = `
  WITH pruned AS (
    DELETE FROM change_log WHERE id <= (SELECT max(id) FROM change_log WHERE recorded_at < $1::timestamptz) RETURNING 1
  )
  SELECT count(*)::int AS pruned FROM pruned`;

/**
 * `change_log`: every announced change for a bounded time (the triggers of 20261202151000_change_log write it), so
 * that a stream that lost its connection can be sent what it missed.
 */
export class ChangeLogRepository {
  constructor(private readonly db: Db) {}

  /**
   * What was logged after the change `afterId`, oldest first (with the few earlier changes that may have committed
   * after it: replaying one twice is harmless), or null when `afterId` is no longer kept or was never logged, or
   * when a change names a table this code does not know (a newer server's): then only re-reading everything is sure.
   */
  async changesAfter(afterId: string): Promise<LoggedChange[] | null> {
    const rows = (await this.db.$queryRawUnsafe<unknown[]>(CHANGES_FROM, afterId)).map((row) => loggedChangeSchema.safeParse(row));
    const changes = rows.flatMap((row) => (row.success ? [row.data] : []));
    const isKept = changes.some((change) => change.changeId === afterId);
    return isKept && changes.length === rows.length ? changes.filter((change) => change.changeId !== afterId) : null;
  }

  /** The id of the newest change logged, or null when none is kept. */
  async latestId(): Promise<string | null> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`SELECT max(id)::text AS "changeId" FROM change_log`);
    return headSchema.parse(rows[0]).changeId;
  }

  /** Removes the changes recorded before `cutoff`; returns how many. */
  async prune(cutoff: Date): Promise<number> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(PRUNE, cutoff);
    return prunedSchema.parse(rows[0]).pruned;
  }
}
