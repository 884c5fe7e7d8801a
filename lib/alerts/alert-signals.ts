import { ALERT_FORMATS, alertBody, type AlertBody, type AlertFormat } from '../domain/alerts/alert-bodies';
import type { Alert } from '../domain/alerts/alert';
import type { EngineSignal, EngineSignals } from '../engine/ports';
import type { Logger } from '../log';
import { alertOf } from './alert-of-signal';
import type { AlertQueueStore } from './ports';

/** Alerts waiting to be written at most; past it they are logged and dropped: trading never waits for alerts. */
export const ALERT_QUEUE_CAPACITY = 1_000;

export interface AlertSignalsOptions {
  readonly store: AlertQueueStore;
  /** Which server raises the alerts (the generic body's `server`). */
  readonly server: string;
  readonly log: Pick<Logger, 'warn' | 'error'>;
  readonly now?: () => Date;
  readonly capacity?: number;
  /** Called once alerts are in the database, to wake this server's dispatcher. */
  readonly onQueued?: () => void;
}

/**
 * The engine's signals turned into alerts. `emit` only maps the signal and puts the alert in a bounded queue in
 * memory; the queue is written to the database later, off the engine's path, so a slow database or a dead
 * webhook never delays a bar or an order.
 */
export class AlertSignals implements EngineSignals {
  private readonly pending: Alert[] = [];
  private draining: Promise<void> | null = null;
  private readonly now: () => Date;
  private readonly capacity: number;

  constructor(private readonly options: AlertSignalsOptions) {
    this.now = options.now ?? (() => new Date());
    this.capacity = options.capacity ?? ALERT_QUEUE_CAPACITY;
  }

  emit(signal: EngineSignal): void {
    try {
      const alert = alertOf(signal, this.now());
      if (!alert) return;
      if (this.pending.length >= this.capacity) {
        this.options.log.warn({ kind: alert.kinds[0], summary: alert.summary, capacity: this.capacity }, 'alert dropped: the alert queue is full');
        return;
      }
      this.pending.push(alert);
      this.scheduleDrain();
    } catch (error) {
      this.options.log.error({ err: error, signal: signal.kind }, 'alert not raised');
    }
  }

  /** Resolves once every alert emitted so far has been written (or given up on): tests and shutdown. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    // setImmediate: nothing of the drain, not even its first statement, runs on the caller's stack.
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        if (this.pending.length > 0) this.scheduleDrain();
      });
  }

  private async drain(): Promise<void> {
    for (let alert = this.pending.shift(); alert; alert = this.pending.shift()) {
      try {
        const queued = await this.options.store.queueForSubscribers({ kinds: alert.kinds, bodies: this.bodiesOf(alert) });
        if (queued > 0) this.options.onQueued?.();
      } catch (error) {
        this.options.log.error({ err: error, kind: alert.kinds[0], summary: alert.summary }, 'alert not queued: the database refused it');
      }
    }
  }

  private bodiesOf(alert: Alert): Record<AlertFormat, AlertBody> {
    return Object.fromEntries(ALERT_FORMATS.map((format) => [format, alertBody(alert, format, this.options.server)])) as Record<AlertFormat, AlertBody>;
  }
}
