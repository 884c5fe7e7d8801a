import { MINUTE_MS } from '../domain/market/time';
import { serverContext, type ServerContext } from '../server/context';

/** Often enough that the log stays near its retention, rarely enough to cost nothing: one DELETE a minute per server. */
const PRUNE_EVERY_MS = MINUTE_MS;

type PruneContext = Pick<ServerContext, 'env' | 'repositories'>;

/** Removes the changes older than CHANGE_LOG_RETENTION_MINUTES at `now`; returns how many. */
export function pruneChangeLog({ env, repositories }: PruneContext = serverContext(), now: Date = new Date()): Promise<number> {
  return repositories.changeLog.prune(new Date(now.getTime() - env.CHANGE_LOG_RETENTION_MINUTES * MINUTE_MS));
}

/**
 * Prunes the change log now and every minute while this server runs; any number of servers may (a DELETE of rows
 * already gone removes nothing). A failure is logged and the next minute tries again.
 */
export function startPruningChangeLog(context: PruneContext & Pick<ServerContext, 'log'> = serverContext()): () => void {
  const prune = () => {
    pruneChangeLog(context).catch((error: unknown) => context.log.warn({ err: error }, 'change log not pruned'));
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
