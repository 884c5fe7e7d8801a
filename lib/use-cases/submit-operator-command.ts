import type { Command } from '../api/contract';
import type { CommandRecord, CommandType } from '../engine/ports';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

export type { CommandType };

const FINAL_STATUSES: ReadonlySet<string> = new Set(['done', 'rejected', 'failed']);

export interface OperatorCommandRequest {
  readonly type: CommandType;
  /** The strategy it is for; null for system-wide commands (halt, resume). */
  readonly strategyId: string | null;
  /** How the audit trail names the operator, and their user id. */
  readonly actor: string;
  readonly actorId: string;
  readonly reason: string;
  /** The client's key for this one action: sent again, it is the same command and the same answer. */
  readonly idempotencyKey: string;
  /** The fingerprint of the override preview the operator confirmed, when one was shown. */
  readonly previewFingerprint?: string;
}

export interface SubmitOptions {
  readonly context?: Pick<ServerContext, 'repositories' | 'hub' | 'env'>;
}

/**
 * An operator's command: written once per idempotency key for the engine (on whichever server runs it), then awaited without
 * polling: every change to a command is announced, and the row is re-read on each announcement. The
 * command comes back as it then stands: done, rejected or failed, or still pending after COMMAND_WAIT_MS.
 */
export async function submitOperatorCommand(
  request: OperatorCommandRequest,
  { context = serverContext() }: SubmitOptions = {},
): Promise<Command> {
  const { repositories } = context;
  if (request.strategyId !== null && !(await repositories.strategies.find(request.strategyId))) {
    throw new AppError('NOT_FOUND', `no strategy ${request.strategyId}`);
  }
  return followCommand(context, async () => {
    const { idempotencyKey, ...command } = request;
    const { command: created, actorId, isNew } = await repositories.commands.createOnce(command, idempotencyKey);
    const isSameRequest =
      created.type === request.type && created.strategyId === request.strategyId && actorId === request.actorId && created.reason === request.reason;
    if (!isNew && !isSameRequest) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different action: make a new key for each action');
    }
    return created;
  });
}

/**
 * Writes a command with `create` and waits, without polling, until it settles or COMMAND_WAIT_MS pass: every
 * change to a command is announced, and the row is re-read on each announcement. Listening starts before the
 * write, so an engine that settles the command at once is not missed.
 */
export async function followCommand(
  { repositories, hub, env }: NonNullable<SubmitOptions['context']>,
  create: () => Promise<CommandRecord>,
): Promise<Command> {
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = await hub.subscribe(
    (change) => {
      if (change.table === 'operator_command') wake();
    },
    () => wake(),
  );
  try {
    const created = await create();
    const deadline = Date.now() + env.COMMAND_WAIT_MS;
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

export function commandView(command: CommandRecord): Command {
  return {
    id: command.id.toString(),
    type: command.type,
    strategyId: command.strategyId,
    actor: command.actor,
    reason: command.reason,
    status: command.status,
    outcome: command.outcome,
    outcomeCode: command.outcomeCode,
  };
}
