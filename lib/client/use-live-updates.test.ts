import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { LiveChangeEvent, StrategyDetail } from '@/lib/api/contract';
import { strategyOfPage, subscribeToChanges, type LiveStatus, type StreamCursor } from '@/lib/client/use-live-updates';
import { strategyChange, strategyDetail } from '@/test/strategy-detail';

/** Stands in for the browser's EventSource: the test opens, sends and fails the stream by hand. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((message: MessageEvent) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  private readonly listeners = new Map<string, ((message: MessageEvent) => void)[]>();

  addEventListener(type: string, listener: (message: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  emit(type: string, lastEventId = '') {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data: '{}', lastEventId }));
  }

  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }

  send(event: LiveChangeEvent | string, lastEventId = '') {
    const data = typeof event === 'string' ? event : JSON.stringify(event);
    this.onmessage?.(new MessageEvent('message', { data, lastEventId }));
  }

  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.();
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

function latestSource(): FakeEventSource {
  const source = FakeEventSource.instances.at(-1);
  if (!source) throw new Error('no EventSource was opened');
  return source;
}

describe('subscribeToChanges', () => {
  let queryClient: QueryClient;
  let invalidate: MockInstance<QueryClient['invalidateQueries']>;
  let refetchesInFlight: (() => void)[];
  let statuses: LiveStatus[];
  let unsubscribe: () => void;

  /** Ends every refetch in flight, and lets those owed to a burst start. */
  async function finishRefetches() {
    for (const finish of refetchesInFlight.splice(0)) finish();
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('EventSource', FakeEventSource);
    FakeEventSource.instances = [];
    queryClient = new QueryClient();
    refetchesInFlight = [];
    invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockImplementation(() => new Promise<void>((resolve) => refetchesInFlight.push(resolve)));
    statuses = [];
    unsubscribe = subscribeToChanges(queryClient, (status) => statuses.push(status));
  });

  afterEach(() => {
    unsubscribe();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('opens one stream on /api/events', () => {
    expect(FakeEventSource.instances.map((source) => source.url)).toEqual(['/api/events']);
  });

  it('is live once the stream opens, and leaves what to refetch to the server', () => {
    latestSource().open();
    vi.advanceTimersByTime(250);
    expect(invalidate).not.toHaveBeenCalled();
    expect(statuses).toEqual(['live']);
  });

  it("refetches a transition's strategy at once, and marks the overview stale, with no delay", () => {
    latestSource().send({ table: 'transition', strategyId: 'zero-dte' });
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: ['strategies', 'zero-dte'] }]]);
  });

  describe('a transition that brings its data', () => {
    const DETAIL = ['strategies', 'zero-dte'];
    const held = () => queryClient.getQueryData<StrategyDetail>(DETAIL);
    const transition = (version: number, seqs: number[]): LiveChangeEvent => ({ table: 'transition', strategyId: 'zero-dte', update: strategyChange(version, seqs) });

    it('is applied to the strategy page at once, with no re-read of it; only the overview is marked stale', () => {
      queryClient.setQueryData(DETAIL, strategyDetail(3, [3, 2, 1]));
      latestSource().send(transition(4, [4]));
      expect(held()?.transitions.map((row) => row.seq)).toEqual([4, 3, 2, 1]);
      expect(held()?.strategy.state).toBe('ENTERING');
      expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }]]);
    });

    it('applies a burst one change after the other, each at once', () => {
      queryClient.setQueryData(DETAIL, strategyDetail(3, [3, 2, 1]));
      const source = latestSource();
      source.send(transition(4, [4]));
      source.send(transition(6, [6, 5]));
      expect(held()?.transitions.map((row) => row.seq)).toEqual([6, 5, 4, 3, 2, 1]);
      expect(invalidate.mock.calls.filter(([filters]) => filters?.queryKey?.length === 2)).toEqual([]);
    });

    it('re-reads the strategy instead when the change does not join up with what the page holds', () => {
      queryClient.setQueryData(DETAIL, strategyDetail(3, [3, 2, 1]));
      latestSource().send(transition(5, [5]));
      expect(held()?.transitions.map((row) => row.seq)).toEqual([3, 2, 1]);
      expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: DETAIL }]]);
    });

    it('re-reads the strategy when its page was never read', () => {
      latestSource().send(transition(4, [4]));
      expect(held()).toBeUndefined();
      expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: DETAIL }]]);
    });

    it('leaves the page to a re-read in flight (its older answer would overwrite the change), and asks for one more', () => {
      queryClient.setQueryData(DETAIL, strategyDetail(3, [3, 2, 1]));
      void queryClient.prefetchQuery({ queryKey: DETAIL, queryFn: () => new Promise<StrategyDetail>(() => undefined) });
      latestSource().send(transition(4, [4]));
      expect(held()?.transitions.map((row) => row.seq)).toEqual([3, 2, 1]);
      expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: DETAIL }]]);
    });
  });

  it('invalidates everything at once when the server says to reload', () => {
    latestSource().emit('reload');
    expect(invalidate.mock.calls).toEqual([[{ queryKey: [] }]]);
  });

  it('is reconnecting while the browser retries, and live again when the stream reopens, refetching only what it is sent', () => {
    const source = latestSource();
    source.open();
    source.fail(FakeEventSource.CONNECTING);
    expect(statuses).toEqual(['live', 'reconnecting']);

    source.open();
    source.send({ table: 'event_refusal', strategyId: 'lt112' });
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: ['strategies', 'lt112'] }]]);
  });

  it('turns a burst of transitions during a refetch into one more refetch of the overview and of that strategy', async () => {
    const source = latestSource();
    for (let i = 0; i < 20; i++) source.send({ table: 'transition', strategyId: 'zero-dte' });
    source.send({ table: 'event_refusal', strategyId: 'lt112' });
    expect(invalidate.mock.calls).toEqual([
      [{ queryKey: ['strategies'], exact: true }],
      [{ queryKey: ['strategies', 'zero-dte'] }],
      [{ queryKey: ['strategies', 'lt112'] }],
    ]);

    invalidate.mockClear();
    await finishRefetches();
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: ['strategies', 'zero-dte'] }]]);
    invalidate.mockClear();
    await finishRefetches();
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('invalidates every strategy query on a market bar, a system change or an operator command, and the commands on a command', async () => {
    const source = latestSource();
    for (const table of ['market_clock', 'system_state', 'operator_command'] as const) {
      source.send({ table });
      await finishRefetches();
    }
    expect(invalidate.mock.calls).toEqual([
      [{ queryKey: ['strategies'] }],
      [{ queryKey: ['strategies'] }],
      [{ queryKey: ['commands'] }],
      [{ queryKey: ['strategies'] }],
    ]);
  });

  it('refetches the risk limits and the overview (its risk panel) when the limits change', () => {
    latestSource().send({ table: 'risk_limits' });
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['risk', 'limits'] }], [{ queryKey: ['strategies'], exact: true }]]);
  });

  it('treats a notification it cannot read as making every strategy stale', () => {
    latestSource().send('not json');
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'] }]]);
  });

  it('refetches what a burst was owed when the stream is closed (the page moved: the next stream knows nothing of it), and nothing after', async () => {
    const source = latestSource();
    source.send({ table: 'transition', strategyId: 'zero-dte' });
    source.send({ table: 'transition', strategyId: 'zero-dte' });
    invalidate.mockClear();
    unsubscribe();
    expect(invalidate.mock.calls).toEqual([[{ queryKey: ['strategies'], exact: true }], [{ queryKey: ['strategies', 'zero-dte'] }]]);
    await finishRefetches();
    source.send({ table: 'transition', strategyId: 'lt112' });
    await finishRefetches();
    expect(invalidate).toHaveBeenCalledTimes(2);
  });

  it('opens a new stream after the browser gives up on the old one, and is live again when it opens', () => {
    const first = latestSource();
    first.open();
    first.fail(FakeEventSource.CLOSED);
    expect(statuses).toEqual(['live', 'reconnecting']);

    vi.advanceTimersByTime(1_000);
    const second = latestSource();
    expect(second).not.toBe(first);
    second.open();
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
  });

  it('leaves retrying to the browser while it is still reconnecting', () => {
    latestSource().fail(FakeEventSource.CONNECTING);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('resumes a stream it opens again after the last event it received, so the server sends what was missed', () => {
    const first = latestSource();
    first.emit('reload', '40');
    first.send({ table: 'market_clock', strategyId: null }, '41');
    first.fail(FakeEventSource.CLOSED);
    vi.advanceTimersByTime(1_000);
    expect(latestSource().url).toBe('/api/events?after=41');
  });
});

describe('subscribeToChanges on a strategy page', () => {
  beforeEach(() => {
    vi.stubGlobal('EventSource', FakeEventSource);
    FakeEventSource.instances = [];
  });
  afterEach(() => vi.unstubAllGlobals());

  it("watches that strategy, and a page's next stream resumes where its last one ended", () => {
    const queryClient = new QueryClient();
    vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
    const cursor: StreamCursor = { lastEventId: null };
    const closeFirst = subscribeToChanges(queryClient, () => undefined, { watching: 'zero-dte', cursor });
    expect(latestSource().url).toBe('/api/events?strategy=zero-dte');
    latestSource().send({ table: 'transition', strategyId: 'zero-dte' }, '17');
    closeFirst();

    const closeNext = subscribeToChanges(queryClient, () => undefined, { watching: 'lt 112/b', cursor });
    expect(latestSource().url).toBe('/api/events?strategy=lt+112%2Fb&after=17');
    closeNext();
  });
});

describe('strategyOfPage', () => {
  it('is the strategy of a strategy page, decoded, and null on every other page', () => {
    expect(strategyOfPage('/strategies/zero-dte')).toBe('zero-dte');
    expect(strategyOfPage('/strategies/lt%20112/')).toBe('lt 112');
    expect(strategyOfPage('/')).toBeNull();
    expect(strategyOfPage('/strategies')).toBeNull();
    expect(strategyOfPage('/strategies/a/b')).toBeNull();
    expect(strategyOfPage('/audit')).toBeNull();
    expect(strategyOfPage('/strategies/%E0%A4%A')).toBeNull();
    expect(strategyOfPage(null)).toBeNull();
  });
});
