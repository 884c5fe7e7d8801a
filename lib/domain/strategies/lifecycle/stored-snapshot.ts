import { z } from 'zod';
import { UNDERLYINGS } from '../../market/types';
import { SYSTEM_MODES } from '../../system-mode';
import type { StrategyContext } from './types';

/**
 * The shape of a strategy's persisted xstate snapshot, checked where it is read back from the database:
 * a row that is not a strategy snapshot fails loudly, naming what is wrong, instead of steering a machine.
 * The schemas mirror the interfaces in ./types.ts and ../position.ts; `satisfies` keeps them in step.
 */

const contractSchema = z.object({
  underlying: z.enum(UNDERLYINGS),
  expiry: z.string(),
  strike: z.number(),
  right: z.enum(['C', 'P']),
});

const orderLegSchema = z.object({ contract: contractSchema, side: z.enum(['BUY', 'SELL']), quantity: z.number() });

const positionSchema = z.object({
  structure: z.string(),
  legs: z.array(z.object({ contract: contractSchema, quantity: z.number() })),
  cash: z.number(),
  entryCash: z.number(),
  openedAt: z.number(),
});

const pendingOrderSchema = z.object({
  clientOrderId: z.string(),
  purpose: z.enum(['ENTRY', 'CLOSE', 'ADJUST', 'UNWIND']),
  legs: z.array(orderLegSchema),
  deadline: z.number(),
  appliedFills: z.int().nonnegative(),
  decidedPrice: z.number().optional(),
});

const adjustmentBackoffSchema = z.object({
  reason: z.string(),
  refusals: z.int().positive(),
  since: z.number(),
  retryAt: z.number(),
  basis: z.object({ legs: z.string(), systemMode: z.enum(SYSTEM_MODES).nullable() }),
});

const errorClassSchema = z.enum(['CONNECTION', 'TIMEOUT', 'MARKET_DATA', 'ORDER_REJECTED', 'UNKNOWN']);

export const strategyContextSchema = z.object({
  strategyId: z.string(),
  settings: z.unknown(),
  cycle: z.string().nullable(),
  entryAttempts: z.int().nonnegative(),
  orderAttempts: z.int().nonnegative(),
  errorCount: z.int().nonnegative(),
  proposal: z
    .object({ structure: z.string(), legs: z.array(orderLegSchema), proposedAt: z.number(), note: z.string() })
    .nullable(),
  order: pendingOrderSchema.nullable(),
  position: positionSchema.nullable(),
  recovery: z
    .object({
      cause: z.union([errorClassSchema, z.enum(['RESTART', 'OPERATOR'])]),
      since: z.number(),
      attempts: z.int().nonnegative(),
      nextAttemptAt: z.number(),
      order: pendingOrderSchema.nullable(),
    })
    .nullable(),
  lastError: z.object({ errorClass: errorClassSchema, message: z.string() }).nullable(),
  realizedPnl: z.number(),
  lastReason: z.string().nullable(),
  lastBarTime: z.number().nullable(),
  adjustmentBackoff: adjustmentBackoffSchema.optional(),
}) satisfies z.ZodType<StrategyContext<unknown>>;

/** xstate's persisted snapshot of a (flat) strategy machine; xstate's own fields pass through unchanged. */
export const storedSnapshotSchema = z.looseObject({
  status: z.enum(['active', 'done', 'error', 'stopped']),
  value: z.string(),
  context: strategyContextSchema,
});
export type StoredSnapshot = z.infer<typeof storedSnapshotSchema>;

/** Parses a stored snapshot; throws naming the strategy and every problem when it is not one. */
export function parseStoredSnapshot(strategyId: string, stored: unknown): StoredSnapshot {
  const parsed = storedSnapshotSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'snapshot'}: ${issue.message}`).join('; ');
  throw new Error(`strategy ${strategyId}: the stored snapshot is not a strategy snapshot (${problems})`);
}
