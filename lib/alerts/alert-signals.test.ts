import { describe, expect, it, vi } from 'vitest';
import type { EngineSignal } from '../engine/ports';
import { AlertSignals } from './alert-signals';
import type { AlertQueueStore, QueuedAlert } from './ports';

const HALT: EngineSignal = { kind: 'mode', mode: 'HALTED', previous: 'RUNNING', cause: 'operator', actor: 'op', reason: 'news' };
const TRANSITION: EngineSignal = { kind: 'transition', strategyId: 'lt112', from: 'WAITING', to: 'VALIDATION', event: 'market.tick', writeMs: 1 };

function setUp(store: AlertQueueStore, capacity?: number) {
  const log = { warn: vi.fn(), error: vi.fn() };
  const onQueued = vi.fn();
  const signals = new AlertSignals({ store, server: 'host-a', log, now: () => new Date('2026-11-20T15:00:00Z'), onQueued, ...(capacity ? { capacity } : {}) });
  return { signals, log, onQueued };
}

function recordingStore(queued = 1) {
  const alerts: QueuedAlert[] = [];
  const store: AlertQueueStore = { queueForSubscribers: async (alert) => (alerts.push(alert), queued) };
  return { store, alerts };
}

describe('the engine signals as alerts', () => {
  it('queues an alert with a body in each format, and wakes the dispatcher once it is stored', async () => {
    const { store, alerts } = recordingStore();
    const { signals, onQueued } = setUp(store);
    signals.emit(HALT);
    signals.emit(TRANSITION);
    expect(alerts).toHaveLength(0);
    await signals.flush();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.kinds).toEqual(['halt', 'mode-change']);
    expect(alerts[0]!.bodies.generic).toMatchObject({ kind: 'halt', server: 'host-a', time: '2026-11-20T15:00:00.000Z' });
    expect(alerts[0]!.bodies.slack).toMatchObject({ text: expect.stringContaining('RUNNING -> HALTED') });
    expect(alerts[0]!.bodies.discord).toMatchObject({ content: expect.stringContaining('RUNNING -> HALTED') });
    expect(onQueued).toHaveBeenCalledOnce();
  });

  it('does not wake the dispatcher when no webhook wanted the alert', async () => {
    const { signals, onQueued } = setUp(recordingStore(0).store);
    signals.emit(HALT);
    await signals.flush();
    expect(onQueued).not.toHaveBeenCalled();
  });

  it('returns from emit at once while the database hangs, and never touches the store on the caller’s stack', () => {
    const queueForSubscribers = vi.fn(() => new Promise<number>(() => undefined));
    const { signals } = setUp({ queueForSubscribers });
    const started = performance.now();
    for (let i = 0; i < 100; i += 1) signals.emit(HALT);
    expect(performance.now() - started).toBeLessThan(50);
    expect(queueForSubscribers).not.toHaveBeenCalled();
  });

  it('drops and logs what passes the queue’s capacity', () => {
    const { signals, log } = setUp({ queueForSubscribers: () => new Promise<number>(() => undefined) }, 3);
    for (let i = 0; i < 5; i += 1) signals.emit(HALT);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn.mock.calls[0]![1]).toBe('alert dropped: the alert queue is full');
  });

  it('logs an alert the database refused, and goes on with the next', async () => {
    let calls = 0;
    const { signals, log } = setUp({
      queueForSubscribers: async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection lost');
        return 1;
      },
    });
    signals.emit(HALT);
    signals.emit(HALT);
    await signals.flush();
    expect(calls).toBe(2);
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('never throws from emit, whatever the signal', () => {
    const { signals } = setUp(recordingStore().store);
    expect(() => signals.emit({ kind: 'takeover', leases: null, from: null, ms: 0 } as unknown as EngineSignal)).not.toThrow();
  });
});
