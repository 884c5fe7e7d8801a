/**
 * A fuzz of bad market data through the engine's real bar path (tests and `npm run fuzz:market-data` only):
 * sane bars from the simulator, interleaved with bursts of bars that are wrong in every way a feed can be
 * wrong, with emergency halts and resumes at random moments. What it measures: how many orders the bad bars
 * (and the halts given during them) produced. It must be 0.
 */
import { MINUTE_MS } from '../../domain/market/time';
import type { MarketBar, Underlying } from '../../domain/market/types';
import { isFlat } from '../../domain/strategies/position';
import { createLogger } from '../../log';
import { Engine, type SimulationSettings } from '../engine';
import type { CommandType } from '../ports';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryChangeFeed, inMemoryStores } from './in-memory-stores';

export const BAD_BAR_KINDS = [
  'underlying-jump',
  'underlying-drop',
  'vix-spike',
  'vix-collapse',
  'tiny-price',
  'nan-price',
  'infinite-price',
  'negative-price',
  'vix-out-of-range',
  'month-old',
  'in-the-future',
  'not-moving-forward',
  'stale-quotes',
] as const;
export type BadBarKind = (typeof BAD_BAR_KINDS)[number];

/** Factors a burst's wrong prices are scaled by: no two within a collar of each other, so a burst never confirms itself. */
const WRONG_FACTORS = [10, 0.1, 5, 0.2, 3, 1 / 3, 100, 0.01];

const UNDERLYINGS: readonly Underlying[] = ['SPY', 'QQQ', 'IWM', 'ES'];

/** mulberry32: a small seeded generator, so a fuzz run can be repeated exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function withPrice(bar: MarketBar, underlying: Underlying, price: number): MarketBar {
  return { ...bar, underlyings: { ...bar.underlyings, [underlying]: { ...bar.underlyings[underlying], price } } };
}

/** One wrong bar of `kind`, made from the last sane bar; `step` keeps a burst's times moving forward. */
export function badBar(kind: BadBarKind, sane: MarketBar, step: number, factor: number, underlying: Underlying): MarketBar {
  const next = { ...sane, time: sane.time + step };
  const price = sane.underlyings[underlying].price;
  switch (kind) {
    case 'underlying-jump':
      return withPrice(next, underlying, price * Math.max(factor, 1 / factor));
    case 'underlying-drop':
      return withPrice(next, underlying, price * Math.min(factor, 1 / factor));
    case 'vix-spike':
      return { ...next, vix: Math.min(sane.vix * Math.max(factor, 1 / factor), 149) };
    case 'vix-collapse':
      return { ...next, vix: sane.vix * Math.min(factor, 1 / factor) };
    case 'tiny-price':
      return withPrice(next, underlying, 1e-9);
    case 'nan-price':
      return withPrice(next, underlying, Number.NaN);
    case 'infinite-price':
      return withPrice(next, underlying, Number.POSITIVE_INFINITY);
    case 'negative-price':
      return withPrice(next, underlying, -price);
    case 'vix-out-of-range':
      return { ...next, vix: 150 + factor };
    case 'month-old':
      return { ...sane, time: sane.time - 30 * 24 * 60 * MINUTE_MS };
    case 'in-the-future':
      return { ...sane, time: sane.time + 24 * 60 * MINUTE_MS };
    case 'not-moving-forward':
      return { ...sane };
    case 'stale-quotes':
      return { ...next, isStale: true };
  }
}

export interface FuzzFigures {
  readonly badBars: number;
  readonly badBarsByKind: Readonly<Record<BadBarKind, number>>;
  readonly goodBars: number;
  /** Bursts given while at least one strategy held a position: the states where a wrong bar could do harm. */
  readonly burstsWhileHolding: number;
  readonly haltsDuringBadData: number;
  /** Orders placed while a bad bar was the latest: must be 0. */
  readonly ordersFromBadBars: number;
  /** Orders placed on sane bars, for scale: the strategies did trade. */
  readonly ordersFromGoodBars: number;
}

export interface FuzzOptions {
  readonly badBars: number;
  readonly seed: number;
}

const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-16T09:31:00-05:00'), seed: 20261116, scenario: 'calm', speed: 1 };

export async function fuzzBadMarketData({ badBars, seed }: FuzzOptions): Promise<FuzzFigures> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const stores = inMemoryStores();
  const broker = new InMemoryBroker();
  const engine = await Engine.load({ stores, changes: new InMemoryChangeFeed(), broker, log: createLogger('silent'), simulation: SIMULATION });
  const command = async (type: CommandType) => {
    stores.commands.create({ type, strategyId: null, actor: 'fuzz', reason: 'fuzz' });
    await engine.drainCommands();
  };

  const byKind = Object.fromEntries(BAD_BAR_KINDS.map((kind) => [kind, 0])) as Record<BadBarKind, number>;
  let played = 0;
  let goodBars = 0;
  let burstsWhileHolding = 0;
  let haltsDuringBadData = 0;
  let ordersFromBadBars = 0;
  while (played < badBars) {
    for (let good = 1 + Math.floor(random() * 3); good > 0; good -= 1) {
      await engine.playBar(engine.clock.advance());
      goodBars += 1;
    }
    if (engine.allRunners().some((runner) => !isFlat(runner.context.position))) burstsWhileHolding += 1;
    const sane = engine.clock.currentBar;
    const before = broker.placed.length;
    let factors = [...WRONG_FACTORS];
    const burst = Math.min(1 + Math.floor(random() * 4), badBars - played);
    for (let step = 1; step <= burst; step += 1) {
      const kind = pick(BAD_BAR_KINDS);
      // Each wrong price in a burst is scaled differently: bars that agreed would be a real move, confirmed.
      const factor = pick(factors);
      factors = factors.filter((candidate) => candidate !== factor);
      await engine.playBar(badBar(kind, sane, step, factor, pick(UNDERLYINGS)));
      byKind[kind] += 1;
      played += 1;
      // Now and then the operator halts in the middle of bad data (and resumes later on good data).
      if (random() < 0.01 && engine.systemMode === 'RUNNING') {
        await command('EMERGENCY_HALT');
        haltsDuringBadData += 1;
      }
    }
    ordersFromBadBars += broker.placed.length - before;
    if (engine.systemMode === 'HALTED' && random() < 0.05) {
      await engine.playBar(engine.clock.advance());
      goodBars += 1;
      await command('RESUME');
    }
  }
  return {
    badBars: played,
    badBarsByKind: byKind,
    goodBars,
    burstsWhileHolding,
    haltsDuringBadData,
    ordersFromBadBars,
    ordersFromGoodBars: broker.placed.length - ordersFromBadBars,
  };
}
