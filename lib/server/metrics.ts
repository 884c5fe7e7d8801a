import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SYSTEM_MODES, type SystemMode } from '../domain/system-mode';
import type { EngineSignal, EngineSignals } from '../engine/ports';
import { serverContext } from './context';

/** Transition writes are one SQL statement: 0.5-50 ms when healthy, with room above to see them slow down. */
const TRANSITION_WRITE_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1];
/** An operator command, claimed to settled: a store write or two, or an order round trip at the broker. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * This process's Prometheus metrics: the engine's signals (as an `EngineSignals`), the live-update clients, and
 * prom-client's default process metrics, in one registry. Labels stay few: strategy ids (a handful), states,
 * command types and broker operations; never free text.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** The engine's signals, counted. `emit` never throws: a value prom-client refuses is passed to `onError`. */
  readonly signals: EngineSignals;
  /** One more Server-Sent Events client now; the returned function (idempotent) counts it gone. */
  trackSseClient(): () => void;
}

export interface MetricsOptions {
  /** Whether to collect prom-client's process metrics (CPU, memory, event loop lag, ...); on by default. */
  readonly processMetrics?: boolean;
  /** Told when a signal could not be counted; the engine never is. */
  readonly onError?: (error: unknown, signal: EngineSignal) => void;
  /**
   * The mode in force, read at each scrape: from the shared database, so that every server (the engine's, one standing
   * by, one that took over) shows the same. Without it the mode shows nothing.
   */
  readonly readMode?: () => Promise<SystemMode>;
}

/** A fresh registry with every metric, at zero. One per process in a server (`serverMetrics`); one per test. */
export function createMetrics({ processMetrics = true, onError = () => undefined, readMode }: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const transitions = new Counter({
    name: 'wheelhouse_transitions_total',
    help: 'Strategy transitions stored, by strategy and the state entered.',
    labelNames: ['strategy', 'to'] as const,
    registers,
  });
  const transitionWrite = new Histogram({
    name: 'wheelhouse_transition_write_seconds',
    help: 'Time to store one transition (the one statement that moves the strategy row and appends its history).',
    buckets: TRANSITION_WRITE_BUCKETS,
    registers,
  });
  const strategyErrors = new Counter({
    name: 'wheelhouse_strategy_errors_total',
    help: 'Strategies entering ERROR, by strategy; circuit_breaker="true" when it was the circuit breaker opening.',
    labelNames: ['strategy', 'circuit_breaker'] as const,
    registers,
  });
  const commands = new Histogram({
    name: 'wheelhouse_command_seconds',
    help: 'Operator commands executed by this server, claimed to settled, by type and how they settled.',
    labelNames: ['type', 'status'] as const,
    buckets: COMMAND_BUCKETS,
    registers,
  });
  const leasesHeld = new Gauge({
    name: 'wheelhouse_leases_held',
    help: 'Leases this server holds (the market clock, one per strategy it runs).',
    registers,
  });
  const takeovers = new Counter({
    name: 'wheelhouse_lease_takeovers_total',
    help: 'Times this server took over leases another server held or left to expire.',
    registers,
  });
  const leasesTakenOver = new Counter({
    name: 'wheelhouse_leases_taken_over_total',
    help: 'Leases this server took over from another server, counted one by one.',
    registers,
  });
  const brokerErrors = new Counter({
    name: 'wheelhouse_broker_errors_total',
    help: 'Calls to the broker that failed, by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const quarantines = new Counter({
    name: 'wheelhouse_data_quarantines_total',
    help: 'Market-data bars quarantined (marked stale) for a problem with the data.',
    registers,
  });
  new Gauge({
    name: 'wheelhouse_system_mode',
    help: 'The trading mode in force (read from the database at each scrape): 1 for the current mode, 0 for the others.',
    labelNames: ['mode'] as const,
    registers,
    async collect() {
      if (!readMode) return;
      const current = await readMode();
      for (const each of SYSTEM_MODES) this.set({ mode: each }, each === current ? 1 : 0);
    },
  });
  const sseClients = new Gauge({
    name: 'wheelhouse_sse_clients',
    help: 'Browsers following live updates (Server-Sent Events) from this server.',
    registers,
  });

  const count = (signal: EngineSignal): void => {
    switch (signal.kind) {
      case 'transition':
        transitions.inc({ strategy: signal.strategyId, to: signal.to });
        transitionWrite.observe(signal.writeMs / 1000);
        return;
      case 'strategy-error':
        strategyErrors.inc({ strategy: signal.strategyId, circuit_breaker: String(signal.circuitBreaker) });
        return;
      case 'command':
        commands.observe({ type: signal.type, status: signal.status }, signal.ms / 1000);
        return;
      case 'mode':
        // Read from the database at the scrape (the gauge's collect), where every server sees the same mode.
        return;
      case 'takeover':
        takeovers.inc();
        leasesTakenOver.inc(signal.leases.length);
        return;
      case 'leases':
        leasesHeld.set(signal.held);
        return;
      case 'broker-error':
        brokerErrors.inc({ operation: signal.operation });
        return;
      case 'quarantine':
        quarantines.inc();
        return;
    }
  };

  return {
    registry,
    signals: {
      emit(signal) {
        try {
          count(signal);
        } catch (error) {
          try {
            onError(error, signal);
          } catch {
            // emit never throws, whatever the error reporter does
          }
        }
      },
    },
    trackSseClient() {
      sseClients.inc();
      let isGone = false;
      return () => {
        if (isGone) return;
        isGone = true;
        sseClients.dec();
      };
    },
  };
}

const globalForMetrics = globalThis as typeof globalThis & { wheelhouseMetrics?: ServerMetrics };

/**
 * The process's one set of metrics. Next.js bundles instrumentation (where the engine runs) and route handlers
 * separately; globalThis is shared, so the engine's signals and the scrape see the same registry.
 */
export function serverMetrics(): ServerMetrics {
  globalForMetrics.wheelhouseMetrics ??= createMetrics({
    onError: (error, signal) => serverContext().log.warn({ err: error, signal: signal.kind }, 'an engine signal could not be counted'),
    readMode: async () => (await serverContext().repositories.system.current()).mode,
  });
  return globalForMetrics.wheelhouseMetrics;
}
