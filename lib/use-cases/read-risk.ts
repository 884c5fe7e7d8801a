import type { Risk } from '../api/contract';
import type { MarketBar } from '../domain/market/types';
import type { Account } from '../domain/risk/account';
import { bookOf, type StrategyHoldings } from '../domain/risk/book';
import { exposureOf, spyEquivalentDelta } from '../domain/risk/exposure';
import { buyingPowerOf } from '../domain/risk/buying-power';
import { limitUses, lossLimitUses, type RiskLimits } from '../domain/risk/limits';
import { nextLossDay, type LossDay } from '../domain/risk/loss-day';
import { isFlat, positionPnl } from '../domain/strategies/position';
import type { StrategyRecord } from '../engine/ports';

/**
 * The account at the broker and the book against `limits` (the stored ones) at `bar`, from the stored strategies: what
 * the engine's permits decide from (the same functions, the same limits), for the overview's risk panel.
 */
export function riskView(records: readonly StrategyRecord[], bar: MarketBar, account: Account, limits: RiskLimits, storedDay: LossDay | null): Risk {
  // The engine's day as stored; a day it has not reached yet (or none) opens at this value, as the engine's would.
  const day = nextLossDay(storedDay, bar.time, account.netLiquidation);
  const holdings: StrategyHoldings[] = records.map(({ id, snapshot: { context } }) => ({
    id,
    position: isFlat(context.position) ? null : context.position,
    inFlight: context.order?.purpose === 'ENTRY' ? context.order.legs : [],
  }));
  const book = bookOf(holdings, bar, account.netLiquidation);
  return {
    netLiquidation: account.netLiquidation,
    startingBalance: account.startingBalance,
    cash: account.cash,
    positionsValue: account.positionsValue,
    buyingPowerUsed: account.buyingPowerRequirement,
    buyingPowerAvailable: account.buyingPowerAvailable,
    greeks: book.greeks,
    spyDelta: book.spyDelta,
    dayPnl: account.netLiquidation - day.openNlv,
    drawdown: Math.max(0, day.highNlv - account.netLiquidation),
    limits: [...limitUses(book, limits), ...lossLimitUses(account.netLiquidation, day, limits)],
    warnAt: [...limits.warnAt],
    strategies: records.map((record, index) => {
      const position = holdings[index]!.position;
      const legs = position?.legs ?? [];
      const exposure = exposureOf(legs, bar);
      return {
        id: record.id,
        name: record.name,
        buyingPower: buyingPowerOf(legs, bar).requirement,
        greeks: { delta: exposure.delta, gamma: exposure.gamma, vega: exposure.vega, theta: exposure.theta },
        spyDelta: spyEquivalentDelta(exposure, bar),
        pnl: record.snapshot.context.realizedPnl + (position ? positionPnl(position, bar) : 0),
      };
    }),
  };
}
