import { setTimeout as sleep } from 'node:timers/promises';
import type { MarketBar } from '../domain/market/types';
import { currentBar, nextBar, type SimulatorState } from '../market/simulator';
import { MINUTE_MS } from '../domain/market/time';

/** Most bars played in one turn of the loop, so a slow turn never starves the event loop. */
const MAX_BARS_PER_TURN = 200;

/**
 * The accelerated clock: plays the simulated market's one-minute bars at `speed` market seconds per real
 * second while the market is open. Closed hours cost nothing: the simulator jumps to the next session.
 * When handling falls behind, bars are played late rather than skipped: no strategy misses a bar.
 */
export class MarketClock {
  private state: SimulatorState;
  private bar: MarketBar;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    state: SimulatorState,
    private readonly speed: number,
  ) {
    this.state = state;
    this.bar = currentBar(state);
  }

  get currentBar(): MarketBar {
    return this.bar;
  }

  get simulatorState(): SimulatorState {
    return this.state;
  }

  /** Advances one bar without waiting: for tests and the benchmark. */
  advance(): MarketBar {
    const { bar, state } = nextBar(this.state);
    this.state = state;
    this.bar = bar;
    return bar;
  }

  /** Plays bars in real time until `stop()`, awaiting `onBar` for each before the next. */
  start(onBar: (bar: MarketBar) => Promise<void>): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run(onBar);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
  }

  private async run(onBar: (bar: MarketBar) => Promise<void>): Promise<void> {
    const barIntervalMs = MINUTE_MS / this.speed;
    let origin = performance.now();
    let played = 0;
    while (this.running) {
      let due = Math.floor((performance.now() - origin) / barIntervalMs) - played;
      if (due > MAX_BARS_PER_TURN) {
        // Behind: play late instead of bursting; move the origin so the backlog does not grow.
        origin = performance.now() - (played + MAX_BARS_PER_TURN) * barIntervalMs;
        due = MAX_BARS_PER_TURN;
      }
      for (let i = 0; i < due && this.running; i += 1) {
        await onBar(this.advance());
        played += 1;
      }
      const untilNext = origin + (played + 1) * barIntervalMs - performance.now();
      await sleep(Math.max(1, Math.min(untilNext, 250)));
    }
  }
}
