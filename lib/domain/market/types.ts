/** Epoch milliseconds (UTC). Every domain function takes time as a value; nothing reads the wall clock. */
export type EpochMs = number;

/** One one-minute bar of the underlying and its volatility index, stamped at the bar's close. */
export interface MarketBar {
  readonly time: EpochMs;
  readonly spy: number;
  readonly vix: number;
  /** SPY's price at today's open; the 0DTE structure depends on the move since then. */
  readonly spyOpen: number;
}

export type OptionRight = 'C' | 'P';

/** One option contract on SPY: expiry as an America/New_York date, `YYYY-MM-DD`. */
export interface OptionContract {
  readonly underlying: 'SPY';
  readonly expiry: string;
  readonly strike: number;
  readonly right: OptionRight;
}

export type Side = 'BUY' | 'SELL';

export interface OrderLeg {
  readonly contract: OptionContract;
  readonly side: Side;
  readonly quantity: number;
}

/** A multi-leg order sent as one: all legs fill together or none do. */
export interface ComboOrder {
  /** Deterministic (strategy, cycle, purpose, attempt): a repeat is the same order, never a second one. */
  readonly clientOrderId: string;
  readonly legs: readonly OrderLeg[];
}

export interface LegFill {
  readonly leg: OrderLeg;
  /** Per-share price paid or received for this leg (always positive). */
  readonly price: number;
}

export interface ComboFill {
  readonly clientOrderId: string;
  readonly time: EpochMs;
  readonly fills: readonly LegFill[];
  /** Net per-share cash: positive when the combo was a credit, negative for a debit. */
  readonly netCredit: number;
}
