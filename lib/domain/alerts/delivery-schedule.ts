/**
 * How long a failed delivery waits before its next attempt: 5 s, 30 s, 2 min, 10 min, 30 min; a delivery
 * that fails once more after the last wait is failed for good (six attempts in all, over about 43 minutes).
 */
export const RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000];

/** What one attempt at a delivery got back: an HTTP status, or no answer at all (`statusCode` null). */
export interface AttemptResult {
  readonly statusCode: number | null;
  /** Why it failed, when it did: the status line, a timeout, a refused connection. */
  readonly error: string | null;
}

export type DeliveryOutcome =
  | { readonly status: 'delivered' }
  | { readonly status: 'pending'; readonly retryInMs: number }
  | { readonly status: 'failed' };

/** Whether the receiver took the alert: any 2xx answer. */
export function isAccepted(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/**
 * Where a delivery stands after its `attempts`-th attempt (counting that one) got `result`: delivered on a 2xx,
 * else pending again after the schedule's wait, or failed once the schedule is spent.
 */
export function deliveryOutcome(attempts: number, result: AttemptResult, schedule: readonly number[] = RETRY_DELAYS_MS): DeliveryOutcome {
  if (isAccepted(result.statusCode)) return { status: 'delivered' };
  const wait = schedule[attempts - 1];
  return wait === undefined ? { status: 'failed' } : { status: 'pending', retryInMs: wait };
}
