import { APIError, getIP } from 'better-auth/api';
import { FRESH_AUTHENTICATION_MS } from '../auth/auth';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';

/** How the user proves who they are again: their password, or a code from their authenticator app. */
export type Proof = { readonly password: string } | { readonly code: string };

/** Failed re-authentications allowed per user per minute before the rest are refused unread. */
export const REAUTHENTICATION_ATTEMPTS_PER_MINUTE = 5;

/**
 * A sensitive action (approving a resume, changing a role, adding a user) needs the operator to have proved
 * who they are within the last FRESH_AUTHENTICATION_MS: by signing in, or by re-authenticating since.
 * Otherwise a 403 REAUTHENTICATION_REQUIRED, which the page answers by asking for the password or a code.
 */
export function requireFreshAuthentication(operator: Operator, now = Date.now()): void {
  if (now - operator.authenticatedAt.getTime() <= FRESH_AUTHENTICATION_MS) return;
  throw new AppError(
    'REAUTHENTICATION_REQUIRED',
    `confirm it is you: enter your password or an authenticator code (needed within ${FRESH_AUTHENTICATION_MS / 60_000} minutes of this action)`,
  );
}

type Context = Pick<ServerContext, 'auth' | 'repositories'>;

/**
 * Checks the signed-in operator's password or TOTP code with better-auth and, when it is right, marks the
 * session freshly authenticated. Every attempt is recorded; after REAUTHENTICATION_ATTEMPTS_PER_MINUTE
 * failures in a minute, further attempts are refused (429) without being checked.
 */
export async function reauthenticate(
  request: Request,
  operator: Operator,
  proof: Proof,
  { auth, repositories }: Context = serverContext(),
): Promise<{ authenticatedAt: Date }> {
  const record = (kind: 'reauthenticated' | 'reauthentication-failed', detail: string | null) =>
    repositories.accessEvents.record({
      kind,
      userId: operator.userId,
      actor: operator.name,
      ip: getIP(request, auth.options),
      userAgent: request.headers.get('user-agent'),
      method: request.method,
      path: new URL(request.url).pathname,
      detail,
    });
  const recentFailures = await repositories.accessEvents.countSince(operator.userId, 'reauthentication-failed', new Date(Date.now() - 60_000));
  if (recentFailures >= REAUTHENTICATION_ATTEMPTS_PER_MINUTE) {
    throw new AppError('TOO_MANY_REQUESTS', 'too many failed attempts: wait a minute and try again');
  }
  const method = 'password' in proof ? 'password' : 'authenticator code';
  try {
    if ('password' in proof) {
      await auth.api.verifyPassword({ headers: request.headers, body: { password: proof.password } });
    } else {
      await auth.api.verifyTOTP({ headers: request.headers, body: { code: proof.code } });
    }
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    await record('reauthentication-failed', `${method}: ${String((error.body as { code?: string } | undefined)?.code ?? error.status)}`);
    throw new AppError('VALIDATION_FAILED', `that ${method} is not right`);
  }
  const authenticatedAt = new Date();
  await repositories.sessions.markReauthenticated(operator.sessionId, authenticatedAt);
  await record('reauthenticated', method);
  return { authenticatedAt };
}
