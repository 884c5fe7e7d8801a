import type { Command } from '../api/contract';
import type { CommandRecord, CommandType } from '../engine/ports';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

export type { CommandType };

const FINAL_STATUSES: ReadonlySet<string> = new Set(['done', 'rejected', 'failed']);
/** How long a request waits for the engine's answer before it returns the command still pending. */
const COMMAND_WAIT_MS = 5_000;

export interface OperatorCommandRequest {
  readonly type: CommandType;
  /** The strategy it is for; null for system-wide commands (halt, resume). */
  readonly strategyId: string | null;
  readonly actor: string;
  readonly reason: string;
}

export interface SubmitOptions {
  readonly context?: Pick<ServerContext, 'repositories' | 'hub'>;
  readonly waitMs?: number;
}

/**
 * An operator's command: written for the engine (on whichever server runs it), then awaited without
 * polling: every change to a command is announced, and the row is re-read on each announcement. The
 * command comes back as it then stands: done, rejected or failed, or still pending after `waitMs`.
 */
export async function submitOperatorCommand(
  request: OperatorCommandRequest,
  { context = serverContext(), waitMs = COMMAND_WAIT_MS }: SubmitOptions = {},
): Promise<Command> {
  const { repositories, hub } = context;
  if (request.strategyId !== null && !(await repositories.strategies.find(request.strategyId))) {
    throw new AppError('NOT_FOUND', `no strategy ${request.strategyId}`);
  }
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = await hub.subscribe(
    (change) => {
      if (change.table === 'operator_command') wake();
    },
    () => wake(),
  );
  try {
    const created = await repositories.commands.create(request);
    const deadline = Date.now() + waitMs;
    let current: CommandRecord = created;
    while (!FINAL_STATUSES.has(current.status)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([changed, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
      changed = new Promise<void>((resolve) => (wake = resolve));
      current = (await repositories.commands.find(created.id)) ?? current;
    }
    return commandView(current);
  } finally {
    unsubscribe();
  }
}

function commandView(command: CommandRecord): Command {
  return {
    id: command.id.toString(),
    type: command.type,
    strategyId: command.strategyId,
    actor: command.actor,
    reason: command.reason,
    status: command.status,
    outcome: command.outcome,
  };
}
