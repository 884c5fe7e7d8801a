import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AlertSettings } from '@/components/alert-settings';
import { Notice } from '@/components/ui/notice';
import { hasRole } from '@/lib/auth/roles';
import { currentOperator } from '@/lib/use-cases/authorize-request';
import { Prefetch } from '../../prefetch';
import { serverQueries } from '../../server-queries';

export const dynamic = 'force-dynamic';

/** Alerts: operators see the webhooks and deliveries, admins configure them; the API decides whatever this page shows. */
export default async function AlertsPage() {
  const operator = await currentOperator(await headers());
  if (!operator) redirect('/sign-in');
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-50">Alerts</h1>
      {hasRole(operator.role, 'operator') ? (
        <Prefetch needed="operator" path="/settings/alerts" load={(client, reader) => client.prefetchQuery(serverQueries.alerts(reader))}>
          <AlertSettings canChange={operator.role === 'admin'} />
        </Prefetch>
      ) : (
        <Notice tone="error">403: the alert settings are for operators and admins. You are signed in as {operator.role}.</Notice>
      )}
    </>
  );
}
