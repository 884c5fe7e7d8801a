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

/**
 * How far a burst's wrong prices are off (up or down): each bar of a burst takes a different one, at least
 * 1.8x apart, so no two bars of a burst agree within a collar (bars that agreed would be a real move, confirmed).
 */
const WRONG_MAGNITUDES = [2.2, 4, 10, 30, 100];

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
export function badBar(kind: BadBarKind, sane: MarketBar, step: number, magnitude: number, underlying: Underlying): MarketBar {
  const next = { ...sane, time: sane.time + step };
  const price = sane.underlyings[underlying].price;
  switch (kind) {
    case 'underlying-jump':
      return withPrice(next, underlying, price * magnitude);
    case 'underlying-drop':
      return withPrice(next, underlying, price / magnitude);
    case 'vix-spike':
      // At 150 or more it is refused as out of range rather than quarantined: a bad bar either way.
      return { ...next, vix: sane.vix * magnitude };
    case 'vix-collapse':
      return { ...next, vix: sane.vix / magnitude };
    case 'tiny-price':
      return withPrice(next, underlying, 1e-9);
    case 'nan-price':
      return withPrice(next, underlying, Number.NaN);
    case 'infinite-price':
      return withPrice(next, underlying, Number.POSITIVE_INFINITY);
    case 'negative-price':
      return withPrice(next, underlying, -price);
    case 'vix-out-of-range':
      return { ...next, vix: 150 * magnitude };
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
  /** Each such order, with the bar that was the latest and the strategies' states then: what to fix. */
  readonly badOrders: readonly { clientOrderId: string; afterKind: BadBarKind; states: string }[];
  /** Orders placed on sane bars, for scale: the strategies did trade. */
  readonly ordersFromGoodBars: number;
  /** How often the system moved to each mode, and why: e.g. `REDUCING (market-data)`. */
  readonly modeChanges: Readonly<Record<string, number>>;
}

export interface FuzzOptions {
  readonly badBars: number;
  readonly seed: number;
}

const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-16T09:31:00-05:00'), seed: 20261116, scenario: 'calm', speed: 1 };

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

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
  const badOrders: { clientOrderId: string; afterKind: BadBarKind; states: string }[] = [];
  while (played < badBars) {
    for (let good = 1 + Math.floor(random() * 3); good > 0; good -= 1) {
      await engine.playBar(engine.clock.advance());
      goodBars += 1;
    }
    if (engine.allRunners().some((runner) => !isFlat(runner.context.position))) burstsWhileHolding += 1;
    const sane = engine.clock.currentBar;
    const before = broker.placed.length;
    let magnitudes = [...WRONG_MAGNITUDES];
    const burst = Math.min(1 + Math.floor(random() * 4), badBars - played);
    for (let step = 1; step <= burst; step += 1) {
      const kind = pick(BAD_BAR_KINDS);
      const magnitude = pick(magnitudes);
      magnitudes = magnitudes.filter((candidate) => candidate !== magnitude);
      const states = engine.allRunners().map((runner) => `${runner.id}:${runner.state}`).join(' ');
      const placedBefore = broker.placed.length;
      await engine.playBar(badBar(kind, sane, step, magnitude, pick(UNDERLYINGS)));
      byKind[kind] += 1;
      played += 1;
      // Now and then the operator halts in the middle of bad data (and resumes later on good data, once the
      // emergency is over). The bad data itself has the system REDUCING by then.
      if (random() < 0.01 && (engine.systemMode === 'RUNNING' || engine.systemMode === 'REDUCING')) {
        await command('EMERGENCY_HALT');
        haltsDuringBadData += 1;
      }
      for (const clientOrderId of broker.placed.slice(placedBefore)) badOrders.push({ clientOrderId, afterKind: kind, states });
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
    badOrders,
    ordersFromGoodBars: broker.placed.length - ordersFromBadBars,
    modeChanges: countBy(stores.system.modeChanges.map(({ mode, cause }) => `${mode} (${cause})`)),
  };
}
