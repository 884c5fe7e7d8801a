import { z } from 'zod';
import { DEFAULT_STARTING_BALANCE } from './domain/risk/account';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/wheelhouse';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const envSchema = z
  .object({
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
    /** Dollars the paper broker's account starts with: stored when the account is first read, and kept after that. */
    PAPER_STARTING_BALANCE: z.coerce.number().positive().default(DEFAULT_STARTING_BALANCE),
    /** Show the demo-only controls (paper broker fault injection). */
    DEMO_CONTROLS: booleanFlag.default(true),
    /**
     * Several servers on one database: the engine runs on the one holding the market clock's lease, renewed
     * continuously; a server that stops is replaced once its leases lapse, this long after its last renewal.
     */
    LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
    /** Set to false to serve pages without running strategies (e.g. a read-only replica). */
    ENGINE_ENABLED: booleanFlag.default(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** The origin browsers reach the app at: sign-in cookies are issued for it, and state changes must come from it. */
    PUBLIC_ORIGIN: z.url().default('http://localhost:3000').transform((url) => new URL(url).origin),
    /** Signs session cookies and encrypts TOTP secrets: 32+ random characters, required in production (`npm run demo` makes one). */
    BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The demo's three users (one per role, passwords on the sign-in page). Default: on outside production. */
    DEMO_USERS: booleanFlag.optional(),
    /** How long an operator's request waits for the engine's answer before it returns the command still pending (202). */
    COMMAND_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** How long a resume request waits for a second operator's approval before it expires. */
    RESUME_APPROVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    /**
     * Minutes each change is kept in `change_log` for pages that reconnect: one back within it is sent what it missed,
     * one away longer re-reads everything.
     */
    CHANGE_LOG_RETENTION_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    /** Minutes without a request after which a session ends. */
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /** Hours after sign-in after which a session ends, however active. */
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
    /**
     * Admins must use two-factor sign-in (TOTP): until they enrol, pages send them to their Account page and
     * admin-only requests are refused; an admin cannot turn it off. `false` only for tests and local demos.
     */
    REQUIRE_ADMIN_2FA: booleanFlag.default(true),
    /**
     * Lets a Prometheus scraper read GET /api/metrics on the app's port with `Authorization: Bearer <token>`: 32+
     * random characters. Unset, that route answers 404 and the metrics are only on the loopback listener.
     */
    METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * The port of the metrics listener, bound to 127.0.0.1 only (GET /metrics, no session: only this machine can
     * connect). 0 turns it off. Several servers on one machine need one each; a taken port is logged and skipped.
     */
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.BETTER_AUTH_SECRET !== undefined, {
    path: ['BETTER_AUTH_SECRET'],
    message: 'is required in production (32+ random characters; `npm run demo` makes one for the demo)',
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
