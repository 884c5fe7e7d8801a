import type { CommandRecord } from '../../db/command-repository';
import type { SystemRepository } from '../../db/system-repository';
import { isFlat } from '../../domain/strategies/position';
import type { StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface EmergencyHaltOptions {
  readonly command: CommandRecord;
  readonly system: SystemRepository;
  readonly runners: readonly StrategyRunner[];
  readonly marketTime: number;
}

/**
 * Halts everything: the HALTED mode is stored first (no strategy may enter from then on, also after a
 * restart), then every strategy holding a position is sent to EMERGENCY_EXIT under the operator's name.
 * A strategy caught mid-order is covered too: its machine flattens on the first bar it holds a position while HALTED.
 */
export async function emergencyHalt({ command, system, runners, marketTime }: EmergencyHaltOptions): Promise<CommandResult> {
  await system.setMode('HALTED', command.actor, command.reason);
  const holding = runners.filter((runner) => !isFlat(runner.context.position) && runner.context.order === null);
  const exits = await Promise.all(
    holding.map(async (runner) => {
      const outcome = await runner.send(
        { type: 'operator.emergencyExit', actor: command.actor, reason: `Emergency halt: ${command.reason}`, time: marketTime },
        { actor: command.actor, reason: `Emergency halt: ${command.reason}`, marketTime },
      );
      return outcome.kind === 'transitioned' ? `${runner.record.name} exiting` : `${runner.record.name} not moved`;
    }),
  );
  return { status: 'done', outcome: ['halted', ...exits].join('; ') };
}
