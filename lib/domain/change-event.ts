import { z } from 'zod';

/**
 * A change notification: which stored record changed, never the data itself. The database's triggers
 * send them (pg_notify); each server fans them out to its own parts and, over SSE, to browsers, which
 * re-read what changed.
 */
export const CHANGED_TABLES = [
  'transition',
  'event_refusal',
  'strategy_error',
  'operator_command',
  'system_state',
  'market_clock',
  'paper_broker_settings',
  'resume_request',
  'resume_approval',
  'risk_limits',
  'order_cancel',
] as const;

export const changeEventSchema = z.object({
  table: z.enum(CHANGED_TABLES),
  strategyId: z.string().nullish(),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

/**
 * A change as the database logged and announced it: `changeId` is its row in `change_log`, in the order the
 * changes were written (not always the order they were committed). A decimal string: a bigint in the database.
 */
export const loggedChangeSchema = changeEventSchema.extend({
  changeId: z.string().regex(/^\d{1,18}$/),
});
export type LoggedChange = z.infer<typeof loggedChangeSchema>;
