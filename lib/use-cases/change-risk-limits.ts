import type { RiskLimitsResponse } from '../api/contract';
import { hasRole } from '../auth/roles';
import { describeLimitChanges, limitChanges, type LimitChange } from '../domain/risk/limit-changes';
import type { RiskLimits } from '../domain/risk/limits';
import { AppError } from '../errors';
import { serverContext, type Repositories, type ServerContext } from '../server/context';
import { ENROL_TWO_FACTOR_FIRST, mustEnrolTwoFactor, type Operator } from './authorize-request';
import { requireFreshAuthentication } from './fresh-authentication';
import { riskLimitsView } from './read-risk-limits';
import { requestOrigin } from './request-origin';

/** A change to the risk limits, as an operator asked for it. */
export interface RiskLimitsChange {
  readonly by: Operator;
  /** Every limit as it should be. */
  readonly limits: RiskLimits;
  readonly reason: string;
  /** The version of the limits the change was made from (0: the defaults). */
  readonly version: number;
  readonly idempotencyKey: string;
  /** The HTTP request it came with, for where it came from. */
  readonly request?: Request;
}

type Context = Pick<ServerContext, 'auth' | 'env' | 'repositories'>;
type StoredRiskLimits = Awaited<ReturnType<Repositories['riskLimits']['read']>>;

/**
 * Changes the risk limits, asymmetrically safe: any operator may tighten them in one step, but a change that
 * raises any limit (see `limitChanges`) is "starting again" and needs an admin who has just proved who they are
 * (403 REAUTHENTICATION_REQUIRED otherwise, which the page answers by asking). The change is made only from the
 * version its editor saw (409 when someone changed them since); the same request sent again (same
 * Idempotency-Key) is answered with what it did. Stored with its audit row, naming the operator, the reason and
 * every changed limit before and after; every server's engine follows it.
 */
export async function changeRiskLimits(change: RiskLimitsChange, context: Context = serverContext()): Promise<RiskLimitsResponse> {
  const { repositories } = context;
  // The route lets operators in; checked here too, so no other caller can skip it.
  if (!hasRole(change.by.role, 'operator')) throw new AppError('FORBIDDEN', `changing the risk limits needs the operator role; you are signed in as ${change.by.role}`);
  const [current, strategies] = await Promise.all([repositories.riskLimits.read(), repositories.strategies.list()]);
  if (isSentBefore(change, current)) return riskLimitsView(current, strategies);
  if (current.version !== change.version) throw changedMeanwhile(change, current);
  const unknown = Object.keys(change.limits.strategyAllocation).filter((id) => !strategies.some((strategy) => strategy.id === id));
  if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `strategyAllocation: no strategy has the id ${unknown.join(', ')}`);
  const changes = limitChanges(current.limits, change.limits);
  if (changes.length === 0) throw new AppError('VALIDATION_FAILED', 'these are the limits in force already: nothing to change');
  await authorizeRaising(change, changes, context);

  const stored = await repositories.riskLimits.change({
    limits: change.limits,
    expectedVersion: change.version,
    actor: change.by.name,
    actorId: change.by.userId,
    reason: change.reason,
    idempotencyKey: change.idempotencyKey,
    detail: `version ${change.version + 1}: ${describeLimitChanges(changes)}; reason: ${change.reason}`,
    origin: requestOrigin(change.request, context),
  });
  if (stored) return riskLimitsView(stored, strategies);
  // Someone else's change landed between the read and the write, or this very request did, sent twice at once.
  const now = await repositories.riskLimits.read();
  if (isSentBefore(change, now)) return riskLimitsView(now, strategies);
  throw changedMeanwhile(change, now);
}

/**
 * Whether `current` is this very request's change, made already (its Idempotency-Key is the last change's). The
 * key reused by someone else, or for other limits, is a 422. A key older than the last change needs no check
 * here: its version is stale, so it is refused as such and never made twice.
 */
function isSentBefore(change: RiskLimitsChange, current: StoredRiskLimits): boolean {
  if (current.idempotencyKey !== change.idempotencyKey) return false;
  if (current.changedById === change.by.userId && limitChanges(current.limits, change.limits).length === 0) return true;
  throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was sent with a different change: use a fresh key for each change');
}

function changedMeanwhile(change: RiskLimitsChange, current: StoredRiskLimits): AppError {
  const by = current.changedBy ? ` by ${current.changedBy}` : '';
  return new AppError(
    'STALE_VERSION',
    `the limits were changed${by} since you loaded them (version ${change.version}, now ${current.version}): reload them and make your change again`,
  );
}

/**
 * Tightening needs nothing more than the operator role the route asks for. Raising any limit needs the admin role
 * (a refusal is recorded, like the gate's), two-factor sign-in where admins must have it, and a fresh
 * authentication.
 */
async function authorizeRaising(change: RiskLimitsChange, changes: readonly LimitChange[], context: Context): Promise<void> {
  const raised = changes.filter((limitChange) => limitChange.isRaised).map((limitChange) => limitChange.field);
  if (raised.length === 0) return;
  const { by } = change;
  const refusal = raisingRefusal(by, raised, context);
  if (refusal) {
    await context.repositories.accessEvents.record({
      kind: 'denied',
      userId: by.userId,
      actor: by.name,
      ...requestOrigin(change.request, context),
      detail: `403: ${refusal}`,
    });
    throw new AppError('FORBIDDEN', refusal);
  }
  requireFreshAuthentication(by);
}

/** Why `by` may not raise limits, or null when they may (given a fresh authentication). */
function raisingRefusal(by: Operator, raised: readonly string[], context: Context): string | null {
  if (!hasRole(by.role, 'admin')) return `raising a limit needs the admin role; you are signed in as ${by.role} (this change raises ${raised.join(', ')})`;
  if (mustEnrolTwoFactor(by, context)) return ENROL_TWO_FACTOR_FIRST;
  return null;
}
