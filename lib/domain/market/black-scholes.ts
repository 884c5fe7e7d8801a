import type { OptionRight } from './types';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standard normal cumulative distribution: absolute error about 1e-14, relative error below 1e-7 far in the tails.
 * Hart's double-precision rational approximation (as given by G. West, "Better approximations to
 * cumulative normal functions", 2005), with a continued fraction in the far tail.
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) {
    tail = 0;
  } else {
    const density = Math.exp((-z * z) / 2);
    if (z < 7.07106781186547) {
      let numerator = 3.52624965998911e-2 * z + 0.700383064443688;
      numerator = numerator * z + 6.37396220353165;
      numerator = numerator * z + 33.912866078383;
      numerator = numerator * z + 112.079291497871;
      numerator = numerator * z + 221.213596169931;
      numerator = numerator * z + 220.206867912376;
      let denominator = 8.83883476483184e-2 * z + 1.75566716318264;
      denominator = denominator * z + 16.064177579207;
      denominator = denominator * z + 86.7807322029461;
      denominator = denominator * z + 296.564248779674;
      denominator = denominator * z + 637.333633378831;
      denominator = denominator * z + 793.826512519948;
      denominator = denominator * z + 440.413735824752;
      tail = (density * numerator) / denominator;
    } else {
      let fraction = z + 0.65;
      fraction = z + 4 / fraction;
      fraction = z + 3 / fraction;
      fraction = z + 2 / fraction;
      fraction = z + 1 / fraction;
      tail = density / fraction / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp((-x * x) / 2);
}

export interface BlackScholesInput {
  readonly spot: number;
  readonly strike: number;
  /** Time to expiry in years. */
  readonly years: number;
  /** Continuously compounded risk-free rate, e.g. 0.04. */
  readonly rate: number;
  /** Annualized volatility, e.g. 0.2. */
  readonly volatility: number;
  readonly right: OptionRight;
}

export interface BlackScholesResult {
  readonly price: number;
  readonly delta: number;
  readonly gamma: number;
  /** Price change per 1.00 of volatility (divide by 100 for per vol point). */
  readonly vega: number;
  /** Price change per year of passing time (divide by 365 for per day); usually negative. */
  readonly theta: number;
}

/**
 * European option price and greeks under Black–Scholes (no dividends).
 * At or past expiry, or with no volatility, the option is worth its intrinsic value: delta is 0 or ±1
 * and the other greeks are 0. Spot and strike must be positive; anything else is a caller's bug.
 */
export function blackScholes({ spot, strike, years, rate, volatility, right }: BlackScholesInput): BlackScholesResult {
  if (!(spot > 0) || !Number.isFinite(spot) || !(strike > 0) || !Number.isFinite(strike)) {
    throw new RangeError(`Black–Scholes needs a positive spot and strike, got spot=${spot} strike=${strike}`);
  }

  const isCall = right === 'C';
  if (years <= 0 || volatility <= 0) {
    const intrinsic = isCall ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
    const delta = intrinsic > 0 ? (isCall ? 1 : -1) : 0;
    return { price: intrinsic, delta, gamma: 0, vega: 0, theta: 0 };
  }

  const sqrtYears = Math.sqrt(years);
  const volSqrtYears = volatility * sqrtYears;
  const d1 = (Math.log(spot / strike) + (rate + (volatility * volatility) / 2) * years) / volSqrtYears;
  const d2 = d1 - volSqrtYears;
  const discountedStrike = strike * Math.exp(-rate * years);
  const densityD1 = normPdf(d1);

  const gamma = densityD1 / (spot * volSqrtYears);
  const vega = spot * densityD1 * sqrtYears;
  const timeDecay = (-spot * densityD1 * volatility) / (2 * sqrtYears);

  if (isCall) {
    return {
      price: spot * normCdf(d1) - discountedStrike * normCdf(d2),
      delta: normCdf(d1),
      gamma,
      vega,
      theta: timeDecay - rate * discountedStrike * normCdf(d2),
    };
  }
  return {
    price: discountedStrike * normCdf(-d2) - spot * normCdf(-d1),
    delta: normCdf(d1) - 1,
    gamma,
    vega,
    theta: timeDecay + rate * discountedStrike * normCdf(-d2),
  };
}
