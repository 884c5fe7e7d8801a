'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { liveChangeSchema, RELOAD_EVENT, type ChangeEvent, type LiveChangeEvent, type StrategyDetail } from '@/lib/api/contract';
import { brokerFaultQueries, commandQueries, riskLimitQueries, strategyQueries } from '@/lib/client/queries';
import { createRefetchCoalescer } from '@/lib/client/refetch-coalescer';
import { applyStrategyChange } from '@/lib/client/strategy-update';

const EVENTS_URL = '/api/events';
const STRATEGY_PAGE = /^\/strategies\/([^/]+)\/?$/;
/** The browser retries a dropped stream by itself; these bound our own retries after it gives up. */
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** Which queries one notification makes stale: `queryKey` and its descendants, or that query alone when `exact`. */
interface StaleQueries {
  readonly queryKey: readonly unknown[];
  readonly exact?: true;
}

const EVERYTHING: StaleQueries = { queryKey: [] };
const EVERY_STRATEGY: StaleQueries = { queryKey: strategyQueries.all() };
const OVERVIEW: StaleQueries = { queryKey: strategyQueries.overview().queryKey, exact: true };

/** What `event` (null: a notification that could not be read) makes stale; only that is re-read. */
function staleQueriesOf(event: ChangeEvent | null): StaleQueries[] {
  if (event === null) return [EVERY_STRATEGY];
  switch (event.table) {
    case 'operator_command':
      return [{ queryKey: commandQueries.all() }, EVERY_STRATEGY];
    case 'market_clock':
    case 'system_state':
    case 'order_cancel':
    case 'resume_request':
    case 'resume_approval':
      return [EVERY_STRATEGY];
    case 'paper_broker_settings':
      return [{ queryKey: brokerFaultQueries.all() }];
    case 'risk_limits':
      // The overview's risk panel measures the book against them.
      return [{ queryKey: riskLimitQueries.all() }, OVERVIEW];
    case 'transition':
    case 'event_refusal':
    case 'strategy_error':
      return event.strategyId ? [OVERVIEW, { queryKey: strategyQueries.detail(event.strategyId).queryKey }] : [EVERY_STRATEGY];
  }
}

const keyOfStale = ({ queryKey, exact }: StaleQueries): string => `${exact ? '=' : '^'}${JSON.stringify(queryKey)}`;

function parseChangeEvent(data: unknown): LiveChangeEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = liveChangeSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Applies the data a change brought to the strategy page's query, in place of re-reading it; whether it could. It
 * cannot when no page was read yet, while a re-read is in flight (its answer, maybe older, would replace this one: the
 * coalescer reads once more after it), or when the change does not join up with what the page holds.
 */
function applyLiveChange(queryClient: QueryClient, change: LiveChangeEvent | null): boolean {
  if (!change?.update || !change.strategyId) return false;
  const { queryKey } = strategyQueries.detail(change.strategyId);
  if (queryClient.isFetching({ queryKey, exact: true }) > 0) return false;
  const held = queryClient.getQueryData<StrategyDetail>(queryKey);
  const applied = held && applyStrategyChange(held, change.update);
  if (!applied) return false;
  if (applied !== held) queryClient.setQueryData(queryKey, applied);
  return true;
}

/** The strategy whose page `pathname` is, whose transitions the stream should bring with their data; null for any other page. */
export function strategyOfPage(pathname: string | null): string | null {
  const id = pathname && STRATEGY_PAGE.exec(pathname)?.[1];
  if (!id) return null;
  try {
    return decodeURIComponent(id);
  } catch {
    return null;
  }
}

/** Where a stream resumes: the id of the last event any stream of this page received (null before any). */
export interface StreamCursor {
  lastEventId: string | null;
}

export interface SubscribeOptions {
  /** The strategy whose page is shown (strategyOfPage). */
  readonly watching?: string | null;
  /** Shared by the streams the page opens one after the other, so a new one resumes where the last one ended. */
  readonly cursor?: StreamCursor;
}

/** The stream's address: what it watches, and where a new stream resumes (the browser's own reconnects send Last-Event-ID). */
function eventsUrl(watching: string | null, after: string | null): string {
  const query = new URLSearchParams();
  if (watching !== null) query.set('strategy', watching);
  if (after !== null) query.set('after', after);
  const search = query.toString();
  return search ? `${EVENTS_URL}?${search}` : EVENTS_URL;
}

/**
 * Keeps the react-query cache fresh from the server's change notifications. The stream watches the strategy whose
 * page is shown (`watching`): its transitions bring their data (the strategy now and its new transitions), which the
 * page applies at once, with no round trip; it re-reads instead when the data does not join up with what it holds. Every other notification says what changed,
 * never the data, so it refetches, at once, the queries that show it (and marks the others stale);
 * a burst is coalesced, never delayed: a query asked for again while its refetch is in flight is refetched once more
 * when it ends (createRefetchCoalescer).
 * The browser reconnects a dropped stream with the last change's id, and the server sends what was missed; a new
 * stream (our own retry, or the page moved to watch another strategy) resumes from `cursor` the same way. When the
 * server cannot (a first stream, a gap longer than it keeps changes, its own feed lost) it sends `reload`, which
 * invalidates everything.
 * `onStatus`: 'live' while the stream is open, 'reconnecting' while it is not.
 * Returns a function that closes the stream.
 */
export function subscribeToChanges(
  queryClient: QueryClient,
  onStatus: (status: LiveStatus) => void,
  { watching = null, cursor = { lastEventId: null } }: SubscribeOptions = {},
): () => void {
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = MIN_RETRY_MS;
  const refetches = createRefetchCoalescer(keyOfStale, (stale: StaleQueries) => queryClient.invalidateQueries(stale));
  const refetch = (stale: readonly StaleQueries[]) => stale.forEach(refetches.request);

  const connect = () => {
    retryTimer = null;
    const current = new EventSource(eventsUrl(watching, cursor.lastEventId));
    source = current;
    current.onopen = () => {
      retryDelay = MIN_RETRY_MS;
      onStatus('live');
    };
    current.onmessage = (message: MessageEvent) => {
      if (message.lastEventId) cursor.lastEventId = message.lastEventId;
      const change = parseChangeEvent(message.data);
      refetch(applyLiveChange(queryClient, change) ? [OVERVIEW] : staleQueriesOf(change));
    };
    current.addEventListener(RELOAD_EVENT, (message: MessageEvent) => {
      if (message.lastEventId) cursor.lastEventId = message.lastEventId;
      refetch([EVERYTHING]);
    });
    current.onerror = () => {
      onStatus('reconnecting');
      // CONNECTING means the browser is already retrying, with Last-Event-ID; CLOSED means it gave up (e.g. a 5xx
      // answer), and the new stream, without one, starts with `reload`.
      if (current.readyState !== EventSource.CLOSED) return;
      current.close();
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
    };
  };

  connect();
  return () => {
    source?.close();
    refetches.close();
    if (retryTimer !== null) clearTimeout(retryTimer);
  };
}

/**
 * One event stream for the app, for as long as the component that calls this is mounted, watching the strategy whose
 * page is shown: moving to another page opens a new stream, resumed where the last one ended.
 */
export function useLiveUpdates(watching: string | null): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [cursor] = useState<StreamCursor>(() => ({ lastEventId: null }));
  useEffect(() => subscribeToChanges(queryClient, setStatus, { watching, cursor }), [queryClient, watching, cursor]);
  return status;
}

/** The stream's status, for the indicator that tells an operator whether the screen is live. */
export const LiveStatusContext = createContext<LiveStatus>('connecting');

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
