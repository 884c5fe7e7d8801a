'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { changeEventSchema, RELOAD_EVENT, type ChangeEvent } from '@/lib/api/contract';
import { brokerFaultQueries, commandQueries, riskLimitQueries, strategyQueries } from '@/lib/client/queries';

const EVENTS_URL = '/api/events';
/** A burst of notifications (a market bar moves every strategy) becomes one refetch per query. */
const INVALIDATION_DELAY_MS = 200;
/** The browser retries a dropped stream by itself; these bound our own retries after it gives up. */
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** What has gone stale since the last flush. */
interface Staleness {
  everything: boolean;
  allStrategies: boolean;
  overview: boolean;
  brokerFaults: boolean;
  riskLimits: boolean;
  commands: boolean;
  strategyIds: Set<string>;
}

const nothingStale = (): Staleness => ({
  everything: false,
  allStrategies: false,
  overview: false,
  brokerFaults: false,
  riskLimits: false,
  commands: false,
  strategyIds: new Set(),
});

function markStale(stale: Staleness, event: ChangeEvent | null): void {
  if (event === null) {
    stale.allStrategies = true;
    return;
  }
  switch (event.table) {
    case 'operator_command':
      stale.commands = true;
      stale.allStrategies = true;
      return;
    case 'market_clock':
    case 'system_state':
    case 'order_cancel':
    case 'resume_request':
    case 'resume_approval':
      stale.allStrategies = true;
      return;
    case 'paper_broker_settings':
      stale.brokerFaults = true;
      return;
    case 'risk_limits':
      // The overview's risk panel measures the book against them.
      stale.riskLimits = true;
      stale.overview = true;
      return;
    case 'transition':
    case 'event_refusal':
    case 'strategy_error':
      if (event.strategyId) {
        stale.overview = true;
        stale.strategyIds.add(event.strategyId);
      } else {
        stale.allStrategies = true;
      }
  }
}

function invalidate(queryClient: QueryClient, stale: Staleness): void {
  if (stale.everything) {
    void queryClient.invalidateQueries();
    return;
  }
  if (stale.brokerFaults) void queryClient.invalidateQueries({ queryKey: brokerFaultQueries.all() });
  if (stale.riskLimits) void queryClient.invalidateQueries({ queryKey: riskLimitQueries.all() });
  if (stale.commands) void queryClient.invalidateQueries({ queryKey: commandQueries.all() });
  if (stale.allStrategies) {
    void queryClient.invalidateQueries({ queryKey: strategyQueries.all() });
    return;
  }
  if (stale.overview) void queryClient.invalidateQueries({ queryKey: strategyQueries.overview().queryKey, exact: true });
  for (const id of stale.strategyIds) {
    void queryClient.invalidateQueries({ queryKey: strategyQueries.detail(id).queryKey });
  }
}

function parseChangeEvent(data: unknown): ChangeEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = changeEventSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the react-query cache fresh from the server's change notifications. Notifications say what
 * changed, never the data, so each one invalidates the queries that show it; a burst is flushed once.
 * The browser reconnects a dropped stream with the last change's id, and the server sends what was missed;
 * when it cannot (a new stream, a gap longer than it keeps changes, its own feed lost) it sends `reload`,
 * which invalidates everything.
 * `onStatus`: 'live' while the stream is open, 'reconnecting' while it is not.
 * Returns a function that closes the stream.
 */
export function subscribeToChanges(queryClient: QueryClient, onStatus: (status: LiveStatus) => void): () => void {
  let source: EventSource | null = null;
  let stale = nothingStale();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDelay = MIN_RETRY_MS;

  const flush = () => {
    flushTimer = null;
    const flushed = stale;
    stale = nothingStale();
    invalidate(queryClient, flushed);
  };
  const scheduleFlush = () => {
    flushTimer ??= setTimeout(flush, INVALIDATION_DELAY_MS);
  };

  const connect = () => {
    retryTimer = null;
    const current = new EventSource(EVENTS_URL);
    source = current;
    current.onopen = () => {
      retryDelay = MIN_RETRY_MS;
      onStatus('live');
    };
    current.onmessage = (message: MessageEvent) => {
      markStale(stale, parseChangeEvent(message.data));
      scheduleFlush();
    };
    current.addEventListener(RELOAD_EVENT, () => {
      stale.everything = true;
      scheduleFlush();
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
    if (flushTimer !== null) clearTimeout(flushTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
  };
}

/** One event stream for the app, for as long as the component that calls this is mounted. */
export function useLiveUpdates(): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => subscribeToChanges(queryClient, setStatus), [queryClient]);
  return status;
}

/** The stream's status, for the indicator that tells an operator whether the screen is live. */
export const LiveStatusContext = createContext<LiveStatus>('connecting');

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
