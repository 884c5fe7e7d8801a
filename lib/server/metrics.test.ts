import { describe, expect, it, vi } from 'vitest';
import type { EngineSignal } from '../engine/ports';
import type { SystemMode } from '../domain/system-mode';
import { createMetrics, type ServerMetrics } from './metrics';

const fresh = (onError?: (error: unknown, signal: EngineSignal) => void) => createMetrics({ processMetrics: false, onError });

/** The value of `name` for exactly `labels` (histograms: a `_count`, `_sum` or `_bucket` sample's name), or undefined. */
async function valueOf(metrics: ServerMetrics, name: string, labels: Record<string, string | number> = {}): Promise<number | undefined> {
  const family = name.replace(/_(count|sum|bucket)$/, '');
  const metric = metrics.registry.getSingleMetric(family) ?? metrics.registry.getSingleMetric(name);
  const values: readonly { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[] = (await metric!.get()).values;
  const wanted = Object.entries(labels);
  const sample = values.find(
    (each) =>
      (each.metricName ?? family) === name &&
      Object.keys(each.labels).length === wanted.length &&
      wanted.every(([key, value]) => each.labels[key] === value),
  );
  return sample?.value;
}

const transition = (strategyId: string, to: string, writeMs: number): EngineSignal => ({ kind: 'transition', strategyId, from: 'IDLE', to, event: 'market.tick', writeMs });

describe('the engine signals, counted', () => {
  it('counts transitions by strategy and the state entered, and times their writes in seconds', async () => {
    const metrics = fresh();
    metrics.signals.emit(transition('zero-dte-friday', 'SCANNING', 0.8));
    metrics.signals.emit(transition('zero-dte-friday', 'SCANNING', 3));
    metrics.signals.emit(transition('iron-condor', 'VALIDATING', 40));
    expect(await valueOf(metrics, 'wheelhouse_transitions_total', { strategy: 'zero-dte-friday', to: 'SCANNING' })).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_transitions_total', { strategy: 'iron-condor', to: 'VALIDATING' })).toBe(1);
    expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_count')).toBe(3);
    expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_sum')).toBeCloseTo(0.0438, 6);
    expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_bucket', { le: 0.001 })).toBe(1);
    expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_bucket', { le: 0.005 })).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_bucket', { le: 0.05 })).toBe(3);
  });

  it('has write-latency buckets from half a millisecond to fifty', async () => {
    const metrics = fresh();
    metrics.signals.emit(transition('s', 'ACTIVE', 1));
    for (const le of [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05]) {
      expect(await valueOf(metrics, 'wheelhouse_transition_write_seconds_bucket', { le }), `le=${le}`).toBeDefined();
    }
  });

  it('times commands by type and how they settled', async () => {
    const metrics = fresh();
    const command = (status: 'done' | 'rejected' | 'failed', ms: number): EngineSignal => ({ kind: 'command', commandId: '1', type: 'EMERGENCY_HALT', strategyId: null, actor: 'operator@x', status, outcome: '', ms });
    metrics.signals.emit(command('done', 30));
    metrics.signals.emit(command('done', 70));
    metrics.signals.emit(command('rejected', 5));
    expect(await valueOf(metrics, 'wheelhouse_command_seconds_count', { type: 'EMERGENCY_HALT', status: 'done' })).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_command_seconds_sum', { type: 'EMERGENCY_HALT', status: 'done' })).toBeCloseTo(0.1, 6);
    expect(await valueOf(metrics, 'wheelhouse_command_seconds_count', { type: 'EMERGENCY_HALT', status: 'rejected' })).toBe(1);
  });

  it('holds the latest lease count, and counts takeovers and the leases they took', async () => {
    const metrics = fresh();
    metrics.signals.emit({ kind: 'leases', held: 4 });
    metrics.signals.emit({ kind: 'leases', held: 2 });
    metrics.signals.emit({ kind: 'takeover', leases: ['clock', 'strategy:a', 'strategy:b'], from: 'other', ms: 120 });
    metrics.signals.emit({ kind: 'takeover', leases: ['strategy:c'], from: null, ms: 80 });
    expect(await valueOf(metrics, 'wheelhouse_leases_held')).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_lease_takeovers_total')).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_leases_taken_over_total')).toBe(4);
  });

  it('counts broker errors by operation, data quarantines, and strategy errors', async () => {
    const metrics = fresh();
    metrics.signals.emit({ kind: 'broker-error', strategyId: 'a', operation: 'placeCombo', message: 'timeout' });
    metrics.signals.emit({ kind: 'broker-error', strategyId: null, operation: 'account', message: 'down' });
    metrics.signals.emit({ kind: 'broker-error', strategyId: 'b', operation: 'placeCombo', message: 'refused' });
    metrics.signals.emit({ kind: 'quarantine', problems: ['quotes are stale'] });
    metrics.signals.emit({ kind: 'strategy-error', strategyId: 'a', name: 'A', from: 'ACTIVE', reason: 'x', circuitBreaker: true });
    expect(await valueOf(metrics, 'wheelhouse_broker_errors_total', { operation: 'placeCombo' })).toBe(2);
    expect(await valueOf(metrics, 'wheelhouse_broker_errors_total', { operation: 'account' })).toBe(1);
    expect(await valueOf(metrics, 'wheelhouse_data_quarantines_total')).toBe(1);
    expect(await valueOf(metrics, 'wheelhouse_strategy_errors_total', { strategy: 'a', circuit_breaker: 'true' })).toBe(1);
  });

  it('shows the mode in force as 1 and every other mode as 0, read at each scrape', async () => {
    let stored: SystemMode = 'RUNNING';
    const metrics = createMetrics({ processMetrics: false, readMode: async () => stored });
    expect(await valueOf(metrics, 'wheelhouse_system_mode', { mode: 'RUNNING' })).toBe(1);
    // Another server halted: nothing was signalled here, the next scrape reads it.
    stored = 'HALTED';
    expect(await valueOf(metrics, 'wheelhouse_system_mode', { mode: 'HALTED' })).toBe(1);
    for (const mode of ['RUNNING', 'REDUCING', 'EMERGENCY']) expect(await valueOf(metrics, 'wheelhouse_system_mode', { mode }), mode).toBe(0);
  });

  it('never throws at the engine: a value prom-client refuses goes to onError', () => {
    const onError = vi.fn();
    const metrics = fresh(onError);
    const bad = transition('s', 'ACTIVE', Number.NaN);
    expect(() => metrics.signals.emit(bad)).not.toThrow();
    expect(onError).toHaveBeenCalledWith(expect.any(Error), bad);
    const throwing = fresh(() => {
      throw new Error('the reporter fails too');
    });
    expect(() => throwing.signals.emit(bad)).not.toThrow();
  });
});

describe('live-update clients', () => {
  it('are counted while connected, each gone once however many times its end is reported', async () => {
    const metrics = fresh();
    const first = metrics.trackSseClient();
    const second = metrics.trackSseClient();
    expect(await valueOf(metrics, 'wheelhouse_sse_clients')).toBe(2);
    first();
    first();
    expect(await valueOf(metrics, 'wheelhouse_sse_clients')).toBe(1);
    second();
    expect(await valueOf(metrics, 'wheelhouse_sse_clients')).toBe(0);
  });
});

describe('the registry', () => {
  it("includes prom-client's process metrics unless told not to", async () => {
    expect(await createMetrics().registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await fresh().registry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });
});
