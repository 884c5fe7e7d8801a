import { comboMid } from '../../market/option-pricing';
import type { EpochMs, MarketBar, OrderLeg } from '../../market/types';
import { ORDER_TIMEOUT_MS } from './lifecycle-limits';
import type { OrderPurpose, PendingOrder, StrategyContext } from './types';

/**
 * The deterministic client order id of an intent: strategy, cycle, purpose and attempt. The broker is
 * idempotent by it, so sending the same intent twice (after a crash) can never make a second order.
 */
export function clientOrderId(strategyId: string, cycle: string | null, purpose: OrderPurpose, attempt: number): string {
  return `${strategyId}:${cycle}:${purpose.toLowerCase()}:${attempt}`;
}

/**
 * The strategy's next order: a new attempt number (so a new id: a retry is never confused with the order
 * it replaces) and its STATE_TIMEOUT deadline, kept in the context so a restored machine still times out.
 * An order decided on a bar (`pricedOn`) keeps the combo's mid on it, for the pre-trade gate's price collar.
 */
export function nextOrder(context: StrategyContext<unknown>, purpose: OrderPurpose, legs: readonly OrderLeg[], time: EpochMs, pricedOn?: MarketBar) {
  const attempt = context.orderAttempts + 1;
  const order: PendingOrder = {
    clientOrderId: clientOrderId(context.strategyId, context.cycle, purpose, attempt),
    purpose,
    legs,
    deadline: time + ORDER_TIMEOUT_MS,
    appliedFills: 0,
    ...(pricedOn ? { decidedPrice: comboMid(legs, pricedOn) } : {}),
  };
  return { order, orderAttempts: attempt };
}
