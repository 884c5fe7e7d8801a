import { z } from 'zod';
import { strategyIdSchema } from '../strategies/strategy-id';
import type { RiskLimits } from './limits';

/** A share of something (net liquidation, the day's opening value): more than nothing, at most all of it. */
const fraction = z.number().gt(0, 'must be more than 0').lte(1, 'must be at most 1 (100%)');
const positive = z.number().positive('must be more than 0');
const positiveCount = z.int('must be a whole number').positive('must be at least 1');
/** Where a limit's use turns amber, then orange: strictly between none and all of it. */
const warnFraction = z.number().gt(0, 'must be more than 0').lt(1, 'must be less than 1 (100%)');

/**
 * Risk limits as an operator may set them, every field required and nothing else accepted: fractions in (0, 1],
 * positive amounts, whole positive counts, two ascending warning levels in (0, 1), theta a floor at or below
 * zero, and allocations by strategy id. Also what a stored row must pass before anyone trades on it.
 */
export const riskLimitsSchema = z.strictObject({
  maxBuyingPowerUse: fraction,
  strategyAllocation: z.record(strategyIdSchema, fraction),
  maxSpyDelta: positive,
  warnAt: z
    .tuple([warnFraction, warnFraction])
    .readonly()
    .refine(([warning, critical]) => warning < critical, 'the first warning level must be below the second'),
  maxGamma: positive,
  maxVega: positive,
  minTheta: z.number().lte(0, 'is a floor on daily decay: at most 0'),
  maxDailyLoss: fraction,
  maxIntradayDrawdown: fraction,
  maxContractsPerOrder: positiveCount,
  maxPremiumPerOrder: positive,
  maxOrdersPerMinute: positiveCount,
  priceCollarFraction: fraction,
  priceCollarMinimum: positive,
}) satisfies z.ZodType<RiskLimits>;
