import { z } from 'zod';
import { ALERT_FORMATS, type AlertFormat } from '../domain/alerts/alert-bodies';
import type { AttemptResult, DeliveryOutcome } from '../domain/alerts/delivery-schedule';
import type { AccessEventKind } from './access-event-repository';
import type { Db } from './client';

/** A webhook as stored. */
export interface StoredWebhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly format: AlertFormat;
  readonly events: readonly string[];
  readonly enabled: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What an admin sets on a webhook. */
export interface WebhookSettings {
  readonly name: string;
  readonly url: string;
  readonly format: AlertFormat;
  readonly events: readonly string[];
  readonly enabled: boolean;
}

/** Who changed a webhook, from where, and the access event's detail, written with the change. */
export interface WebhookAudit {
  readonly actor: string;
  readonly actorId: string | null;
  readonly detail: string;
  readonly origin: { readonly ip: string | null; readonly userAgent: string | null; readonly method: string | null; readonly path: string | null };
}

/** A delivery as the settings page lists it. */
export interface StoredDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly webhookName: string;
  readonly eventKind: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

const webhookRow = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  format: z.enum(ALERT_FORMATS),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const deliveryRow = z.object({
  id: z.string(),
  webhookId: z.string(),
  webhookName: z.string(),
  eventKind: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.date(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});

const claimedRow = z.object({ id: z.string(), url: z.string(), payload: z.unknown(), attempts: z.number() });

const WEBHOOK = `id, name, url, format, event_kinds AS events, enabled, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The access event written in the same statement as a webhook change ($1 kind, $2-$8 who, from where, detail). */
const AUDITED = `audited AS (
  INSERT INTO access_event (kind, user_id, actor, ip, user_agent, method, path, detail)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text FROM changed
)`;

const auditParams = (kind: AccessEventKind, { actor, actorId, detail, origin }: WebhookAudit) => [
  kind,
  actorId,
  actor,
  origin.ip,
  origin.userAgent,
  origin.method,
  origin.path,
  detail,
];

/**
 * Alert webhooks and their deliveries. A change to a webhook and its access event are one statement; deliveries
 * are claimed for one attempt at a time with FOR UPDATE SKIP LOCKED, so several servers on one database send
 * each attempt once.
 */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  async listWebhooks(): Promise<StoredWebhook[]> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`SELECT ${WEBHOOK} FROM alert_webhook ORDER BY created_at, id`);
    return rows.map((row) => webhookRow.parse(row));
  }

  async findWebhook(id: string): Promise<StoredWebhook | null> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(`SELECT ${WEBHOOK} FROM alert_webhook WHERE id = $1::text`, id);
    return rows[0] === undefined ? null : webhookRow.parse(rows[0]);
  }

  /** Adds a webhook, and its `alert-webhook-added` access event. */
  async addWebhook(settings: WebhookSettings, audit: WebhookAudit): Promise<StoredWebhook> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `WITH changed AS (
         INSERT INTO alert_webhook (name, url, format, event_kinds, enabled, created_by)
         VALUES ($9::text, $10::text, $11::text, $12::text[], $13::boolean, $3::text)
         RETURNING ${WEBHOOK}
       ), ${AUDITED}
       SELECT * FROM changed`,
      ...auditParams('alert-webhook-added', audit),
      ...settingsParams(settings),
    );
    return webhookRow.parse(rows[0]);
  }

  /** Sets every setting of webhook `id`, with its `alert-webhook-changed` access event; null when there is no such webhook. */
  async changeWebhook(id: string, settings: WebhookSettings, audit: WebhookAudit): Promise<StoredWebhook | null> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `WITH changed AS (
         UPDATE alert_webhook SET name = $9::text, url = $10::text, format = $11::text, event_kinds = $12::text[], enabled = $13::boolean, updated_at = now()
          WHERE id = $14::text
         RETURNING ${WEBHOOK}
       ), ${AUDITED}
       SELECT * FROM changed`,
      ...auditParams('alert-webhook-changed', audit),
      ...settingsParams(settings),
      id,
    );
    return rows[0] === undefined ? null : webhookRow.parse(rows[0]);
  }

  /** Removes webhook `id` and its deliveries, with its `alert-webhook-removed` access event; false when there is none. */
  async removeWebhook(id: string, audit: WebhookAudit): Promise<boolean> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `WITH changed AS (DELETE FROM alert_webhook WHERE id = $9::text RETURNING id), ${AUDITED}
       SELECT id FROM changed`,
      ...auditParams('alert-webhook-removed', audit),
      id,
    );
    return rows.length > 0;
  }

  /** Queues one delivery per enabled webhook asking for any of `kinds` (the first is recorded), with its format's body. */
  async queueForSubscribers(alert: { readonly kinds: readonly string[]; readonly bodies: Readonly<Record<AlertFormat, unknown>> }): Promise<number> {
    const { bodies } = alert;
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `INSERT INTO alert_delivery (webhook_id, event_kind, payload)
       SELECT id, $1::text, CASE format WHEN 'slack' THEN $3::jsonb WHEN 'discord' THEN $4::jsonb ELSE $5::jsonb END
         FROM alert_webhook
        WHERE enabled AND event_kinds && $2::text[]
       RETURNING id`,
      alert.kinds[0],
      alert.kinds,
      JSON.stringify(bodies.slack),
      JSON.stringify(bodies.discord),
      JSON.stringify(bodies.generic),
    );
    return rows.length;
  }

  /** Queues one delivery to webhook `webhookId` (a test alert); returns its id. */
  async queueDelivery(webhookId: string, eventKind: string, payload: unknown): Promise<string> {
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO alert_delivery (webhook_id, event_kind, payload) VALUES ($1::text, $2::text, $3::jsonb) RETURNING id::text AS id`,
      webhookId,
      eventKind,
      JSON.stringify(payload),
    );
    return rows[0]!.id;
  }

  /**
   * Claims up to `limit` pending deliveries that are due, oldest due first, for one attempt: counted at once,
   * and not due again for `holdMs` (then another server may try, should this one have died mid-send). Rows
   * another server is claiming are skipped, never waited for.
   */
  async claimDue(limit: number, holdMs: number) {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `WITH due AS (
         SELECT id FROM alert_delivery
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT $1::int
          FOR UPDATE SKIP LOCKED
       )
       UPDATE alert_delivery d
          SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due, alert_webhook w
        WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id::text AS id, w.url, d.payload, d.attempts`,
      limit,
      holdMs,
    );
    return rows.map((row) => claimedRow.parse(row));
  }

  /** Stores an attempt's result and where the delivery stands, if that attempt is still the delivery's latest. */
  async recordOutcome(delivery: { readonly id: string; readonly attempts: number }, result: AttemptResult, outcome: DeliveryOutcome): Promise<void> {
    await this.db.$executeRawUnsafe(
      `UPDATE alert_delivery
          SET status = $3::text,
              last_status_code = $4::int,
              last_error = $5::text,
              delivered_at = CASE WHEN $3::text = 'delivered' THEN now() END,
              next_attempt_at = CASE WHEN $3::text = 'pending' THEN now() + make_interval(secs => $6::double precision / 1000) ELSE next_attempt_at END
        WHERE id = $1::bigint AND attempts = $2::int AND status = 'pending'`,
      delivery.id,
      delivery.attempts,
      outcome.status,
      result.statusCode,
      result.error,
      outcome.status === 'pending' ? outcome.retryInMs : 0,
    );
  }

  /** The latest deliveries, newest first, with their webhook's name. */
  async recentDeliveries(limit = 50): Promise<StoredDelivery[]> {
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `SELECT d.id::text AS id, d.webhook_id AS "webhookId", w.name AS "webhookName", d.event_kind AS "eventKind", d.status, d.attempts,
              d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode", d.last_error AS "lastError",
              d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"
         FROM alert_delivery d JOIN alert_webhook w ON w.id = d.webhook_id
        ORDER BY d.id DESC
        LIMIT $1::int`,
      limit,
    );
    return rows.map((row) => deliveryRow.parse(row));
  }
}

const settingsParams = ({ name, url, format, events, enabled }: WebhookSettings) => [name, url, format, events, enabled];
