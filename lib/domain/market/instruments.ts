import type { Underlying } from './types';

/** Which expiration cycles an underlying lists; an absent cycle is not listed. */
export interface ExpirationListing {
  /** Every trading day with at most this many calendar days to expiry (today included). */
  readonly dailyDays?: number;
  /** Every Friday up to this many weeks out. */
  readonly weeklyWeeks?: number;
  /** Every month's third Friday up to this many months out. */
  readonly monthlyMonths?: number;
  /** January's third Friday of each of the next this-many years. */
  readonly leapYears?: number;
}

export interface InstrumentSpec {
  readonly underlying: Underlying;
  /** Dollars per point of option premium: 100 shares, or $50 per /ES point. */
  readonly multiplier: number;
  /** At-the-money implied volatility is VIX / 100 × this. */
  readonly ivBeta: number;
  /** Smallest price step of the underlying itself. */
  readonly priceTick: number;
  /** Strike step within {@link NEAR_STRIKE_BAND} of spot. */
  readonly nearStrikeIncrement: number;
  /** Strike step further out, to the edges of the grid. */
  readonly farStrikeIncrement: number;
  readonly expirations: ExpirationListing;
}

/** Strikes within this fraction of spot are listed on the fine increment. */
export const NEAR_STRIKE_BAND = 0.1;
/** Listed strikes run from (1 − this) × spot to (1 + this) × spot. */
export const STRIKE_GRID_HALF_WIDTH = 0.5;

const ETF_EXPIRATIONS: ExpirationListing = { dailyDays: 7, weeklyWeeks: 9, monthlyMonths: 12, leapYears: 3 };

export const INSTRUMENTS: Readonly<Record<Underlying, InstrumentSpec>> = {
  SPY: {
    underlying: 'SPY',
    multiplier: 100,
    ivBeta: 1,
    priceTick: 0.01,
    nearStrikeIncrement: 1,
    farStrikeIncrement: 5,
    expirations: ETF_EXPIRATIONS,
  },
  QQQ: {
    underlying: 'QQQ',
    multiplier: 100,
    ivBeta: 1.2,
    priceTick: 0.01,
    nearStrikeIncrement: 1,
    farStrikeIncrement: 5,
    expirations: ETF_EXPIRATIONS,
  },
  IWM: {
    underlying: 'IWM',
    multiplier: 100,
    ivBeta: 1.35,
    priceTick: 0.01,
    nearStrikeIncrement: 1,
    farStrikeIncrement: 5,
    expirations: ETF_EXPIRATIONS,
  },
  ES: {
    underlying: 'ES',
    multiplier: 50,
    ivBeta: 1,
    priceTick: 0.25,
    nearStrikeIncrement: 5,
    farStrikeIncrement: 25,
    expirations: { monthlyMonths: 15 },
  },
};

/** Dollars per point of premium for one contract on `underlying`. */
export function contractMultiplier(underlying: Underlying): number {
  return INSTRUMENTS[underlying].multiplier;
}

/** Guards `k × increment` against 589.9999… style residue when a price sits exactly on a strike. */
const STEP_EPSILON = 1e-9;

/** The inclusive index bounds of the listed strikes, as multiples of each increment. */
export interface StrikeBounds {
  readonly nearIncrement: number;
  readonly farIncrement: number;
  /** Near strikes are `k × nearIncrement` for k in [nearLow, nearHigh]. */
  readonly nearLow: number;
  readonly nearHigh: number;
  /** Far strikes are `k × farIncrement` for k in [farLow, farHigh]. */
  readonly farLow: number;
  readonly farHigh: number;
}

/**
 * The listed strikes around `spot`, as index ranges: fine increments within 10% of spot, coarse ones
 * from 50% to 150%. Every coarse increment is a multiple of the fine one, so the two sets only overlap.
 */
export function strikeBounds(underlying: Underlying, spot: number): StrikeBounds {
  if (!(spot > 0) || !Number.isFinite(spot)) throw new RangeError(`Spot must be a positive price, got ${spot}`);
  const { nearStrikeIncrement: near, farStrikeIncrement: far } = INSTRUMENTS[underlying];
  return {
    nearIncrement: near,
    farIncrement: far,
    nearLow: Math.ceil((spot * (1 - NEAR_STRIKE_BAND)) / near - STEP_EPSILON),
    nearHigh: Math.floor((spot * (1 + NEAR_STRIKE_BAND)) / near + STEP_EPSILON),
    farLow: Math.max(1, Math.ceil((spot * (1 - STRIKE_GRID_HALF_WIDTH)) / far - STEP_EPSILON)),
    farHigh: Math.floor((spot * (1 + STRIKE_GRID_HALF_WIDTH)) / far + STEP_EPSILON),
  };
}

export type StrikeRounding = 'nearest' | 'down' | 'up';

/**
 * The listed strike nearest `price` (ties go to the lower one), the highest at or below it (`down`), or
 * the lowest at or above it (`up`), on the grid listed while the underlying trades at `spot`. A price
 * beyond the grid's edge gives the edge strike.
 */
export function roundToStrike(underlying: Underlying, price: number, mode: StrikeRounding, spot: number): number {
  if (!Number.isFinite(price)) throw new RangeError(`Cannot round ${price} to a strike`);
  const b = strikeBounds(underlying, spot);
  const lowest = Math.min(b.nearLow * b.nearIncrement, b.farLow * b.farIncrement);
  const highest = Math.max(b.nearHigh * b.nearIncrement, b.farHigh * b.farIncrement);
  const below = listedAtOrBelow(b, price) ?? lowest;
  const above = listedAtOrAbove(b, price) ?? highest;
  if (mode === 'down') return below;
  if (mode === 'up') return above;
  return above - price < price - below ? above : below;
}

function listedAtOrBelow(b: StrikeBounds, price: number): number | null {
  const near = Math.min(Math.floor(price / b.nearIncrement + STEP_EPSILON), b.nearHigh);
  const far = Math.min(Math.floor(price / b.farIncrement + STEP_EPSILON), b.farHigh);
  const best = Math.max(
    near >= b.nearLow ? near * b.nearIncrement : -Infinity,
    far >= b.farLow ? far * b.farIncrement : -Infinity,
  );
  return best === -Infinity ? null : best;
}

function listedAtOrAbove(b: StrikeBounds, price: number): number | null {
  const near = Math.max(Math.ceil(price / b.nearIncrement - STEP_EPSILON), b.nearLow);
  const far = Math.max(Math.ceil(price / b.farIncrement - STEP_EPSILON), b.farLow);
  const best = Math.min(
    near <= b.nearHigh ? near * b.nearIncrement : Infinity,
    far <= b.farHigh ? far * b.farIncrement : Infinity,
  );
  return best === Infinity ? null : best;
}
