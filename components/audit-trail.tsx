'use client';

import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useId, type FormEvent } from 'react';
import { formatMarketTime } from '@/components/format';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import type { AuditRow } from '@/lib/api/contract';
import { auditFiltersFrom, auditQueries, verifyAuditTrail, type AuditFilters as Filters } from '@/lib/client/queries';

const queryString = (filters: Filters, extra: Record<string, string> = {}) => new URLSearchParams({ ...filters, ...extra }).toString();

/** `datetime-local` speaks the viewer's local time without a zone; the API takes an instant. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : '');
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function describe(row: AuditRow): string {
  if (row.kind === 'transition') return `${row.fromState ?? '∅'} → ${row.state ?? '?'}`;
  return row.state ?? '';
}

function AuditFilters({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const choices = useQuery(auditQueries.choices());
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    onApply({
      strategy: value('strategy'),
      actor: value('actor'),
      kind: value('kind'),
      state: value('state').toUpperCase(),
      from: toInstant(value('from')),
      to: toInstant(value('to')),
      q: value('q'),
    });
  };
  const field = 'w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm text-slate-100';
  const label = 'block text-xs text-slate-400';
  // Keyed by the URL's filters: the form shows what is applied, also after back/forward.
  return (
    <form key={queryString(filters)} onSubmit={submit} aria-label="Filter the audit trail" className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-8">
      <div>
        <label htmlFor={`${id}-strategy`} className={label}>Strategy</label>
        <select id={`${id}-strategy`} name="strategy" defaultValue={filters.strategy ?? ''} className={field}>
          <option value="">All</option>
          {choices.data?.strategies.map((strategy) => (
            <option key={strategy.id} value={strategy.id}>{strategy.name}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-actor`} className={label}>Actor</label>
        <select id={`${id}-actor`} name="actor" defaultValue={filters.actor ?? ''} className={field}>
          <option value="">Anyone</option>
          {choices.data?.actors.map((actor) => (
            <option key={actor} value={actor}>{actor}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-kind`} className={label}>Kind</label>
        <select id={`${id}-kind`} name="kind" defaultValue={filters.kind ?? ''} className={field}>
          <option value="">All</option>
          {choices.data?.kinds.map((kind) => (
            <option key={kind} value={kind}>{kind}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-state`} className={label}>State</label>
        <input id={`${id}-state`} name="state" defaultValue={filters.state ?? ''} placeholder="e.g. ACTIVE" className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-from`} className={label}>From</label>
        <input id={`${id}-from`} name="from" type="datetime-local" defaultValue={toLocalInput(filters.from)} className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-to`} className={label}>To</label>
        <input id={`${id}-to`} name="to" type="datetime-local" defaultValue={toLocalInput(filters.to)} className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-q`} className={label}>Text</label>
        <input id={`${id}-q`} name="q" type="search" defaultValue={filters.q ?? ''} placeholder="reason, message…" className={field} />
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit" variant="primary">Apply</Button>
        <Button onClick={() => onApply({})}>Clear</Button>
      </div>
    </form>
  );
}

function VerifyChain() {
  const verify = useMutation({ mutationFn: verifyAuditTrail });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button onClick={() => verify.mutate()} disabled={verify.isPending} aria-busy={verify.isPending}>
        Verify
      </Button>
      <span role="status" data-testid="audit-verification" className="text-sm">
        {verify.isPending && 'Checking every row…'}
        {verify.data?.intact && <span className="text-green-300">Intact: {verify.data.checked.toLocaleString()} rows checked</span>}
        {verify.data && !verify.data.intact && (
          <span className="font-semibold text-red-300">
            Broken at row {verify.data.brokenId}: {verify.data.problem}
          </span>
        )}
        {verify.isError && <span className="text-red-300">{verify.error.message}</span>}
      </span>
    </div>
  );
}

/**
 * Everything worth reviewing, across all strategies, newest first: transitions, refused events, errors,
 * operator commands and approvals, sign-ins, sign-outs and denied requests. Filters live in the URL; export
 * downloads every matching row (not just this page); Verify recomputes the hash chain.
 */
export function AuditTrail() {
  const router = useRouter();
  const pathname = usePathname();
  const filters = auditFiltersFrom(useSearchParams());
  const trail = useInfiniteQuery(auditQueries.page(filters));
  const rows = trail.data?.pages.flatMap((page) => page.rows) ?? [];
  const apply = (next: Filters) => {
    const cleaned = Object.fromEntries(Object.entries(next).filter(([, value]) => value)) as Filters;
    router.replace(`${pathname}?${queryString(cleaned)}`);
  };

  return (
    <div className="space-y-3">
      <Card>
        <AuditFilters filters={filters} onApply={apply} />
      </Card>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <VerifyChain />
        <div className="flex gap-2 text-sm">
          <a className="rounded-md bg-slate-700 px-3 py-1.5 font-semibold hover:bg-slate-600" href={`/api/audit/export?${queryString(filters, { format: 'csv' })}`} download>
            Export CSV
          </a>
          <a className="rounded-md bg-slate-700 px-3 py-1.5 font-semibold hover:bg-slate-600" href={`/api/audit/export?${queryString(filters, { format: 'json' })}`} download>
            Export JSON
          </a>
          <Button onClick={() => void trail.refetch()}>Refresh</Button>
        </div>
      </div>
      {trail.isError && <Notice tone="error">The audit trail could not be read: {trail.error.message}</Notice>}
      <Card>
        <Table caption="Audit trail" note="Newest first. Times in your time zone; market time in New York.">
          <thead>
            <tr>
              <Th>#</Th>
              <Th>Time</Th>
              <Th>Kind</Th>
              <Th>Strategy</Th>
              <Th>Actor</Th>
              <Th>State</Th>
              <Th>Event</Th>
              <Th>Reason / detail</Th>
              <Th>Market time</Th>
            </tr>
          </thead>
          <tbody>
            {trail.isPending && <EmptyRow columns={9}>Loading…</EmptyRow>}
            {trail.isSuccess && rows.length === 0 && <EmptyRow columns={9}>No rows match these filters.</EmptyRow>}
            {rows.map((row) => (
              <tr key={row.id} data-testid="audit-row" className="hover:bg-slate-800/50">
                <Td className="font-mono text-xs text-slate-400">{row.id}</Td>
                <Td className="font-mono text-xs whitespace-nowrap">{new Date(row.at).toLocaleString()}</Td>
                <Td className="whitespace-nowrap">{row.kind}</Td>
                <Td className="whitespace-nowrap">{row.strategyId ?? ''}</Td>
                <Td>{row.actor}</Td>
                <Td className="font-mono text-xs whitespace-nowrap">{describe(row)}</Td>
                <Td className="font-mono text-xs break-all">{row.eventType ?? ''}</Td>
                <Td className="min-w-64 break-words">{row.detail ?? ''}</Td>
                <Td className="font-mono text-xs whitespace-nowrap">{row.marketTime ? formatMarketTime(row.marketTime) : ''}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
        {trail.hasNextPage && (
          <div className="pt-3">
            <Button onClick={() => void trail.fetchNextPage()} disabled={trail.isFetchingNextPage} aria-busy={trail.isFetchingNextPage}>
              Load older rows
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
