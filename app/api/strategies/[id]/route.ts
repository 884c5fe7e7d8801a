import { NextResponse } from 'next/server';
import { readStrategyDetail } from '@/lib/use-cases/read-strategy-detail';
import { respond } from '../../_lib/http';
import { strategyIdFrom } from '../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

export function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<NextResponse> {
  return respond(async () => NextResponse.json(await readStrategyDetail(await strategyIdFrom(params))));
}
