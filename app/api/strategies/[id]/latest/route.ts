import { NextResponse } from 'next/server';
import { strategyUpdateQuerySchema } from '@/lib/api/contract';
import { readStrategyUpdate } from '@/lib/use-cases/read-strategy-update';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseSearchParams } from '../../../_lib/http';
import { strategyIdFrom } from '../../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

/** Viewer: what a change to one strategy re-reads: the strategy now and the transitions after `afterSeq` (no graph). */
export const GET = authorized<{ id: string }>('viewer', async (request, { params }) => {
  const { afterSeq } = parseSearchParams(request, strategyUpdateQuerySchema);
  return NextResponse.json(await readStrategyUpdate(strategyIdFrom(params), afterSeq));
});
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
