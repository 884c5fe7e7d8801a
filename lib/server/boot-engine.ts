import type { Engine } from '../engine/engine';
import { serverContext } from './context';
import { loadEngine } from './load-engine';

const globalForEngine = globalThis as typeof globalThis & { wheelhouseEngine?: Promise<Engine> };

/** Starts the process's engine once (instrumentation may run more than once in development). */
export function bootEngine(): Promise<Engine> {
  globalForEngine.wheelhouseEngine ??= startEngine();
  return globalForEngine.wheelhouseEngine;
}

async function startEngine(): Promise<Engine> {
  const { env, db, hub, log } = serverContext();
  const engine = await loadEngine({
    db,
    hub,
    log,
    simulation: {
      start: Date.parse(env.SIM_START),
      seed: env.SIM_SEED,
      vix: env.SIM_VIX,
      scenario: env.SIM_SCENARIO,
      speed: env.SIM_SPEED,
    },
    startingBalance: env.PAPER_STARTING_BALANCE,
  });
  await engine.start();
  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping engine');
    engine
      .stop()
      .catch((error: unknown) => log.error({ err: error }, 'engine did not stop cleanly'))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return engine;
}
