import type { BrokerFaults } from '../api/contract';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

/** Demo only: with DEMO_CONTROLS=false the paper broker's fault controls do not exist. */
export function assertDemoControls({ env }: Pick<ServerContext, 'env'>): void {
  if (!env.DEMO_CONTROLS) throw new AppError('NOT_FOUND', 'demo controls are disabled on this server');
}

/** The paper broker's injected faults as they now stand. */
export async function readBrokerFaults(context: Pick<ServerContext, 'env' | 'repositories'> = serverContext()): Promise<BrokerFaults> {
  assertDemoControls(context);
  return context.repositories.brokerSettings.getFaults();
}
