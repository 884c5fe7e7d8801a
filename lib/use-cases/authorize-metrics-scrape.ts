import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

const BEARER = /^Bearer +(\S+) *$/i;

/** Whether `presented` is `expected`, compared in constant time (digests first, so not even the length shows). */
export function isSameToken(presented: string, expected: string): boolean {
  const digest = (token: string) => createHash('sha256').update(token).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The gate in front of GET /api/metrics on the app's port, where a session makes no sense (a scraper) and the peer's
 * address cannot be trusted: `Authorization: Bearer <METRICS_TOKEN>`. Without a METRICS_TOKEN the route is not served
 * (404): the metrics are then only on the loopback listener. No token sent is a 401, a wrong one a 403. Refusals are
 * logged, not recorded as access events: a misconfigured scraper would add one every scrape.
 */
export function authorizeMetricsScrape(request: Request, { env, log }: Pick<ServerContext, 'env' | 'log'> = serverContext()): void {
  const expected = env.METRICS_TOKEN;
  if (expected === undefined) {
    throw new AppError('NOT_FOUND', 'metrics are served on this port only when METRICS_TOKEN is set; read them on the loopback listener (METRICS_PORT)');
  }
  const header = request.headers.get('authorization');
  if (header === null) throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <METRICS_TOKEN>');
  const presented = BEARER.exec(header)?.[1];
  if (presented === undefined || !isSameToken(presented, expected)) {
    log.warn({ userAgent: request.headers.get('user-agent') }, 'metrics scrape refused: wrong bearer token');
    throw new AppError('FORBIDDEN', 'wrong metrics token');
  }
}
