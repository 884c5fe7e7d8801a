import { PaperBroker } from '../broker/paper-broker';
import { EngineHost } from '../engine/engine-host';
import type { EngineSignals } from '../engine/ports';
import { serverContext } from './context';

const globalForEngine = globalThis as typeof globalThis & { wheelhouseEngineHost?: Promise<EngineHost> };

/**
 * Starts the process's engine host once (instrumentation may run more than once in development): the engine runs
 * here while this server holds the market clock's lease, and waits to take over while another server does.
 */
export function bootEngine(signals?: EngineSignals): Promise<EngineHost> {
  globalForEngine.wheelhouseEngineHost ??= startEngineHost(signals);
  return globalForEngine.wheelhouseEngineHost;
}

async function startEngineHost(signals?: EngineSignals): Promise<EngineHost> {
  const { env, db, hub, log, repositories, serverId } = serverContext();
  const broker = new PaperBroker(db, { startingBalance: env.PAPER_STARTING_BALANCE });
  const host = new EngineHost({
    holder: serverId,
    leases: repositories.leases,
    leaseTtlMs: env.LEASE_TTL_MS,
    stores: repositories,
    riskLimitStore: repositories.riskLimits,
    changes: hub,
    broker,
    venueFaults: broker,
    log,
    signals,
    simulation: {
      start: Date.parse(env.SIM_START),
      seed: env.SIM_SEED,
      vix: env.SIM_VIX,
      scenario: env.SIM_SCENARIO,
      speed: env.SIM_SPEED,
    },
  });
  await host.start();
  log.info({ serverId, runsEngine: host.current !== null }, host.current ? 'engine started on this server' : 'engine runs on another server: standing by');
  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping engine');
    host
      .stop()
      .catch((error: unknown) => log.error({ err: error }, 'engine did not stop cleanly'))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return host;
}
