import type { ChangeEvent } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';

/**
 * Every stored change, as this process's one LISTEN connection announces it, until the returned function
 * is called. `onResync`: announcements were lost with the connection; re-read everything.
 */
export function watchChanges(
  onChange: (change: ChangeEvent) => void,
  onResync: () => void,
  { hub }: Pick<ServerContext, 'hub'> = serverContext(),
): Promise<() => void> {
  return hub.subscribe(onChange, onResync);
}
