import type { NextResponse } from 'next/server';
import { operatorActionBody } from '@/lib/api/contract';
import { CommandRepository, type CommandType } from '@/lib/db/command-repository';
import { StrategyRepository } from '@/lib/db/strategy-repository';
import { AppError } from '@/lib/errors';
import { submitCommand } from '@/lib/engine/commands/submit-command';
import { serverContext } from '@/lib/server-context';
import { commandResponse, parseBody, respond } from './http';
import { strategyIdFrom } from './strategy-id';

const COMMAND_WAIT_MS = 5_000;
/** Until authentication lands, every operator action is recorded under this name. */
export const OPERATOR_ACTOR = 'operator';

/** The shared body of every operator action route: parse, write the command, wait for the engine, map. */
export async function runOperatorCommand(request: Request, type: CommandType, strategyId: string | null): Promise<NextResponse> {
  const { reason } = await parseBody(request, operatorActionBody);
  const { db, hub } = serverContext();
  const command = await submitCommand({
    commands: new CommandRepository(db),
    hub,
    command: { type, strategyId, actor: OPERATOR_ACTOR, reason },
    waitMs: COMMAND_WAIT_MS,
  });
  return commandResponse(command);
}

/** The POST handler of an operator action on one strategy: 404 for an unknown strategy, then as above. */
export function strategyCommandRoute(type: CommandType) {
  return function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<NextResponse> {
    return respond(async () => {
      const id = await strategyIdFrom(params);
      if (!(await new StrategyRepository(serverContext().db).find(id))) throw new AppError('NOT_FOUND', `no strategy ${id}`);
      return runOperatorCommand(request, type, id);
    });
  };
}
