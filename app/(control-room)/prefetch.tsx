import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import type { Role } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { authorizeRequest, type Operator } from '@/lib/use-cases/authorize-request';

interface PrefetchProps {
  /** The role the page's API routes need: the same gate as theirs decides whether anything is read here. */
  readonly needed: Role;
  /** The page's path, for the record of a refused request. */
  readonly path: string;
  /** Fills the cache with the page's queries (`serverQueries`); a query that fails is left for the browser to ask. */
  readonly load: (client: QueryClient, operator: Operator) => Promise<unknown>;
  readonly children: ReactNode;
}

/**
 * A page that opens with its data: the queries its components ask for are answered on the server and sent with
 * the HTML, so the browser starts from them instead of "Loading…". Whoever the API would refuse gets the page
 * without data, and their browser's requests meet the same refusal.
 */
export async function Prefetch({ needed, path, load, children }: PrefetchProps) {
  const requestHeaders = await headers();
  const request = new Request(new URL(path, `http://${requestHeaders.get('host') ?? 'localhost'}`), { headers: requestHeaders });
  const operator = await authorizeRequest(request, needed).catch((error: unknown) => {
    if (error instanceof AppError) return null;
    throw error;
  });
  if (!operator) return children;
  const client = new QueryClient();
  await load(client, operator);
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}
