import { operatorActionBody } from '@/lib/api/contract';
import { AppError } from '@/lib/errors';
import { approveResume } from '@/lib/use-cases/resume-trading';
import { authorized, otherMethods } from '../../../../_lib/authorized';
import { commandResponse, idempotencyKeyOf, parseBody } from '../../../../_lib/http';

export const dynamic = 'force-dynamic';

/**
 * Operator, not the one who asked, authenticated within the last five minutes: approve a waiting resume
 * request. Trading resumes through the RESUME command this gives the engine, answered like every command.
 */
export const POST = authorized<{ id: string }>('operator', async (request, { operator, params }) => {
  if (!/^\d{1,18}$/.test(params.id)) throw new AppError('NOT_FOUND', `no resume request ${params.id.slice(0, 40)}`);
  const idempotencyKey = idempotencyKeyOf(request);
  const { reason } = await parseBody(request, operatorActionBody);
  return commandResponse(await approveResume(BigInt(params.id), { operator, reason, idempotencyKey }));
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
