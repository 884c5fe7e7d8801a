import { EventEmitter } from 'node:events';
import type { LiveChange, LoggedChange, StrategyChange } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { readStrategyChange } from './read-strategy-update';

/** At most this many transitions ride on one change; a page further behind re-reads. */
export const LIVE_TRANSITIONS_LIMIT = 20;

/** Where changes come from: the process's LISTEN hub. */
export interface ChangeSource {
  subscribe(listener: (change: LoggedChange) => void, onReconnect?: () => void): Promise<() => void>;
}

/** The hub's interface, for changes that may bring their data along. */
export interface LiveChangeFeed {
  subscribe(listener: (change: LiveChange) => void, onReconnect?: () => void): Promise<() => void>;
}

/** Reads what a transition of one strategy changed (readStrategyChange); null when the strategy is gone. */
export type ReadStrategyChange = (strategyId: string, range: { afterSeq: number; limit: number }) => Promise<StrategyChange | null>;

/**
 * The hub's changes, each `transition` with what it changed (StrategyChange), read once per process however many
 * streams send it, so no page needs a round trip to show it. Every change keeps its place: a read in flight holds back
 * the changes after it, not the reads. A change whose read fails goes out bare, and the page re-reads, as it does for
 * every other table. Only transitions: the rows of every other table are re-read by whoever shows them.
 *
 * Each read takes the transitions after the newest this process announced for that strategy (the first: the newest
 * alone), so consecutive changes carry consecutive rows.
 */
export function createLiveChangeFeed(source: ChangeSource, readChange: ReadStrategyChange): LiveChangeFeed {
  const emitter = new EventEmitter().setMaxListeners(0);
  const announced = new Map<string, number>();
  let inOrder: Promise<void> = Promise.resolve();
  let subscription: Promise<unknown> | null = null;
  let lastHeard: LoggedChange | null = null;

  const send = (type: 'change' | 'reconnect', ready: Promise<LiveChange | null>) => {
    inOrder = inOrder
      .then(async () => {
        const change = await ready;
        emitter.emit(type, ...(change ? [change] : []));
      })
      .catch(() => undefined);
  };

  const withUpdate = async (change: LoggedChange): Promise<LiveChange> => {
    const { strategyId } = change;
    if (change.table !== 'transition' || !strategyId) return change;
    const after = announced.get(strategyId);
    const update = await readChange(strategyId, after === undefined ? { afterSeq: 0, limit: 1 } : { afterSeq: after, limit: LIVE_TRANSITIONS_LIMIT }).catch(
      () => null,
    );
    if (!update) return change;
    const newest = update.transitions[0]?.seq;
    if (newest !== undefined && newest > (announced.get(strategyId) ?? 0)) announced.set(strategyId, newest);
    return { ...change, update };
  };

  const hear = (change: LoggedChange) => {
    // A hub subscription that failed to connect stays registered, so a retried one hears each change twice.
    if (change === lastHeard) return;
    lastHeard = change;
    if (emitter.listenerCount('change') === 0) return;
    send('change', withUpdate(change));
  };

  const reconnected = () => send('reconnect', Promise.resolve(null));

  return {
    async subscribe(listener, onReconnect) {
      emitter.on('change', listener);
      if (onReconnect) emitter.on('reconnect', onReconnect);
      const unsubscribe = () => {
        emitter.off('change', listener);
        if (onReconnect) emitter.off('reconnect', onReconnect);
      };
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
