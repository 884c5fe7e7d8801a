import { AuditTrail } from '@/components/audit-trail';
import { auditFiltersFrom } from '@/lib/client/queries';
import { Prefetch } from '../prefetch';
import { serverQueries } from '../server-queries';

export const dynamic = 'force-dynamic';

type SearchParams = Record<string, string | string[] | undefined>;

/** The URL's query as the browser's `useSearchParams` reads it. */
function searchParamsOf(params: SearchParams): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const each of [value ?? []].flat()) search.append(name, each);
  return search;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filters = auditFiltersFrom(searchParamsOf(await searchParams));
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-50">Audit trail</h1>
      <Prefetch
        needed="viewer"
        path="/audit"
        load={(client) => Promise.all([client.prefetchInfiniteQuery(serverQueries.auditPage(filters)), client.prefetchQuery(serverQueries.auditChoices())])}
      >
        <AuditTrail />
      </Prefetch>
    </>
  );
}
