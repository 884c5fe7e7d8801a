import { NextResponse } from 'next/server';
import { strategyPreviewQuerySchema } from '@/lib/api/contract';
import { readStrategyPreview } from '@/lib/use-cases/read-override-preview';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { parseSearchParams } from '../../../_lib/http';
import { strategyIdFrom } from '../../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

/** Operator: the orders and cancels a Defensive Exit or a Recover of this strategy would send now, before confirming it. */
export const GET = authorized<{ id: string }>('operator', async (request, { params }) => {
  const { action } = parseSearchParams(request, strategyPreviewQuerySchema);
  return NextResponse.json(await readStrategyPreview(strategyIdFrom(params), action));
});
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
