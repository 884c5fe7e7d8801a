import type { StrategyEvent } from '../../domain/strategies/lifecycle/types';
import type { CommandRecord } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface StrategyCommandOptions {
  readonly command: CommandRecord;
  readonly runner: StrategyRunner | undefined;
  readonly marketTime: number;
}

/**
 * Sends an operator's event to one strategy under the operator's name and reason, and says what came of
 * it: done with the move it caused, or rejected with the machine's own reason (recorded as a refusal).
 */
export async function sendOperatorEvent(
  { command, runner, marketTime }: StrategyCommandOptions,
  type: 'operator.defensiveExit' | 'operator.recover',
): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId} is running` };
  const event: StrategyEvent = { type, actor: command.actor, reason: command.reason, time: marketTime };
  const outcome = await runner.send(event, { actor: command.actor, reason: command.reason, marketTime });
  switch (outcome.kind) {
    case 'transitioned':
      return { status: 'done', outcome: `${runner.name}: ${outcome.from} -> ${outcome.to}; now ${runner.state}` };
    case 'refused':
    case 'conflict':
      return { status: 'rejected', outcome: outcome.reason };
    case 'unchanged':
      return { status: 'rejected', outcome: `${runner.name} did not change state` };
    case 'fenced':
      return { status: 'failed', outcome: `${runner.name}: this server no longer runs it (its lease passed to another server); nothing was done, repeat the command` };
  }
}
