import { NextResponse } from 'next/server';
import { readStrategyRecord } from '@/lib/use-cases/read-strategy-record';
import { authorized, otherMethods } from '../../../_lib/authorized';
import { strategyIdFrom } from '../../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

/** Viewer: the strategy's record in the seed's ObjectStore shape (strategy, state, entry_time, position, management). */
export const GET = authorized<{ id: string }>('viewer', async (_request, { params }) => NextResponse.json(await readStrategyRecord(strategyIdFrom(params))));
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
