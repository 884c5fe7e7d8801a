import type { CommandResult } from './command-result';
import { sendOperatorEvent, type StrategyCommandOptions } from './operator-event';

/** Clears a strategy's ERROR (the circuit breaker) on an operator's word: RECOVERY then settles where it stands. */
export function recover(options: StrategyCommandOptions): Promise<CommandResult> {
  return sendOperatorEvent(options, 'operator.recover');
}
