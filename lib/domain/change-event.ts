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
] as const;

export const changeEventSchema = z.object({
  table: z.enum(CHANGED_TABLES),
  strategyId: z.string().nullish(),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;
