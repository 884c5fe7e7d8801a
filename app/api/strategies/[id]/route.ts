import { NextResponse } from 'next/server';
import { DashboardReader } from '@/lib/read/dashboard';
import { serverContext } from '@/lib/server-context';
import { respond } from '../../_lib/http';
import { strategyIdFrom } from '../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

export function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<NextResponse> {
  return respond(async () => {
    const id = await strategyIdFrom(params);
    return NextResponse.json(await new DashboardReader(serverContext().db).detail(id));
  });
}
