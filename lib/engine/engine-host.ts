import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log';
import { Engine, type EngineOptions } from './engine';
import { Ownership } from './ownership';
import { CLOCK_LEASE, NO_SIGNALS, type LeaseStore } from './ports';

export interface EngineHostOptions extends Omit<EngineOptions, 'ownership'> {
  /** This server's id among the others on the database (lib/server/context's serverId). */
  readonly holder: string;
  readonly leases: LeaseStore;
  /** How long a lease lasts without renewal, by the database's clock. */
  readonly leaseTtlMs: number;
  readonly log: Logger;
}

/**
 * Runs the engine on this server while it holds the market clock's lease, any number of servers sharing one
 * database. The bars come from one clock, so its holder runs the strategies too, each under its own lease with
 * its own fencing token; the other servers serve pages and wait. Every `pollMs` the host renews what it holds
 * (losing the clock stops its engine at once: nothing more is written or sent from here), or, while it holds
 * nothing, asks for the clock: a server that dies is replaced once its leases lapse (TTL), and the new engine
 * settles the strategies' orders in flight at the broker exactly as a restart does.
 */
export class EngineHost {
  private engine: Engine | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly pollMs: number;

  constructor(private readonly options: EngineHostOptions) {
    // Often enough that a takeover follows the lapse within a bar; each poll is one indexed statement.
    const barMs = 60_000 / options.simulation.speed;
    this.pollMs = Math.max(50, Math.min(500, options.leaseTtlMs / 20, barMs));
  }

  /** This server's id, the holder of its leases. */
  get holder(): string {
    return this.options.holder;
  }

  /** The engine while this server runs it; null while another server does. */
  get current(): Engine | null {
    return this.engine;
  }

  /** Starts keeping (or seeking) the leases; resolves after the first attempt, with the engine running if granted. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.step();
    this.loop = this.run();
  }

  /** Stops the engine cleanly (its clock saved, its leases released for the next server) and stops seeking. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
    const engine = this.engine;
    this.engine = null;
    await engine?.stop();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await sleep(this.pollMs);
      if (this.running) await this.step();
    }
  }

  /** One turn: keep what is held, or seek the clock. Never throws: a database away for a moment is tried again. */
  private async step(): Promise<void> {
    try {
      if (this.engine) await this.keep(this.engine);
      else await this.seek();
    } catch (error) {
      this.options.log.warn({ err: error }, 'leases not kept this turn');
    }
  }

  private async keep(engine: Engine): Promise<void> {
    if (await engine.keepLeases()) return;
    this.engine = null;
    await engine.abandon();
  }

  private async seek(): Promise<void> {
    const { holder, leases, leaseTtlMs, signals = NO_SIGNALS } = this.options;
    const ownership = Ownership.leased(holder, leases, leaseTtlMs);
    const started = performance.now();
    const [clock] = await ownership.acquire([CLOCK_LEASE]);
    if (!clock) return;
    let engine: Engine;
    try {
      engine = await Engine.load({ ...this.options, ownership });
      await engine.start();
    } catch (error) {
      // Half started: let the leases go, so that this server or another tries again from what is stored.
      await ownership.releaseAll().catch(() => undefined);
      throw error;
    }
    this.engine = engine;
    if (clock.previousHolder !== null && clock.previousHolder !== holder) {
      signals.emit({ kind: 'takeover', leases: [CLOCK_LEASE], from: clock.previousHolder, ms: performance.now() - started });
    }
    signals.emit({ kind: 'leases', held: ownership.names.length });
    this.options.log.info({ holder, strategies: engine.allRunners().length, from: clock.previousHolder }, 'this server runs the engine now');
  }
}
