import type { CommandRecord } from '../ports';
import type { TradingMode } from '../trading-mode';
import type { CommandResult } from './command-result';

export interface ResumeOptions {
  readonly command: CommandRecord;
  readonly mode: TradingMode;
  readonly marketTime: number;
}

/** Leaves REDUCING, HALTED or EMERGENCY for RUNNING: an explicit operator action (approved by a second), never automatic. */
export async function resume({ command, mode, marketTime }: ResumeOptions): Promise<CommandResult> {
  const stored = await mode.refresh();
  if (stored.mode === 'RUNNING') return { status: 'rejected', outcome: 'the system is already RUNNING' };
  await mode.change('RUNNING', { cause: 'operator', actor: command.actor, reason: command.reason, marketTime });
  return { status: 'done', outcome: `running: entries allowed again (was ${stored.mode})` };
}
