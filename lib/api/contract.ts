import { z } from 'zod';
import { ALERT_EVENT_KINDS } from '../domain/alerts/alert';
import { ALERT_FORMATS } from '../domain/alerts/alert-bodies';
import { changeEventSchema, type LoggedChange } from '../domain/change-event';
import { webhookUrlProblem } from '../domain/alerts/webhook-url';
import { riskLimitsSchema } from '../domain/risk/limits-schema';
import { UNDERLYINGS } from '../domain/market/types';
import { OVERRIDE_ACTIONS } from '../domain/strategies/override-actions';
import { strategyIdSchema } from '../domain/strategies/strategy-id';
import { MODE_CAUSES, SYSTEM_MODES } from '../domain/system-mode';
import { brokerFaultsChangeSchema, brokerFaultsSchema, type BrokerFaults, type BrokerFaultsChange } from '../domain/venue-faults';

/**
 * The HTTP contract between route handlers and the browser: request bodies are parsed with these on the
 * server, responses on the client. One place, so the two sides cannot drift apart.
 */

/**
 * Characters that are not printable text: C0 and C1 controls (NUL, CR/LF, ESC, ...), the Unicode line and
 * paragraph separators, and the bidirectional overrides that can make an audit row read differently than stored.
 */
const NOT_PRINTABLE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Names the first character of `text` that is not printable text, as U+XXXX; null when all are. */
export function firstUnprintable(text: string): string | null {
  const match = NOT_PRINTABLE.exec(text);
  return match ? `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** Why an operator did something: 3-500 characters of printable text, one line, as it goes into the audit trail. */
export const reasonSchema = z
  .string()
  .trim()
  .min(3, 'A reason of at least 3 characters is required')
  .max(500, 'The reason may be at most 500 characters')
  .superRefine((reason, context) => {
    const found = firstUnprintable(reason);
    if (found) context.addIssue({ code: 'custom', message: `The reason must be printable text on one line: it contains ${found} (a control character)` });
  });

export { strategyIdSchema };

/** The fingerprint of an override's preview (`overridePreviewSchema`), 16 hex digits. */
export const previewFingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a preview fingerprint is 16 hex digits');

/**
 * An operator action: why, and for an override whose orders were previewed, the preview's fingerprint: the engine
 * compares it with what it would send (a stop goes out anyway and says what differed; a recovery is refused).
 */
export const operatorActionBody = z.strictObject({ reason: reasonSchema, previewFingerprint: previewFingerprintSchema.optional() });
export type OperatorActionBody = z.infer<typeof operatorActionBody>;

export const systemModeSchema = z.enum(SYSTEM_MODES);
export const modeCauseSchema = z.enum(MODE_CAUSES);

/** A request to leave REDUCING, HALTED or EMERGENCY, waiting for (or given) a second operator's approval. */
export const resumeRequestSchema = z.object({
  id: z.string(),
  requestedBy: z.string(),
  reason: z.string(),
  requestedAt: z.string(),
  expiresAt: z.string(),
  approvedBy: z.string().nullable(),
});
export type ResumeRequest = z.infer<typeof resumeRequestSchema>;
export const resumeRequestResponseSchema = z.object({ resumeRequest: resumeRequestSchema });

export const systemSchema = z.object({
  mode: systemModeSchema,
  /** What put the system in this mode: an operator, a loss limit, a market-data quarantine, the end of an emergency. */
  cause: modeCauseSchema,
  actor: z.string(),
  reason: z.string().nullable(),
  changedAt: z.string(),
  /** The resume request waiting for a second operator's approval, if any. */
  pendingResume: resumeRequestSchema.nullable(),
  /** Cancels an emergency halt asked the broker for that it has not answered yet (stored, so every server shows them). */
  unconfirmedCancels: z.number().int().min(0),
});

export const marketSchema = z.object({
  /** Market time, ISO 8601. */
  time: z.string(),
  spy: z.number(),
  vix: z.number(),
  isOpen: z.boolean(),
});

export const legSchema = z.object({
  underlying: z.enum(['SPY', 'QQQ', 'IWM', 'ES']),
  expiry: z.string(),
  strike: z.number(),
  right: z.enum(['C', 'P']),
  /** Signed: positive long, negative short. */
  quantity: z.number(),
});

export const positionSchema = z.object({
  structure: z.string(),
  legs: z.array(legSchema),
  /** Net cash of the opening order in dollars: a credit (positive) or a debit (negative). */
  entryCash: z.number(),
  openedAt: z.string(),
});

export const permitSchema = z.object({ allowed: z.boolean(), reasons: z.array(z.string()) });

export const strategySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  state: z.string(),
  /** Market time the current state was entered, ISO 8601. */
  stateSince: z.string(),
  version: z.number(),
  /** Who paused it and why (no new entries; management and exits go on); null while not paused. */
  pause: z.object({ actor: z.string(), reason: z.string(), since: z.string() }).nullable(),
  position: positionSchema.nullable(),
  /** Unrealised P&L in dollars at the latest market bar, null when flat. */
  pnl: z.number().nullable(),
  /** Realised P&L in dollars over all completed cycles. */
  realizedPnl: z.number(),
  entryPermit: permitSchema,
  /** Errors this cycle; at 3 the circuit breaker opens. */
  errorCount: z.number(),
  /** Why the latest transition happened. */
  lastReason: z.string().nullable(),
  description: z.string(),
});
export type StrategySummary = z.infer<typeof strategySummarySchema>;

const greeksSchema = z.object({ delta: z.number(), gamma: z.number(), vega: z.number(), theta: z.number() });

/** The account at the paper broker and the book against its limits, as the overview's risk panel shows them (at the latest bar). */
export const riskSchema = z.object({
  /** Cash plus the positions at mid. */
  netLiquidation: z.number(),
  startingBalance: z.number(),
  /** The starting balance plus every fill's cash: sales in, purchases out. */
  cash: z.number(),
  /** The broker's positions at mid: long positive, short negative. */
  positionsValue: z.number(),
  /**
   * What the broker's positions tie up, netted per underlying. The buying-power limit counts each strategy's own
   * requirement, entries in flight included, so it can read higher.
   */
  buyingPowerUsed: z.number(),
  /** Net liquidation value less the buying power used. */
  buyingPowerAvailable: z.number(),
  greeks: greeksSchema,
  spyDelta: z.number(),
  /** Net liquidation now less at the day's open (realised and unrealised), and how far below the day's high it is. */
  dayPnl: z.number(),
  drawdown: z.number(),
  limits: z.array(z.object({ limit: z.string(), used: z.number(), max: z.number(), status: z.enum(['ok', 'warning', 'critical', 'breach']) })),
  /** The fractions of a limit at which its use is a warning, then critical. */
  warnAt: z.tuple([z.number(), z.number()]),
  strategies: z.array(z.object({ id: z.string(), name: z.string(), buyingPower: z.number(), greeks: greeksSchema, spyDelta: z.number(), pnl: z.number() })),
});
export type Risk = z.infer<typeof riskSchema>;

export const overviewSchema = z.object({
  /** Null before the first market bar: nothing to price the book with. */
  risk: riskSchema.nullable(),
  /** Whether this server offers the demo-only controls (paper broker fault injection). */
  demoControls: z.boolean(),
  system: systemSchema,
  market: marketSchema.nullable(),
  strategies: z.array(strategySummarySchema),
});
export type Overview = z.infer<typeof overviewSchema>;

export const graphSchema = z.object({
  states: z.array(z.object({ id: z.string(), description: z.string().nullable() })),
  /** `guard`: the named guard that must hold for the transition to be taken, null when it has none. */
  transitions: z.array(z.object({ from: z.string(), to: z.string(), event: z.string(), guard: z.string().nullable() })),
});
export type StrategyGraph = z.infer<typeof graphSchema>;

export const transitionRowSchema = z.object({
  seq: z.number(),
  fromState: z.string().nullable(),
  toState: z.string(),
  eventType: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  marketTime: z.string(),
  wallTime: z.string(),
});
export type TransitionRow = z.infer<typeof transitionRowSchema>;

export const errorRowSchema = z.object({
  id: z.string(),
  state: z.string(),
  type: z.string(),
  message: z.string(),
  marketTime: z.string(),
  wallTime: z.string(),
});
export type ErrorRow = z.infer<typeof errorRowSchema>;

export const refusalRowSchema = z.object({
  id: z.string(),
  state: z.string(),
  eventType: z.string(),
  actor: z.string(),
  reason: z.string(),
  marketTime: z.string(),
  wallTime: z.string(),
});
export type RefusalRow = z.infer<typeof refusalRowSchema>;

/** How many of a strategy's latest transitions its page lists. */
export const TRANSITION_HISTORY_LIMIT = 200;

export const strategyDetailSchema = z.object({
  system: systemSchema,
  market: marketSchema.nullable(),
  strategy: strategySummarySchema,
  graph: graphSchema,
  /** Newest first, at most TRANSITION_HISTORY_LIMIT. */
  transitions: z.array(transitionRowSchema),
  errors: z.array(errorRowSchema),
  refusals: z.array(refusalRowSchema),
});
export type StrategyDetail = z.infer<typeof strategyDetailSchema>;

/** `GET /api/strategies/:id/latest?afterSeq=N`: the transitions after the newest one the page holds (none held: 0). */
export const strategyUpdateQuerySchema = z.strictObject({ afterSeq: z.coerce.number().int().min(0).max(2_147_483_647).default(0) });

/**
 * What a change to one strategy re-reads: the strategy's page as it is now without its machine's graph (it never
 * changes), and only the transitions after `afterSeq` (newest first); errors and refused events whole (they are few).
 */
export const strategyUpdateSchema = strategyDetailSchema.omit({ graph: true });
export type StrategyUpdate = z.infer<typeof strategyUpdateSchema>;

/** `PUT /api/paper-broker/faults` (demo only): the faults to change; the others stay as they are. */
export const brokerFaultsChangeBody = brokerFaultsChangeSchema;
export type { BrokerFaults, BrokerFaultsChange };

/** `GET` and `PUT /api/paper-broker/faults` (demo only): the paper broker's injected faults as they now stand. */
export const brokerFaultsResponseSchema = z.object({ faults: brokerFaultsSchema });
export type BrokerFaultsResponse = z.infer<typeof brokerFaultsResponseSchema>;

export const commandStatusSchema = z.enum(['pending', 'executing', 'done', 'rejected', 'failed']);

export const commandSchema = z.object({
  id: z.string(),
  type: z.string(),
  strategyId: z.string().nullable(),
  actor: z.string(),
  reason: z.string(),
  status: commandStatusSchema,
  outcome: z.string().nullable(),
  /** Why it was rejected, when a client acts on it: PREVIEW_CHANGED. */
  outcomeCode: z.string().nullable(),
});
export type Command = z.infer<typeof commandSchema>;

/** `GET /api/strategies/:id/preview?action=`: the override whose orders to preview. */
export const strategyPreviewQuerySchema = z.strictObject({ action: z.enum(['defensive-exit', 'recover']) });

const plannedLegSchema = z.object({
  underlying: z.enum(UNDERLYINGS),
  expiry: z.string(),
  strike: z.number(),
  right: z.enum(['C', 'P']),
  side: z.enum(['BUY', 'SELL']),
  quantity: z.number(),
  limitPrice: z.number(),
});

const plannedOrderSchema = z.object({
  strategyId: z.string(),
  clientOrderId: z.string(),
  purpose: z.enum(['ENTRY', 'CLOSE', 'ADJUST', 'UNWIND']),
  when: z.enum(['now', 'after-settling']),
  legs: z.array(plannedLegSchema),
  netPrice: z.number(),
});

const strategyPlanSchema = z.object({
  strategyId: z.string(),
  name: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  refusal: z.string().nullable(),
  landsIn: z.string().nullable(),
  orders: z.array(plannedOrderSchema),
  cancels: z.array(z.object({ strategyId: z.string(), clientOrderId: z.string(), purpose: z.enum(['ENTRY', 'CLOSE', 'ADJUST', 'UNWIND']) })),
  notes: z.array(z.string()),
});

/**
 * `GET /api/strategies/:id/preview` and `GET /api/system/halt/preview`: what an override would send now, per strategy
 * (orders with their legs and limit prices from the chain; cancels by client order id), computed by the code that
 * sends it, from the stored snapshots and the latest bar; `fingerprint` goes back with the confirmation.
 */
export const overridePreviewSchema = z.object({
  action: z.enum(OVERRIDE_ACTIONS),
  barTime: z.string(),
  strategies: z.array(strategyPlanSchema),
  notes: z.array(z.string()),
  fingerprint: previewFingerprintSchema,
});
export type OverridePreview = z.infer<typeof overridePreviewSchema>;
export type PlannedOrderView = z.infer<typeof plannedOrderSchema>;

export const commandResponseSchema = z.object({ command: commandSchema });

/** `POST /api/system/halt`: the command, and how many of the cancels it asked the broker for are not answered yet. */
export const haltResponseSchema = commandResponseSchema.extend({ unconfirmedCancels: z.number().int().min(0) });
export type HaltResponse = z.infer<typeof haltResponseSchema>;

/** `GET /api/commands`: the latest operator commands, newest first, with when they were given and settled. */
export const recentCommandsSchema = z.object({
  commands: z.array(commandSchema.extend({ createdAt: z.string(), completedAt: z.string().nullable() })),
});
export type RecentCommand = z.infer<typeof recentCommandsSchema>['commands'][number];

export { riskLimitsSchema };
export type { RiskLimits } from '../domain/risk/limits';

/**
 * `PUT /api/risk/limits`: every limit as it should be, why, and the version of the limits it was edited from (a
 * change made meanwhile by someone else is a 409, never silently overwritten). Sent with an Idempotency-Key.
 */
export const riskLimitsChangeBody = z.strictObject({ limits: riskLimitsSchema, reason: reasonSchema, version: z.int().min(0) });
export type RiskLimitsChangeBody = z.input<typeof riskLimitsChangeBody>;

/** `GET` and `PUT /api/risk/limits`: the limits in force, who set them, when and why (all null while they are the defaults). */
export const riskLimitsResponseSchema = z.object({
  limits: riskLimitsSchema,
  /** 0 while DESIGN.md's defaults are in force; each change adds one. */
  version: z.number(),
  changedBy: z.string().nullable(),
  reason: z.string().nullable(),
  changedAt: z.string().nullable(),
  /** The strategies an allocation may name. */
  strategies: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type RiskLimitsResponse = z.infer<typeof riskLimitsResponseSchema>;

/** The one error shape every route handler answers with. */
export const errorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * What `GET /api/events` sends as each Server-Sent Event's data: a change notification (liveChangeSchema), with the
 * changed data only for a strategy's transitions. Every event's `id` is a change id; a reconnect sends the last one as
 * `Last-Event-ID` and is sent what it missed.
 */
export { changeEventSchema, loggedChangeSchema, type ChangeEvent, type LoggedChange } from '../domain/change-event';
/**
 * What a `transition` change of one strategy brings along, so a page applies it without a round trip: the strategy as
 * it is now and the transitions newer than the ones this server announced before (newest first; the first after it
 * started: the newest alone). A page whose newest transition does not join the oldest of these re-reads instead.
 * Only what every signed-in role may read (the strategy page's own rows), and never on a replay: that is re-read.
 */
export const strategyChangeSchema = z.object({
  strategy: strategySummarySchema,
  transitions: z.array(transitionRowSchema),
});
export type StrategyChange = z.infer<typeof strategyChangeSchema>;

/** A stream's change event, as the page reads it: the change, and, for a transition announced live, what changed. */
export const liveChangeSchema = changeEventSchema.extend({ update: strategyChangeSchema.optional() });
export type LiveChangeEvent = z.infer<typeof liveChangeSchema>;
/** A stream's change event, as the server sends it: the change as logged, with its id. */
export type LiveChange = LoggedChange & LiveChangeEvent;

/** The named event that says "re-read everything": what was missed cannot be replayed (or nothing vouches for it). */
export const RELOAD_EVENT = 'reload';

/** `POST /api/session/reauthenticate`: the signed-in user's password, or a code from their authenticator app. */
export const reauthenticateBody = z.union([
  z.strictObject({ password: z.string().min(1, 'Enter your password').max(128) }),
  z.strictObject({ code: z.string().regex(/^\d{6}$/, 'An authenticator code is 6 digits') }),
]);
export type ReauthenticateBody = z.infer<typeof reauthenticateBody>;
export const reauthenticateResponseSchema = z.object({ authenticatedAt: z.string() });

const stateName = z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'a state is a name like ACTIVE or EMERGENCY_EXIT');
const printableFilter = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .refine((text) => firstUnprintable(text) === null, 'printable text only');
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** `GET /api/audit` and its export: the page's filters (empty ones ignored), a cursor and a page size. */
export const auditQuerySchema = z.strictObject({
  strategy: z.preprocess(emptyAsUndefined, strategyIdSchema.optional()),
  actor: z.preprocess(emptyAsUndefined, printableFilter.optional()),
  kind: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z][a-z-]{0,39}$/, 'a kind like transition or sign-in').optional()),
  state: z.preprocess(emptyAsUndefined, stateName.optional()),
  from: z.preprocess(emptyAsUndefined, z.iso.datetime({ offset: true, local: false }).optional()),
  to: z.preprocess(emptyAsUndefined, z.iso.datetime({ offset: true, local: false }).optional()),
  q: z.preprocess(emptyAsUndefined, printableFilter.optional()),
  cursor: z.preprocess(emptyAsUndefined, z.string().regex(/^\d{1,18}$/, 'a cursor from the previous page').optional()),
  limit: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(500).default(50)),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditRowSchema = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  strategyId: z.string().nullable(),
  actor: z.string(),
  fromState: z.string().nullable(),
  state: z.string().nullable(),
  eventType: z.string().nullable(),
  detail: z.string().nullable(),
  marketTime: z.string().nullable(),
  /** SHA-256 of the previous row's hash and this row's content, hex. */
  hash: z.string(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const auditPageSchema = z.object({ rows: z.array(auditRowSchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

export const auditVerificationSchema = z.object({
  checked: z.number(),
  intact: z.boolean(),
  brokenId: z.string().nullable(),
  problem: z.string().nullable(),
});
export type AuditVerificationResult = z.infer<typeof auditVerificationSchema>;

export const auditChoicesSchema = z.object({
  strategies: z.array(z.object({ id: z.string(), name: z.string() })),
  actors: z.array(z.string()),
  kinds: z.array(z.string()),
});
export type AuditChoices = z.infer<typeof auditChoicesSchema>;

/** The roles, as lib/auth/roles.ts has them (lib/api may not import it; lib/auth/roles.test.ts holds the two equal). */
export const roleSchema = z.enum(['viewer', 'operator', 'admin']);

/** A person's name or an email as typed: printable text on one line. */
const printableLine = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} may be at most ${max} characters`)
    .refine((text) => firstUnprintable(text) === null, `${what} must be printable text on one line`);

const emailSchema = z.email('Enter an email address').max(254).transform((email) => email.toLowerCase());
/** better-auth's own limits (lib/auth/auth.ts): 12 to 128 characters. */
const newPasswordSchema = z.string().min(12, 'The password must be at least 12 characters').max(128, 'The password may be at most 128 characters');

/** `POST /api/setup` (first start only): the first admin, the password typed twice. */
export const setupBody = z
  .strictObject({ name: printableLine('The name', 100), email: emailSchema, password: newPasswordSchema, passwordAgain: z.string() })
  .refine((body) => body.password === body.passwordAgain, { path: ['passwordAgain'], message: 'The two passwords differ' });
export type SetupBody = z.input<typeof setupBody>;

export const userSummarySchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  hasTwoFactor: z.boolean(),
  disabled: z.boolean(),
  liveSessions: z.number(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

/** `GET /api/users` (admins): every user. */
export const usersResponseSchema = z.object({ users: z.array(userSummarySchema) });
/** What every change to a user answers: the user as they now are. */
export const userResponseSchema = z.object({ user: userSummarySchema });

/** `POST /api/users` (admins, fresh authentication): a new user with an initial password, and why. */
export const addUserBody = z.strictObject({
  email: emailSchema,
  name: printableLine('The name', 100),
  role: roleSchema,
  password: newPasswordSchema,
  reason: reasonSchema,
});
export type AddUserBody = z.input<typeof addUserBody>;

/** `POST /api/users/:id/role` (admins, fresh authentication). */
export const changeRoleBody = z.strictObject({ role: roleSchema, reason: reasonSchema });
export type ChangeRoleBody = z.input<typeof changeRoleBody>;

/** `POST /api/setup` and `POST /api/users`: the user just created. */
export const createdUserResponseSchema = z.object({ user: z.object({ id: z.string(), email: z.string() }) });

export const alertFormatSchema = z.enum(ALERT_FORMATS);
export const alertEventKindSchema = z.enum(ALERT_EVENT_KINDS);

/** `POST /api/alerts/webhooks` and `PUT /api/alerts/webhooks/:id` (admins): every setting of a webhook. */
export const alertWebhookBody = z.strictObject({
  name: printableLine('The name', 100),
  url: z
    .string()
    .trim()
    .superRefine((url, context) => {
      const problem = webhookUrlProblem(url);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  format: alertFormatSchema,
  events: z
    .array(alertEventKindSchema)
    .min(1, 'Choose at least one event')
    .refine((events) => new Set(events).size === events.length, 'Each event may be chosen once'),
  enabled: z.boolean(),
});
export type AlertWebhookBody = z.input<typeof alertWebhookBody>;

export const alertWebhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** In full for admins; for anyone else only its origin, as its path may hold the webhook's secret. */
  url: z.string(),
  format: alertFormatSchema,
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertWebhook = z.infer<typeof alertWebhookSchema>;

export const alertDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
export const alertDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  webhookName: z.string(),
  eventKind: z.string(),
  status: alertDeliveryStatusSchema,
  attempts: z.number(),
  /** When a pending delivery is tried next. */
  nextAttemptAt: z.string(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

/** `GET /api/alerts` (operators): the webhooks and the latest deliveries, newest first. */
export const alertsResponseSchema = z.object({ webhooks: z.array(alertWebhookSchema), deliveries: z.array(alertDeliverySchema) });
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

/** What adding or changing a webhook answers: the webhook as it now is. */
export const alertWebhookResponseSchema = z.object({ webhook: alertWebhookSchema });
/** `DELETE /api/alerts/webhooks/:id`: the webhook removed. */
export const removedAlertWebhookResponseSchema = z.object({ removed: z.object({ id: z.string() }) });
/** `POST /api/alerts/webhooks/:id/test`: the test delivery queued; its outcome shows in `GET /api/alerts`. */
export const testAlertResponseSchema = z.object({ delivery: z.object({ id: z.string() }) });

/**
 * `GET /api/ready` (public, for load balancers): 200 when this server can serve, 503 naming what it lacks, the same
 * shape either way. Leases held are reported, not required: a server running no strategy yet is still ready.
 */
export const readinessSchema = z.object({
  ready: z.boolean(),
  notReady: z.array(z.enum(['database', 'migrations'])),
  database: z.object({ reachable: z.boolean() }),
  /** The migrations this code brings that the database has not applied; null when it could not be asked. */
  migrations: z.object({ pending: z.array(z.string()).nullable() }),
  /** This server's unexpired leases (the market clock, its strategies); null when the database could not be asked. */
  leases: z.object({ held: z.number().int().nullable() }),
});
export type Readiness = z.infer<typeof readinessSchema>;
