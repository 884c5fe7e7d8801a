import { isMarketOpen, nextSessionOpen } from '../domain/market/calendar';
import type { EpochMs, MarketBar } from '../domain/market/types';
import { nextNormal, seedState } from '../domain/random';

/**
 * Everything the simulated market needs to produce the next bar. Plain numbers only, so it can be
 * stored as JSON and resumed exactly; `time`, `spy`, `vix` and `spyOpen` are the last bar's values.
 */
export interface SimulatorState {
  readonly time: EpochMs;
  readonly spy: number;
  readonly vix: number;
  readonly spyOpen: number;
  /** Level VIX reverts towards: the VIX the simulation started with. */
  readonly vixMean: number;
  readonly rng: number;
}

export const VIX_FLOOR = 9;
export const VIX_CEILING = 90;

const MINUTE_MS = 60_000;
const MINUTES_PER_SESSION = 390;
const YEARS_PER_TRADING_MINUTE = 1 / (252 * MINUTES_PER_SESSION);
/** Overnight SPY gap standard deviation when VIX is 20; it scales with VIX. */
const OVERNIGHT_GAP_SD_AT_VIX_20 = 0.005;
/** Log-VIX pulls halfway back to its mean in two sessions. */
const VIX_REVERSION_PER_MINUTE = Math.LN2 / (2 * MINUTES_PER_SESSION);
/**
 * Annual volatility of log VIX. At 0.9 a VIX of 24 drifts by about ±0.07 a minute and ±1.4 over a
 * session, so it moves visibly on screen yet stays above 22 for most of a day.
 */
const VOL_OF_VOL = 0.9;
/** How many trading minutes of VIX movement the night counts for (same order as the SPY gap's variance). */
const OVERNIGHT_VIX_MINUTES = 60;
/** VIX rises when SPY falls. */
const SPY_VIX_CORRELATION = -0.7;
const INDEPENDENT_VIX_WEIGHT = Math.sqrt(1 - SPY_VIX_CORRELATION ** 2);

const roundCents = (price: number): number => Math.round(price * 100) / 100;
const clampVix = (vix: number): number => Math.min(VIX_CEILING, Math.max(VIX_FLOOR, vix));

/**
 * A simulator at `start` (no bar produced yet) with SPY at `spy` and VIX at `vix`; VIX reverts
 * towards its starting level. When `start` is inside a session the first bar follows it without a
 * gap, and today's open is taken to be `spy`.
 */
export function createSimulatorState({
  start,
  seed,
  spy = 590,
  vix,
}: {
  start: EpochMs;
  seed: number;
  spy?: number;
  vix: number;
}): SimulatorState {
  if (!Number.isFinite(start)) throw new RangeError(`Simulator start must be a finite time, got ${start}`);
  if (!(spy > 0) || !Number.isFinite(spy)) throw new RangeError(`SPY must be a positive price, got ${spy}`);
  if (!(vix >= VIX_FLOOR && vix <= VIX_CEILING)) {
    throw new RangeError(`VIX must be between ${VIX_FLOOR} and ${VIX_CEILING}, got ${vix}`);
  }
  const startSpy = roundCents(spy);
  return { time: start, spy: startSpy, vix, spyOpen: startSpy, vixMean: vix, rng: seedState(seed) };
}

interface Shocks {
  readonly spy: number;
  readonly vix: number;
  readonly rng: number;
}

function drawShocks(rng: number): Shocks {
  const first = nextNormal(rng);
  const second = nextNormal(first.state);
  return {
    spy: first.value,
    vix: SPY_VIX_CORRELATION * first.value + INDEPENDENT_VIX_WEIGHT * second.value,
    rng: second.state,
  };
}

/** Lognormal move with the given standard deviation of the log return and no drift in the mean. */
const lognormalStep = (price: number, sd: number, shock: number): number => price * Math.exp(sd * shock - (sd * sd) / 2);

/** Exact mean reversion of log VIX over `minutes`, plus a shock of `minutes`' worth of variance. */
function evolveVix(vix: number, vixMean: number, minutes: number, shock: number): number {
  const logVix = Math.log(vix);
  const pull = (1 - Math.exp(-VIX_REVERSION_PER_MINUTE * minutes)) * (Math.log(vixMean) - logVix);
  const noise = VOL_OF_VOL * Math.sqrt(minutes * YEARS_PER_TRADING_MINUTE) * shock;
  return clampVix(Math.round(Math.exp(logVix + pull + noise) * 100) / 100);
}

function minuteStep(
  { spy, vix, vixMean }: SimulatorState,
  shocks: Shocks,
): { spy: number; vix: number } {
  const spySd = (vix / 100) * Math.sqrt(YEARS_PER_TRADING_MINUTE);
  return {
    spy: roundCents(lognormalStep(spy, spySd, shocks.spy)),
    vix: evolveVix(vix, vixMean, 1, shocks.vix),
  };
}

/**
 * The next one-minute bar, stamped at the minute's close: from open + 1 minute to the close inclusive.
 * After the close (or whenever the market is shut) it jumps to the next session, gapping SPY overnight
 * (sd 0.5% × VIX/20) and taking the gapped price as that day's open. Pure: the same state always gives
 * the same bar.
 */
export function nextBar(state: SimulatorState): { bar: MarketBar; state: SimulatorState } {
  const minuteStart = Math.floor(state.time / MINUTE_MS) * MINUTE_MS;
  if (isMarketOpen(minuteStart)) {
    const shocks = drawShocks(state.rng);
    const { spy, vix } = minuteStep(state, shocks);
    return produce({ ...state, time: minuteStart + MINUTE_MS, spy, vix, rng: shocks.rng });
  }

  const open = nextSessionOpen(state.time);
  const overnight = drawShocks(state.rng);
  const gapSd = OVERNIGHT_GAP_SD_AT_VIX_20 * (state.vix / 20);
  const spyOpen = roundCents(lognormalStep(state.spy, gapSd, overnight.spy));
  const atOpen: SimulatorState = {
    ...state,
    time: open,
    spy: spyOpen,
    spyOpen,
    vix: evolveVix(state.vix, state.vixMean, OVERNIGHT_VIX_MINUTES, overnight.vix),
    rng: overnight.rng,
  };
  const shocks = drawShocks(atOpen.rng);
  const { spy, vix } = minuteStep(atOpen, shocks);
  return produce({ ...atOpen, time: open + MINUTE_MS, spy, vix, rng: shocks.rng });
}

function produce(state: SimulatorState): { bar: MarketBar; state: SimulatorState } {
  return { bar: { time: state.time, spy: state.spy, vix: state.vix, spyOpen: state.spyOpen }, state };
}
