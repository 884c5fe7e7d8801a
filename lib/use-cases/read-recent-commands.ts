import type { RecentCommand } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';
import { commandView } from './submit-operator-command';

/** The latest operator commands, newest first: who asked for what, why, and how it ended (or that it is still running). */
export async function readRecentCommands({ repositories }: Pick<ServerContext, 'repositories'> = serverContext()): Promise<RecentCommand[]> {
  const rows = await repositories.commands.recent(20);
  return rows.map((row) => ({ ...commandView(row), createdAt: row.createdAt.toISOString(), completedAt: row.completedAt?.toISOString() ?? null }));
}
