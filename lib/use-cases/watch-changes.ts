import type { LiveChange } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { liveChanges, type LiveChangeFeed } from './live-changes';

/**
 * What a stream of changes sends, in order. Every event carries a change id for the stream to resume from:
 * `change`, the change itself; `reload`, re-read everything, after which the changes from `changeId` on follow.
 */
export type StreamEvent = { readonly kind: 'change'; readonly change: LiveChange } | { readonly kind: 'reload'; readonly changeId: string };

/** What watching needs of the server: its live changes (its LISTEN hub's, with their data) and the change log. */
interface WatchContext {
  readonly hub: LiveChangeFeed;
  readonly repositories: { readonly changeLog: Pick<ServerContext['repositories']['changeLog'], 'changesAfter' | 'latestId'> };
}

/** The id to resume from when no change is kept: never logged, so a stream resumed from it is sent `reload`. */
const NO_CHANGE = '0';

export interface WatchChangesOptions {
  /** The last change the caller saw (`Last-Event-ID`), or null for a new stream. */
  readonly afterChangeId: string | null;
  /** The strategy whose page the caller shows, whose transitions it is sent with their data; null for none. */
  readonly watching: string | null;
  readonly send: (event: StreamEvent) => void;
}

/**
 * Every stored change, until the returned function is called, those heard live as live-changes sends them (the
 * transitions of the strategy the caller watches with their data). A caller back from a gap is first sent what it
 * missed (from `change_log`); one whose change is no longer kept, a new caller, and every caller after this process
 * lost its LISTEN connection (announcements were lost with it) are sent `reload`.
 *
 * Nothing is lost or reordered between the replay and the live changes: listening starts first and buffers while
 * the log is read, then the buffer is sent without the changes the replay already sent (after a `reload`, not at
 * all: the page re-reads everything after it). A change is an idempotent "this is stale", so sending one twice costs
 * a refetch: the replay also sends the few changes written before `afterChangeId` whose transactions were still
 * open then (ids are handed out at insert, commits land in any order).
 */
export async function watchChanges(
  { afterChangeId, watching, send }: WatchChangesOptions,
  { hub, repositories }: WatchContext = { hub: liveChanges(), repositories: serverContext().repositories },
): Promise<() => void> {
  let buffered: LiveChange[] | null = [];
  const reload = async () => send({ kind: 'reload', changeId: (await repositories.changeLog.latestId()) ?? NO_CHANGE });
  const unsubscribe = await hub.subscribe({
    watching,
    onChange: (change) => {
      if (buffered) buffered.push(change);
      else send({ kind: 'change', change });
    },
    // Without the log's head the page still re-reads; its next reconnect is then sent `reload` too.
    onReconnect: () => void reload().catch(() => send({ kind: 'reload', changeId: NO_CHANGE })),
  });
  try {
    const missed = afterChangeId === null ? null : await repositories.changeLog.changesAfter(afterChangeId);
    if (missed === null) {
      // The page re-reads everything after `reload`, so every change heard before it was sent is covered.
      await reload();
      buffered = null;
      return unsubscribe;
    }
    for (const change of missed) send({ kind: 'change', change });
    const replayed = new Set(missed.map((change) => change.changeId));
    const heard = buffered;
    buffered = null;
    for (const change of heard) if (!replayed.has(change.changeId)) send({ kind: 'change', change });
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return unsubscribe;
}
