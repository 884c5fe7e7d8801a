/**
 * What the engine needs from the world outside it, as small interfaces: lib/db's repositories implement
 * the stores, the notification hub the change feed; unit tests pass in-memory fakes (./testing/).
 */
import type { ChangeEvent } from '../domain/change-event';
import type { MarketBar } from '../domain/market/types';
import type { RiskLimits } from '../domain/risk/limits';
import type { GateDecision, GateOrder } from '../domain/risk/pre-trade-gate';
import type { StoredSnapshot } from '../domain/strategies/lifecycle/stored-snapshot';
import type { LossDay } from '../domain/risk/loss-day';
import type { ModeCause, SystemMode } from '../domain/system-mode';

export interface StrategyRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly settings: unknown;
  readonly state: string;
  /** The xstate persisted snapshot, checked as it was read. */
  readonly snapshot: StoredSnapshot;
  readonly version: number;
  readonly stateSince: Date;
  /** Set while an operator has paused the strategy: no new entries for it, management and exits go on. */
  readonly pause: StrategyPause | null;
}

export interface StrategyPause {
  readonly actor: string;
  readonly reason: string;
  readonly since: Date;
}

export interface NewStrategy {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly settings: unknown;
  readonly state: string;
  readonly snapshot: unknown;
  readonly marketTime: Date;
}

/**
 * A lease as granted: its name ('clock', or 'strategy:<id>' from `strategyLease`) and the grant's token. Writes
 * made under it carry it and are refused once the lease has lapsed or been granted again, by the database's clock.
 */
export interface Lease {
  readonly name: string;
  readonly token: bigint;
}

export const CLOCK_LEASE = 'clock';
export const strategyLease = (strategyId: string): string => `strategy:${strategyId}`;

/** A lease granted to this server, and whom it was taken from (null when it was free). */
export interface LeaseGrant extends Lease {
  readonly previousHolder: string | null;
}

/** Leases in the shared database: what each server runs. Expiry is the database's clock, never the caller's. */
export interface LeaseStore {
  /** Grants each of `names` that is free or expired to `holder`, each with a new, larger token; returns those granted. */
  acquire(holder: string, names: readonly string[], ttlMs: number): Promise<LeaseGrant[]>;
  /** Extends those of `leases` still held with their token (not granted again since); returns them. */
  renew(holder: string, leases: readonly Lease[], ttlMs: number): Promise<Lease[]>;
  /** Lets the leases go at once (a clean stop), so another server need not wait for them to expire. */
  release(holder: string, leases: readonly Lease[]): Promise<void>;
  /** Whether `lease` is still in force with its token, now, by the database's clock. */
  holds(lease: Lease): Promise<boolean>;
}

export interface TransitionWrite {
  readonly strategyId: string;
  /**
   * The lease the writer runs the strategy under: the write is refused (FENCED, nothing written) unless the
   * lease is in force with this token. Null only where one engine owns the database (unit tests, the benchmark).
   */
  readonly fence: Lease | null;
  /** The version the writer last read; the write is refused when the row has moved on. */
  readonly expectedVersion: number;
  readonly fromState: string;
  readonly toState: string;
  readonly snapshot: unknown;
  readonly eventType: string;
  readonly eventPayload: unknown;
  readonly actor: string;
  readonly reason: string | null;
  readonly marketTime: Date;
}

export type TransitionWriteResult = { readonly seq: number } | { readonly refused: 'STALE_VERSION' | 'FENCED' };

export interface RefusalWrite {
  readonly strategyId: string;
  /** As TransitionWrite's: a server that lost the strategy's lease records nothing about it. */
  readonly fence: Lease | null;
  readonly state: string;
  readonly eventType: string;
  readonly eventPayload: unknown;
  readonly actor: string;
  readonly reason: string;
  readonly marketTime: Date;
}

export interface ErrorWrite {
  readonly strategyId: string;
  /** As TransitionWrite's. */
  readonly fence: Lease | null;
  readonly state: string;
  readonly type: string;
  readonly message: string;
  readonly context: unknown;
  readonly positionSnapshot: unknown;
  readonly marketTime: Date;
}

/** Strategies and their history. */
export interface StrategyStore {
  list(): Promise<StrategyRecord[]>;
  find(id: string): Promise<StrategyRecord | null>;
  /** Creates the strategy with its first history row. */
  create(strategy: NewStrategy): Promise<StrategyRecord>;
  /**
   * Creates those of `strategies` whose id is free, all in one transaction, and returns every one as stored:
   * servers booting together on a fresh database create the defaults once, see none or all, and none fails.
   */
  createAllIfAbsent(strategies: readonly NewStrategy[]): Promise<StrategyRecord[]>;
  /**
   * Stores a transition and moves the strategy row, atomically, only from `expectedVersion` and only while the
   * write's fence is in force; otherwise writes nothing and throws AppError STALE_VERSION or FENCED. Returns the
   * new version (the transition's seq).
   */
  recordTransition(write: TransitionWrite): Promise<number>;
  /**
   * Stores transitions of several strategies (one each) in one statement, each as `recordTransition` would: only
   * from its expected version and under its fence. Returns, for each write in order, its new version or why it
   * was not written (nothing is written for that strategy then).
   */
  recordTransitions(writes: readonly TransitionWrite[]): Promise<TransitionWriteResult[]>;
  /** Both write nothing when their fence is not in force (and say so: false). */
  recordRefusal(refusal: RefusalWrite): Promise<boolean>;
  recordError(error: ErrorWrite): Promise<boolean>;
  /** The latest market time any transition was stored at. */
  latestMarketTime(): Promise<Date | null>;
  /** Pauses (or, with null, un-pauses) the strategy. */
  setPause(id: string, pause: StrategyPause | null): Promise<void>;
}

export interface SystemRecord {
  readonly mode: SystemMode;
  /** What put the system in this mode. */
  readonly cause: ModeCause;
  readonly actor: string;
  readonly reason: string | null;
  readonly changedAt: Date;
}

export interface ModeChange {
  readonly mode: SystemMode;
  readonly cause: ModeCause;
  readonly actor: string;
  readonly reason: string;
  /** The market time of the change, when the engine knows it. */
  readonly marketTime: Date | null;
}

export interface MarketClockRecord {
  readonly time: Date;
  readonly state: unknown;
}

/** The trading mode, the loss limits' day and the simulated market's saved clock. */
export interface SystemStore {
  current(): Promise<SystemRecord>;
  /**
   * Sets the mode and appends the change to the mode's history (and the audit trail), atomically; with a fence
   * (the clock's lease: the engine's own changes and the commands it executes), only while it is in force.
   */
  setMode(change: ModeChange, fence?: Lease | null): Promise<SystemRecord>;
  lossDay(): Promise<LossDay | null>;
  /** Saved only while `fence` (the clock's lease) is in force; returns whether it was. */
  saveLossDay(day: LossDay, fence?: Lease | null): Promise<boolean>;
  marketClock(): Promise<MarketClockRecord | null>;
  /** Saved only while `fence` (the clock's lease) is in force; returns whether it was. */
  saveMarketClock(time: Date, state: unknown, fence?: Lease | null): Promise<boolean>;
}

export const COMMAND_TYPES = [
  'DEFENSIVE_EXIT',
  'RECOVER',
  'EMERGENCY_HALT',
  'HALT_ENTRIES',
  'REDUCE_RISK',
  'RESUME',
  'PAUSE_STRATEGY',
  'RESUME_STRATEGY',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];
export const COMMAND_STATUSES = ['pending', 'executing', 'done', 'rejected', 'failed'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export interface CommandRecord {
  readonly id: bigint;
  readonly type: CommandType;
  readonly strategyId: string | null;
  readonly actor: string;
  readonly reason: string;
  readonly status: CommandStatus;
  readonly outcome: string | null;
  /** Why it was rejected, when a client acts on it (PREVIEW_CHANGED); null otherwise. */
  readonly outcomeCode: string | null;
  /** The fingerprint of the preview the operator confirmed (an override's orders and cancels); null when none was shown. */
  readonly previewFingerprint: string | null;
}

export interface NewCommand {
  readonly type: CommandType;
  readonly strategyId: string | null;
  readonly actor: string;
  readonly reason: string;
  /** The signed-in user's id; null for the system. */
  readonly actorId?: string | null;
  /** The fingerprint of the preview the operator confirmed; absent when none was shown. */
  readonly previewFingerprint?: string | null;
}

/** Who claims commands: a server by its lease holder id; `leased`: only commands whose lease it holds. */
export interface CommandClaimer {
  readonly executor: string;
  /**
   * Only the commands this executor holds the lease for: a strategy's commands go to the server that runs the
   * strategy, system-wide ones to the clock's. False where one engine owns the database.
   */
  readonly leased: boolean;
}

/** Operator commands, as the engine executes them. */
export interface CommandStore {
  /** Claims the oldest pending command the claimer may execute; concurrent claimers never get the same one. */
  claimNext(claimer: CommandClaimer): Promise<CommandRecord | null>;
  /** Settles a command this executor claimed (a command failed meanwhile by a takeover stays as it is). */
  complete(id: bigint, executor: string, status: 'done' | 'rejected' | 'failed', outcome: string, outcomeCode?: string | null): Promise<void>;
  /**
   * Fails the commands left executing by a server that no longer holds their lease (it stopped, or lost it to
   * `claimer`), or with `leased` false by anyone but the claimer; returns how many.
   */
  failInterrupted(claimer: CommandClaimer): Promise<number>;
}

/** Announcements of stored changes. `onReconnect`: announcements may have been missed, re-read. */
export interface ChangeFeed {
  subscribe(listener: (change: ChangeEvent) => void, onReconnect?: () => void): Promise<() => void>;
}

/** The simulated venue's injected faults, as far as the engine follows them: stale quotes mark every bar stale. */
export interface VenueFaults {
  refreshFaults(): Promise<{ readonly staleQuotes: boolean }>;
}

/** The coordinator's risk limits in force, as stored (DESIGN.md's defaults until someone changes them). */
export interface RiskLimitStore {
  current(): Promise<RiskLimits>;
}

/** An opening order about to be sent, with what it is judged by: the bar it goes out on, the limits, the mode. */
export interface GateRequest {
  readonly order: GateOrder;
  readonly bar: MarketBar;
  readonly limits: RiskLimits;
  readonly systemMode: SystemMode;
  /** The account's net liquidation value as the engine last read it at the broker; null when it never could. */
  readonly netLiquidation: number | null;
}

/**
 * The pre-trade gate over every strategy, whichever server runs it: decides one opening order at a time against
 * the stored book (positions, and the orders out it approved before) and records the decision. A repeat of a
 * client order id gets its first decision. Orders that reduce risk never come here.
 */
export interface RiskGate {
  decide(request: GateRequest): Promise<GateDecision>;
}

/** An order an emergency halt cancels at the broker. */
export interface CancelRequest {
  readonly clientOrderId: string;
  readonly strategyId: string;
}

/**
 * The cancels a halt asks the broker for, stored before they are sent and kept until the broker answers, so that
 * every server can show how many are still open and a server taking over asks again for those left unanswered.
 */
export interface CancelStore {
  /** Records cancels about to be asked for; one already recorded stays as it is. */
  request(cancels: readonly CancelRequest[]): Promise<void>;
  /** Marks the cancels the broker has answered (the order is cancelled, or was already final). */
  confirm(clientOrderIds: readonly string[]): Promise<void>;
  /** The cancels asked for and not yet answered, oldest first. */
  unconfirmed(): Promise<CancelRequest[]>;
}

export interface EngineStores {
  readonly strategies: StrategyStore;
  readonly system: SystemStore;
  readonly commands: CommandStore;
  readonly riskGate: RiskGate;
  readonly cancels: CancelStore;
}

/**
 * What the engine reports as it works, for metrics and alerts. `emit` must return at once and never throw:
 * a slow metrics scrape or a dead webhook never delays trading.
 */
export type EngineSignal =
  | { readonly kind: 'transition'; readonly strategyId: string; readonly from: string; readonly to: string; readonly event: string; readonly writeMs: number }
  /** A strategy entered ERROR; `circuitBreaker` when it was the circuit breaker opening (its third error this cycle). */
  | { readonly kind: 'strategy-error'; readonly strategyId: string; readonly name: string; readonly from: string; readonly reason: string; readonly circuitBreaker: boolean }
  | { readonly kind: 'command'; readonly commandId: string; readonly type: CommandType; readonly strategyId: string | null; readonly actor: string; readonly status: 'done' | 'rejected' | 'failed'; readonly outcome: string; readonly ms: number }
  | { readonly kind: 'mode'; readonly mode: SystemMode; readonly previous: SystemMode; readonly cause: ModeCause; readonly actor: string; readonly reason: string }
  /** This server took leases another server held (or left to expire). */
  | { readonly kind: 'takeover'; readonly leases: readonly string[]; readonly from: string | null; readonly ms: number }
  | { readonly kind: 'leases'; readonly held: number }
  | { readonly kind: 'broker-error'; readonly strategyId: string | null; readonly operation: string; readonly message: string }
  | { readonly kind: 'quarantine'; readonly problems: readonly string[] };

export interface EngineSignals {
  emit(signal: EngineSignal): void;
}

/** Signals nobody listens to (tests, the benchmark). */
export const NO_SIGNALS: EngineSignals = { emit: () => undefined };
