import type { BrokerFaults, BrokerFaultsChange } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { assertDemoControls } from './read-broker-faults';

/** Changes the faults named in `change` (the others stay as they are); every broker follows the announcement. */
export async function changeBrokerFaults(
  change: BrokerFaultsChange,
  context: Pick<ServerContext, 'env' | 'repositories'> = serverContext(),
): Promise<BrokerFaults> {
  assertDemoControls(context);
  return context.repositories.brokerSettings.setFaults(change);
}
