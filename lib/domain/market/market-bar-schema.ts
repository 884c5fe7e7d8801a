import { z } from 'zod';
import { UNDERLYINGS, type MarketBar, type Underlying } from './types';

const underlyingBarSchema = z.object({ price: z.number(), open: z.number() });

/** A market bar as stored (the market clock keeps the latest one): checked where it is read back. */
export const marketBarSchema = z.object({
  time: z.number(),
  vix: z.number(),
  underlyings: z.object(
    Object.fromEntries(UNDERLYINGS.map((underlying) => [underlying, underlyingBarSchema])) as Record<Underlying, typeof underlyingBarSchema>,
  ),
  isStale: z.boolean().optional(),
  refused: z.array(z.string()).optional(),
}) satisfies z.ZodType<MarketBar>;
