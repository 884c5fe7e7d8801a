import type { NextResponse } from 'next/server';
import { StrategyRepository } from '@/lib/db/strategy-repository';
import { AppError } from '@/lib/errors';
import { serverContext } from '@/lib/server-context';
import { respond } from '../../../_lib/http';
import { runOperatorCommand } from '../../../_lib/operator-command';
import { strategyIdFrom } from '../../../_lib/strategy-id';

export const dynamic = 'force-dynamic';

/** Operator: send one strategy to DEFENSIVE_EXIT, with a reason. */
export function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<NextResponse> {
  return respond(async () => {
    const id = await strategyIdFrom(params);
    if (!(await new StrategyRepository(serverContext().db).find(id))) throw new AppError('NOT_FOUND', `no strategy ${id}`);
    return runOperatorCommand(request, 'DEFENSIVE_EXIT', id);
  });
}
