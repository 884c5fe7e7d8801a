import { deliveryOutcome, isAccepted, RETRY_DELAYS_MS, type AttemptResult } from '../domain/alerts/delivery-schedule';
import type { Logger } from '../log';
import type { ClaimedDelivery, DeliveryStore } from './ports';

export interface AlertDispatcherOptions {
  readonly store: DeliveryStore;
  readonly log: Pick<Logger, 'warn' | 'error'>;
  readonly fetch?: typeof fetch;
  /** How often it looks for due deliveries (retries, other servers' alerts) besides being woken. */
  readonly pollMs?: number;
  /** How long a receiver has to answer. */
  readonly timeoutMs?: number;
  /** How long a claimed delivery is this server's alone; past it (a crash mid-send), another may try again. */
  readonly holdMs?: number;
  readonly batchSize?: number;
  /** The waits between attempts (tests shorten them). */
  readonly schedule?: readonly number[];
}

export const ALERT_TIMEOUT_MS = 5_000;

/**
 * Sends the queued deliveries, on every server: claims the due ones (each attempt by one server only), POSTs
 * them, and records what came back: delivered on a 2xx, else retried on the schedule, or failed after the last
 * attempt. Runs apart from the engine: it is woken by a timer and by alerts queued on this server.
 */
export class AlertDispatcher {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;
  private isWokenAgain = false;
  private isStopped = false;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly holdMs: number;
  private readonly batchSize: number;
  private readonly schedule: readonly number[];

  constructor(private readonly options: AlertDispatcherOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? ALERT_TIMEOUT_MS;
    this.holdMs = options.holdMs ?? 60_000;
    this.batchSize = options.batchSize ?? 10;
    this.schedule = options.schedule ?? RETRY_DELAYS_MS;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 5_000);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (or right after the round under way). Never throws, never waits. */
  wake(): void {
    if (this.isStopped) return;
    if (this.running) {
      this.isWokenAgain = true;
      return;
    }
    this.running = this.sendDue()
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.error({ err: error }, 'alert deliveries not sent: the database refused'))
      .finally(() => {
        this.running = null;
        if (this.isWokenAgain) {
          this.isWokenAgain = false;
          this.wake();
        }
      });
  }

  /** Stops polling and waits for the attempts under way to be recorded. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Sends every delivery due now, a batch at a time; resolves with how many attempts were made. */
  async sendDue(): Promise<number> {
    let attempted = 0;
    while (!this.isStopped) {
      const claimed = await this.options.store.claimDue(this.batchSize, this.holdMs);
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempted += claimed.length;
    }
    return attempted;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const result = await this.post(delivery);
    const outcome = deliveryOutcome(delivery.attempts, result, this.schedule);
    if (outcome.status !== 'delivered') this.options.log.warn({ delivery: delivery.id, attempts: delivery.attempts, error: result.error, outcome: outcome.status }, 'alert not delivered');
    await this.options.store.recordOutcome(delivery, result, outcome);
  }

  /** One POST; never follows a redirect (a webhook is where it was configured, nowhere else). */
  private async post({ url, payload }: ClaimedDelivery): Promise<AttemptResult> {
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Wheelhouse-Alerts' },
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status, error: isAccepted(response.status) ? null : `${response.status} ${response.statusText}`.trim() };
    } catch (error) {
      return { statusCode: null, error: this.failureOf(error) };
    }
  }

  private failureOf(error: unknown): string {
    if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${this.timeoutMs} ms`;
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error instanceof Error ? error.message : String(error)}${cause}`.slice(0, 500);
  }
}
