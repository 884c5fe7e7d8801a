import type { NextResponse } from 'next/server';
import { operatorActionBody } from '@/lib/api/contract';
import { submitOperatorCommand, type CommandType } from '@/lib/use-cases/submit-operator-command';
import { commandResponse, parseBody, respond } from './http';
import { strategyIdFrom } from './strategy-id';

/** Until authentication lands, every operator action is recorded under this name. */
export const OPERATOR_ACTOR = 'operator';

/** The POST handler of a system-wide operator action: parse, submit, map. */
export function systemCommandRoute(type: CommandType) {
  return function POST(request: Request): Promise<NextResponse> {
    return respond(async () => {
      const { reason } = await parseBody(request, operatorActionBody);
      return commandResponse(await submitOperatorCommand({ type, strategyId: null, actor: OPERATOR_ACTOR, reason }));
    });
  };
}

/** The POST handler of an operator action on one strategy: 404 for an unknown strategy, else as above. */
export function strategyCommandRoute(type: CommandType) {
  return function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<NextResponse> {
    return respond(async () => {
      const strategyId = await strategyIdFrom(params);
      const { reason } = await parseBody(request, operatorActionBody);
      return commandResponse(await submitOperatorCommand({ type, strategyId, actor: OPERATOR_ACTOR, reason }));
    });
  };
}
