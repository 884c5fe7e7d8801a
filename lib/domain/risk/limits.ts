import { NO_GREEKS, type Greeks } from './exposure';
import type { LossDay } from './loss-day';

/**
 * How far an opening order's price may have moved between the bar its strategy decided it on and the bar it is
 * sent on: the combo's net mid per unit (as `comboMid`) may differ by `fraction` of the mid at sending, or by
 * `minimum` dollars per share of one unit, whichever is more (the floor keeps a combo priced near zero, a roll
 * at even money, from being refused for a cent).
 */
export interface PriceCollar {
  readonly fraction: number;
  readonly minimum: number;
}

/**
 * The coordinator's risk limits (DESIGN.md, "Coordinator"), each checked against the book as it would be
 * after an opening order fills. Orders that close or reduce risk are never checked against them.
 */
export interface RiskLimits {
  /** Total buying power in use, as a fraction of net liquidation value. */
  readonly maxBuyingPowerUse: number;
  /** Each strategy's share of net liquidation value it may tie up, by strategy id; absent: no own cap. */
  readonly strategyAllocation: Readonly<Record<string, number>>;
  /** |SPY-equivalent delta| of the whole book, in SPY shares. */
  readonly maxSpyDelta: number;
  /** Fractions of a limit at which its use is a warning (shown amber, then red). */
  readonly warnAt: readonly [number, number];
  /** |gamma| (underlying units per point), |vega| ($ per vol point), and theta ($ per day, a floor) of the book. */
  readonly maxGamma: number;
  readonly maxVega: number;
  readonly minTheta: number;
  /** Loss today (realised and unrealised) as a fraction of the day's opening net liquidation value. */
  readonly maxDailyLoss: number;
  /** Fall from today's highest net liquidation value, as a fraction of it. */
  readonly maxIntradayDrawdown: number;
  readonly maxContractsPerOrder: number;
  /** Dollars of premium paid or received by one opening order. */
  readonly maxPremiumPerOrder: number;
  /** Opening orders approved across the account in any minute of market time. */
  readonly maxOrdersPerMinute: number;
  /** The price collar (see PriceCollar): the share of the mid, and the floor in dollars per share of one unit. */
  readonly priceCollarFraction: number;
  readonly priceCollarMinimum: number;
}

/** The collar as the limits set it. */
export const priceCollarOf = (limits: RiskLimits): PriceCollar => ({ fraction: limits.priceCollarFraction, minimum: limits.priceCollarMinimum });

export const DEFAULT_RISK_LIMITS: RiskLimits = {
  maxBuyingPowerUse: 0.35,
  strategyAllocation: {},
  maxSpyDelta: 100,
  warnAt: [0.8, 0.95],
  maxGamma: 50,
  maxVega: 2_500,
  minTheta: -1_000,
  maxDailyLoss: 0.05,
  maxIntradayDrawdown: 0.03,
  maxContractsPerOrder: 20,
  maxPremiumPerOrder: 25_000,
  maxOrdersPerMinute: 10,
  priceCollarFraction: 0.1,
  priceCollarMinimum: 0.1,
};

/** The book as the limits see it: the account, and what every strategy holds (and has in flight). */
export interface Book {
  readonly netLiquidation: number;
  readonly buyingPowerUsed: number;
  readonly buyingPowerByStrategy: Readonly<Record<string, number>>;
  readonly greeks: Greeks;
  readonly spyDelta: number;
}

/** What one opening order would add if it filled. */
export interface OpeningOrder {
  readonly strategyId: string;
  readonly contracts: number;
  /** Dollars paid (positive) or received (negative) at mid. */
  readonly premium: number;
  readonly buyingPower: number;
  readonly greeks: Greeks;
  readonly spyDelta: number;
  /** Opening orders approved across the account in the last minute of market time, this one excluded. */
  readonly ordersLastMinute: number;
}

export type LimitStatus = 'ok' | 'warning' | 'critical' | 'breach';

/** One limit's use: for the risk panel, and for the gate's reasons. */
export interface LimitUse {
  readonly limit: string;
  readonly used: number;
  readonly max: number;
  readonly status: LimitStatus;
}

/** Where `used` stands against `max` (both non-negative): ok, warning from warnAt[0], critical from warnAt[1], breach above max. */
export function limitStatus(used: number, max: number, warnAt: RiskLimits['warnAt']): LimitStatus {
  if (used > max) return 'breach';
  if (used >= warnAt[1] * max) return 'critical';
  if (used >= warnAt[0] * max) return 'warning';
  return 'ok';
}

const dollars = (value: number) => `$${Math.round(value).toLocaleString('en-US')}`;

/** Every limit's use by `book` (after `order`, when given). */
export function limitUses(book: Book, limits: RiskLimits, order?: OpeningOrder): LimitUse[] {
  const nlv = Math.max(book.netLiquidation, 0);
  const after = {
    buyingPower: book.buyingPowerUsed + (order?.buyingPower ?? 0),
    strategy: order ? (book.buyingPowerByStrategy[order.strategyId] ?? 0) + order.buyingPower : 0,
    spyDelta: book.spyDelta + (order?.spyDelta ?? 0),
    gamma: book.greeks.gamma + (order?.greeks.gamma ?? 0),
    vega: book.greeks.vega + (order?.greeks.vega ?? 0),
    theta: book.greeks.theta + (order?.greeks.theta ?? 0),
  };
  const measure = (limit: string, used: number, max: number): LimitUse => ({ limit, used, max, status: limitStatus(used, max, limits.warnAt) });
  const uses = [
    measure('buying power', after.buyingPower, limits.maxBuyingPowerUse * nlv),
    measure('SPY-equivalent delta', Math.abs(after.spyDelta), limits.maxSpyDelta),
    measure('gamma', Math.abs(after.gamma), limits.maxGamma),
    measure('vega', Math.abs(after.vega), limits.maxVega),
    // Theta is a floor: its use is how far below zero the book's decay goes.
    measure('theta', Math.max(0, -after.theta), -limits.minTheta),
  ];
  const allocation = order ? limits.strategyAllocation[order.strategyId] : undefined;
  if (order && allocation !== undefined) uses.push(measure(`${order.strategyId} allocation`, after.strategy, allocation * nlv));
  return uses;
}

/**
 * May this opening order go out? Every limit it would breach is named with the figures, so the refusal reads
 * as its own reason in the audit trail. A limit the book is already over (the market moved) refuses only
 * orders that add to its use: a hedge or a roll that brings the book back towards it passes.
 */
export function checkOpeningOrder(order: OpeningOrder, book: Book, limits: RiskLimits): { allowed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (order.contracts > limits.maxContractsPerOrder) reasons.push(`${order.contracts} contracts exceed the ${limits.maxContractsPerOrder} per order`);
  if (Math.abs(order.premium) > limits.maxPremiumPerOrder) {
    reasons.push(`premium ${dollars(Math.abs(order.premium))} exceeds ${dollars(limits.maxPremiumPerOrder)} per order`);
  }
  if (order.ordersLastMinute + 1 > limits.maxOrdersPerMinute) reasons.push(`more than ${limits.maxOrdersPerMinute} orders in a minute`);
  const before = limitUses(book, limits, { ...order, buyingPower: 0, greeks: NO_GREEKS, spyDelta: 0 });
  for (const [index, use] of limitUses(book, limits, order).entries()) {
    if (use.status !== 'breach' || use.used <= (before[index]?.used ?? 0)) continue;
    const money = use.limit === 'buying power' || use.limit.endsWith('allocation') || use.limit === 'vega' || use.limit === 'theta';
    const show = (value: number) => (money ? dollars(value) : value.toFixed(1));
    reasons.push(`${use.limit} would be ${show(use.used)}, over the limit of ${show(use.max)}`);
  }
  return { allowed: reasons.length === 0, reasons };
}

/** Loss limits: whether the day's loss or the intraday drawdown has passed its limit (the system then reduces risk). */
export function lossLimitBreaches(
  { netLiquidation, dayOpen, dayHigh }: { netLiquidation: number; dayOpen: number; dayHigh: number },
  limits: RiskLimits,
): string[] {
  const breaches: string[] = [];
  const dailyLoss = (dayOpen - netLiquidation) / dayOpen;
  if (dailyLoss > limits.maxDailyLoss) breaches.push(`daily loss ${(dailyLoss * 100).toFixed(1)}% is over ${(limits.maxDailyLoss * 100).toFixed(0)}%`);
  const drawdown = (dayHigh - netLiquidation) / dayHigh;
  if (drawdown > limits.maxIntradayDrawdown) {
    breaches.push(`intraday drawdown ${(drawdown * 100).toFixed(1)}% is over ${(limits.maxIntradayDrawdown * 100).toFixed(0)}%`);
  }
  return breaches;
}

/** The loss limits' use, for the risk panel: dollars lost since the day opened, and fallen from its high (as `lossLimitBreaches` judges them). */
export function lossLimitUses(netLiquidation: number, day: LossDay, limits: RiskLimits): LimitUse[] {
  const measure = (limit: string, used: number, max: number): LimitUse => ({ limit, used, max, status: limitStatus(used, max, limits.warnAt) });
  return [
    measure('daily loss', Math.max(0, day.openNlv - netLiquidation), limits.maxDailyLoss * day.openNlv),
    measure('intraday drawdown', Math.max(0, day.highNlv - netLiquidation), limits.maxIntradayDrawdown * day.highNlv),
  ];
}
