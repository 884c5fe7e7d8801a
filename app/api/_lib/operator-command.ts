import { operatorActionBody } from '@/lib/api/contract';
import { submitOperatorCommand, type CommandType } from '@/lib/use-cases/submit-operator-command';
import { commandResponse, idempotencyKeyOf, parseBody } from './http';
import { authorized } from './authorized';
import { strategyIdFrom } from './strategy-id';

/** The POST handler of a system-wide operator action: authorize, parse, submit under the operator's name, map. */
export function systemCommandRoute(type: CommandType) {
  return authorized('operator', async (request, { operator }) => {
    const idempotencyKey = idempotencyKeyOf(request);
    const { reason, previewFingerprint } = await parseBody(request, operatorActionBody);
    return commandResponse(
      await submitOperatorCommand({ type, strategyId: null, actor: operator.name, actorId: operator.userId, reason, idempotencyKey, previewFingerprint }),
    );
  });
}

/** The POST handler of an operator action on one strategy: as above; 404 for an unknown strategy. */
export function strategyCommandRoute(type: CommandType) {
  return authorized<{ id: string }>('operator', async (request, { operator, params }) => {
    const strategyId = strategyIdFrom(params);
    const idempotencyKey = idempotencyKeyOf(request);
    const { reason, previewFingerprint } = await parseBody(request, operatorActionBody);
    return commandResponse(
      await submitOperatorCommand({ type, strategyId, actor: operator.name, actorId: operator.userId, reason, idempotencyKey, previewFingerprint }),
    );
  });
}
