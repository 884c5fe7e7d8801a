import type { MarketBar } from '../market/types';
import { marketDataProblems } from '../strategies/lifecycle/market-data';
import type { PendingOrder } from '../strategies/lifecycle/types';
import { allowsOpeningAdjustments, type SystemMode } from '../system-mode';
import { bookOf, openingOrderOf, type StrategyHoldings } from './book';
import { checkOpeningOrder, priceCollarOf, type RiskLimits } from './limits';
import { collarBreach } from './price-collar';
import { isRiskReducing } from './risk-reducing';

/** An order as the gate sees it: whose, which, its legs, and the price its strategy decided it at. */
export interface GateOrder extends Pick<PendingOrder, 'clientOrderId' | 'purpose' | 'legs' | 'decidedPrice'> {
  readonly strategyId: string;
}

export interface GateDecision {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

export interface GateInput {
  readonly order: GateOrder;
  /** Every strategy's holdings: its position, and its order out only if the gate approved that order before. */
  readonly holdings: readonly StrategyHoldings[];
  /** The bar the order is being sent on. */
  readonly bar: MarketBar;
  readonly limits: RiskLimits;
  readonly systemMode: SystemMode;
  /** Opening orders the gate approved across the account in the last minute of market time. */
  readonly ordersLastMinute: number;
  /** The account's net liquidation value as last read at the broker; null when it never could be. */
  readonly netLiquidation: number | null;
}

export const GATE_PASSED: GateDecision = { allowed: true, reasons: [] };

/**
 * The pre-trade gate, asked of every order as it is sent. An order that only reduces what its strategy holds
 * passes in every mode, whatever the book. Any other order goes out only while the mode allows it (an entry in
 * RUNNING; a roll or a new rung, which manage a position held, in RUNNING or HALTED), on a usable bar, within the price collar of the price it was decided at (orders from before the collar have none), and
 * within every limit with the book as it would be once it filled (a roll's closing legs net out). Every reason
 * that says no is listed.
 */
export function gateOrder({ order, holdings, bar, limits, systemMode, ordersLastMinute, netLiquidation }: GateInput): GateDecision {
  const own = holdings.find((strategy) => strategy.id === order.strategyId);
  if (isRiskReducing(order.legs, own?.position ?? null)) return GATE_PASSED;
  const reasons: string[] = [];
  const modeAllows = order.purpose === 'ADJUST' ? allowsOpeningAdjustments(systemMode) : systemMode === 'RUNNING';
  if (!modeAllows) reasons.push(`system is ${systemMode}: ${order.purpose === 'ADJUST' ? 'no adjustment that opens a leg' : 'no entries'}`);
  if (netLiquidation === null) return { allowed: false, reasons: [...reasons, 'the account at the broker could not be read'] };
  const dataProblems = marketDataProblems(bar);
  // Nothing can be priced from an unusable bar: neither the collar nor the limits.
  if (dataProblems.length > 0) return { allowed: false, reasons: [...reasons, `market data unusable: ${dataProblems.join('; ')}`] };
  const breach = order.decidedPrice === undefined ? null : collarBreach(order.legs, order.decidedPrice, bar, priceCollarOf(limits));
  if (breach) reasons.push(breach);
  const opening = openingOrderOf(order.strategyId, order.legs, bar, { holdings: own, ordersLastMinute });
  reasons.push(...checkOpeningOrder(opening, bookOf(holdings, bar, netLiquidation), limits).reasons);
  return reasons.length === 0 ? GATE_PASSED : { allowed: false, reasons };
}
