import { headers } from 'next/headers';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { DEMO_USERS } from '@/lib/auth/demo-users';
import { currentOperator } from '@/lib/use-cases/authorize-request';
import { areDemoUsersEnabled, countUsers } from '@/lib/use-cases/manage-users';

export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  if (await currentOperator(await headers())) redirect('/');
  const [demo, users] = [areDemoUsersEnabled(), await countUsers()];
  return (
    <main className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-slate-50">Wheelhouse</h1>
      <Card title="Sign in">
        <SignInForm />
      </Card>
      {users === 0 && (
        <Notice tone="warning">
          No user exists yet.{' '}
          <Link href="/setup" className="font-semibold text-sky-300 underline">
            Set up the first admin
          </Link>{' '}
          here, or from a shell: <code>npm run users -- add --email you@example.com --role admin</code>
        </Notice>
      )}
      {demo && (
        <Card title="Demo users (demo only)">
          <p className="mb-2 text-sm text-amber-200">These accounts exist only in the demo; their passwords are public.</p>
          <table className="w-full text-left text-sm">
            <thead className="text-slate-400">
              <tr>
                <th className="py-1 font-normal">Role</th>
                <th className="py-1 font-normal">Email</th>
                <th className="py-1 font-normal">Password</th>
              </tr>
            </thead>
            <tbody className="font-mono text-slate-200">
              {DEMO_USERS.map((user) => (
                <tr key={user.email}>
                  <td className="py-1 font-sans">{user.role}</td>
                  <td className="py-1 break-all">{user.email}</td>
                  <td className="py-1 break-all">{user.password}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </main>
  );
}
