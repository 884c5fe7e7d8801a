import type { Broker } from '../broker/broker';
import { entryPermits, worldOf, type RiskView, type World } from '../domain/coordinator';
import { bookOf } from '../domain/risk/book';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import { isFlat } from '../domain/strategies/position';
import { INITIAL_BAR_GUARD, judgeBar, type BarGuardState } from '../domain/market/bar-guard';
import type { MarketBar } from '../domain/market/types';
import type { SystemMode } from '../domain/system-mode';
import { marketDataProblems } from '../domain/strategies/lifecycle/market-data';
import { DEFAULT_STRATEGIES, strategyDefinition } from '../domain/strategies/registry';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { createSimulatorState, simulatorStateSchema, type SimulatorState } from '../market/simulator';
import type { ScenarioName } from '../market/scenarios';
import type { CommandResult } from './commands/command-result';
import { defensiveExit } from './commands/defensive-exit';
import { emergencyHalt } from './commands/emergency-halt';
import { pauseStrategy, resumeStrategy } from './commands/pause-strategy';
import { recover } from './commands/recover';
import { resume } from './commands/resume';
import { MarketClock } from './market-clock';
import type { ChangeFeed, CommandRecord, EngineStores, NewStrategy, StrategyRecord, StrategyStore, SystemStore, VenueFaults } from './ports';
import { orderUpdateOf, restoreSnapshot, StrategyRunner, SYSTEM_ACTOR } from './strategy-runner';
import { TradingMode } from './trading-mode';

/** How often the market clock is saved (and announced to live pages), in real milliseconds. */
const CLOCK_SAVE_INTERVAL_MS = 1_000;

export interface SimulationSettings {
  readonly start: number;
  readonly seed: number;
  readonly vix?: number;
  readonly scenario: ScenarioName;
  /** Market seconds per real second. */
  readonly speed: number;
}

export interface EngineOptions {
  readonly stores: EngineStores;
  /** Announcements of new operator commands and of changed venue faults. */
  readonly changes: ChangeFeed;
  readonly broker: Broker;
  /** The simulated venue's injected faults, followed when the broker is the paper broker. */
  readonly venueFaults?: VenueFaults;
  readonly log: Logger;
  readonly simulation: SimulationSettings;
  /** What a fresh database starts with; one strategy of each kind unless given. */
  readonly initialStrategies?: readonly { id: string; kind: string }[];
  /** The coordinator's risk limits; DESIGN.md's defaults unless given. */
  readonly riskLimits?: RiskLimits;
}

/**
 * The runtime inside the server: restores every strategy from PostgreSQL, feeds them the market bar by bar,
 * executes operator commands, and saves the clock. Every transition is stored before it takes effect.
 */
export class Engine {
  private readonly runners = new Map<string, StrategyRunner>();
  private commandQueue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private lastClockSave = 0;
  /** Whether the current bars are unusable (stale quotes or bad data): one error record per episode. */
  private dataProblem: string | null = null;
  private staleQuotes = false;
  /** The bar guard's memory: the last good bar and any quarantine in progress. */
  private barGuard: BarGuardState = INITIAL_BAR_GUARD;
  /** The latest bar as screened: what the broker prices from, and what a halt checks before flattening. */
  private screenedBar: MarketBar | null = null;

  private constructor(
    private readonly options: EngineOptions,
    readonly clock: MarketClock,
    private readonly mode: TradingMode,
  ) {}

  /** Loads (or on a fresh database, creates) the clock, the system mode and every strategy. Does not start the clock. */
  static async load(options: EngineOptions): Promise<Engine> {
    const { strategies, system } = options.stores;
    const clockState = await loadClockState(system, strategies, options.simulation);
    const clock = new MarketClock(clockState, options.simulation.speed);
    const engine = new Engine(options, clock, await TradingMode.load(system));
    await engine.loadStrategies();
    return engine;
  }

  get systemMode(): SystemMode {
    return this.mode.current;
  }

  runner(id: string): StrategyRunner | undefined {
    return this.runners.get(id);
  }

  allRunners(): StrategyRunner[] {
    return [...this.runners.values()];
  }

  /**
   * Sends every strategy with an order in flight to RECOVERY (its order is settled at the broker, never sent
   * twice), picks up pending commands, listens for new ones and for fault settings, and starts the clock.
   */
  async start(): Promise<void> {
    await this.recoverInFlightOrders();
    // One engine per database until leases land: whatever was executing belonged to a server that stopped.
    await this.options.stores.commands.failInterrupted();
    await this.refreshFaults();
    this.unsubscribe = await this.options.changes.subscribe(
      (change) => {
        if (change.table === 'operator_command') void this.drainCommands();
        if (change.table === 'paper_broker_settings') void this.refreshFaults();
      },
      () => {
        void this.drainCommands();
        void this.refreshFaults();
      },
    );
    await this.drainCommands();
    // The clock goes on whatever one bar does: a bar that failed (the database went away) is logged, and
    // the strategies see the next one.
    this.clock.start((bar) =>
      this.playBar(bar).catch((error: unknown) => this.options.log.error({ err: error, barTime: bar.time }, 'bar not handled')),
    );
    this.options.log.info({ strategies: this.runners.size, mode: this.mode.current, speed: this.options.simulation.speed }, 'engine started');
  }

  /** Stops the clock, lets queued work finish, and saves the clock so a restart continues from here. */
  async stop(): Promise<void> {
    await this.clock.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.commandQueue;
    await Promise.all(this.allRunners().map((runner) => runner.idle()));
    await this.saveClock();
    this.options.log.info('engine stopped');
  }

  /**
   * Feeds one bar to every strategy, each with the coordinator's decision for it. A strategy whose bar could
   * not be handled (the database went away) has changed nothing and simply sees the next bar: its rules
   * look at the market as it is, so a missed bar delays a decision by a minute and never loses one.
   */
  async playBar(marketBar: MarketBar): Promise<void> {
    const bar = this.screen(marketBar);
    this.screenedBar = bar;
    await this.noteDataProblems(bar);
    const permits = this.permits(bar);
    const results = await Promise.allSettled(
      this.allRunners().map((runner) =>
        runner.send(
          { type: 'market.tick', bar, permit: permits.get(runner.id)!, systemMode: this.mode.current },
          { actor: SYSTEM_ACTOR, marketTime: bar.time },
        ),
      ),
    );
    for (const result of results) {
      if (result.status === 'rejected') this.options.log.error({ err: result.reason, barTime: bar.time }, 'bar not handled');
    }
    // The broker fills only at prices that passed the guard.
    if (!bar.isStale) await this.advanceBrokerOrders(bar);
    if (performance.now() - this.lastClockSave >= CLOCK_SAVE_INTERVAL_MS) {
      await this.saveClock().catch((error: unknown) => this.options.log.error({ err: error }, 'clock not saved'));
    }
  }

  /**
   * The bar as strategies and the broker may see it, judged by the bar guard against the market clock: a bar
   * refused or quarantined (or any bar while the venue's quotes are stale) is marked stale, with why, so that
   * every strategy holds and nothing is priced from it.
   */
  private screen(marketBar: MarketBar): MarketBar {
    const { verdict, state } = judgeBar(this.barGuard, marketBar, this.clock.currentBar.time);
    this.barGuard = state;
    if (verdict.kind !== 'good') return { ...marketBar, isStale: true, refused: verdict.problems };
    return this.staleQuotes ? { ...marketBar, isStale: true } : marketBar;
  }

  /** Lets the broker work its orders on this bar (latency, legged fills) and tells each strategy about its own. */
  private async advanceBrokerOrders(bar: MarketBar): Promise<void> {
    let changed;
    try {
      changed = await this.options.broker.onBar(bar);
    } catch (error) {
      this.options.log.warn({ err: error }, 'broker did not advance orders');
      return;
    }
    for (const order of changed) {
      const runner = this.allRunners().find((candidate) => candidate.context.order?.clientOrderId === order.clientOrderId);
      if (!runner) continue;
      await runner.send({ type: 'order.updated', order: orderUpdateOf(order) }, { actor: SYSTEM_ACTOR, marketTime: bar.time });
    }
  }

  /** Bad or stale data holds every strategy (its guards refuse to act); each episode is one error record per strategy. */
  private async noteDataProblems(bar: MarketBar): Promise<void> {
    const problems = marketDataProblems(bar);
    const problem = problems.length > 0 ? problems.join('; ') : null;
    if (problem === this.dataProblem) return;
    this.dataProblem = problem;
    if (!problem) return;
    await Promise.all(
      this.allRunners().map((runner) =>
        this.options.stores.strategies.recordError({
          strategyId: runner.id,
          state: runner.state,
          type: 'MARKET_DATA',
          message: `${problem}: holding, no orders`,
          context: { bar },
          positionSnapshot: runner.context.position,
          marketTime: new Date(bar.time),
        }),
      ),
    );
  }

  private async refreshFaults(): Promise<void> {
    const { venueFaults } = this.options;
    if (!venueFaults) return;
    try {
      this.staleQuotes = (await venueFaults.refreshFaults()).staleQuotes;
    } catch (error) {
      this.options.log.warn({ err: error }, 'broker faults not read');
    }
  }

  private async recoverInFlightOrders(): Promise<void> {
    const time = this.clock.currentBar.time;
    await Promise.all(
      this.allRunners()
        .filter((runner) => runner.context.order !== null)
        .map((runner) => runner.send({ type: 'system.restored', time }, { actor: SYSTEM_ACTOR, marketTime: time })),
    );
  }

  /**
   * Executes pending operator commands one at a time, in the order they were given. Never rejects: a
   * failure (the database went away) is logged, and the next announcement or reconnect drains again.
   */
  drainCommands(): Promise<void> {
    const run = this.commandQueue.then(async () => {
      const { commands } = this.options.stores;
      for (let command = await commands.claimNext(); command; command = await commands.claimNext()) {
        await this.execute(command);
      }
    });
    this.commandQueue = run.catch((error: unknown) => this.options.log.error({ err: error }, 'command execution failed'));
    return this.commandQueue;
  }

  private async execute(command: CommandRecord): Promise<void> {
    const marketTime = this.clock.currentBar.time;
    let result: CommandResult;
    try {
      result = await this.dispatch(command, marketTime);
    } catch (error) {
      this.options.log.error({ err: error, commandId: command.id.toString() }, 'command failed');
      await this.options.stores.commands.complete(command.id, 'failed', error instanceof Error ? error.message : String(error));
      return;
    }
    await this.options.stores.commands.complete(command.id, result.status, result.outcome);
  }

  private async dispatch(command: CommandRecord, marketTime: number): Promise<CommandResult> {
    switch (command.type) {
      case 'DEFENSIVE_EXIT':
        return defensiveExit({ command, runner: this.runners.get(command.strategyId ?? ''), marketTime });
      case 'EMERGENCY_HALT':
        return emergencyHalt({ command, mode: this.mode, runners: this.allRunners(), marketTime, dataProblems: marketDataProblems(this.currentBar()) });
      case 'RECOVER':
        return recover({ command, runner: this.runners.get(command.strategyId ?? ''), marketTime });
      case 'RESUME':
        return resume({ command, mode: this.mode });
      case 'PAUSE_STRATEGY':
        return pauseStrategy({ command, runner: this.runners.get(command.strategyId ?? ''), strategies: this.options.stores.strategies, marketTime });
      case 'RESUME_STRATEGY':
        return resumeStrategy({ command, runner: this.runners.get(command.strategyId ?? ''), strategies: this.options.stores.strategies, marketTime });
    }
  }

  /**
   * Each strategy's permit on `bar`: the coordinator's rules, and for a strategy validating an entry, the risk
   * limits with every entry already allowed or in flight counted in (decided in one pass: no two entries take
   * the last of a shared limit). On an unusable bar nothing is priced: the strategies hold anyway.
   */
  private permits(bar: MarketBar): ReturnType<typeof entryPermits> {
    const runners = this.allRunners();
    const candidates = runners.map((runner) => ({
      id: runner.id,
      name: runner.name,
      kind: runner.kind,
      state: runner.state,
      pause: runner.pause,
      proposedLegs: runner.state === 'VALIDATION' ? (runner.context.proposal?.legs ?? null) : null,
    }));
    let risk: RiskView | null = null;
    if (!bar.isStale) {
      const holdings = runners.map(({ id, context }) => ({
        id,
        position: isFlat(context.position) ? null : context.position,
        inFlight: context.order?.purpose === 'ENTRY' ? context.order.legs : [],
        realizedPnl: context.realizedPnl,
      }));
      risk = { book: bookOf(holdings, bar), limits: this.options.riskLimits ?? DEFAULT_RISK_LIMITS, bar };
    }
    return entryPermits(candidates, this.world(), risk);
  }

  private world(): World {
    return worldOf(this.mode.current, this.runners.values());
  }

  /**
   * Adds a strategy instance: its settings are checked against its kind's schema (defaults fill the gaps;
   * a bad value is a VALIDATION_FAILED naming it), it is stored with its creation in the history, and it runs
   * from the next bar. Several instances of one kind run side by side, each with its own settings and ids.
   */
  async addStrategy(strategy: { id: string; kind: string; name?: string; settings?: unknown }): Promise<StrategyRunner> {
    return this.adopt(await this.options.stores.strategies.create(this.newStrategy(strategy)));
  }

  /** A strategy as first stored: its settings checked against its kind's schema (defaults fill the gaps), INITIALIZING. */
  private newStrategy({ id, kind, name, settings = {} }: { id: string; kind: string; name?: string; settings?: unknown }): NewStrategy {
    const definition = strategyDefinition(kind);
    const parsed = definition.settingsSchema.safeParse(settings);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ');
      throw new AppError('VALIDATION_FAILED', `invalid ${kind} settings: ${problems}`);
    }
    const snapshot = restoreSnapshot(definition.machine, null, id, parsed.data);
    return {
      id,
      name: name ?? definition.defaultName,
      kind,
      settings: parsed.data,
      state: String(snapshot.value),
      snapshot: definition.machine.getPersistedSnapshot(snapshot),
      marketTime: new Date(this.clock.currentBar.time),
    };
  }

  private adopt(record: StrategyRecord): StrategyRunner {
    const runner = new StrategyRunner(record, record.snapshot, record.version, this.runnerDeps());
    runner.pause = record.pause;
    this.runners.set(record.id, runner);
    return runner;
  }

  private async loadStrategies(): Promise<void> {
    const { strategies } = this.options.stores;
    let records = await strategies.list();
    if (records.length === 0) {
      // A fresh database. Other servers may be booting on it this very moment: the defaults are created in one
      // transaction, once, so every server sees none or all of them, and each loads what is stored.
      const defaults = (this.options.initialStrategies ?? DEFAULT_STRATEGIES).map((strategy) => this.newStrategy(strategy));
      records = await strategies.createAllIfAbsent(defaults);
    }
    for (const record of records) this.adopt(record);
  }

  private runnerDeps() {
    return {
      strategies: this.options.stores.strategies,
      broker: this.options.broker,
      log: this.options.log,
      currentBar: () => this.currentBar(),
      riskGate: this.options.stores.riskGate,
      riskLimits: () => this.options.riskLimits ?? DEFAULT_RISK_LIMITS,
      systemMode: () => this.mode.current,
    };
  }

  /** The market as the broker may price from it: the latest screened bar, marked stale while the venue's quotes are. */
  private currentBar(): MarketBar {
    const bar = this.screenedBar ?? this.clock.currentBar;
    return this.staleQuotes && !bar.isStale ? { ...bar, isStale: true } : bar;
  }

  private async saveClock(): Promise<void> {
    this.lastClockSave = performance.now();
    const state = this.clock.simulatorState;
    await this.options.stores.system.saveMarketClock(new Date(state.time), state);
  }
}

/**
 * The saved clock, or a fresh simulation. A crash may lose the last second of clock saves; the clock then
 * resumes from the latest stored transition so market time never runs backwards against the history.
 */
async function loadClockState(
  system: SystemStore,
  strategies: StrategyStore,
  simulation: SimulationSettings,
): Promise<SimulatorState> {
  const saved = await system.marketClock();
  const fresh = (): SimulatorState =>
    createSimulatorState({ start: simulation.start, seed: simulation.seed, vix: simulation.vix, scenario: simulation.scenario });
  const state = saved ? simulatorStateSchema.parse(saved.state) : fresh();
  const latest = await strategies.latestMarketTime();
  if (latest && latest.getTime() > state.time) return { ...state, time: latest.getTime() };
  return state;
}
