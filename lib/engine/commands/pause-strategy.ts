import type { CommandRecord, StrategyStore } from '../ports';
import type { StrategyRunner } from '../strategy-runner';
import type { CommandResult } from './command-result';

export interface PauseOptions {
  readonly command: CommandRecord;
  readonly runner: StrategyRunner | undefined;
  readonly strategies: StrategyStore;
  /** When the pause starts (market time). */
  readonly marketTime: number;
}

/**
 * Pauses one strategy: no new entries for it from the next bar on (the coordinator says why), while its
 * management and exits go on. Stored first, so the pause outlives a restart; pausing a paused strategy changes
 * nothing and keeps the first pause's name and reason.
 */
export async function pauseStrategy({ command, runner, strategies, marketTime }: PauseOptions): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId ?? ''} runs here` };
  if (runner.pause) return { status: 'done', outcome: `no-op: already paused by ${runner.pause.actor} (${runner.pause.reason})` };
  const pause = { actor: command.actor, reason: command.reason, since: new Date(marketTime) };
  await strategies.setPause(runner.id, pause);
  runner.pause = pause;
  return { status: 'done', outcome: `${runner.name} paused: no new entries; management and exits go on` };
}

/** Lets a paused strategy enter again, subject to its rules and the coordinator. Refused when it is not paused. */
export async function resumeStrategy({ command, runner, strategies }: PauseOptions): Promise<CommandResult> {
  if (!runner) return { status: 'rejected', outcome: `no strategy ${command.strategyId ?? ''} runs here` };
  if (!runner.pause) return { status: 'rejected', outcome: `${runner.name} is not paused` };
  await strategies.setPause(runner.id, null);
  runner.pause = null;
  return { status: 'done', outcome: `${runner.name} resumed: entries allowed again` };
}
