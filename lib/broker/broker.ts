import type { ComboFill, ComboOrder, MarketBar, OrderLeg } from '../domain/market/types';

export type BrokerOrderStatus = 'FILLED' | 'REJECTED';

export interface BrokerOrder {
  readonly clientOrderId: string;
  readonly status: BrokerOrderStatus;
  /** Set when FILLED: every leg filled together. */
  readonly fill: ComboFill | null;
  /** Set when REJECTED: a sentence an operator can act on. */
  readonly rejectReason: string | null;
  readonly legs: readonly OrderLeg[];
}

/** Where the engine sends combo orders. A rejection is a result, not an exception; a broken broker throws. */
export interface Broker {
  /** Idempotent by clientOrderId: a repeat returns the existing order, never a second one. */
  placeCombo(order: ComboOrder, bar: MarketBar): Promise<BrokerOrder>;
  findOrder(clientOrderId: string): Promise<BrokerOrder | null>;
}
