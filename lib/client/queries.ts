import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  alertsResponseSchema,
  alertWebhookResponseSchema,
  auditChoicesSchema,
  auditPageSchema,
  auditVerificationSchema,
  brokerFaultsResponseSchema,
  commandResponseSchema,
  createdUserResponseSchema,
  errorResponseSchema,
  overviewSchema,
  reauthenticateResponseSchema,
  resumeRequestResponseSchema,
  recentCommandsSchema,
  riskLimitsResponseSchema,
  strategyDetailSchema,
  strategyUpdateSchema,
  removedAlertWebhookResponseSchema,
  testAlertResponseSchema,
  type AlertWebhookBody,
  type AuditVerificationResult,
  type Command,
  type ReauthenticateBody,
  type RiskLimitsChangeBody,
  type SetupBody,
  type StrategyDetail,
  usersResponseSchema,
} from '@/lib/api/contract';
import { applyStrategyUpdate, newestSeq } from '@/lib/client/strategy-update';

/** A request the server answered with an error; `message` is the server's own words, fit to show an operator. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchParsed<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.output<S>> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = errorResponseSchema.safeParse(body);
    if (error.success) throw new ApiError(error.data.error.message, res.status, error.data.error.code);
    throw new ApiError(`The server answered ${res.status} ${res.statusText}`.trim(), res.status, 'HTTP_ERROR');
  }
  return schema.parse(body);
}

/**
 * One factory per resource. The overview's key is a prefix of every detail's key, so invalidating
 * `['strategies']` refreshes both; pass `exact: true` to refresh the overview alone.
 */
export const strategyQueries = {
  all: () => ['strategies'] as const,
  overview: () =>
    queryOptions({
      queryKey: ['strategies'] as const,
      queryFn: ({ signal }) => fetchParsed('/api/strategies', overviewSchema, { signal }),
    }),
  /** Read whole once; after that, a change re-reads only the strategy now and the transitions the page lacks. */
  detail: (id: string) =>
    queryOptions({
      queryKey: ['strategies', id] as const,
      queryFn: async ({ client, queryKey, signal }): Promise<StrategyDetail> => {
        const url = `/api/strategies/${encodeURIComponent(id)}`;
        const held = client.getQueryData<StrategyDetail>(queryKey);
        if (held) {
          const update = await fetchParsed(`${url}/latest?afterSeq=${newestSeq(held)}`, strategyUpdateSchema, { signal });
          const updated = applyStrategyUpdate(held, update);
          if (updated) return updated;
        }
        return fetchParsed(url, strategyDetailSchema, { signal });
      },
    }),
};

/** The latest operator commands. Refreshed on every `operator_command` change, so a command's status moves live. */
export const commandQueries = {
  all: () => ['commands'] as const,
  recent: () =>
    queryOptions({
      queryKey: ['commands'] as const,
      queryFn: async ({ signal }) => (await fetchParsed('/api/commands', recentCommandsSchema, { signal })).commands,
    }),
};

/** Every user, for admins. Refreshed after each change an admin makes. */
export const userQueries = {
  all: () => ['users'] as const,
  list: () =>
    queryOptions({
      queryKey: userQueries.all(),
      queryFn: async ({ signal }) => (await fetchParsed('/api/users', usersResponseSchema, { signal })).users,
    }),
};

export const BROKER_FAULTS_URL = '/api/paper-broker/faults';

/** The paper broker's injected faults (demo only). Refreshed on every `paper_broker_settings` change. */
export const brokerFaultQueries = {
  all: () => ['paper-broker', 'faults'] as const,
  current: () =>
    queryOptions({
      queryKey: brokerFaultQueries.all(),
      queryFn: async ({ signal }) => (await fetchParsed(BROKER_FAULTS_URL, brokerFaultsResponseSchema, { signal })).faults,
    }),
};

export const RISK_LIMITS_URL = '/api/risk/limits';

/** The risk limits in force, who changed them last and why. Refreshed on every `risk_limits` change. */
export const riskLimitQueries = {
  all: () => ['risk', 'limits'] as const,
  current: () =>
    queryOptions({
      queryKey: riskLimitQueries.all(),
      queryFn: ({ signal }) => fetchParsed(RISK_LIMITS_URL, riskLimitsResponseSchema, { signal }),
    }),
};

/**
 * Sets every risk limit, with a reason, from the version they were edited from, under `idempotencyKey` (a retry
 * is the same change). Throws an `ApiError`: 403 REAUTHENTICATION_REQUIRED when raising needs the admin to
 * confirm who they are, 409 when someone changed the limits meanwhile.
 */
export function putRiskLimits(body: RiskLimitsChangeBody, idempotencyKey: string) {
  return fetchParsed(RISK_LIMITS_URL, riskLimitsResponseSchema, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
}

/**
 * Sends an operator command (defensive exit, halt, resume) under `idempotencyKey`: a retry with the same
 * key is the same command, never a second one. Resolves with the command once the server
 * has accepted it (status `done`, or `pending`/`executing` when the engine has not finished yet); throws
 * an `ApiError` carrying the server's reason when it was refused.
 */
export async function postOperatorAction(url: string, reason: string, idempotencyKey: string, previewFingerprint?: string): Promise<Command> {
  const { command } = await fetchParsed(url, commandResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    // With the preview the operator confirmed, when one was shown: the engine compares it with what it would send.
    body: JSON.stringify({ reason, previewFingerprint }),
  });
  if (command.status === 'rejected' || command.status === 'failed') {
    throw new ApiError(command.outcome ?? `The command was ${command.status}`, 409, command.status.toUpperCase());
  }
  return command;
}

/**
 * A fresh key for one operator action. From getRandomValues, not randomUUID: the latter exists only on
 * https or localhost, and the control room may be opened over plain http on a private network.
 */
export const newIdempotencyKey = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

/** Proves again who the signed-in user is (password or authenticator code); throws an `ApiError` when wrong. */
export async function reauthenticate(proof: ReauthenticateBody): Promise<void> {
  await fetchParsed('/api/session/reauthenticate', reauthenticateResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proof),
  });
}

/** The server's answer to a sensitive action whose operator has not proved who they are recently enough. */
export const isReauthenticationRequired = (error: unknown): boolean => error instanceof ApiError && error.code === 'REAUTHENTICATION_REQUIRED';

/** Asks for a resume (the first of two operators); resolves with nothing to follow: the approval resumes. */
export async function postResumeRequest(reason: string, idempotencyKey: string): Promise<null> {
  await fetchParsed('/api/system/resume', resumeRequestResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ reason }),
  });
  return null;
}

/** The filters the audit page reads from (and writes to) its URL, so a filtered view can be shared or reloaded. */
export const AUDIT_FILTERS = ['strategy', 'actor', 'kind', 'state', 'from', 'to', 'q'] as const;
export type AuditFilters = Partial<Record<(typeof AUDIT_FILTERS)[number], string>>;

/**
 * The audit filters a URL's query names, the ones left empty left out: the page on the server and in the browser
 * read the same URL into the same filters, hence the same query key.
 */
export const auditFiltersFrom = (params: URLSearchParams): AuditFilters =>
  Object.fromEntries(AUDIT_FILTERS.flatMap((name) => (params.get(name) ? [[name, params.get(name)!]] : [])));

/** The audit trail, a page at a time (newest first), for the filters in the page's URL. */
export const auditQueries = {
  all: () => ['audit'] as const,
  page: (filters: AuditFilters) =>
    infiniteQueryOptions({
      queryKey: ['audit', 'rows', filters] as const,
      initialPageParam: null as string | null,
      queryFn: ({ pageParam, signal }) =>
        fetchParsed(`/api/audit?${new URLSearchParams({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) }).toString()}`, auditPageSchema, { signal }),
      getNextPageParam: (last) => last.nextCursor,
    }),
  choices: () =>
    queryOptions({
      queryKey: ['audit', 'choices'] as const,
      queryFn: ({ signal }) => fetchParsed('/api/audit/choices', auditChoicesSchema, { signal }),
    }),
};

/** Asks the server to recompute the audit trail's hash chain: "intact", or the first broken row. */
export const verifyAuditTrail = (): Promise<AuditVerificationResult> => fetchParsed('/api/audit/verify', auditVerificationSchema);

/** Sends a JSON body to one of our routes with POST; resolves with the parsed answer, throws an `ApiError` when refused. */
export function postJson<S extends z.ZodType>(url: string, body: unknown, schema: S): Promise<z.output<S>> {
  return fetchParsed(url, schema, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** First start only: creates the first admin; throws an `ApiError` (409) once any user exists. */
export const setUpFirstAdmin = (body: SetupBody) => postJson('/api/setup', body, createdUserResponseSchema);

/**
 * The alert webhooks and the latest deliveries. Polled every 2 s while a delivery is pending (a test, a retry),
 * since deliveries announce nothing; otherwise read when the page opens and after each change.
 */
export const alertQueries = {
  all: () => ['alerts'] as const,
  settings: () =>
    queryOptions({
      queryKey: alertQueries.all(),
      queryFn: ({ signal }) => fetchParsed('/api/alerts', alertsResponseSchema, { signal }),
      refetchInterval: (query) => (query.state.data?.deliveries.some((delivery) => delivery.status === 'pending') ? 2_000 : false),
    }),
};

const webhookUrl = (id: string) => `/api/alerts/webhooks/${encodeURIComponent(id)}`;

/** Adds an alert webhook (admins). */
export const addAlertWebhook = (body: AlertWebhookBody) => postJson('/api/alerts/webhooks', body, alertWebhookResponseSchema);

/** Sets every setting of an alert webhook (admins): how it is enabled and disabled. */
export const changeAlertWebhook = (id: string, body: AlertWebhookBody) =>
  fetchParsed(webhookUrl(id), alertWebhookResponseSchema, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Removes an alert webhook and its deliveries (admins). */
export const removeAlertWebhook = (id: string) => fetchParsed(webhookUrl(id), removedAlertWebhookResponseSchema, { method: 'DELETE' });

/** Queues a test alert to one webhook (admins); resolves with the delivery's id, whose outcome `alertQueries` shows. */
export const sendTestAlert = async (id: string): Promise<string> => (await postJson(`${webhookUrl(id)}/test`, {}, testAlertResponseSchema)).delivery.id;
