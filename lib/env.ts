import { z } from 'zod';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/wheelhouse';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  DATABASE_URL: z.url().default(DEFAULT_DATABASE_URL),
  /** Market seconds per real second while the market is open. 195 plays a 6.5-hour session in 2 minutes. */
  SIM_SPEED: z.coerce.number().positive().max(10_000_000).default(195),
  /** Where a fresh simulation starts: a Friday morning, so the 0DTE strategy has something to do. */
  SIM_START: z.iso.datetime({ offset: true }).default('2026-11-20T09:30:00-05:00'),
  SIM_SEED: z.coerce.number().int().default(20261120),
  /** The market's character: calm, trending-up, trending-down, crash (VIX above 45) or gap-open. */
  SIM_SCENARIO: z.enum(['calm', 'trending-up', 'trending-down', 'crash', 'gap-open']).default('calm'),
  /** VIX at the start of a fresh simulation (the scenario's own when unset); the path mean-reverts to it. */
  SIM_VIX: z.coerce.number().min(9).max(90).optional(),
  /** Show the demo-only controls (paper broker fault injection). */
  DEMO_CONTROLS: booleanFlag.default(true),
  /** Set to false to serve pages without running strategies (e.g. a read-only replica). */
  ENGINE_ENABLED: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment once; a bad setting stops the server at start with a message naming it. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}
