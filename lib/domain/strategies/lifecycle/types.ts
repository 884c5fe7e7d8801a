import type { EntryPermit } from '../../coordinator';
import type { SystemMode } from '../../system-mode';
import type { EpochMs, LegFill, MarketBar, OrderLeg, OrderStatus } from '../../market/types';
import type { Position } from '../position';
import type { AdjustmentBackoff } from './adjustment-backoff';

/** The shared lifecycle's states: every strategy's machine has them all, and may add its own. */
export const LIFECYCLE_STATES = [
  'INITIALIZING',
  'WAITING',
  'VALIDATION',
  'ENTERING',
  'ACTIVE',
  'MANAGING',
  'DEFENSIVE_EXIT',
  'EXITING',
  'COMPLETE',
  'ERROR',
  'RECOVERY',
  'EMERGENCY_EXIT',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/**
 * ENTRY opens a position; CLOSE closes all of it; ADJUST changes it and keeps it (a roll, a new rung);
 * UNWIND closes the legs of an entry that failed half-way.
 */
export type OrderPurpose = 'ENTRY' | 'CLOSE' | 'ADJUST' | 'UNWIND';

/** An order the strategy has decided on. The engine sends it and reports back; the id makes a resend harmless. */
export interface PendingOrder {
  readonly clientOrderId: string;
  readonly purpose: OrderPurpose;
  readonly legs: readonly OrderLeg[];
  /** Market time after which the order counts as stuck (STATE_TIMEOUT), kept here so a restore keeps it. */
  readonly deadline: EpochMs;
  /** How many of the broker's leg fills are already in the position (fills arrive leg by leg when legged). */
  readonly appliedFills: number;
  /**
   * The combo's net mid per unit (as `comboMid`: a credit positive) on the bar the order was decided on: the
   * pre-trade gate's price collar compares the mid when it is sent. Absent in snapshots from before the collar.
   */
  readonly decidedPrice?: number;
}

/** The error classes recovery is chosen by (the seed's RecoveryManager table). */
export type ErrorClass = 'CONNECTION' | 'TIMEOUT' | 'MARKET_DATA' | 'ORDER_REJECTED' | 'UNKNOWN';

export interface RecoveryContext {
  readonly cause: ErrorClass | 'RESTART' | 'OPERATOR';
  readonly since: EpochMs;
  readonly attempts: number;
  /** Market time of the next look at the broker; doubles after each failed look. */
  readonly nextAttemptAt: EpochMs;
  /** The order in doubt, if any: recovery settles it at the broker (cancel what is left, read what filled). */
  readonly order: PendingOrder | null;
}

export interface StrategyErrorNote {
  readonly errorClass: ErrorClass;
  readonly message: string;
}

export interface Proposal {
  readonly structure: string;
  readonly legs: readonly OrderLeg[];
  readonly proposedAt: EpochMs;
  readonly note: string;
}

/** What every strategy machine's context holds. `settings` is the kind's own, validated by its zod schema. */
export interface StrategyContext<Settings = unknown> {
  readonly strategyId: string;
  readonly settings: Settings;
  /** The current cycle's key (a trading day for 0DTE, an entry date for the others): part of every order id. */
  readonly cycle: string | null;
  readonly entryAttempts: number;
  readonly orderAttempts: number;
  /** Errors this cycle; at MAX_ERRORS the circuit breaker opens (ERROR until an operator clears it). */
  readonly errorCount: number;
  readonly proposal: Proposal | null;
  readonly order: PendingOrder | null;
  readonly position: Position | null;
  readonly recovery: RecoveryContext | null;
  /** The latest error, for the error record the engine writes. */
  readonly lastError: StrategyErrorNote | null;
  /** Realised P&L in dollars over all completed cycles. */
  readonly realizedPnl: number;
  /** Why the latest transition happened, in words, for the audit trail. */
  readonly lastReason: string | null;
  /** Latest market time seen: time-based rules of operator events use it. */
  readonly lastBarTime: EpochMs | null;
  /** An adjustment the pre-trade gate refused, held back from asking again on every bar; absent when none is. */
  readonly adjustmentBackoff?: AdjustmentBackoff;
}

/** A one-minute bar, with the coordinator's decision for this strategy and the system mode at that bar. */
export type MarketTickEvent = {
  type: 'market.tick';
  bar: MarketBar;
  permit: EntryPermit;
  systemMode: SystemMode;
};

/** The broker's view of one of our orders, as the engine last read it. */
export interface OrderUpdate {
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly legFills: readonly LegFill[];
  readonly reason: string | null;
  readonly time: EpochMs;
  /**
   * Set on the REJECTED update of an order the pre-trade gate refused: it never reached the broker. A refusal
   * is the limits working, not a fault, so it rolls back without counting towards the circuit breaker.
   */
  readonly isGateRefusal?: boolean;
  /** With `isGateRefusal`: the system mode the gate decided in, when it could be asked. */
  readonly gateSystemMode?: SystemMode;
  /**
   * Set on the CANCELLED update of an order an emergency halt cancelled: the operator's doing, not a fault, so the
   * state rolls back as from any dead order (filled legs unwound) without a step towards the circuit breaker.
   */
  readonly isHaltCancel?: boolean;
}

/** The events every strategy machine is sent. Operator events carry who asked and why. */
export type StrategyEvent =
  | MarketTickEvent
  | { type: 'order.updated'; order: OrderUpdate }
  | { type: 'order.failed'; clientOrderId: string; errorClass: 'CONNECTION' | 'TIMEOUT' | 'UNKNOWN'; message: string; time: EpochMs }
  | { type: 'recovery.checked'; order: OrderUpdate | null; time: EpochMs }
  | { type: 'recovery.failed'; message: string; time: EpochMs }
  | { type: 'system.restored'; time: EpochMs }
  | { type: 'operator.defensiveExit'; actor: string; reason: string; time: EpochMs }
  | { type: 'operator.emergencyExit'; actor: string; reason: string; time: EpochMs }
  | { type: 'operator.recover'; actor: string; reason: string; time: EpochMs };

export type StrategyEventType = StrategyEvent['type'];

export const STRATEGY_EVENT_TYPES: readonly StrategyEventType[] = [
  'market.tick',
  'order.updated',
  'order.failed',
  'recovery.checked',
  'recovery.failed',
  'system.restored',
  'operator.defensiveExit',
  'operator.emergencyExit',
  'operator.recover',
];

/** What a held position calls for on a bar: a state to move to, why, and for ADJUST states the order legs. */
export interface PositionDecision {
  readonly next: string;
  readonly reason: string;
  readonly legs?: readonly OrderLeg[];
}

/** The rules one kind of strategy brings to the shared lifecycle. All pure. */
export interface StrategyRules<Settings> {
  readonly kind: string;
  readonly defaultName: string;
  readonly description: string;
  readonly defaults: Settings;
  /** The cycle a bar belongs to: a new cycle resets the attempt and error counters. */
  cycleKey(bar: MarketBar): string;
  /** Why no entry on this bar (empty: an entry signal). Data problems and permits are checked by the lifecycle. */
  entryProblems(context: StrategyContext<Settings>, bar: MarketBar): string[];
  /** The order to open a position, from this bar's chain. */
  propose(context: StrategyContext<Settings>, bar: MarketBar): Proposal | { problems: string[] };
  /** Why the proposal may not be sent on this bar (empty: send it). */
  validate(context: StrategyContext<Settings>, proposal: Proposal, bar: MarketBar): string[];
  /** What the held position calls for on this bar, null to hold. `state` is ACTIVE, MANAGING or a custom holding state. */
  manage(context: StrategyContext<Settings>, bar: MarketBar, state: string): PositionDecision | null;
  /** Whether COMPLETE may start the next cycle on this bar. */
  isNextCycle(context: StrategyContext<Settings>, bar: MarketBar): boolean;
}
