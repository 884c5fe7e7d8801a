import { redirect } from 'next/navigation';
import { SetupForm } from '@/components/setup-form';
import { Card } from '@/components/ui/card';
import { countUsers } from '@/lib/use-cases/manage-users';

export const dynamic = 'force-dynamic';

/** The first start: while no user exists, anyone who reaches the app may create the first admin, once. */
export default async function SetupPage() {
  if ((await countUsers()) > 0) redirect('/sign-in');
  return (
    <main className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-slate-50">Wheelhouse: first start</h1>
      <p className="text-sm text-slate-300">
        No user exists yet. Create the first admin: they add everyone else. This page closes as soon as one user exists.
      </p>
      <Card title="First admin">
        <SetupForm />
      </Card>
    </main>
  );
}
