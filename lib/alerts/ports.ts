import type { AlertBody, AlertFormat } from '../domain/alerts/alert-bodies';
import type { DeliveredKind } from '../domain/alerts/alert';
import type { AttemptResult, DeliveryOutcome } from '../domain/alerts/delivery-schedule';

/** An alert to queue: one delivery per enabled webhook asking for any of `kinds`, with the body of its format. */
export interface QueuedAlert {
  readonly kinds: readonly DeliveredKind[];
  readonly bodies: Readonly<Record<AlertFormat, AlertBody>>;
}

/** Where alerts become durable deliveries (lib/db/alert-repository.ts). */
export interface AlertQueueStore {
  /** Queues the alert for every webhook that wants it; resolves with how many deliveries were queued. */
  queueForSubscribers(alert: QueuedAlert): Promise<number>;
}

/** A delivery this server claimed for one attempt: nobody else sends it until `holdMs` has passed. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly url: string;
  readonly payload: unknown;
  /** Counting the attempt just claimed. */
  readonly attempts: number;
}

/** The dispatcher's side of the deliveries (lib/db/alert-repository.ts). */
export interface DeliveryStore {
  /** Claims up to `limit` due deliveries for one attempt each, across every server on the database. */
  claimDue(limit: number, holdMs: number): Promise<readonly ClaimedDelivery[]>;
  /** Stores what the attempt got and where the delivery stands after it. */
  recordOutcome(delivery: Pick<ClaimedDelivery, 'id' | 'attempts'>, result: AttemptResult, outcome: DeliveryOutcome): Promise<void>;
}
