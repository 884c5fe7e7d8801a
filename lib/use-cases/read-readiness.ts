import type { Readiness } from '../api/contract';
import { serverContext, type ServerContext } from '../server/context';

/** A probe waits this long for the database; slower is as good as unreachable to a load balancer. */
export const READINESS_TIMEOUT_MS = 2_000;

type Context = Pick<ServerContext, 'repositories' | 'serverId' | 'log'>;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether this server can serve: the database answers, and every migration this code brings is applied. With
 * this server's lease count. Why the database could not be asked is logged here, never answered: the probe is public.
 */
export async function readReadiness({ repositories, serverId, log }: Context = serverContext(), timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  try {
    const [pending, held] = await withTimeout(
      Promise.all([repositories.readiness.pendingMigrations(), repositories.readiness.leasesHeldBy(serverId)]),
      timeoutMs,
    );
    const isMigrated = pending.length === 0;
    return {
      ready: isMigrated,
      notReady: isMigrated ? [] : ['migrations'],
      database: { reachable: true },
      migrations: { pending },
      leases: { held },
    };
  } catch (error) {
    log.warn({ err: error }, 'readiness: the database could not be asked');
    return { ready: false, notReady: ['database'], database: { reachable: false }, migrations: { pending: null }, leases: { held: null } };
  }
}
