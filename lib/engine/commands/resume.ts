import type { CommandRecord } from '../../db/command-repository';
import type { SystemRepository } from '../../db/system-repository';
import type { CommandResult } from './command-result';

/** Leaves HALTED: an explicit operator action, never automatic. */
export async function resume({ command, system }: { command: CommandRecord; system: SystemRepository }): Promise<CommandResult> {
  const current = await system.system();
  if (current.mode === 'RUNNING') return { status: 'rejected', outcome: 'the system is already RUNNING' };
  await system.setMode('RUNNING', command.actor, command.reason);
  return { status: 'done', outcome: 'running: entries allowed again' };
}
