import { areDemoUsersEnabled, seedDemoUsers } from '../use-cases/manage-users';
import { startPruningChangeLog } from '../use-cases/prune-change-log';
import { bootEngine } from './boot-engine';
import { serverContext } from './context';

/** What a server does once at start: the demo's users when wanted, the change log's pruning, then the engine when enabled. */
export async function bootServer(): Promise<void> {
  const context = serverContext();
  context.log.info({ database: new URL(context.env.DATABASE_URL).pathname.slice(1), origin: context.env.PUBLIC_ORIGIN }, 'server starting');
  if (areDemoUsersEnabled(context)) {
    const created = await seedDemoUsers(context);
    if (created.length > 0) context.log.warn({ users: created }, 'DEMO users created: their passwords are public; never use them in production');
  }
  startPruningChangeLog(context);
  if (context.env.ENGINE_ENABLED) await bootEngine();
}
