'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/client/queries';
import { LiveStatusContext, strategyOfPage, useLiveUpdates } from '@/lib/client/use-live-updates';

/** A 4xx (unknown strategy, bad input) will not change on retry; a network or 5xx failure might. */
function shouldRetry(failureCount: number, error: Error): boolean {
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < 2;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // The event stream invalidates what changed, so cached data stays fresh without refetching on mount.
      queries: { staleTime: 5_000, retry: shouldRetry },
    },
  });
}

function LiveUpdates({ children }: { children: ReactNode }) {
  const status = useLiveUpdates(strategyOfPage(usePathname()));
  return <LiveStatusContext value={status}>{children}</LiveStatusContext>;
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <LiveUpdates>{children}</LiveUpdates>
    </QueryClientProvider>
  );
}
