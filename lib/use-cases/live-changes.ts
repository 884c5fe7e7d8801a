import type { LiveChange, LoggedChange, StrategyChange } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { readStrategyChange } from './read-strategy-update';

/** At most this many transitions ride on one change; a page further behind re-reads. */
export const LIVE_TRANSITIONS_LIMIT = 20;

/** Where changes come from: the process's LISTEN hub. */
export interface ChangeSource {
  subscribe(listener: (change: LoggedChange) => void, onReconnect?: () => void): Promise<() => void>;
}

/** What one stream of changes wants: every change, and the data of the one strategy its page shows (null: none). */
export interface LiveChangeListener {
  readonly onChange: (change: LiveChange) => void;
  readonly onReconnect?: () => void;
  readonly watching: string | null;
}

/** The hub's changes, each transition of a watched strategy with its data for the streams watching it. */
export interface LiveChangeFeed {
  subscribe(listener: LiveChangeListener): Promise<() => void>;
}

/** Reads what a transition of one strategy changed (readStrategyChange); null when the strategy is gone. */
export type ReadStrategyChange = (strategyId: string, range: { afterSeq: number; limit: number }) => Promise<StrategyChange | null>;

/** Calls every listener, so that one that throws (a stream closing under it) cannot keep the change from the others. */
function each(listeners: Iterable<LiveChangeListener>, call: (listener: LiveChangeListener) => void): void {
  for (const listener of listeners) {
    try {
      call(listener);
    } catch {
      // that stream's own cleanup runs on its close
    }
  }
}

/**
 * The hub's changes, sent to every stream. A stream that shows one strategy's page (`watching`) is sent that
 * strategy's transitions with what they changed (StrategyChange), read once per process however many streams watch
 * it, so its page needs no round trip to show them; every other change, and every change to a stream that watches
 * none (the overview, which re-reads its one summary), goes bare. Only what a page shows is read: a transition of a
 * strategy no stream watches is not.
 *
 * Order: every stream is sent the changes in the order heard (a stream resumes after the last id it was sent, so none
 * may overtake another). A change is sent as it is heard unless a read is in flight: a read holds back the changes
 * after it (not the reads, which run side by side). A read's change goes first to the pages waiting for its data, then
 * to the streams that only learn what changed: these re-read anyway, a round trip longer than the read. A change
 * whose read fails goes out bare, and the page re-reads.
 *
 * Each read takes the transitions after the newest this process announced for that strategy (the first: the newest
 * alone), so consecutive changes carry consecutive rows.
 */
export function createLiveChangeFeed(source: ChangeSource, readChange: ReadStrategyChange): LiveChangeFeed {
  const watchingNone = new Set<LiveChangeListener>();
  const watchingOne = new Set<LiveChangeListener>();
  const watchers = new Map<string, number>();
  const announced = new Map<string, number>();
  let inOrder: Promise<void> = Promise.resolve();
  let subscription: Promise<unknown> | null = null;
  let lastHeard: LoggedChange | null = null;

  const withUpdate = async (change: LoggedChange, strategyId: string): Promise<LiveChange> => {
    const after = announced.get(strategyId);
    const update = await readChange(strategyId, after === undefined ? { afterSeq: 0, limit: 1 } : { afterSeq: after, limit: LIVE_TRANSITIONS_LIMIT }).catch(
      () => null,
    );
    if (!update) return change;
    const newest = update.transitions[0]?.seq;
    if (newest !== undefined && newest > (announced.get(strategyId) ?? 0)) announced.set(strategyId, newest);
    return { ...change, update };
  };

  /** Sends `change` to every stream: first to those watching its strategy (`live`, with its data), then to the rest. */
  const deliver = (change: LoggedChange, live: LiveChange) => {
    each(watchingOne, (listener) => listener.onChange(listener.watching === change.strategyId ? live : change));
    each(watchingNone, (listener) => listener.onChange(change));
  };
  const deliverReconnect = () => {
    each(watchingOne, (listener) => listener.onReconnect?.());
    each(watchingNone, (listener) => listener.onReconnect?.());
  };

  /**
   * Runs `send` now when nothing waits ahead of it and it waits for nothing itself; otherwise after everything queued
   * before it has been sent, once `ready` (its read) has ended.
   */
  let queued = 0;
  const sendInOrder = <T>(ready: Promise<T> | null, send: (value: T | null) => void) => {
    if (ready === null && queued === 0) return send(null);
    queued += 1;
    inOrder = inOrder
      .then(async () => send(await (ready ?? null)))
      .catch(() => undefined)
      .finally(() => (queued -= 1));
  };

  const hear = (change: LoggedChange) => {
    // A hub subscription that failed to connect stays registered, so a retried one hears each change twice.
    if (change === lastHeard) return;
    lastHeard = change;
    const strategyId = change.strategyId ?? null;
    const isWatched = change.table === 'transition' && strategyId !== null && watchers.has(strategyId);
    sendInOrder(isWatched ? withUpdate(change, strategyId) : null, (live) => deliver(change, live ?? change));
  };

  const reconnected = () => sendInOrder(null, deliverReconnect);

  const add = (listener: LiveChangeListener) => {
    const { watching } = listener;
    if (watching === null) return watchingNone.add(listener);
    watchingOne.add(listener);
    watchers.set(watching, (watchers.get(watching) ?? 0) + 1);
  };
  const remove = (listener: LiveChangeListener) => {
    const { watching } = listener;
    if (watching === null || !watchingOne.delete(listener)) return void watchingNone.delete(listener);
    const left = (watchers.get(watching) ?? 1) - 1;
    if (left > 0) return void watchers.set(watching, left);
    watchers.delete(watching);
    // Its transitions go unread from now on: the next watcher's first read takes the newest alone, as a first one does.
    announced.delete(watching);
  };

  return {
    async subscribe(listener) {
      add(listener);
      const unsubscribe = () => remove(listener);
      try {
        await (subscription ??= source.subscribe(hear, reconnected));
      } catch (error) {
        subscription = null;
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
  };
}

const globalForFeed = globalThis as typeof globalThis & { wheelhouseLiveChanges?: LiveChangeFeed };

/** The process's one live feed, on its hub and repositories. */
export function liveChanges(context: Pick<ServerContext, 'hub' | 'repositories'> = serverContext()): LiveChangeFeed {
  globalForFeed.wheelhouseLiveChanges ??= createLiveChangeFeed(context.hub, (strategyId, range) => readStrategyChange(strategyId, range, context));
  return globalForFeed.wheelhouseLiveChanges;
}
