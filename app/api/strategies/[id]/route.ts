import { NextResponse } from 'next/server';
import { readStrategyDetail } from '@/lib/use-cases/read-strategy-detail';
import { authorized, otherMethods } from '../../_lib/authorized';
import { strategyIdFrom } from '../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

/** Viewer: one strategy's summary, graph, history, errors and refused events. */
export const GET = authorized<{ id: string }>('viewer', async (_request, { params }) =>
  NextResponse.json(await readStrategyDetail(strategyIdFrom(params))),
);
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
