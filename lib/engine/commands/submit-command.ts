import type { CommandRecord, CommandRepository, NewCommand } from '../../db/command-repository';
import type { NotificationHub } from '../../db/notifications';

const FINAL_STATUSES: ReadonlySet<string> = new Set(['done', 'rejected', 'failed']);

export interface SubmitCommandOptions {
  readonly commands: CommandRepository;
  readonly hub: NotificationHub;
  readonly command: NewCommand;
  /** How long to wait for the engine's answer before returning the command still pending. */
  readonly waitMs: number;
}

/**
 * Writes an operator command for the engine (on whichever server runs it) and waits, without polling, for
 * its outcome: every change to a command is announced, and the row is re-read on each announcement.
 */
export async function submitCommand({ commands, hub, command, waitMs }: SubmitCommandOptions): Promise<CommandRecord> {
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = await hub.subscribe(
    (change) => {
      if (change.table === 'operator_command') wake();
    },
    () => wake(),
  );
  try {
    const created = await commands.create(command);
    const deadline = Date.now() + waitMs;
    let current: CommandRecord = created;
    while (!FINAL_STATUSES.has(current.status)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([changed, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
      changed = new Promise<void>((resolve) => (wake = resolve));
      current = (await commands.find(created.id)) ?? current;
    }
    return current;
  } finally {
    unsubscribe();
  }
}
