import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { UserAdministration } from '@/components/user-administration';
import { Notice } from '@/components/ui/notice';
import { currentOperator } from '@/lib/use-cases/authorize-request';
import { Prefetch } from '../../prefetch';
import { serverQueries } from '../../server-queries';

export const dynamic = 'force-dynamic';

/** Admins only: who may sign in, with which role; the API refuses everyone else whatever this page shows. */
export default async function UsersPage() {
  const operator = await currentOperator(await headers());
  if (!operator) redirect('/sign-in');
  if (operator.role !== 'admin') {
    return (
      <>
        <h1 className="text-2xl font-bold tracking-tight text-slate-50">Users</h1>
        <Notice tone="error">403: only admins manage users. You are signed in as {operator.role}.</Notice>
      </>
    );
  }
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-50">Users</h1>
      <Prefetch needed="admin" path="/admin/users" load={(client) => client.prefetchQuery(serverQueries.users())}>
        <UserAdministration currentUserEmail={operator.name} />
      </Prefetch>
    </>
  );
}
