import type { CommandResult } from './command-result';
import { sendOperatorEvent, type StrategyCommandOptions } from './operator-event';

/** Sends one strategy into DEFENSIVE_EXIT on an operator's word; refused (and recorded) when its state does not allow it. */
export function defensiveExit(options: StrategyCommandOptions): Promise<CommandResult> {
  return sendOperatorEvent(options, 'operator.defensiveExit');
}
