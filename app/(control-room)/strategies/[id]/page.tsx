import { StrategyDetail } from '@/components/strategy-detail';
import { strategyIdSchema } from '@/lib/api/contract';
import { Prefetch } from '../../prefetch';
import { serverQueries } from '../../server-queries';

export const dynamic = 'force-dynamic';

export default async function StrategyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // An id the API would refuse is not read here either: the page asks, and shows the API's answer.
  const isValid = strategyIdSchema.safeParse(id).success;
  return (
    <Prefetch needed="viewer" path={`/strategies/${encodeURIComponent(id)}`} load={(client) => (isValid ? client.prefetchQuery(serverQueries.strategy(id)) : Promise.resolve())}>
      <StrategyDetail id={id} />
    </Prefetch>
  );
}
