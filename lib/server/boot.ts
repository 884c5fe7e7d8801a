import type { Server } from 'node:http';
import { areDemoUsersEnabled, seedDemoUsers } from '../use-cases/manage-users';
import type { EngineSignals } from '../engine/ports';
import { startPruningChangeLog } from '../use-cases/prune-change-log';
import { alertSignals, startAlertDispatcher } from './alerts';
import { bootEngine } from './boot-engine';
import { serverContext, type ServerContext } from './context';
import { startMetricsListener } from './metrics-listener';
import { serverMetrics } from './metrics';

const globalForBoot = globalThis as typeof globalThis & { wheelhouseMetricsListener?: Promise<Server | null> };

/**
 * What a server does once at start: the metrics listener, the demo's users when wanted, the change log's pruning,
 * the alert dispatcher, then the engine when enabled, its signals heard by the metrics and the alerts.
 */
export async function bootServer(): Promise<void> {
  const context = serverContext();
  const database = new URL(context.env.DATABASE_URL);
  // Where, never who: the URL's password stays out of the log.
  context.log.info({ database: `${database.hostname}:${database.port || 5432}/${database.pathname.slice(1)}`, origin: context.env.PUBLIC_ORIGIN }, 'server starting');
  await startLoopbackMetrics(context);
  if (areDemoUsersEnabled(context)) {
    const created = await seedDemoUsers(context);
    if (created.length > 0) context.log.warn({ users: created }, 'DEMO users created: their passwords are public; never use them in production');
  }
  startPruningChangeLog(context);
  startAlertDispatcher();
  if (context.env.ENGINE_ENABLED) {
    await bootEngine(everyone(serverMetrics().signals, alertSignals()));
  }
}

/** The metrics on 127.0.0.1:METRICS_PORT, once per process (instrumentation may run more than once in development). */
function startLoopbackMetrics({ env, log }: ServerContext): Promise<Server | null> {
  if (env.METRICS_PORT === 0) return Promise.resolve(null);
  globalForBoot.wheelhouseMetricsListener ??= startMetricsListener({ registry: serverMetrics().registry, port: env.METRICS_PORT, log });
  return globalForBoot.wheelhouseMetricsListener;
}

/** One signal to every listener; each listener's emit returns at once and never throws (EngineSignals). */
function everyone(...listeners: readonly EngineSignals[]): EngineSignals {
  return { emit: (signal) => listeners.forEach((listener) => listener.emit(signal)) };
}
