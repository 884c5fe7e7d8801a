import { serverContext, type ServerContext } from '../server/context';

/** Logs a request that failed for a reason nobody expected (a bug or broken infrastructure), with its cause. */
export function reportUnexpectedFailure(error: unknown, { log }: Pick<ServerContext, 'log'> = serverContext()): void {
  log.error({ err: error }, 'request failed');
}
