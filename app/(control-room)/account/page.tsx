import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { TwoFactorSettings } from '@/components/two-factor-settings';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { currentOperator, isTwoFactorRequired } from '@/lib/use-cases/authorize-request';

export const dynamic = 'force-dynamic';

/** The signed-in user's own account: who they are, and their two-factor sign-in (TOTP). */
export default async function AccountPage() {
  const operator = await currentOperator(await headers());
  if (!operator) redirect('/sign-in');
  const isRequired = isTwoFactorRequired(operator.role);
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-50">Account</h1>
      {isRequired && !operator.hasTwoFactor && (
        <Notice tone="warning">
          Admins must sign in with two factors: turn on two-factor sign-in below. Until then every other page brings you
          back here, and admin actions are refused.
        </Notice>
      )}
      <Card title="You">
        <p className="text-sm text-slate-200">
          {operator.name} <span className="rounded bg-slate-800 px-1.5 py-0.5 text-xs text-slate-200">{operator.role}</span>
        </p>
      </Card>
      <Card title="Two-factor sign-in">
        <TwoFactorSettings isEnabled={operator.hasTwoFactor} isRequired={isRequired} />
      </Card>
    </>
  );
}
