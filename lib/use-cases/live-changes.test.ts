import { describe, expect, it } from 'vitest';
import type { LiveChange, LoggedChange, StrategyChange } from '@/lib/api/contract';
import { strategyChange } from '@/test/strategy-detail';
import { createLiveChangeFeed, LIVE_TRANSITIONS_LIMIT, type ChangeSource, type ReadStrategyChange } from './live-changes';

/** Stands in for the LISTEN hub: the test announces changes and reconnects by hand. */
class FakeHub implements ChangeSource {
  subscriptions = 0;
  private listener: (change: LoggedChange) => void = () => undefined;
  private onReconnect: () => void = () => undefined;

  subscribe(listener: (change: LoggedChange) => void, onReconnect?: () => void) {
    this.subscriptions += 1;
    this.listener = listener;
    this.onReconnect = onReconnect ?? (() => undefined);
    return Promise.resolve(() => undefined);
  }

  announce(change: LoggedChange) {
    this.listener(change);
  }

  reconnect() {
    this.onReconnect();
  }
}

/** A read the test answers by hand, in any order. */
interface PendingRead {
  readonly strategyId: string;
  readonly range: { afterSeq: number; limit: number };
  answer(change: StrategyChange | null): void;
  fail(): void;
}

function setUp() {
  const hub = new FakeHub();
  const reads: PendingRead[] = [];
  const read: ReadStrategyChange = (strategyId, range) =>
    new Promise((resolve, reject) => reads.push({ strategyId, range, answer: resolve, fail: () => reject(new Error('database down')) }));
  const feed = createLiveChangeFeed(hub, read);
  const heard: LiveChange[] = [];
  const reconnects: number[] = [];
  /** A stream of its own, showing `watching`'s page (null: none), with what it heard. */
  const stream = async (watching: string | null) => {
    const own: LiveChange[] = [];
    const unsubscribe = await feed.subscribe({ watching, onChange: (change) => own.push(change) });
    return { heard: own, unsubscribe };
  };
  /** The stream `heard` and `reconnects` follow: on zero-dte's page. */
  const listen = (watching: string | null = 'zero-dte') =>
    feed.subscribe({ watching, onChange: (change) => heard.push(change), onReconnect: () => reconnects.push(heard.length) });
  return { hub, reads, feed, heard, listen, stream, reconnects };
}

const transition = (changeId: string, strategyId = 'zero-dte'): LoggedChange => ({ changeId, table: 'transition', strategyId });
/** Lets every delivery that can run, run: reads answered by then are sent. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const rangesOf = (reads: readonly PendingRead[]) => reads.map(({ strategyId, range }) => ({ strategyId, range }));

describe('createLiveChangeFeed', () => {
  it("sends a watched strategy's transition with its data, read once however many streams watch it, starting from its newest transition", async () => {
    const { hub, reads, heard, listen, stream } = setUp();
    await listen();
    const second = await stream('zero-dte');
    expect(hub.subscriptions).toBe(1);

    hub.announce(transition('7'));
    expect(rangesOf(reads)).toEqual([{ strategyId: 'zero-dte', range: { afterSeq: 0, limit: 1 } }]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(heard).toEqual([{ ...transition('7'), update: strategyChange(4, [4]) }]);
    expect(second.heard).toEqual(heard);
  });

  it('reads the transitions after the newest one it sent for that strategy, at most LIVE_TRANSITIONS_LIMIT', async () => {
    const { hub, reads, listen, stream } = setUp();
    await listen();
    await stream('lt112');
    hub.announce(transition('7'));
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    hub.announce(transition('8'));
    hub.announce(transition('9', 'lt112'));
    expect(rangesOf(reads.slice(1))).toEqual([
      { strategyId: 'zero-dte', range: { afterSeq: 4, limit: LIVE_TRANSITIONS_LIMIT } },
      { strategyId: 'lt112', range: { afterSeq: 0, limit: 1 } },
    ]);
  });

  it('keeps the order the changes were announced in, whatever order their reads end in', async () => {
    const { hub, reads, heard, listen, stream } = setUp();
    await listen();
    await stream('lt112');
    hub.announce(transition('7'));
    hub.announce({ changeId: '8', table: 'market_clock', strategyId: null });
    hub.announce(transition('9', 'lt112'));
    reads[1]!.answer(strategyChange(2, [2]));
    await flush();
    expect(heard).toEqual([]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(heard.map((change) => change.changeId)).toEqual(['7', '8', '9']);
  });

  it("sends another strategy's transition bare to a watching stream, in its place after the reads ahead of it", async () => {
    const { hub, reads, heard, listen } = setUp();
    await listen();
    hub.announce(transition('7'));
    hub.announce(transition('8', 'lt112'));
    expect(rangesOf(reads)).toEqual([{ strategyId: 'zero-dte', range: { afterSeq: 0, limit: 1 } }]);
    await flush();
    expect(heard).toEqual([]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(heard).toEqual([{ ...transition('7'), update: strategyChange(4, [4]) }, transition('8', 'lt112')]);
  });

  it('sends a stream that watches no strategy every change bare, as it is heard while no read is in flight', async () => {
    const { hub, reads, stream } = setUp();
    const overview = await stream(null);
    await stream('lt112');
    hub.announce(transition('7'));
    hub.announce({ changeId: '8', table: 'market_clock', strategyId: null });
    expect(overview.heard).toEqual([transition('7'), { changeId: '8', table: 'market_clock', strategyId: null }]);
    expect(reads).toEqual([]);
  });

  it("sends a read's change to the pages waiting for its data first, then bare to the other streams, the changes after it behind it", async () => {
    const { hub, reads, feed, stream } = setUp();
    const order: string[] = [];
    await feed.subscribe({ watching: null, onChange: (change) => order.push(`overview ${change.changeId}`) });
    await feed.subscribe({ watching: 'zero-dte', onChange: (change) => order.push(`page ${change.changeId}${'update' in change ? ' with data' : ''}`) });
    const overview = await stream(null);
    hub.announce(transition('7'));
    hub.announce({ changeId: '8', table: 'market_clock', strategyId: null });
    await flush();
    expect(order).toEqual([]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(order).toEqual(['page 7 with data', 'overview 7', 'page 8', 'overview 8']);
    expect(overview.heard).toEqual([transition('7'), { changeId: '8', table: 'market_clock', strategyId: null }]);

    hub.announce({ changeId: '9', table: 'market_clock', strategyId: null });
    expect(order.slice(4)).toEqual(['page 9', 'overview 9']);
  });

  it('reads nothing for a strategy no stream watches', async () => {
    const { hub, reads, stream } = setUp();
    await stream('lt112');
    const overview = await stream(null);
    hub.announce(transition('7'));
    await flush();
    expect(reads).toEqual([]);
    expect(overview.heard).toEqual([transition('7')]);
  });

  it("starts again from the newest transition alone once a strategy's last watcher left: the rows in between were never read", async () => {
    const { hub, reads, stream } = setUp();
    const first = await stream('zero-dte');
    hub.announce(transition('7'));
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    first.unsubscribe();
    hub.announce(transition('8'));
    const next = await stream('zero-dte');
    hub.announce(transition('9'));
    expect(rangesOf(reads.slice(1))).toEqual([{ strategyId: 'zero-dte', range: { afterSeq: 0, limit: 1 } }]);
    reads[1]!.answer(strategyChange(6, [6]));
    await flush();
    expect(next.heard).toEqual([{ ...transition('9'), update: strategyChange(6, [6]) }]);
    expect(first.heard).toHaveLength(1);
  });

  it('keeps reading for a strategy while one of its watchers is left', async () => {
    const { hub, reads, stream } = setUp();
    const first = await stream('zero-dte');
    await stream('zero-dte');
    first.unsubscribe();
    hub.announce(transition('7'));
    expect(reads).toHaveLength(1);
  });

  it('sends the other tables bare, with no read', async () => {
    const { hub, reads, heard, listen } = setUp();
    await listen();
    hub.announce({ changeId: '3', table: 'event_refusal', strategyId: 'zero-dte' });
    await flush();
    expect(reads).toEqual([]);
    expect(heard).toEqual([{ changeId: '3', table: 'event_refusal', strategyId: 'zero-dte' }]);
  });

  it('sends a transition bare when its read fails or finds no strategy: the page re-reads', async () => {
    const { hub, reads, heard, listen, stream } = setUp();
    await listen();
    await stream('gone');
    hub.announce(transition('7'));
    hub.announce(transition('8', 'gone'));
    reads[0]!.fail();
    reads[1]!.answer(null);
    await flush();
    expect(heard).toEqual([transition('7'), transition('8', 'gone')]);
  });

  it('reads nothing while no stream listens', async () => {
    const { hub, reads, feed } = setUp();
    const unsubscribe = await feed.subscribe({ watching: 'zero-dte', onChange: () => undefined });
    unsubscribe();
    hub.announce(transition('7'));
    await flush();
    expect(reads).toEqual([]);
  });

  it('delivers to every stream even when one of them throws', async () => {
    const { hub, feed, stream } = setUp();
    await feed.subscribe({ watching: null, onChange: () => { throw new Error('stream closed'); } });
    const overview = await stream(null);
    hub.announce(transition('7'));
    expect(overview.heard).toEqual([transition('7')]);
  });

  it('passes a reconnect on in its place among the changes', async () => {
    const { hub, reads, heard, listen, reconnects, feed } = setUp();
    await listen();
    const overviewReconnects: number[] = [];
    await feed.subscribe({ watching: null, onChange: () => undefined, onReconnect: () => overviewReconnects.push(heard.length) });
    hub.reconnect();
    expect(reconnects).toEqual([0]);
    expect(overviewReconnects).toEqual([0]);
    hub.announce(transition('7'));
    hub.reconnect();
    hub.announce({ changeId: '12', table: 'market_clock', strategyId: null });
    await flush();
    expect(reconnects).toEqual([0]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(reconnects).toEqual([0, 1]);
    expect(overviewReconnects).toEqual([0, 1]);
    expect(heard.map((change) => change.changeId)).toEqual(['7', '12']);
  });
});
