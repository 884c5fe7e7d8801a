import { AlertDispatcher } from '../alerts/alert-dispatcher';
import { AlertSignals } from '../alerts/alert-signals';
import { serverContext } from './context';

interface Alerts {
  readonly signals: AlertSignals;
  readonly dispatcher: AlertDispatcher;
  isStarted: boolean;
}

const globalForAlerts = globalThis as typeof globalThis & { wheelhouseAlerts?: Alerts };

/** The process's one alert queue and dispatcher (instrumentation and route handlers share globalThis). */
function alerts(): Alerts {
  if (!globalForAlerts.wheelhouseAlerts) {
    const { serverId, log, repositories } = serverContext();
    const dispatcher = new AlertDispatcher({ store: repositories.alerts, log });
    const signals = new AlertSignals({ store: repositories.alerts, server: serverId, log, onQueued: () => dispatcher.wake() });
    globalForAlerts.wheelhouseAlerts = { signals, dispatcher, isStarted: false };
  }
  return globalForAlerts.wheelhouseAlerts;
}

/** The engine's signals as alerts: give it to the engine (`EngineSignals`); `emit` never waits and never throws. */
export function alertSignals(): AlertSignals {
  return alerts().signals;
}

/** Starts sending this server's share of the queued alert deliveries (once per process; every server runs one). */
export function startAlertDispatcher(): void {
  const state = alerts();
  if (state.isStarted) return;
  state.isStarted = true;
  state.dispatcher.start();
}

/** Stops the dispatcher, waiting for the attempts under way to be recorded (shutdown). */
export async function stopAlertDispatcher(): Promise<void> {
  const state = globalForAlerts.wheelhouseAlerts;
  if (!state?.isStarted) return;
  await state.signals.flush();
  await state.dispatcher.stop();
}

/** Sends what was just queued on this server now rather than at the next poll. */
export function wakeAlertDispatcher(): void {
  const state = globalForAlerts.wheelhouseAlerts;
  if (state?.isStarted) state.dispatcher.wake();
}
