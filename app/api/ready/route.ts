import { NextResponse } from 'next/server';
import { readReadiness } from '@/lib/use-cases/read-readiness';
import { otherMethods, publicRoute } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Public, for load balancers: 200 when this server can serve, 503 naming what it lacks; the same body either way. */
export const GET = publicRoute(async () => {
  const readiness = await readReadiness();
  return NextResponse.json(readiness, { status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
});
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
