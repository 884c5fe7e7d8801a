import type { CommandRecord } from '../ports';
import type { TradingMode } from '../trading-mode';
import type { CommandResult } from './command-result';

export interface ResumeOptions {
  readonly command: CommandRecord;
  readonly mode: TradingMode;
}

/** Leaves HALTED: an explicit operator action, never automatic. */
export async function resume({ command, mode }: ResumeOptions): Promise<CommandResult> {
  const stored = await mode.refresh();
  if (stored.mode === 'RUNNING') return { status: 'rejected', outcome: 'the system is already RUNNING' };
  await mode.change('RUNNING', command.actor, command.reason);
  return { status: 'done', outcome: 'running: entries allowed again' };
}
