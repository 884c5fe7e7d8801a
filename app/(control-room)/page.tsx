import { Overview } from '@/components/overview';
import { hasRole } from '@/lib/auth/roles';
import { Prefetch } from './prefetch';
import { serverQueries } from './server-queries';

export const dynamic = 'force-dynamic';

export default function OverviewPage() {
  return (
    <>
      <h1 className="sr-only">Overview</h1>
      <Prefetch
        needed="viewer"
        path="/"
        load={(client, operator) =>
          Promise.all([
            client.prefetchQuery(serverQueries.overview()),
            client.prefetchQuery(serverQueries.recentCommands()),
            // The fault panel is for operators, on demo servers only (the use case refuses elsewhere).
            hasRole(operator.role, 'operator') && client.prefetchQuery(serverQueries.brokerFaults()),
          ])
        }
      >
        <Overview />
      </Prefetch>
    </>
  );
}
