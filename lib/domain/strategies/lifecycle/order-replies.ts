import { applyFills, emptyPosition, type Position } from '../position';
import type { OrderUpdate, PendingOrder, StrategyContext, StrategyEvent } from './types';

/** The broker's reply to the order the strategy has out, or null when the event is anything else (a stale reply, another order). */
export function replyTo(context: StrategyContext<unknown>, event: StrategyEvent): OrderUpdate | null {
  if (event.type !== 'order.updated' || !context.order) return null;
  return event.order.clientOrderId === context.order.clientOrderId ? event.order : null;
}

/** Whether the order is over without (all of) its fills: rejected or cancelled, part-filled or not. */
export const isDeadStatus = (update: OrderUpdate): boolean => update.status === 'REJECTED' || update.status === 'CANCELLED';

/** The position once `update`'s fills not yet applied are in (fills arrive leg by leg when legged). */
export function positionAfter(context: StrategyContext<unknown>, order: PendingOrder, update: OrderUpdate): Position {
  const base = context.position ?? emptyPosition(context.proposal?.structure ?? 'POSITION', update.time);
  return applyFills(base, update.legFills.slice(order.appliedFills));
}
