import { headers } from 'next/headers';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { LiveIndicator } from '@/components/live-indicator';
import { OperatorProvider } from '@/components/operator-context';
import { SignOutButton } from '@/components/sign-out-button';
import { TwoFactorEnrolmentGuard } from '@/components/two-factor-enrolment-guard';
import { hasRole } from '@/lib/auth/roles';
import { currentOperator, mustEnrolTwoFactor } from '@/lib/use-cases/authorize-request';
import { Providers } from './providers';

export const dynamic = 'force-dynamic';

/**
 * Every page of the control room needs a session: without one, the way is to the sign-in page. An admin who must
 * still enrol two-factor sign-in is sent to their Account page.
 */
export default async function ControlRoomLayout({ children }: { children: ReactNode }) {
  const operator = await currentOperator(await headers());
  if (!operator) redirect('/sign-in');
  return (
    <OperatorProvider operator={{ name: operator.name, role: operator.role }}>
      <Providers>
        <a href="#main" className="sr-only rounded-md bg-sky-800 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-20">
          Skip to content
        </a>
        <header className="border-b border-slate-800 bg-slate-900">
          {/* On a phone: the name, the live dot, who and Sign out on the first line, the pages below it. */}
          <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2">
            <Link href="/" className="text-lg font-bold tracking-tight text-slate-50">
              Wheelhouse
            </Link>
            <div className="order-last flex w-full flex-wrap gap-x-4 gap-y-1 sm:order-none sm:w-auto sm:gap-x-6">
              <Link href="/" className="text-sm text-slate-300 hover:text-slate-50">
                Overview
              </Link>
              <Link href="/audit" className="text-sm text-slate-300 hover:text-slate-50">
                Audit
              </Link>
              <Link href="/settings/risk" className="text-sm text-slate-300 hover:text-slate-50">
                Risk limits
              </Link>
              {hasRole(operator.role, 'operator') && (
                <Link href="/settings/alerts" className="text-sm text-slate-300 hover:text-slate-50">
                  Alerts
                </Link>
              )}
              {operator.role === 'admin' && (
                <Link href="/admin/users" className="text-sm text-slate-300 hover:text-slate-50">
                  Users
                </Link>
              )}
              <Link href="/account" className="text-sm text-slate-300 hover:text-slate-50">
                Account
              </Link>
            </div>
            <span className="ml-auto flex items-center gap-3 sm:gap-4">
              <LiveIndicator />
              <span className="text-sm text-slate-300">
                <span className="max-sm:sr-only">{operator.name} </span>
                <span className="rounded bg-slate-800 px-1.5 py-0.5 text-xs text-slate-200">{operator.role}</span>
              </span>
              <SignOutButton />
            </span>
          </nav>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-7xl space-y-4 px-4 py-4 focus:outline-none">
          <TwoFactorEnrolmentGuard mustEnrol={mustEnrolTwoFactor(operator)}>{children}</TwoFactorEnrolmentGuard>
        </main>
      </Providers>
    </OperatorProvider>
  );
}
