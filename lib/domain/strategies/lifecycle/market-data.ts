import { UNDERLYINGS, type MarketBar } from '../../market/types';

/** Problems with a bar that make it unusable for any trading decision. Empty when the bar is sane. */
export function marketDataProblems(bar: MarketBar): string[] {
  const problems: string[] = [];
  if (bar.isStale) problems.push('quotes are stale');
  if (!Number.isFinite(bar.time)) problems.push('bar time is not a number');
  if (!(Number.isFinite(bar.vix) && bar.vix > 0 && bar.vix < 150)) problems.push(`VIX ${bar.vix} is outside 0-150`);
  for (const underlying of UNDERLYINGS) {
    const quote = bar.underlyings[underlying];
    if (!quote || !(Number.isFinite(quote.price) && quote.price > 0) || !(Number.isFinite(quote.open) && quote.open > 0)) {
      problems.push(`${underlying} price is not a positive number`);
    }
  }
  return problems;
}
