import { operatorActionBody } from '@/lib/api/contract';
import { submitEmergencyHalt } from '@/lib/use-cases/submit-emergency-halt';
import { otherMethods, authorized } from '../../_lib/authorized';
import { commandResponse, idempotencyKeyOf, parseBody } from '../../_lib/http';

export const dynamic = 'force-dynamic';

/**
 * Operator: EMERGENCY for all strategies (no entries; every order out that adds risk cancelled at the broker; every
 * position flattened through EMERGENCY_EXIT, then HALTED). The answer says how many cancels the broker has not
 * answered yet.
 */
export const POST = authorized('operator', async (request, { operator }) => {
  const idempotencyKey = idempotencyKeyOf(request);
  const { reason, previewFingerprint } = await parseBody(request, operatorActionBody);
  const { command, unconfirmedCancels } = await submitEmergencyHalt({ actor: operator.name, actorId: operator.userId, reason, idempotencyKey, previewFingerprint });
  return commandResponse(command, { unconfirmedCancels });
});
export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
