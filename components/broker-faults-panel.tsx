'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { brokerFaultsChangeBody, brokerFaultsResponseSchema, type BrokerFaults, type BrokerFaultsChange } from '@/lib/api/contract';
import { BROKER_FAULTS_URL, brokerFaultQueries, fetchParsed } from '@/lib/client/queries';

const TOGGLES = [
  { key: 'timeout', label: 'Time out orders', hint: 'accepted, never filled until cancelled' },
  { key: 'dropConnection', label: 'Drop connection', hint: 'every broker call fails' },
  { key: 'staleQuotes', label: 'Stale quotes', hint: 'bars marked stale; no fills' },
  { key: 'legged', label: 'Legged fills', hint: 'one leg per bar' },
] as const satisfies readonly { key: keyof BrokerFaults; label: string; hint: string }[];

/** Only what the operator changed, so a rejection count the broker has since counted down is not re-armed. */
function changedFaults(draft: BrokerFaults, current: BrokerFaults): Record<string, unknown> {
  return Object.fromEntries(Object.entries(draft).filter(([key, value]) => current[key as keyof BrokerFaults] !== value));
}

function activeFaults(faults: BrokerFaults): string {
  const active = [
    faults.rejectNext > 0 && `rejecting the next ${faults.rejectNext}`,
    faults.latencyBars > 0 && `${faults.latencyBars}-bar latency`,
    ...TOGGLES.filter(({ key }) => faults[key]).map(({ label }) => label.toLowerCase()),
  ].filter(Boolean);
  return active.length ? `Injected: ${active.join(', ')}` : 'No faults injected';
}

const inputClass =
  'rounded-md border border-slate-600 bg-slate-950 px-2 py-1 text-sm focus:border-sky-400 focus:outline-none';

/**
 * Demo only: injects faults into the paper broker (rejections, latency, timeouts, a dropped connection,
 * stale quotes, legged fills) so an audience can watch the strategies handle them.
 */
export function BrokerFaultsPanel() {
  const ids = { rejectNext: useId(), rejectReason: useId(), latencyBars: useId(), controls: useId() };
  // Folded until asked for: a demo tool, which on a phone would otherwise take half the screen.
  const [isOpen, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const query = useQuery(brokerFaultQueries.current());
  const [draft, setDraft] = useState<BrokerFaults | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: (change: BrokerFaultsChange) =>
      fetchParsed(BROKER_FAULTS_URL, brokerFaultsResponseSchema, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(change),
      }).then(({ faults }) => faults),
    onSuccess: (faults) => {
      queryClient.setQueryData(brokerFaultQueries.all(), faults);
      setDraft(null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: brokerFaultQueries.all() }),
  });

  if (query.isPending) {
    return (
      <Card title="Paper broker faults (demo)">
        <Notice>Loading faults…</Notice>
      </Card>
    );
  }
  if (query.isError) {
    return (
      <Card title="Paper broker faults (demo)">
        <Notice tone="error">Could not load the broker faults: {query.error.message}</Notice>
      </Card>
    );
  }

  const current = query.data;
  const shown = draft ?? current;
  const edit = (change: Partial<BrokerFaults>) => {
    setInvalid(null);
    setDraft({ ...shown, ...change });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = brokerFaultsChangeBody.safeParse(changedFaults(shown, current));
    if (!parsed.success) {
      setInvalid(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      return;
    }
    mutation.mutate(parsed.data);
  };

  return (
    <Card
      title="Paper broker faults (demo)"
      actions={
        <Button aria-expanded={isOpen} aria-controls={ids.controls} onClick={() => setOpen(!isOpen)} className="px-2 py-1 text-xs">
          {isOpen ? 'Hide controls' : 'Show controls'}
        </Button>
      }
    >
      <p role="status" className="text-sm text-slate-300">
        {activeFaults(current)}
      </p>
      <form id={ids.controls} hidden={!isOpen} onSubmit={submit} noValidate aria-label="Paper broker faults" className="mt-3 space-y-3 text-sm">
        <div className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-2">
          <label htmlFor={ids.rejectNext}>Reject next orders</label>
          <input
            id={ids.rejectNext}
            type="number"
            min={0}
            max={100}
            step={1}
            value={Number.isNaN(shown.rejectNext) ? '' : shown.rejectNext}
            onChange={(event) => edit({ rejectNext: event.target.valueAsNumber })}
            className={`${inputClass} w-24`}
          />
          <label htmlFor={ids.rejectReason}>Rejection reason</label>
          <input
            id={ids.rejectReason}
            type="text"
            maxLength={200}
            value={shown.rejectReason}
            onChange={(event) => edit({ rejectReason: event.target.value })}
            className={inputClass}
          />
          <label htmlFor={ids.latencyBars}>Latency (bars)</label>
          <input
            id={ids.latencyBars}
            type="number"
            min={0}
            max={30}
            step={1}
            value={Number.isNaN(shown.latencyBars) ? '' : shown.latencyBars}
            onChange={(event) => edit({ latencyBars: event.target.valueAsNumber })}
            className={`${inputClass} w-24`}
          />
        </div>
        <fieldset className="space-y-1">
          <legend className="sr-only">Faults on or off</legend>
          {TOGGLES.map(({ key, label, hint }) => (
            <label key={key} className="flex items-baseline gap-2">
              <input type="checkbox" checked={shown[key]} onChange={(event) => edit({ [key]: event.target.checked })} />
              <span>{label}</span>
              <span className="text-xs text-slate-400">{hint}</span>
            </label>
          ))}
        </fieldset>
        {(invalid ?? mutation.error) && (
          <p role="alert" className="rounded-md border border-red-700 bg-red-950 px-3 py-2 text-red-100">
            {invalid ?? mutation.error?.message}
          </p>
        )}
        <div className="flex items-center justify-end gap-2">
          {mutation.isPending && (
            <span role="status" className="mr-auto text-slate-300">
              Applying…
            </span>
          )}
          <Button onClick={() => setDraft(null)} disabled={!draft || mutation.isPending}>
            Discard
          </Button>
          <Button type="submit" variant="warning" disabled={!draft || mutation.isPending} aria-busy={mutation.isPending}>
            Apply
          </Button>
        </div>
      </form>
    </Card>
  );
}
