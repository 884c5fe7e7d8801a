import type { CommandResult } from './command-result';
import { sendOperatorEvent, type StrategyCommandOptions } from './operator-event';

/**
 * Clears a strategy's ERROR (the circuit breaker) on an operator's word: RECOVERY then settles where it stands. It may
 * put risk back on (the position managed again, or entries again), so it is refused when what it would settle or send
 * is no longer what the operator was shown.
 */
export function recover(options: StrategyCommandOptions): Promise<CommandResult> {
  return sendOperatorEvent(options, 'recover', 'refuse');
}
