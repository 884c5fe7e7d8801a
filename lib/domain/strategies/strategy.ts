import type { EntryPermit, SystemMode } from '../coordinator';
import type { ComboFill, EpochMs, MarketBar, OrderLeg } from '../market/types';
import type { Position } from './position';

/** An order the strategy has decided on. The engine sends it and reports back; the id makes a resend harmless. */
export interface PendingOrder {
  readonly clientOrderId: string;
  readonly purpose: 'ENTRY' | 'EXIT';
  readonly legs: readonly OrderLeg[];
  /** Market time after which the order counts as stuck (STATE_TIMEOUT), kept here so a restore keeps it. */
  readonly deadline: EpochMs;
}

/**
 * What every strategy machine's context holds, whatever else it adds. The engine reads only these:
 * the order to send (derived from the snapshot, so a restored strategy resends nothing new and forgets nothing),
 * the position for error records and P&L, and the reason for the audit trail.
 */
export interface StrategyContextBase {
  readonly strategyId: string;
  readonly order: PendingOrder | null;
  readonly position: Position | null;
  /** Realised P&L in dollars over all completed cycles. */
  readonly realizedPnl: number;
  /** Why the latest transition happened, in words, for the audit trail. */
  readonly lastReason: string | null;
}

/** A one-minute bar, with the coordinator's decision for this strategy and the system mode at that bar. */
export type MarketTickEvent = {
  type: 'market.tick';
  bar: MarketBar;
  permit: EntryPermit;
  systemMode: SystemMode;
};

/** The events every strategy machine is sent. Operator events carry who asked and why. */
export type StrategyEvent =
  | MarketTickEvent
  | { type: 'order.filled'; fill: ComboFill }
  | { type: 'order.rejected'; clientOrderId: string; reason: string; time: EpochMs }
  | { type: 'operator.defensiveExit'; actor: string; reason: string; time: EpochMs };
