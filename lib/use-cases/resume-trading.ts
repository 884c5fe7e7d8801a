import type { Command, ResumeRequest } from '../api/contract';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';
import { resumeRequestView } from './dashboard-views';
import { requireFreshAuthentication } from './fresh-authentication';
import { followCommand } from './submit-operator-command';

type Context = Pick<ServerContext, 'repositories' | 'hub' | 'env'>;

export interface ResumeAction {
  readonly operator: Operator;
  readonly reason: string;
  readonly idempotencyKey: string;
}

/**
 * The first of the two people a resume takes: an operator asks, with a reason, while the system is not RUNNING
 * (REDUCING, HALTED or EMERGENCY).
 * Nothing resumes yet; the request waits RESUME_APPROVAL_MINUTES for a different operator's approval.
 */
export async function requestResume({ operator, reason, idempotencyKey }: ResumeAction, { repositories, env }: Context = serverContext()): Promise<ResumeRequest> {
  const system = await repositories.system.current();
  if (system.mode === 'RUNNING') throw new AppError('CONFLICT', `the system is ${system.mode}: there is nothing to resume`);
  const request = await repositories.resumes.request({
    requestedBy: operator.name,
    requestedById: operator.userId,
    reason,
    idempotencyKey,
    openForMinutes: env.RESUME_APPROVAL_MINUTES,
  });
  if (request.requestedById !== operator.userId || request.reason !== reason) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different action: make a new key for each action');
  }
  return resumeRequestView(request);
}

/**
 * The second person: a different operator approves a waiting request with their own reason, having proved
 * who they are within the last five minutes. The approval gives the engine its RESUME command, followed
 * like any operator command.
 */
export async function approveResume(requestId: bigint, { operator, reason, idempotencyKey }: ResumeAction, context: Context = serverContext()): Promise<Command> {
  requireFreshAuthentication(operator);
  return followCommand(context, () =>
    context.repositories.resumes.approve({ requestId, approvedBy: operator.name, approvedById: operator.userId, reason, idempotencyKey }),
  );
}

/** The request waiting for approval now, if any: shown to every operator beside the mode's banner. */
export async function readOpenResumeRequest({ repositories }: Pick<ServerContext, 'repositories'> = serverContext()): Promise<ResumeRequest | null> {
  const open = await repositories.resumes.open();
  return open && resumeRequestView(open);
}
