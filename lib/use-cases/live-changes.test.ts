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
  return { hub, reads, feed, heard, listen: () => feed.subscribe((change) => heard.push(change), () => reconnects.push(heard.length)), reconnects };
}

const transition = (changeId: string, strategyId = 'zero-dte'): LoggedChange => ({ changeId, table: 'transition', strategyId });
const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('createLiveChangeFeed', () => {
  it("sends a transition with its data, read once however many streams listen, starting from the strategy's newest transition", async () => {
    const { hub, reads, feed, heard, listen } = setUp();
    await listen();
    const second: LiveChange[] = [];
    await feed.subscribe((change) => second.push(change));
    expect(hub.subscriptions).toBe(1);

    hub.announce(transition('7'));
    expect(reads.map(({ strategyId, range }) => ({ strategyId, range }))).toEqual([{ strategyId: 'zero-dte', range: { afterSeq: 0, limit: 1 } }]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(heard).toEqual([{ ...transition('7'), update: strategyChange(4, [4]) }]);
    expect(second).toEqual(heard);
  });

  it('reads the transitions after the newest one it sent for that strategy, at most LIVE_TRANSITIONS_LIMIT', async () => {
    const { hub, reads, listen } = setUp();
    await listen();
    hub.announce(transition('7'));
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    hub.announce(transition('8'));
    hub.announce(transition('9', 'lt112'));
    expect(reads.slice(1).map(({ strategyId, range }) => ({ strategyId, range }))).toEqual([
      { strategyId: 'zero-dte', range: { afterSeq: 4, limit: LIVE_TRANSITIONS_LIMIT } },
      { strategyId: 'lt112', range: { afterSeq: 0, limit: 1 } },
    ]);
  });

  it('keeps the order the changes were announced in, whatever order their reads end in', async () => {
    const { hub, reads, heard, listen } = setUp();
    await listen();
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

  it('sends the other tables bare, with no read', async () => {
    const { hub, reads, heard, listen } = setUp();
    await listen();
    hub.announce({ changeId: '3', table: 'event_refusal', strategyId: 'zero-dte' });
    await flush();
    expect(reads).toEqual([]);
    expect(heard).toEqual([{ changeId: '3', table: 'event_refusal', strategyId: 'zero-dte' }]);
  });

  it('sends a transition bare when its read fails or finds no strategy: the page re-reads', async () => {
    const { hub, reads, heard, listen } = setUp();
    await listen();
    hub.announce(transition('7'));
    hub.announce(transition('8', 'gone'));
    reads[0]!.fail();
    reads[1]!.answer(null);
    await flush();
    expect(heard).toEqual([transition('7'), transition('8', 'gone')]);
  });

  it('reads nothing while no stream listens', async () => {
    const { hub, reads, feed } = setUp();
    const unsubscribe = await feed.subscribe(() => undefined);
    unsubscribe();
    hub.announce(transition('7'));
    await flush();
    expect(reads).toEqual([]);
  });

  it('passes a reconnect on in its place among the changes', async () => {
    const { hub, reads, heard, listen, reconnects } = setUp();
    await listen();
    hub.announce(transition('7'));
    hub.reconnect();
    hub.announce({ changeId: '12', table: 'market_clock', strategyId: null });
    await flush();
    expect(reconnects).toEqual([]);
    reads[0]!.answer(strategyChange(4, [4]));
    await flush();
    expect(reconnects).toEqual([1]);
    expect(heard.map((change) => change.changeId)).toEqual(['7', '12']);
  });
});
