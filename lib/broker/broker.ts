import type { ComboFill, ComboOrder, EpochMs, LegFill, MarketBar, OrderLeg, OrderStatus, Underlying } from '../domain/market/types';
import type { Account } from '../domain/risk/account';

export interface BrokerOrder {
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly legs: readonly OrderLeg[];
  /** Fills so far, one per filled leg, in leg order. Empty for an untouched order. */
  readonly legFills: readonly LegFill[];
  /** Set when FILLED: every leg filled together (or legged to completion). */
  readonly fill: ComboFill | null;
  /** Set when REJECTED or CANCELLED: a sentence an operator can act on. */
  readonly rejectReason: string | null;
  readonly updatedAt: EpochMs;
}

/** A position the broker holds, per contract: positive quantity long, negative short. */
export interface BrokerPosition {
  readonly underlying: Underlying;
  readonly expiry: string;
  readonly strike: number;
  readonly right: 'C' | 'P';
  readonly quantity: number;
  /** Average per-unit price of the open quantity. */
  readonly averagePrice: number;
}

/** The broker could not be reached: nothing is known about the request. Retry with the same client order id. */
export class BrokerConnectionError extends Error {
  override readonly name = 'BrokerConnectionError';
}

/** The broker did not answer in time: the order may or may not exist. Look it up by client order id. */
export class BrokerTimeoutError extends Error {
  override readonly name = 'BrokerTimeoutError';
}

/** A lease and its fencing token, as the engine holds them (lib/engine/ports.ts `Lease`). */
export interface SenderLease {
  readonly name: string;
  readonly token: bigint;
}

export interface AccountOptions {
  readonly reuseLedger?: boolean;
}

/**
 * Where the engine sends combo orders. A rejection is a result, not an exception; an unreachable or
 * silent broker throws one of the two errors above.
 */
export interface Broker {
  /**
   * Idempotent by clientOrderId: a repeat returns the existing order, never a second one. `sender` is the lease the
   * sending server holds the strategy by: a venue that can check it (the paper venue, in the same database) refuses
   * the order with a FENCED AppError when that lease is no longer in force, in the statement that would insert it.
   * A real broker cannot; there a late send from a server that lost its lease is made harmless by the client order id.
   */
  placeCombo(order: ComboOrder, bar: MarketBar, sender?: SenderLease | null): Promise<BrokerOrder>;
  findOrder(clientOrderId: string): Promise<BrokerOrder | null>;
  /** Cancels what is still unfilled; legs already filled stay filled. Returns the order as it ends, null if unknown. */
  cancel(clientOrderId: string, bar: MarketBar): Promise<BrokerOrder | null>;
  /** Advances working orders on a new bar (latency, legged fills); returns the orders that changed. */
  onBar(bar: MarketBar): Promise<BrokerOrder[]>;
  positions(): Promise<BrokerPosition[]>;
  /**
   * The account marked at `bar`'s mids: cash from every fill, net liquidation value, buying power required and
   * available. With `reuseLedger` the broker may mark the fills and positions it last read instead of asking the venue
   * again, as long as no order it placed, cancelled or advanced since can have changed them (the engine's bar loop).
   */
  account(bar: MarketBar, options?: AccountOptions): Promise<Account>;
  /** The account's net liquidation value, as `account` gives it, without the buying power: asked on every bar. */
  netLiquidation(bar: MarketBar, options?: AccountOptions): Promise<number>;
}
