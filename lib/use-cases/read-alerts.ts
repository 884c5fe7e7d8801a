import type { AlertDelivery, AlertsResponse, AlertWebhook } from '../api/contract';
import { hasRole } from '../auth/roles';
import { redactedWebhookUrl } from '../domain/alerts/webhook-url';
import { AppError } from '../errors';
import { serverContext, type Repositories, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';

type StoredWebhook = Awaited<ReturnType<Repositories['alerts']['listWebhooks']>>[number];
type StoredDelivery = Awaited<ReturnType<Repositories['alerts']['recentDeliveries']>>[number];

/** How many of the latest deliveries the settings page lists. */
export const RECENT_DELIVERIES = 50;

/** A webhook as `by` may see it: the URL in full for admins only (a Slack or Discord URL is its own secret). */
export function alertWebhookView(webhook: StoredWebhook, by: Pick<Operator, 'role'>): AlertWebhook {
  return {
    ...webhook,
    url: hasRole(by.role, 'admin') ? webhook.url : redactedWebhookUrl(webhook.url),
    events: [...webhook.events],
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

function deliveryView(delivery: StoredDelivery): AlertDelivery {
  return {
    ...delivery,
    nextAttemptAt: delivery.nextAttemptAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

/** The alert webhooks and the latest deliveries with their outcome, for operators and admins. */
export async function readAlerts(by: Operator, { repositories }: Pick<ServerContext, 'repositories'> = serverContext()): Promise<AlertsResponse> {
  if (!hasRole(by.role, 'operator')) throw new AppError('FORBIDDEN', `the alert settings need the operator role; you are signed in as ${by.role}`);
  const [webhooks, deliveries] = await Promise.all([repositories.alerts.listWebhooks(), repositories.alerts.recentDeliveries(RECENT_DELIVERIES)]);
  return { webhooks: webhooks.map((webhook) => alertWebhookView(webhook, by)), deliveries: deliveries.map(deliveryView) };
}
