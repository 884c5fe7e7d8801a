import { alertBody } from '../domain/alerts/alert-bodies';
import { TEST_ALERT_KIND, testAlert } from '../domain/alerts/alert';
import { wakeAlertDispatcher } from '../server/alerts';
import { serverContext, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';
import { noSuchWebhook, requireAdmin } from './manage-alert-webhooks';

/**
 * Queues a test alert to webhook `id` alone, in its format, whether it is enabled or not (admins); resolves with
 * the delivery's id at once: its outcome shows in the deliveries as the dispatcher sends it. 404 when there is none.
 */
export async function sendTestAlert(
  by: Operator,
  id: string,
  { repositories, serverId }: Pick<ServerContext, 'repositories' | 'serverId'> = serverContext(),
): Promise<{ id: string }> {
  requireAdmin(by);
  const webhook = await repositories.alerts.findWebhook(id);
  if (!webhook) throw noSuchWebhook(id);
  const deliveryId = await repositories.alerts.queueDelivery(webhook.id, TEST_ALERT_KIND, alertBody(testAlert(by.name, new Date()), webhook.format, serverId));
  wakeAlertDispatcher();
  return { id: deliveryId };
}
