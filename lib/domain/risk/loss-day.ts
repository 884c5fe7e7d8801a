import { nyParts, type NyDate } from '../market/calendar';
import type { EpochMs } from '../market/types';

/**
 * The loss limits' day: the net liquidation value it opened at and the highest it has reached. The daily loss
 * is measured from the open, the intraday drawdown from the high. Stored, so a restart keeps the baseline.
 */
export interface LossDay {
  readonly day: NyDate;
  readonly openNlv: number;
  readonly highNlv: number;
}

/**
 * The day after seeing `netLiquidation` at `time`: a new New York date opens a new day at this value; the same
 * date keeps its open and raises its high.
 */
export function nextLossDay(previous: LossDay | null, time: EpochMs, netLiquidation: number): LossDay {
  const day = nyParts(time).date;
  if (!previous || previous.day !== day) return { day, openNlv: netLiquidation, highNlv: netLiquidation };
  if (netLiquidation <= previous.highNlv) return previous;
  return { ...previous, highNlv: netLiquidation };
}

/**
 * The day as an operator's resume leaves it: the losses so far were looked at and accepted, so both limits
 * measure again from here (a further 5% loss or 3% drawdown stops entries again).
 */
export function rebaselined(time: EpochMs, netLiquidation: number): LossDay {
  return { day: nyParts(time).date, openNlv: netLiquidation, highNlv: netLiquidation };
}
