/** Epoch milliseconds (UTC). Every domain function takes time as a value; nothing reads the wall clock. */
export type EpochMs = number;

/** The underlyings Wheelhouse trades options on. ES is the E-mini S&P 500 future (/ES). */
export const UNDERLYINGS = ['SPY', 'QQQ', 'IWM', 'ES'] as const;
export type Underlying = (typeof UNDERLYINGS)[number];

export interface UnderlyingBar {
  /** Last price at the bar's close. */
  readonly price: number;
  /** Price at today's session open. */
  readonly open: number;
}

/** One one-minute bar of every underlying and the volatility index, stamped at the bar's close. */
export interface MarketBar {
  readonly time: EpochMs;
  readonly vix: number;
  readonly underlyings: Readonly<Record<Underlying, UnderlyingBar>>;
  /**
   * True when the quotes behind this bar are stale (a data-feed fault): strategies must not trade on it.
   * Absent means fresh.
   */
  readonly isStale?: boolean;
  /**
   * Set by the engine's bar guard on a bar it refused or quarantined (see bar-guard.ts), with why: such a bar
   * is also marked stale, and nothing is ever traded on it.
   */
  readonly refused?: readonly string[];
}

export type OptionRight = 'C' | 'P';

/** One option contract: expiry as an America/New_York date, `YYYY-MM-DD`. */
export interface OptionContract {
  readonly underlying: Underlying;
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

/**
 * An order at the venue. WORKING: accepted, nothing filled yet. PARTIALLY_FILLED: some legs filled (legged
 * execution only). FILLED: every leg filled. REJECTED and CANCELLED are final; either may come after some legs filled.
 */
export const ORDER_STATUSES = ['WORKING', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A multi-leg order sent as one. */
export interface ComboOrder {
  /** Deterministic (strategy, cycle, purpose, attempt): a repeat is the same order, never a second one. */
  readonly clientOrderId: string;
  readonly legs: readonly OrderLeg[];
}

export interface LegFill {
  readonly leg: OrderLeg;
  /** Per-share (per-unit) price paid or received for this leg (never negative). */
  readonly price: number;
}

export interface ComboFill {
  readonly clientOrderId: string;
  readonly time: EpochMs;
  readonly fills: readonly LegFill[];
  /** Net per-share cash: positive when the combo was a credit, negative for a debit. */
  readonly netCredit: number;
}
