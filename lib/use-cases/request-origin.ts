import { getIP } from 'better-auth/api';
import type { ServerContext } from '../server/context';

/** Where a request came from, as access events record it (all null for a change made without one). */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly method: string | null;
  readonly path: string | null;
}

export function requestOrigin(request: Request | undefined, { auth }: Pick<ServerContext, 'auth'>): RequestOrigin {
  return {
    ip: request ? getIP(request, auth.options) : null,
    userAgent: request?.headers.get('user-agent') ?? null,
    method: request?.method ?? null,
    path: request ? new URL(request.url).pathname : null,
  };
}
