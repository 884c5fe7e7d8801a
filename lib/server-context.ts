import { getDb, type Db } from './db/client';
import { getNotificationHub, type NotificationHub } from './db/notifications';
import { loadEnv, type Env } from './env';
import { createLogger, type Logger } from './log';

export interface ServerContext {
  readonly env: Env;
  readonly db: Db;
  readonly hub: NotificationHub;
  readonly log: Logger;
}

const globalForContext = globalThis as typeof globalThis & { wheelhouseContext?: ServerContext };

/** The process's shared infrastructure: one database client, one LISTEN connection, one logger. */
export function serverContext(): ServerContext {
  if (!globalForContext.wheelhouseContext) {
    const env = loadEnv();
    globalForContext.wheelhouseContext = {
      env,
      db: getDb(env.DATABASE_URL),
      hub: getNotificationHub(env.DATABASE_URL),
      log: createLogger(env.LOG_LEVEL),
    };
  }
  return globalForContext.wheelhouseContext;
}
