import type { CommandRecord } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface RecoverOptions {
  readonly command: CommandRecord;
  readonly runner: StrategyRunner | undefined;
  readonly marketTime: number;
}

/** Clears a strategy's ERROR (the circuit breaker) on an operator's word: RECOVERY then settles where it stands. */
export async function recover({ command, runner, marketTime }: RecoverOptions): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId} is running` };
  const outcome = await runner.send(
    { type: 'operator.recover', actor: command.actor, reason: command.reason, time: marketTime },
    { actor: command.actor, reason: command.reason, marketTime },
  );
  if (outcome.kind === 'transitioned') return { status: 'done', outcome: `${runner.name}: ${outcome.from} -> ${outcome.to}; now ${runner.state}` };
  if (outcome.kind === 'unchanged') return { status: 'rejected', outcome: `${runner.name} did not change state` };
  return { status: 'rejected', outcome: outcome.reason };
}
