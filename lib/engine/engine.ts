import type { Broker } from '../broker/broker';
import { entryPermits, worldOf, type RiskView, type World } from '../domain/coordinator';
import { bookOf } from '../domain/risk/book';
import { DEFAULT_RISK_LIMITS, lossLimitBreaches, type Book, type RiskLimits } from '../domain/risk/limits';
import { nextLossDay, rebaselined, type LossDay } from '../domain/risk/loss-day';
import { isFlat } from '../domain/strategies/position';
import { INITIAL_BAR_GUARD, judgeBar, type BarGuardState } from '../domain/market/bar-guard';
import type { MarketBar } from '../domain/market/types';
import type { ModeCause, SystemMode } from '../domain/system-mode';
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
import { restrictTrading } from './commands/restrict-trading';
import { resume } from './commands/resume';
import { MarketClock } from './market-clock';
import { Ownership } from './ownership';
import {
  CLOCK_LEASE,
  NO_SIGNALS,
  strategyLease,
  type ChangeFeed,
  type CommandRecord,
  type EngineSignals,
  type EngineStores,
  type LeaseGrant,
  type NewStrategy,
  type RiskLimitStore,
  type StrategyRecord,
  type StrategyStore,
  type SystemStore,
  type VenueFaults,
} from './ports';
import { restoreSnapshot } from '../domain/strategies/restore-snapshot';
import { orderUpdateOf, StrategyRunner, SYSTEM_ACTOR } from './strategy-runner';
import { TradingMode } from './trading-mode';
import { WorkingOrderCancels } from './working-order-cancels';

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
  /** Announcements of new operator commands, of changed venue faults and of changed risk limits. */
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
  /** Where the limits are kept when they can change: read at load and again on each `risk_limits` change. */
  readonly riskLimitStore?: RiskLimitStore;
  /**
   * The leases this server runs under, the clock's already granted (see EngineHost): the engine runs the strategies
   * whose leases it gets and executes their commands. Without it the engine owns the database alone (tests).
   */
  readonly ownership?: Ownership;
  /** Hears what the engine does, for metrics and alerts; never waited for. */
  readonly signals?: EngineSignals;
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
  /** The loss limits' baseline for today (stored with the clock, so a restart keeps it). */
  private lossDay: LossDay | null;
  /** The account's net liquidation value as the broker last reported it: the risk limits' measure. */
  private netLiquidation: number | null = null;
  /**
   * Takeovers so far, and how many there had been at the last account read that asked the venue afresh: the broker's
   * last ledger is marked again only after such a read, and none since a takeover, whose orders another server may
   * have filled.
   */
  private takeovers = 0;
  private takeoversAtLedgerRead = -1;
  private limits: RiskLimits;
  /** Reads of the stored limits started: only the latest one's answer is adopted. */
  private limitReads = 0;
  /** Strategies stored but not run here: their leases are held by another server (or were when last asked). */
  private readonly unowned = new Set<string>();
  /** The cancels an emergency halt asked the broker for, until it answers. */
  private readonly cancels: WorkingOrderCancels;

  private constructor(
    private readonly options: EngineOptions,
    readonly clock: MarketClock,
    private readonly mode: TradingMode,
    lossDay: LossDay | null,
    readonly ownership: Ownership,
    private readonly signals: EngineSignals,
  ) {
    this.lossDay = lossDay;
    this.limits = options.riskLimits ?? DEFAULT_RISK_LIMITS;
    this.cancels = new WorkingOrderCancels({
      store: options.stores.cancels,
      strategies: options.stores.strategies,
      broker: options.broker,
      ownership,
      log: options.log,
      signals,
      currentBar: () => this.currentBar(),
      runner: (id) => this.runners.get(id),
    });
  }

  /** Loads (or on a fresh database, creates) the clock, the system mode and every strategy. Does not start the clock. */
  static async load(options: EngineOptions): Promise<Engine> {
    const { strategies, system } = options.stores;
    const clockState = await loadClockState(system, strategies, options.simulation);
    const clock = new MarketClock(clockState, options.simulation.speed);
    const ownership = options.ownership ?? Ownership.sole();
    const signals = options.signals ?? NO_SIGNALS;
    const mode = await TradingMode.load(system, { fence: () => ownership.fence(CLOCK_LEASE), signals });
    const engine = new Engine(options, clock, mode, await system.lossDay(), ownership, signals);
    if (options.riskLimitStore) engine.limits = await options.riskLimitStore.current();
    await engine.loadStrategies();
    await engine.readNetLiquidation(clock.currentBar);
    return engine;
  }

  get systemMode(): SystemMode {
    return this.mode.current;
  }

  /** The risk limits entries are checked against now. */
  get riskLimits(): RiskLimits {
    return this.limits;
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
    await this.recoverInFlightOrders(this.allRunners());
    await this.cancels.adopt();
    // Whatever was executing belonged to a server that stopped or lost the lease to this one.
    await this.options.stores.commands.failInterrupted(this.ownership.claimer);
    await this.refreshFaults();
    this.unsubscribe = await this.options.changes.subscribe(
      (change) => {
        if (change.table === 'operator_command') void this.drainCommands();
        if (change.table === 'paper_broker_settings') void this.refreshFaults();
        if (change.table === 'risk_limits') void this.refreshRiskLimits();
      },
      () => {
        void this.drainCommands();
        void this.refreshFaults();
        void this.refreshRiskLimits();
      },
    );
    // A change stored between load and subscribing was announced to nobody.
    await this.refreshRiskLimits();
    await this.drainCommands();
    // The clock goes on whatever one bar does: a bar that failed (the database went away) is logged, and
    // the strategies see the next one.
    this.clock.start((bar) =>
      this.playBar(bar).catch((error: unknown) => this.options.log.error({ err: error, barTime: bar.time }, 'bar not handled')),
    );
    this.options.log.info({ strategies: this.runners.size, mode: this.mode.current, speed: this.options.simulation.speed }, 'engine started');
  }

  /**
   * Stops the clock, lets queued work finish, saves the clock so a restart continues from here, and lets the
   * leases go so another server takes over at once.
   */
  async stop(): Promise<void> {
    await this.quiesce();
    await this.saveClock();
    await this.ownership.releaseAll().catch((error: unknown) => this.options.log.warn({ err: error }, 'leases not released: they lapse by themselves'));
    this.options.log.info('engine stopped');
  }

  /**
   * Stops after losing the clock's lease to another server: nothing more is played, written or sent from here
   * (whatever was under way is refused by the database), and nothing is saved.
   */
  async abandon(): Promise<void> {
    await this.quiesce();
    this.runners.clear();
    this.options.log.warn('engine stopped: another server holds the market clock now');
  }

  private async quiesce(): Promise<void> {
    await this.clock.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.commandQueue;
    await Promise.all(this.allRunners().map((runner) => runner.idle()));
  }

  /**
   * Keeps this server's leases: renews them all, lets go of the strategies whose lease was lost, and takes the
   * strategies nobody holds any more (their server stopped), settling their orders in flight as after a restart.
   * Returns false when the clock's lease itself is lost: the caller abandons the engine.
   */
  async keepLeases(): Promise<boolean> {
    const lost = await this.ownership.renew();
    if (lost.includes(CLOCK_LEASE)) return false;
    for (const name of lost) {
      const id = name.slice(strategyLease('').length);
      this.runners.delete(id);
      this.unowned.add(id);
      this.options.log.warn({ strategyId: id }, 'strategy lease lost: another server runs it now');
    }
    for (const runner of this.allRunners()) {
      if (runner.isFenced) {
        this.runners.delete(runner.id);
        this.unowned.add(runner.id);
      }
    }
    if (this.unowned.size > 0) await this.takeUnowned();
    this.signals.emit({ kind: 'leases', held: this.ownership.names.length });
    return true;
  }

  /** Takes the leases of strategies run elsewhere until now that have lapsed, and runs them from what is stored. */
  private async takeUnowned(): Promise<void> {
    const started = performance.now();
    const grants = await this.ownership.acquire([...this.unowned].map(strategyLease));
    if (grants.length === 0) return;
    const taken: StrategyRunner[] = [];
    for (const grant of grants) {
      const id = grant.name.slice(strategyLease('').length);
      this.unowned.delete(id);
      const record = await this.options.stores.strategies.find(id);
      if (record) taken.push(this.adopt(record));
    }
    await this.options.stores.commands.failInterrupted(this.ownership.claimer);
    this.takeovers += 1;
    await this.recoverInFlightOrders(taken);
    await this.cancels.adopt();
    this.reportTakeover(grants, performance.now() - started);
    void this.drainCommands();
  }

  private reportTakeover(grants: readonly LeaseGrant[], ms: number): void {
    const taken = grants.filter((grant) => grant.previousHolder !== null && grant.previousHolder !== this.ownership.holder);
    if (taken.length === 0) return;
    const from = taken[0]!.previousHolder;
    this.signals.emit({ kind: 'takeover', leases: taken.map((grant) => grant.name), from, ms });
    this.options.log.warn({ leases: taken.length, from }, 'took over leases from a server that stopped');
  }

  /**
   * Feeds one bar to every strategy, each with the coordinator's decision for it. A strategy whose bar could
   * not be handled (the database went away) has changed nothing and simply sees the next bar: its rules
   * look at the market as it is, so a missed bar delays a decision by a minute and never loses one.
   */
  async playBar(marketBar: MarketBar): Promise<void> {
    // A server that may have lost the clock (paused, cut off) plays nothing until its lease is renewed.
    if (!this.ownership.isCurrent(CLOCK_LEASE)) return;
    const bar = this.screen(marketBar);
    this.screenedBar = bar;
    await this.noteDataProblems(bar);
    // On an unusable bar nothing is priced: no book, no loss limits (the strategies hold anyway).
    if (!bar.isStale && this.needsAccount()) await this.readNetLiquidation(bar);
    if (!bar.isStale) await this.watchLossLimits(bar);
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
    if (this.cancels.hasOpen) await this.cancels.retry();
    await this.endEmergencyWhenFlat(bar.time);
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
      this.signals.emit({ kind: 'broker-error', strategyId: null, operation: 'advance', message: error instanceof Error ? error.message : String(error) });
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
    const episodeStarts = this.dataProblem === null;
    this.dataProblem = problem;
    if (!problem) {
      // The quarantine's REDUCING ends with it; a REDUCING an operator or a loss limit set stays.
      if (this.mode.current === 'REDUCING' && this.mode.cause === 'market-data') {
        await this.changeMode('RUNNING', 'market-data', 'market data is good again', bar.time);
      }
      return;
    }
    if (episodeStarts) this.signals.emit({ kind: 'quarantine', problems });
    // Only from RUNNING: HALTED already stops entries, and on suspect bars every strategy holds anyway.
    if (episodeStarts && this.mode.current === 'RUNNING') await this.changeMode('REDUCING', 'market-data', `market data suspect: ${problem}`, bar.time);
    await Promise.all(
      this.allRunners().map((runner) =>
        this.options.stores.strategies.recordError({
          strategyId: runner.id,
          fence: this.ownership.fence(strategyLease(runner.id)),
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

  /** Adopts the stored limits; when they cannot be read, the last ones stay in force. */
  private async refreshRiskLimits(): Promise<void> {
    const store = this.options.riskLimitStore;
    if (!store) return;
    const read = ++this.limitReads;
    try {
      const limits = await store.current();
      if (read === this.limitReads) this.limits = limits;
    } catch (error) {
      this.options.log.warn({ err: error }, 'risk limits not read: the last ones stay in force');
    }
  }

  /** Settles at the broker, by client order id, every order in flight in the strategies just adopted: never sent again. */
  private async recoverInFlightOrders(runners: readonly StrategyRunner[]): Promise<void> {
    const time = this.clock.currentBar.time;
    await Promise.all(runners.map((runner) => runner.restore(time)));
  }

  /**
   * Executes pending operator commands one at a time, in the order they were given. Never rejects: a
   * failure (the database went away) is logged, and the next announcement or reconnect drains again.
   */
  drainCommands(): Promise<void> {
    const run = this.commandQueue.then(async () => {
      const { commands } = this.options.stores;
      const claimer = this.ownership.claimer;
      for (let command = await commands.claimNext(claimer); command; command = await commands.claimNext(claimer)) {
        await this.execute(command);
      }
    });
    this.commandQueue = run.catch((error: unknown) => this.options.log.error({ err: error }, 'command execution failed'));
    return this.commandQueue;
  }

  private async execute(command: CommandRecord): Promise<void> {
    const marketTime = this.clock.currentBar.time;
    const started = performance.now();
    let result: CommandResult;
    try {
      result = await this.dispatch(command, marketTime);
    } catch (error) {
      this.options.log.error({ err: error, commandId: command.id.toString() }, 'command failed');
      result = { status: 'failed', outcome: error instanceof Error ? error.message : String(error) };
    }
    await this.options.stores.commands.complete(command.id, this.ownership.holder, result.status, result.outcome, result.code ?? null);
    this.signals.emit({
      kind: 'command',
      commandId: command.id.toString(),
      type: command.type,
      strategyId: command.strategyId,
      actor: command.actor,
      status: result.status,
      outcome: result.outcome,
      ms: performance.now() - started,
    });
  }

  private async dispatch(command: CommandRecord, marketTime: number): Promise<CommandResult> {
    switch (command.type) {
      case 'DEFENSIVE_EXIT':
        return defensiveExit({ command, runner: this.runners.get(command.strategyId ?? ''), marketTime, bar: this.currentBar() });
      case 'EMERGENCY_HALT':
        return emergencyHalt({
          command,
          mode: this.mode,
          runners: this.allRunners(),
          strategies: this.options.stores.strategies,
          cancels: this.cancels,
          marketTime,
          bar: this.currentBar(),
          dataProblems: marketDataProblems(this.currentBar()),
        });
      case 'HALT_ENTRIES':
        return restrictTrading({ command, mode: this.mode, to: 'HALTED', marketTime });
      case 'REDUCE_RISK':
        return restrictTrading({ command, mode: this.mode, to: 'REDUCING', marketTime });
      case 'RECOVER':
        return recover({ command, runner: this.runners.get(command.strategyId ?? ''), marketTime, bar: this.currentBar() });
      case 'RESUME': {
        const result = await resume({ command, mode: this.mode, marketTime });
        if (result.status === 'done') await this.rebaselineLossDay();
        return result;
      }
      case 'PAUSE_STRATEGY':
        return pauseStrategy({ command, runner: this.runners.get(command.strategyId ?? ''), strategies: this.options.stores.strategies, marketTime });
      case 'RESUME_STRATEGY':
        return resumeStrategy({ command, runner: this.runners.get(command.strategyId ?? ''), strategies: this.options.stores.strategies, marketTime });
    }
  }

  /**
   * Each strategy's permit on `bar`: the coordinator's rules, and for a strategy validating an entry, the risk
   * limits with every entry already allowed or in flight counted in (decided in one pass: no two entries take
   * the last of a shared limit). On an unusable bar nothing is priced: the strategies hold anyway. The book is
   * priced only on bars where some strategy proposes an entry: nothing else is checked against it.
   */
  private permits(bar: MarketBar): ReturnType<typeof entryPermits> {
    const candidates = this.allRunners().map((runner) => ({
      id: runner.id,
      name: runner.name,
      kind: runner.kind,
      state: runner.state,
      pause: runner.pause,
      proposedLegs: runner.state === 'VALIDATION' ? (runner.context.proposal?.legs ?? null) : null,
    }));
    let risk: RiskView | null = null;
    if (!bar.isStale && candidates.some(({ proposedLegs }) => proposedLegs !== null && proposedLegs.length > 0)) {
      const book = this.book(bar);
      risk = book ? { book, limits: this.limits, bar } : { unavailable: 'the account at the broker could not be read' };
    }
    return entryPermits(candidates, this.world(), risk);
  }

  /** The book on a usable bar: every strategy's position, and entries in flight counted as filled; null before the account was read. */
  private book(bar: MarketBar): Book | null {
    if (this.netLiquidation === null) return null;
    const holdings = this.allRunners().map(({ id, context }) => ({
      id,
      position: isFlat(context.position) ? null : context.position,
      inFlight: context.order?.purpose === 'ENTRY' ? context.order.legs : [],
    }));
    return bookOf(holdings, bar, this.netLiquidation);
  }

  /**
   * Whether the account can have moved or is needed: a strategy holds a position or has an order out (marks and
   * fills move it), or proposes an entry. While every strategy is flat and idle the account stands still, and the
   * bar loop stays free of the read.
   */
  private needsAccount(): boolean {
    return this.allRunners().some(({ state, context }) => state === 'VALIDATION' || context.order !== null || !isFlat(context.position));
  }

  /** Reads the account; a failed read keeps the last value, and entries wait until there has been one. */
  private async readNetLiquidation(bar: MarketBar): Promise<void> {
    try {
      const takeovers = this.takeovers;
      this.netLiquidation = await this.options.broker.netLiquidation(bar, { reuseLedger: this.takeoversAtLedgerRead === takeovers });
      this.takeoversAtLedgerRead = takeovers;
    } catch (error) {
      this.options.log.warn({ err: error, lastNetLiquidation: this.netLiquidation }, 'broker account not read');
    }
  }

  /**
   * The loss circuit breakers: the day's loss from its opening net liquidation value, and the drawdown from its
   * high. Past either, the system moves to REDUCING by itself (from RUNNING or HALTED) and stays there until an
   * operator resumes, which restarts the day's baseline.
   */
  private async watchLossLimits(bar: MarketBar): Promise<void> {
    const netLiquidation = this.netLiquidation;
    if (netLiquidation === null) return;
    const day = nextLossDay(this.lossDay, bar.time, netLiquidation);
    const isNewDay = day.day !== this.lossDay?.day;
    this.lossDay = day;
    // A new day's baseline is stored at once; a new high goes with the next clock save.
    if (isNewDay) await this.saveLossDay();
    if (this.mode.current !== 'RUNNING' && this.mode.current !== 'HALTED') return;
    const breaches = lossLimitBreaches({ netLiquidation, dayOpen: day.openNlv, dayHigh: day.highNlv }, this.limits);
    if (breaches.length > 0) await this.changeMode('REDUCING', 'loss-limit', `loss limit: ${breaches.join('; ')}`, bar.time);
  }

  /** After a resume: measured again from now (or, on an unusable bar, from the next usable one, as a new day is). */
  private async rebaselineLossDay(): Promise<void> {
    const bar = this.currentBar();
    this.lossDay = bar.isStale || this.netLiquidation === null ? null : rebaselined(bar.time, this.netLiquidation);
    await this.saveLossDay();
  }

  private async saveLossDay(): Promise<void> {
    if (!this.lossDay) return;
    await this.options.stores.system
      .saveLossDay(this.lossDay, this.ownership.fence(CLOCK_LEASE))
      .catch((error: unknown) => this.options.log.error({ err: error }, 'loss day not saved'));
  }

  /** EMERGENCY ends in HALTED once every position is flat and no order is out: the flattening is done. */
  private async endEmergencyWhenFlat(marketTime: number): Promise<void> {
    if (this.mode.current !== 'EMERGENCY') return;
    const settled = this.allRunners().every((runner) => isFlat(runner.context.position) && runner.context.order === null && runner.context.recovery === null);
    if (!settled) return;
    // The emergency's who and why stay in view: the HALTED banner names them.
    const stored = this.mode.record;
    const reason = `every position is flat after ${stored.actor}'s emergency halt: ${stored.reason ?? 'no reason given'}`;
    await this.changeMode('HALTED', 'emergency-complete', reason, marketTime);
  }

  /** A mode change the engine makes by itself, on the record as the system's; a failure to store it is logged, and tried again on a later bar. */
  private async changeMode(mode: SystemMode, cause: ModeCause, reason: string, marketTime: number): Promise<void> {
    try {
      await this.mode.change(mode, { cause, actor: SYSTEM_ACTOR, reason, marketTime });
      this.options.log.warn({ mode, cause, reason }, 'system mode changed');
    } catch (error) {
      this.options.log.error({ err: error, mode, cause }, 'system mode not changed');
    }
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
    const record = await this.options.stores.strategies.create(this.newStrategy(strategy));
    await this.ownership.acquire([strategyLease(record.id)]);
    return this.adopt(record);
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
    // Each strategy is run by the one server holding its lease; the others wait in `unowned` for it to lapse.
    const started = performance.now();
    const grants = await this.ownership.acquire(records.map((record) => strategyLease(record.id)));
    const granted = new Set(grants.map((grant) => grant.name));
    // Read again once the leases are granted: until then their previous holder may still have written (an order
    // decided, and sent), and a runner built from the older row would not know that order is in flight.
    if (grants.length > 0) records = await strategies.list();
    for (const record of records) {
      if (granted.has(strategyLease(record.id))) this.adopt(record);
      else this.unowned.add(record.id);
    }
    this.reportTakeover(grants, performance.now() - started);
  }

  private runnerDeps() {
    return {
      strategies: this.options.stores.strategies,
      broker: this.options.broker,
      log: this.options.log,
      currentBar: () => this.currentBar(),
      riskGate: this.options.stores.riskGate,
      riskLimits: () => this.limits,
      systemMode: () => this.mode.current,
      netLiquidation: () => this.netLiquidation,
      ownership: this.ownership,
      signals: this.signals,
    };
  }

  /** The market as the broker may price from it: the latest screened bar, marked stale while the venue's quotes are. */
  private currentBar(): MarketBar {
    const bar = this.screenedBar ?? this.clock.currentBar;
    return this.staleQuotes && !bar.isStale ? { ...bar, isStale: true } : bar;
  }

  private async saveClock(): Promise<void> {
    this.lastClockSave = performance.now();
    await this.saveLossDay();
    const state = this.clock.simulatorState;
    await this.options.stores.system.saveMarketClock(new Date(state.time), state, this.ownership.fence(CLOCK_LEASE));
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
