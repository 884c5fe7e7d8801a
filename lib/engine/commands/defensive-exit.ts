import type { CommandResult } from './command-result';
import { sendOperatorEvent, type StrategyCommandOptions } from './operator-event';

/**
 * Sends one strategy into DEFENSIVE_EXIT on an operator's word; refused (and recorded) when its state does not allow
 * it. A stop: it goes out even when its close differs from the preview (a price moved), and says so.
 */
export function defensiveExit(options: StrategyCommandOptions): Promise<CommandResult> {
  return sendOperatorEvent(options, 'defensive-exit', 'report');
}
