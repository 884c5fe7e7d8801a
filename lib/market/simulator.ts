import { z } from 'zod';
import { isMarketOpen, nextSessionOpen, nyParts } from '../domain/market/calendar';
import { INSTRUMENTS } from '../domain/market/instruments';
import { marketBarSchema } from '../domain/market/market-bar-schema';
import { MINUTE_MS } from '../domain/market/time';
import type { EpochMs, MarketBar, Underlying, UnderlyingBar } from '../domain/market/types';
import { nextNormal, seedState } from '../domain/random';
import {
  isScenarioName,
  SCENARIO_NAMES,
  SCENARIOS,
  type CrashEvent,
  type GapEvent,
  type ScenarioName,
} from './scenarios';

type Prices = Readonly<Record<Underlying, UnderlyingBar>>;

/**
 * Everything the simulated market needs to produce the next bar. Plain numbers and strings only, so it
 * can be stored as JSON and resumed exactly; `time`, `vix` and `underlyings` are the last bar's values.
 */
export interface SimulatorState {
  readonly time: EpochMs;
  readonly vix: number;
  /** Level VIX reverts towards: the VIX the simulation started with. */
  readonly vixMean: number;
  readonly underlyings: Prices;
  readonly rng: number;
  readonly scenario: ScenarioName;
  /** Sessions played so far; the session in progress counts, so the first session played is 1. */
  readonly session: number;
}

/** A saved simulator state, checked where it is read back (the market clock's row): a bad row fails at start, naming the field. */
export const simulatorStateSchema = z.object({
  time: z.number(),
  vix: z.number(),
  vixMean: z.number(),
  underlyings: marketBarSchema.shape.underlyings,
  rng: z.number(),
  scenario: z.enum(SCENARIO_NAMES),
  session: z.int().nonnegative(),
}) satisfies z.ZodType<SimulatorState>;

export type StartPrices = Partial<Record<Exclude<Underlying, 'ES'>, number>>;

export interface SimulatorOptions {
  readonly start: EpochMs;
  readonly seed: number;
  readonly scenario?: ScenarioName;
  /** Starting VIX, and the level it reverts to; the scenario's level when absent. */
  readonly vix?: number;
  /** Starting prices; /ES is always SPY × 10. */
  readonly prices?: StartPrices;
}

export const VIX_FLOOR = 9;
export const VIX_CEILING = 90;

const DEFAULT_PRICES: Readonly<Record<Exclude<Underlying, 'ES'>, number>> = { SPY: 590, QQQ: 510, IWM: 235 };
/** /ES is SPY's index times ten; the ratio is kept exactly, then rounded to the future's tick. */
const ES_PER_SPY = 10;

/**
 * How QQQ and IWM follow SPY: their log return is `beta` × SPY's plus an independent part sized to give
 * `correlation`, so their volatility is beta / correlation × SPY's (about 1.28 and 1.41 × VIX / 100,
 * near the 1.2 and 1.35 their options are priced at).
 */
interface Follower {
  readonly beta: number;
  readonly correlation: number;
  /** Standard deviation of the independent part per unit of SPY's. */
  readonly idiosyncratic: number;
}

const follower = (beta: number, correlation: number): Follower => ({
  beta,
  correlation,
  idiosyncratic: beta * Math.sqrt(1 / correlation ** 2 - 1),
});

const FOLLOWERS: Readonly<Record<'QQQ' | 'IWM', Follower>> = {
  QQQ: follower(1.15, 0.9),
  IWM: follower(1.2, 0.85),
};

const MINUTES_PER_SESSION = 390;
const YEARS_PER_TRADING_MINUTE = 1 / (252 * MINUTES_PER_SESSION);
const SQRT_YEARS_PER_TRADING_MINUTE = Math.sqrt(YEARS_PER_TRADING_MINUTE);
/** Overnight SPY gap standard deviation when VIX is 20; it scales with VIX. */
const OVERNIGHT_GAP_SD_AT_VIX_20 = 0.005;
/** Log-VIX pulls halfway back to its mean in two sessions. */
const VIX_REVERSION_PER_MINUTE = Math.LN2 / (2 * MINUTES_PER_SESSION);
/** How many trading minutes of VIX movement the night counts for (same order as the SPY gap's variance). */
const OVERNIGHT_VIX_MINUTES = 60;
/** VIX rises when SPY falls. */
const SPY_VIX_CORRELATION = -0.7;
const INDEPENDENT_VIX_WEIGHT = Math.sqrt(1 - SPY_VIX_CORRELATION ** 2);

const roundCents = (price: number): number => Math.round(price * 100) / 100;
const roundVix = (vix: number): number => Math.min(VIX_CEILING, Math.max(VIX_FLOOR, Math.round(vix * 100) / 100));
const esTick = INSTRUMENTS.ES.priceTick;
const esFromSpy = (spy: number): number => Math.round((spy * ES_PER_SPY) / esTick) * esTick;

function assertPrice(name: string, price: number): void {
  if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`${name} must be a positive price, got ${price}`);
}

/**
 * A simulator at `start` (no bar produced yet) in `scenario`. When `start` is inside a session the first
 * bar follows it without a gap, today's opens are taken to be the starting prices, and that session
 * counts as the first.
 */
export function createSimulatorState({
  start,
  seed,
  scenario = 'calm',
  vix,
  prices = {},
}: SimulatorOptions): SimulatorState {
  if (!Number.isFinite(start)) throw new RangeError(`Simulator start must be a finite time, got ${start}`);
  if (!isScenarioName(scenario)) throw new RangeError(`Unknown market scenario ${JSON.stringify(scenario)}`);
  const startVix = vix ?? SCENARIOS[scenario].vixMean;
  if (!(startVix >= VIX_FLOOR && startVix <= VIX_CEILING)) {
    throw new RangeError(`VIX must be between ${VIX_FLOOR} and ${VIX_CEILING}, got ${startVix}`);
  }
  const { SPY, QQQ, IWM } = { ...DEFAULT_PRICES, ...prices };
  assertPrice('SPY', SPY);
  assertPrice('QQQ', QQQ);
  assertPrice('IWM', IWM);
  const at = (price: number): UnderlyingBar => ({ price, open: price });
  const spy = roundCents(SPY);
  return {
    time: start,
    vix: startVix,
    vixMean: startVix,
    underlyings: { SPY: at(spy), QQQ: at(roundCents(QQQ)), IWM: at(roundCents(IWM)), ES: at(esFromSpy(spy)) },
    rng: seedState(seed),
    scenario,
    session: isMarketOpen(start) ? 1 : 0,
  };
}

/** The last bar the state produced (or its starting prices, before any bar). */
export function currentBar(state: SimulatorState): MarketBar {
  return { time: state.time, vix: state.vix, underlyings: state.underlyings };
}

/** One standard normal per source of randomness, drawn in a fixed order so the state alone fixes the path. */
interface Shocks {
  readonly spy: number;
  readonly vix: number;
  readonly qqq: number;
  readonly iwm: number;
  readonly rng: number;
}

function drawShocks(rng: number): Shocks {
  const spy = nextNormal(rng);
  const vix = nextNormal(spy.state);
  const qqq = nextNormal(vix.state);
  const iwm = nextNormal(qqq.state);
  return {
    spy: spy.value,
    vix: SPY_VIX_CORRELATION * spy.value + INDEPENDENT_VIX_WEIGHT * vix.value,
    qqq: qqq.value,
    iwm: iwm.value,
    rng: iwm.state,
  };
}

/**
 * Every price moved by one step. `spyDrift` is SPY's deterministic log move, `spySd` the standard deviation
 * of its random part; QQQ and IWM take beta times both plus their own noise. Each random part is
 * lognormal with no drift in the mean. `isOpen` starts a new session: the moved prices become the opens.
 */
function movePrices(prices: Prices, spyDrift: number, spySd: number, shocks: Shocks, isOpen: boolean): Prices {
  const spyLogMove = spyDrift + spySd * shocks.spy;
  const spy = roundCents(prices.SPY.price * Math.exp(spyLogMove - (spySd * spySd) / 2));
  const es = esFromSpy(spy);
  return {
    SPY: { price: spy, open: isOpen ? spy : prices.SPY.open },
    QQQ: follow(FOLLOWERS.QQQ, prices.QQQ, spyLogMove, spySd, shocks.qqq, isOpen),
    IWM: follow(FOLLOWERS.IWM, prices.IWM, spyLogMove, spySd, shocks.iwm, isOpen),
    ES: { price: es, open: isOpen ? es : prices.ES.open },
  };
}

function follow(
  { beta, idiosyncratic }: Follower,
  previous: UnderlyingBar,
  spyLogMove: number,
  spySd: number,
  shock: number,
  isOpen: boolean,
): UnderlyingBar {
  const ownSd = idiosyncratic * spySd;
  const logMove = beta * spyLogMove + ownSd * shock - ((beta * spySd) ** 2 + ownSd ** 2) / 2;
  const price = roundCents(previous.price * Math.exp(logMove));
  return { price, open: isOpen ? price : previous.open };
}

/** Exact mean reversion of log VIX over `minutes`, plus a shock of `minutes`' worth of variance. */
function evolveVix(vix: number, vixMean: number, volOfVol: number, minutes: number, shock: number): number {
  const logVix = Math.log(vix);
  const pull = (1 - Math.exp(-VIX_REVERSION_PER_MINUTE * minutes)) * (Math.log(vixMean) - logVix);
  const noise = volOfVol * Math.sqrt(minutes * YEARS_PER_TRADING_MINUTE) * shock;
  return Math.exp(logVix + pull + noise);
}

const CRASHES = new Map(
  SCENARIO_NAMES.map((name) => [
    name,
    SCENARIOS[name].events.find((event): event is CrashEvent => event.kind === 'crash'),
  ]),
);

function gapOf(scenario: ScenarioName, session: number): GapEvent | undefined {
  return SCENARIOS[scenario].events.find(
    (event): event is GapEvent => event.kind === 'gap' && event.session === session,
  );
}

/**
 * The crash's effect on the minute starting at `minuteOfDay`: SPY's scripted log drift, and the VIX floor
 * (0 outside the sell-off). The floor rises geometrically from the VIX mean to the peak over the hour.
 */
function crashMinute(state: SimulatorState, minuteOfDay: number): { drift: number; vixFloor: number } {
  const crash = CRASHES.get(state.scenario);
  if (!crash) return { drift: 0, vixFloor: 0 };
  const fall = Math.log(1 + crash.spyMove);
  const elapsed = minuteOfDay - crash.startMinute + 1;
  if (state.session === crash.session && elapsed >= 1 && elapsed <= crash.durationMinutes) {
    const progress = elapsed / crash.durationMinutes;
    return {
      drift: fall / crash.durationMinutes,
      vixFloor: state.vixMean * (crash.vixPeak / state.vixMean) ** progress,
    };
  }
  if (state.session > crash.session && state.session <= crash.session + crash.recoverySessions) {
    return { drift: (-fall * crash.recoveryFraction) / (crash.recoverySessions * MINUTES_PER_SESSION), vixFloor: 0 };
  }
  return { drift: 0, vixFloor: 0 };
}

/** One trading minute from `state`, whose time is the minute's start. */
function minuteStep(state: SimulatorState, shocks: Shocks): SimulatorState {
  const params = SCENARIOS[state.scenario];
  const crash = crashMinute(state, nyParts(state.time).minuteOfDay);
  const spySd = (state.vix / 100) * SQRT_YEARS_PER_TRADING_MINUTE;
  const drift = params.spyDrift * YEARS_PER_TRADING_MINUTE + crash.drift;
  const vix = Math.max(crash.vixFloor, evolveVix(state.vix, state.vixMean, params.volOfVol, 1, shocks.vix));
  return {
    ...state,
    time: state.time + MINUTE_MS,
    underlyings: movePrices(state.underlyings, drift, spySd, shocks, false),
    vix: roundVix(vix),
    rng: shocks.rng,
  };
}

/**
 * The next one-minute bar, stamped at the minute's close: from open + 1 minute to the close inclusive.
 * After the close (or whenever the market is shut) it jumps to the next session, gapping every price
 * overnight (SPY's gap sd 0.5% × VIX/20, or the scenario's scripted gap) and taking the gapped prices as
 * that day's opens. Pure: the same state always gives the same bar.
 */
export function nextBar(state: SimulatorState): { bar: MarketBar; state: SimulatorState } {
  const minuteStart = Math.floor(state.time / MINUTE_MS) * MINUTE_MS;
  if (isMarketOpen(minuteStart)) {
    return produce(minuteStep({ ...state, time: minuteStart }, drawShocks(state.rng)));
  }

  const session = state.session + 1;
  const gap = gapOf(state.scenario, session);
  const overnight = drawShocks(state.rng);
  const gapSd = gap ? 0 : OVERNIGHT_GAP_SD_AT_VIX_20 * (state.vix / 20);
  const gapDrift = gap ? Math.log(1 + gap.spyGap) : 0;
  const { volOfVol } = SCENARIOS[state.scenario];
  const overnightVix = evolveVix(state.vix, state.vixMean, volOfVol, OVERNIGHT_VIX_MINUTES, overnight.vix);
  const atOpen: SimulatorState = {
    ...state,
    time: nextSessionOpen(state.time),
    session,
    underlyings: movePrices(state.underlyings, gapDrift, gapSd, overnight, true),
    vix: roundVix(overnightVix + (gap?.vixJump ?? 0)),
    rng: overnight.rng,
  };
  return produce(minuteStep(atOpen, drawShocks(atOpen.rng)));
}

function produce(state: SimulatorState): { bar: MarketBar; state: SimulatorState } {
  return { bar: currentBar(state), state };
}
