'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { Notice } from '@/components/ui/notice';

export const ACCOUNT_PATH = '/account';

/**
 * For an admin who must still enrol two-factor sign-in: every page but their Account page gives way to a message
 * and sends them there. A client component, because the shared layout is not rendered again on navigation
 * between its pages; the server refuses their admin requests whatever the browser shows.
 */
export function TwoFactorEnrolmentGuard({ mustEnrol, children }: { mustEnrol: boolean; children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const isElsewhere = mustEnrol && pathname !== ACCOUNT_PATH;
  useEffect(() => {
    if (isElsewhere) router.replace(ACCOUNT_PATH);
  }, [isElsewhere, router]);
  if (!isElsewhere) return children;
  return <Notice tone="warning">Admins must turn on two-factor sign-in first: taking you to your Account page.</Notice>;
}
