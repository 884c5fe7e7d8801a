import { describe, expect, it } from 'vitest';
import { strategyDefinition } from '../domain/strategies/registry';
import { AppError } from '../errors';
import type { TransitionWrite } from './ports';
import { InMemoryStrategyStore } from './testing/in-memory-stores';
import { restoreSnapshot } from '../domain/strategies/restore-snapshot';
import { TransitionBatch } from './transition-batch';

const marketTime = new Date('2026-11-20T15:00:00Z');
const { machine, settingsSchema } = strategyDefinition('ZERO_DTE');
/** A stored snapshot as a fresh strategy has it: what the rows carry does not matter to the batch. */
const snapshot = machine.getPersistedSnapshot(restoreSnapshot(machine, null, 'a', settingsSchema.parse({})));

async function storeWith(ids: readonly string[]): Promise<InMemoryStrategyStore> {
  const store = new InMemoryStrategyStore();
  for (const id of ids) {
    await store.create({ id, name: id, kind: 'ZERO_DTE', settings: {}, state: 'ACTIVE', snapshot, marketTime });
  }
  return store;
}

const write = (strategyId: string, expectedVersion = 1): TransitionWrite => ({
  strategyId,
  fence: null,
  expectedVersion,
  fromState: 'ACTIVE',
  toState: 'EMERGENCY_EXIT',
  snapshot,
  eventType: 'operator.emergencyExit',
  eventPayload: {},
  actor: 'carol',
  reason: 'risk off',
  marketTime,
});

describe('a transition batch', () => {
  it('stores the writes handed in during one turn of the event loop in one write, each answered with its version', async () => {
    const store = await storeWith(['a', 'b', 'c']);
    const batch = new TransitionBatch(store);

    const versions = await Promise.all(['a', 'b', 'c'].map((id) => batch.recordTransition(write(id))));

    expect(versions).toEqual([2, 2, 2]);
    expect(store.batches).toEqual([3]);
  });

  it('refuses a stale write as the store would, and stores the others', async () => {
    const store = await storeWith(['a', 'b']);
    const batch = new TransitionBatch(store);

    const [stale, fresh] = await Promise.allSettled([batch.recordTransition(write('a', 7)), batch.recordTransition(write('b'))]);

    expect(stale.status === 'rejected' && stale.reason instanceof AppError && stale.reason.code).toBe('STALE_VERSION');
    expect(fresh).toEqual({ status: 'fulfilled', value: 2 });
  });

  it('sends a write handed in after a batch left with the next one', async () => {
    const store = await storeWith(['a', 'b']);
    const batch = new TransitionBatch(store);

    await batch.recordTransition(write('a'));
    await batch.recordTransition(write('b'));

    expect(store.batches).toEqual([1, 1]);
  });
});
