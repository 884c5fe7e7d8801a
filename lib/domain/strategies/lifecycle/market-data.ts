import { intrinsicProblems } from '../../market/bar-guard';
import type { MarketBar } from '../../market/types';

/**
 * Problems with a bar that make it unusable for any trading decision. Empty when the bar is sane. The engine's
 * bar guard has already judged it against the bars before it (time, collar); its reasons come first.
 */
export function marketDataProblems(bar: MarketBar): string[] {
  return bar.refused?.length ? [...bar.refused] : intrinsicProblems(bar);
}
