import type { HaltResponse } from '../api/contract';
import { serverContext } from '../server/context';
import { submitOperatorCommand, type OperatorCommandRequest, type SubmitOptions } from './submit-operator-command';

/**
 * The kill switch: an EMERGENCY_HALT command for the engine, awaited as any operator command, answered with how
 * many of the cancels it asked the broker for are still unanswered, as stored (the overview shows the same count
 * until it reaches 0).
 */
export async function submitEmergencyHalt(
  request: Omit<OperatorCommandRequest, 'type' | 'strategyId'>,
  { context = serverContext() }: SubmitOptions = {},
): Promise<HaltResponse> {
  const command = await submitOperatorCommand({ ...request, type: 'EMERGENCY_HALT', strategyId: null }, { context });
  return { command, unconfirmedCancels: await context.repositories.cancels.countUnconfirmed() };
}
