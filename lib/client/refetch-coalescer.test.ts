import { describe, expect, it } from 'vitest';
import { createRefetchCoalescer } from '@/lib/client/refetch-coalescer';

interface Target {
  readonly key: string;
}

/** A refetch the test ends by hand: each call is recorded and stays in flight until `finish` or `fail`. */
function manualRefetches() {
  const calls: string[] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const refetch = (target: Target) => {
    calls.push(target.key);
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  /** Ends every refetch in flight and lets the ones they start begin. */
  const settle = async (outcome: 'finish' | 'fail') => {
    for (const refetchInFlight of pending.splice(0)) {
      if (outcome === 'finish') refetchInFlight.resolve();
      else refetchInFlight.reject(new Error('network down'));
    }
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  };
  return { calls, refetch, finish: () => settle('finish'), fail: () => settle('fail') };
}

const strategy = (id: string): Target => ({ key: id });

describe('createRefetchCoalescer', () => {
  it('refetches the first change at once, without waiting for anything', () => {
    const { calls, refetch } = manualRefetches();
    createRefetchCoalescer((target: Target) => target.key, refetch).request(strategy('zero-dte'));
    expect(calls).toEqual(['zero-dte']);
  });

  it('turns a burst during a refetch in flight into exactly one more refetch, when that one ends', async () => {
    const { calls, refetch, finish } = manualRefetches();
    const coalescer = createRefetchCoalescer((target: Target) => target.key, refetch);
    for (let i = 0; i < 20; i += 1) coalescer.request(strategy('zero-dte'));
    expect(calls).toEqual(['zero-dte']);

    await finish();
    expect(calls).toEqual(['zero-dte', 'zero-dte']);
    await finish();
    expect(calls).toEqual(['zero-dte', 'zero-dte']);
  });

  it('refetches a change that comes after the burst was refetched at once again', async () => {
    const { calls, refetch, finish } = manualRefetches();
    const coalescer = createRefetchCoalescer((target: Target) => target.key, refetch);
    coalescer.request(strategy('zero-dte'));
    await finish();
    coalescer.request(strategy('zero-dte'));
    expect(calls).toEqual(['zero-dte', 'zero-dte']);
  });

  it('never holds one target back for another one in flight', () => {
    const { calls, refetch } = manualRefetches();
    const coalescer = createRefetchCoalescer((target: Target) => target.key, refetch);
    coalescer.request(strategy('zero-dte'));
    coalescer.request(strategy('lt112'));
    coalescer.request(strategy('zero-dte'));
    expect(calls).toEqual(['zero-dte', 'lt112']);
  });

  it('refetches once more after a refetch that failed, when asked meanwhile', async () => {
    const { calls, refetch, fail } = manualRefetches();
    const coalescer = createRefetchCoalescer((target: Target) => target.key, refetch);
    coalescer.request(strategy('zero-dte'));
    coalescer.request(strategy('zero-dte'));
    await fail();
    expect(calls).toEqual(['zero-dte', 'zero-dte']);
  });

  it('starts the refetches a burst was owed when closed, at once, and nothing after', async () => {
    const { calls, refetch, finish } = manualRefetches();
    const coalescer = createRefetchCoalescer((target: Target) => target.key, refetch);
    coalescer.request(strategy('zero-dte'));
    coalescer.request(strategy('zero-dte'));
    coalescer.request(strategy('lt112'));
    coalescer.close();
    expect(calls).toEqual(['zero-dte', 'lt112', 'zero-dte']);
    await finish();
    coalescer.request(strategy('lt112'));
    expect(calls).toEqual(['zero-dte', 'lt112', 'zero-dte']);
  });
});
