import { isMarketOpen, sessionClose } from '../domain/market/calendar';
import { comboNetCredit, quoteOption } from '../domain/market/option-pricing';
import type { ComboOrder, LegFill, MarketBar, OrderLeg } from '../domain/market/types';
import type { Broker, BrokerOrder } from './broker';

/** A malformed expiry date is the caller's bug and throws (from the calendar) rather than rejecting. */
function legProblem(leg: OrderLeg, index: number, bar: MarketBar): string | null {
  const { contract, quantity } = leg;
  const label = `leg ${index + 1} (${contract.expiry} ${contract.strike}${contract.right})`;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return `${label}: quantity must be a positive whole number, got ${quantity}`;
  }
  if (!Number.isFinite(contract.strike) || contract.strike <= 0) {
    return `${label}: strike must be a positive price, got ${contract.strike}`;
  }
  if (bar.time >= sessionClose(contract.expiry)) return `${label}: contract expired at the ${contract.expiry} close`;
  return null;
}

function rejectionReason(order: ComboOrder, bar: MarketBar): string | null {
  if (order.legs.length === 0) return 'order has no legs';
  if (!isMarketOpen(bar.time)) return `market is closed at ${new Date(bar.time).toISOString()}`;
  for (const [index, leg] of order.legs.entries()) {
    const problem = legProblem(leg, index, bar);
    if (problem) return problem;
  }
  return null;
}

/**
 * Simulated broker: fills every leg of a combo at its mid on the given bar, all legs or none.
 * Orders live in memory for now. A rejected order is stored too, so retrying the same clientOrderId
 * returns the same rejection; a fresh attempt needs a fresh id.
 */
export class PaperBroker implements Broker {
  private readonly orders = new Map<string, BrokerOrder>();

  async placeCombo(order: ComboOrder, bar: MarketBar): Promise<BrokerOrder> {
    const existing = this.orders.get(order.clientOrderId);
    if (existing) return existing;

    const placed = this.execute(order, bar);
    this.orders.set(order.clientOrderId, placed);
    return placed;
  }

  async findOrder(clientOrderId: string): Promise<BrokerOrder | null> {
    return this.orders.get(clientOrderId) ?? null;
  }

  /** Orders stored, filled or rejected. */
  orderCount(): number {
    return this.orders.size;
  }

  private execute(order: ComboOrder, bar: MarketBar): BrokerOrder {
    const { clientOrderId } = order;
    const legs = [...order.legs];
    const rejectReason = rejectionReason(order, bar);
    if (rejectReason) return { clientOrderId, status: 'REJECTED', fill: null, rejectReason, legs };

    const fills: LegFill[] = legs.map((leg) => ({ leg, price: quoteOption(leg.contract, bar).mid }));
    return {
      clientOrderId,
      status: 'FILLED',
      fill: { clientOrderId, time: bar.time, fills, netCredit: comboNetCredit(fills) },
      rejectReason: null,
      legs,
    };
  }
}
