import type { CommandRecord } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface DefensiveExitOptions {
  readonly command: CommandRecord;
  readonly runner: StrategyRunner | undefined;
  readonly marketTime: number;
}

/** Sends one strategy into DEFENSIVE_EXIT on an operator's word; refused (and recorded) when its state does not allow it. */
export async function defensiveExit({ command, runner, marketTime }: DefensiveExitOptions): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId} is running` };
  const outcome = await runner.send(
    { type: 'operator.defensiveExit', actor: command.actor, reason: command.reason, time: marketTime },
    { actor: command.actor, reason: command.reason, marketTime },
  );
  switch (outcome.kind) {
    case 'transitioned':
      return { status: 'done', outcome: `${runner.name}: ${outcome.from} -> ${outcome.to}; now ${runner.state}` };
    case 'refused':
    case 'conflict':
      return { status: 'rejected', outcome: outcome.reason };
    case 'unchanged':
      return { status: 'rejected', outcome: `${runner.name} did not change state` };
  }
}
