import type { EpochMs } from '../../market/types';
import { closingLegs, isFlat } from '../position';
import { nextOrder } from './order-ids';
import { beginRecovery } from './recovery-policy';
import type { OrderPurpose, PendingOrder, RecoveryContext, StrategyContext } from './types';

/**
 * The order an operator's exit decides (Defensive Exit, and each strategy's exit under an Emergency Halt): every held
 * leg closed in one CLOSE order under the next attempt's id. Null when nothing is held.
 */
export function operatorCloseOrder(context: StrategyContext<unknown>, time: EpochMs): { order: PendingOrder; orderAttempts: number } | null {
  if (!context.position) return null;
  return nextOrder(context, 'CLOSE', closingLegs(context.position), time);
}

/** The recovery an operator's Recover starts: the order out, or the one an earlier recovery left in doubt, is settled at the broker. */
export function operatorRecovery(context: StrategyContext<unknown>, time: EpochMs): RecoveryContext {
  return beginRecovery('OPERATOR', time, context.order ?? context.recovery?.order ?? null);
}

/** What an emergency halt cancels at the broker: orders that add risk. Closes and unwinds only take it off: they stay out, never doubled. */
const HALT_CANCELLED_PURPOSES: ReadonlySet<OrderPurpose> = new Set(['ENTRY', 'ADJUST']);

/** The order out that an emergency halt cancels for this strategy, or null. */
export function haltCancelOf(context: StrategyContext<unknown>): PendingOrder | null {
  return context.order && HALT_CANCELLED_PURPOSES.has(context.order.purpose) ? context.order : null;
}

/** Whether an emergency halt sends this strategy to EMERGENCY_EXIT at once: it holds a position and has no order out. */
export const isHaltExit = (context: StrategyContext<unknown>): boolean => !isFlat(context.position) && context.order === null;

/** What the engine does at the broker for a strategy in `state`: settle the order in doubt, place the order decided, or nothing. */
export type OrderEffect =
  | { readonly kind: 'settle'; readonly recovery: RecoveryContext }
  | { readonly kind: 'place'; readonly order: PendingOrder }
  | null;

/** The effect a snapshot asks of the engine: read from the stored snapshot, so a restart finds the same one. */
export function orderEffect(state: string, context: StrategyContext<unknown>): OrderEffect {
  if (state === 'RECOVERY' && context.recovery) return { kind: 'settle', recovery: context.recovery };
  return context.order ? { kind: 'place', order: context.order } : null;
}
