import type { EpochMs } from '../../market/types';
import type { MarketTickEvent, StrategyContext, StrategyEvent } from './types';

/** The market time an event happened at: a bar's or a reply's own time, else the event's, else the last bar seen. */
export function eventTime(event: StrategyEvent, context: StrategyContext<unknown>): EpochMs {
  switch (event.type) {
    case 'market.tick':
      return event.bar.time;
    case 'order.updated':
      return event.order.time;
    default:
      return event.time ?? context.lastBarTime ?? 0;
  }
}

/** The event as a market tick, or null: the bar-driven guards and actions look at ticks only. */
export const asTick = (event: StrategyEvent): MarketTickEvent | null => (event.type === 'market.tick' ? event : null);
