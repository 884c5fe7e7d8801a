import type { AuditChoices, AuditPage, AuditQuery, AuditRow, AuditVerificationResult } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { exportChunks } from './audit-export';

type Context = Pick<ServerContext, 'repositories'>;
type AuditRecord = Awaited<ReturnType<ServerContext['repositories']['audit']['page']>>['rows'][number];
type AuditFilter = Parameters<ServerContext['repositories']['audit']['page']>[0];

/** The kinds of row the trail holds, for the page's filter. */
export const AUDIT_KINDS = [
  'transition',
  'refusal',
  'error',
  'command',
  'command-settled',
  'resume-requested',
  'resume-approved',
  'mode-changed',
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'denied',
  'reauthenticated',
  'reauthentication-failed',
  'two-factor-enabled',
  'two-factor-disabled',
  'first-admin-set-up',
  'user-added',
  'role-changed',
  'sessions-ended',
  'user-disabled',
  'user-enabled',
  'risk-limits-changed',
] as const;

function auditRowView(record: AuditRecord): AuditRow {
  return {
    id: record.id.toString(),
    at: record.at.toISOString(),
    kind: record.kind,
    strategyId: record.strategyId,
    actor: record.actor,
    fromState: record.fromState,
    state: record.state,
    eventType: record.eventType,
    detail: record.detail,
    marketTime: record.marketTime?.toISOString() ?? null,
    hash: Buffer.from(record.hash).toString('hex'),
  };
}

function filterOf(query: AuditQuery): AuditFilter {
  return {
    strategyId: query.strategy,
    actor: query.actor,
    kind: query.kind,
    state: query.state,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    text: query.q,
  };
}

/** One page of the audit trail, newest first, and the cursor of the next (older) page. */
export async function readAuditPage(query: AuditQuery, { repositories }: Context = serverContext()): Promise<AuditPage> {
  const { rows, hasMore } = await repositories.audit.page(filterOf(query), query.limit, query.cursor === undefined ? undefined : BigInt(query.cursor));
  return { rows: rows.map(auditRowView), nextCursor: hasMore ? rows.at(-1)!.id.toString() : null };
}

/** Every row the filter matches, as CSV or JSON text chunks, read from the database a batch at a time. */
export function exportAudit(query: AuditQuery, format: 'csv' | 'json', { repositories }: Context = serverContext()): AsyncGenerator<string> {
  async function* rows() {
    for await (const record of repositories.audit.all(filterOf(query))) yield auditRowView(record);
  }
  return exportChunks(rows(), format);
}

/** Whether the trail is as written: every row's hash and link recomputed by the database. */
export async function verifyAudit({ repositories }: Context = serverContext()): Promise<AuditVerificationResult> {
  const { checked, brokenId, problem } = await repositories.audit.verify();
  return { checked: Number(checked), intact: brokenId === null, brokenId: brokenId?.toString() ?? null, problem };
}

/** What the filters offer: the strategies, the actors who appear in the trail, the kinds of row. */
export async function readAuditChoices({ repositories }: Context = serverContext()): Promise<AuditChoices> {
  const [strategies, actors] = await Promise.all([repositories.strategies.list(), repositories.audit.actors()]);
  return { strategies: strategies.map(({ id, name }) => ({ id, name })), actors, kinds: [...AUDIT_KINDS] };
}
