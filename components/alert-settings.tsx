'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { formatMarketTime } from '@/components/format';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import { alertFormatSchema, type AlertDelivery, type AlertWebhook, type AlertWebhookBody } from '@/lib/api/contract';
import { addAlertWebhook, alertQueries, changeAlertWebhook, removeAlertWebhook, sendTestAlert } from '@/lib/client/queries';
import { ALERT_EVENT_KINDS, ALERT_EVENT_LABELS, type AlertEventKind } from '@/lib/domain/alerts/alert';

const INPUT_CLASSES = 'w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm text-slate-100';
const FORMAT_LABELS = { generic: 'Generic JSON', slack: 'Slack', discord: 'Discord' } as const;
const STATUS_CLASSES = { pending: 'text-amber-300', delivered: 'text-green-300', failed: 'text-red-300' } as const;

/**
 * Where alerts go: the webhooks (admins add, enable, disable, remove and test them; operators see them), and the
 * latest deliveries with their outcome. A test's outcome shows next to its webhook as the dispatcher sends it.
 */
export function AlertSettings({ canChange }: { canChange: boolean }) {
  const query = useQuery(alertQueries.settings());
  if (query.isPending) return <Notice>Loading the alert settings…</Notice>;
  if (query.isError) return <Notice tone="error">Could not load the alert settings: {query.error.message}</Notice>;
  const { webhooks, deliveries } = query.data;
  return (
    <>
      <Card>
        <Table caption="Webhooks" note="Each gets the events it asks for, as JSON POSTed to its URL; failed deliveries are retried for about 40 minutes.">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>URL</Th>
              <Th>Format</Th>
              <Th>Events</Th>
              <Th>Status</Th>
              {canChange && <Th>Actions</Th>}
            </tr>
          </thead>
          <tbody>
            {webhooks.length === 0 && <EmptyRow columns={canChange ? 6 : 5}>No webhook yet: alerts go nowhere.</EmptyRow>}
            {webhooks.map((webhook) => (
              <WebhookRow key={webhook.id} webhook={webhook} deliveries={deliveries} canChange={canChange} />
            ))}
          </tbody>
        </Table>
      </Card>
      {canChange && (
        <Card title="Add a webhook">
          <AddWebhookForm />
        </Card>
      )}
      <Card>
        <DeliveriesTable deliveries={deliveries} />
      </Card>
    </>
  );
}

function useAlertChange<Args, Result>(send: (args: Args) => Promise<Result>, onDone?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: onDone,
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertQueries.all() }),
  });
}

const settingsOf = ({ name, url, format, events, enabled }: AlertWebhook): AlertWebhookBody => ({
  name,
  url,
  format,
  events: events.filter((event): event is AlertEventKind => (ALERT_EVENT_KINDS as readonly string[]).includes(event)),
  enabled,
});

function WebhookRow({ webhook, deliveries, canChange }: { webhook: AlertWebhook; deliveries: readonly AlertDelivery[]; canChange: boolean }) {
  const [testId, setTestId] = useState<string | null>(null);
  const test = useAlertChange(() => sendTestAlert(webhook.id));
  const toggle = useAlertChange(() => changeAlertWebhook(webhook.id, { ...settingsOf(webhook), enabled: !webhook.enabled }));
  const remove = useAlertChange(() => removeAlertWebhook(webhook.id));
  const failure = test.error ?? toggle.error ?? remove.error;
  const sendTest = () => {
    setTestId(null);
    test.mutate(undefined, { onSuccess: (id) => setTestId(id) });
  };
  const confirmRemove = () => {
    if (window.confirm(`Remove the webhook ${webhook.name} and its deliveries?`)) remove.mutate(undefined);
  };
  return (
    <tr>
      <Td>{webhook.name}</Td>
      <Td className="max-w-xs font-mono text-xs break-all">{webhook.url}</Td>
      <Td>{FORMAT_LABELS[webhook.format]}</Td>
      <Td className="text-xs">{webhook.events.join(', ')}</Td>
      <Td>{webhook.enabled ? 'enabled' : <span className="text-slate-400">disabled</span>}</Td>
      {canChange && (
        <Td>
          <div className="flex flex-wrap gap-2">
            <Button onClick={sendTest} disabled={test.isPending} aria-busy={test.isPending} aria-label={`Send test to ${webhook.name}`} className="px-2 py-1 text-xs">
              Send test
            </Button>
            <Button onClick={() => toggle.mutate(undefined)} disabled={toggle.isPending} aria-label={`${webhook.enabled ? 'Disable' : 'Enable'} ${webhook.name}`} className="px-2 py-1 text-xs">
              {webhook.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button variant="danger" onClick={confirmRemove} disabled={remove.isPending} aria-label={`Remove ${webhook.name}`} className="px-2 py-1 text-xs">
              Remove
            </Button>
          </div>
          {testId && <TestOutcome delivery={deliveries.find((delivery) => delivery.id === testId)} id={testId} />}
          {failure && (
            <p role="alert" className="mt-1 text-xs text-red-300">
              {failure.message}
            </p>
          )}
        </Td>
      )}
    </tr>
  );
}

function TestOutcome({ delivery, id }: { delivery: AlertDelivery | undefined; id: string }) {
  const text = !delivery || delivery.status === 'pending' ? `Test ${id}: sending…${delivery?.lastError ? ` (last try: ${delivery.lastError})` : ''}` : delivery.status === 'delivered' ? `Test ${id}: delivered (HTTP ${delivery.lastStatusCode ?? '?'})` : `Test ${id}: failed: ${delivery.lastError ?? 'no answer'}`;
  return (
    <p role="status" className={`mt-1 text-xs ${STATUS_CLASSES[delivery?.status ?? 'pending']}`}>
      {text}
    </p>
  );
}

const EMPTY_WEBHOOK: AlertWebhookBody = { name: '', url: '', format: 'generic', events: ['strategy-error', 'circuit-breaker', 'halt', 'takeover', 'command-failed'], enabled: true };

function AddWebhookForm() {
  const ids = { name: useId(), url: useId(), format: useId(), events: useId() };
  const [webhook, setWebhook] = useState<AlertWebhookBody>(EMPTY_WEBHOOK);
  const [added, setAdded] = useState<string | null>(null);
  const add = useAlertChange(
    (sent: AlertWebhookBody) => addAlertWebhook(sent),
    () => {
      setAdded(webhook.name);
      setWebhook(EMPTY_WEBHOOK);
    },
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(webhook);
  };
  // Kept in the list's own order, whatever the order of the clicks.
  const toggleEvent = (kind: AlertEventKind, isChecked: boolean) =>
    setWebhook({ ...webhook, events: ALERT_EVENT_KINDS.filter((each) => (each === kind ? isChecked : webhook.events.includes(each))) });

  return (
    <div className="max-w-2xl space-y-3">
      <form onSubmit={submit} aria-label="Add a webhook" className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={ids.name} className="block text-sm font-medium text-slate-300">
            Name
          </label>
          <input id={ids.name} required maxLength={100} value={webhook.name} onChange={(event) => setWebhook({ ...webhook, name: event.target.value })} className={INPUT_CLASSES} />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.format} className="block text-sm font-medium text-slate-300">
            Format
          </label>
          <select id={ids.format} value={webhook.format} onChange={(event) => setWebhook({ ...webhook, format: alertFormatSchema.parse(event.target.value) })} className={INPUT_CLASSES}>
            {alertFormatSchema.options.map((format) => (
              <option key={format} value={format}>
                {FORMAT_LABELS[format]}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={ids.url} className="block text-sm font-medium text-slate-300">
            URL
          </label>
          <input id={ids.url} type="url" required maxLength={2000} placeholder="https://hooks.slack.com/services/…" value={webhook.url} onChange={(event) => setWebhook({ ...webhook, url: event.target.value })} className={`${INPUT_CLASSES} font-mono`} />
        </div>
        <fieldset className="space-y-1 sm:col-span-2">
          <legend className="text-sm font-medium text-slate-300">Events</legend>
          {ALERT_EVENT_KINDS.map((kind) => (
            <label key={kind} className="flex items-center gap-2 text-sm text-slate-200">
              <input type="checkbox" checked={webhook.events.includes(kind)} onChange={(event) => toggleEvent(kind, event.target.checked)} />
              {ALERT_EVENT_LABELS[kind]}
            </label>
          ))}
        </fieldset>
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary" disabled={add.isPending} aria-busy={add.isPending}>
            Add webhook
          </Button>
        </div>
      </form>
      {add.error && (
        <p role="alert" className="text-sm text-red-300">
          {add.error.message}
        </p>
      )}
      {added && (
        <p role="status" className="text-sm text-green-300">
          Added {added}.
        </p>
      )}
    </div>
  );
}

function DeliveriesTable({ deliveries }: { deliveries: readonly AlertDelivery[] }) {
  return (
    <Table caption="Recent deliveries" note="The latest 50, newest first. A pending delivery is tried again at its next attempt.">
      <thead>
        <tr>
          <Th>Queued</Th>
          <Th>Event</Th>
          <Th>Webhook</Th>
          <Th>Status</Th>
          <Th>Attempts</Th>
          <Th>Last error</Th>
        </tr>
      </thead>
      <tbody>
        {deliveries.length === 0 && <EmptyRow columns={6}>No alert sent yet.</EmptyRow>}
        {deliveries.map((delivery) => (
          <tr key={delivery.id} data-testid="alert-delivery">
            <Td className="whitespace-nowrap">{formatMarketTime(delivery.createdAt, { withSeconds: true })}</Td>
            <Td>{delivery.eventKind}</Td>
            <Td>{delivery.webhookName}</Td>
            <Td className={STATUS_CLASSES[delivery.status]}>
              {delivery.status}
              {delivery.lastStatusCode !== null && ` (HTTP ${delivery.lastStatusCode})`}
            </Td>
            <Td className="tabular-nums">{delivery.attempts}</Td>
            <Td className="text-xs break-all">{delivery.lastError ?? ''}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
