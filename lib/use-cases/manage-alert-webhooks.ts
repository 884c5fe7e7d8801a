import type { AlertWebhook } from '../api/contract';
import { hasRole } from '../auth/roles';
import type { AlertEventKind } from '../domain/alerts/alert';
import type { AlertFormat } from '../domain/alerts/alert-bodies';
import { redactedWebhookUrl } from '../domain/alerts/webhook-url';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';
import { alertWebhookView } from './read-alerts';
import { requestOrigin } from './request-origin';

/** Every setting of a webhook, as the contract has parsed it. */
export interface AlertWebhookSettings {
  readonly name: string;
  readonly url: string;
  readonly format: AlertFormat;
  readonly events: readonly AlertEventKind[];
  readonly enabled: boolean;
}

/** Who changes a webhook, and the request they sent (for where it came from). */
export interface WebhookChange {
  readonly by: Operator;
  readonly request?: Request;
}

type Context = Pick<ServerContext, 'auth' | 'repositories'>;

/** Adds a webhook (admins); recorded as `alert-webhook-added`. */
export async function addAlertWebhook(change: WebhookChange, settings: AlertWebhookSettings, context: Context = serverContext()): Promise<AlertWebhook> {
  requireAdmin(change.by);
  const stored = await context.repositories.alerts.addWebhook(settings, audit(change, `added webhook ${describe(settings)}`, context));
  return alertWebhookView(stored, change.by);
}

/** Sets every setting of webhook `id` (admins); recorded as `alert-webhook-changed`; 404 when there is none. */
export async function changeAlertWebhook(change: WebhookChange, id: string, settings: AlertWebhookSettings, context: Context = serverContext()): Promise<AlertWebhook> {
  requireAdmin(change.by);
  const stored = await context.repositories.alerts.changeWebhook(id, settings, audit(change, `changed webhook ${id} to ${describe(settings)}`, context));
  if (!stored) throw noSuchWebhook(id);
  return alertWebhookView(stored, change.by);
}

/** Removes webhook `id` and its deliveries (admins); recorded as `alert-webhook-removed`; 404 when there is none. */
export async function removeAlertWebhook(change: WebhookChange, id: string, context: Context = serverContext()): Promise<{ id: string }> {
  requireAdmin(change.by);
  const webhook = await context.repositories.alerts.findWebhook(id);
  if (!webhook) throw noSuchWebhook(id);
  const removed = await context.repositories.alerts.removeWebhook(id, audit(change, `removed webhook ${id} (${describe(webhook)})`, context));
  if (!removed) throw noSuchWebhook(id);
  return { id };
}

export function requireAdmin(by: Operator): void {
  if (!hasRole(by.role, 'admin')) throw new AppError('FORBIDDEN', `configuring alerts needs the admin role; you are signed in as ${by.role}`);
}

export const noSuchWebhook = (id: string) => new AppError('NOT_FOUND', `no alert webhook has the id ${id}`);

/** The audit trail names the URL by its origin only: its path may be the webhook's secret. */
function describe({ name, url, format, events, enabled }: Omit<AlertWebhookSettings, 'events'> & { readonly events: readonly string[] }): string {
  return `"${name}" (${format}, ${redactedWebhookUrl(url)}, events ${events.join(', ')}, ${enabled ? 'enabled' : 'disabled'})`;
}

function audit({ by, request }: WebhookChange, detail: string, context: Context) {
  return { actor: by.name, actorId: by.userId, detail, origin: requestOrigin(request, context) };
}
