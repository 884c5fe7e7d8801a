import { getIP } from 'better-auth/api';
import { hasRole, isRole, type Role } from '../auth/roles';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

/** The signed-in person behind a request. */
export interface Operator {
  readonly userId: string;
  /** How the audit trail names them: their sign-in email. */
  readonly name: string;
  readonly role: Role;
  readonly signedInAt: Date;
  readonly sessionId: string;
  /** When they last proved who they are: signing in, or re-authenticating since (password or TOTP). */
  readonly authenticatedAt: Date;
}

interface SessionLike {
  readonly user: { readonly id: string; readonly email: string };
  readonly session: { readonly id: string; readonly createdAt: Date | string; readonly reauthenticatedAt?: Date | string | null };
}

function operatorOf({ user, session }: SessionLike, role: Role): Operator {
  const signedInAt = new Date(session.createdAt);
  const reauthenticatedAt = session.reauthenticatedAt ? new Date(session.reauthenticatedAt) : null;
  return {
    userId: user.id,
    name: user.email,
    role,
    signedInAt,
    sessionId: session.id,
    authenticatedAt: reauthenticatedAt && reauthenticatedAt > signedInAt ? reauthenticatedAt : signedInAt,
  };
}

type Context = Pick<ServerContext, 'auth' | 'env' | 'repositories'>;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a state-changing request comes from this app's own pages: its Origin is the public origin, or,
 * where a browser sends no Origin, Sec-Fetch-Site says same-origin. Anything else (another site's form,
 * a script without an Origin) is refused: only this site can change anything.
 */
export function isFromOwnOrigin(request: Request, publicOrigin: string): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return origin === publicOrigin;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

/**
 * The one gate in front of every route: a state change must come from the app's own origin (403), the
 * request must carry a live session (401; sessions end SESSION_MAX_HOURS after sign-in whatever happens),
 * and the user's role must include `needed` (403). Every refusal is recorded: who, what, when, from where.
 */
export async function authorizeRequest(request: Request, needed: Role, context: Context = serverContext()): Promise<Operator> {
  const { auth, env, repositories } = context;
  const deny = async (code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, actor: { userId: string; name: string } | null) => {
    const url = new URL(request.url);
    await repositories.accessEvents.record({
      kind: 'denied',
      userId: actor?.userId ?? null,
      actor: actor?.name ?? 'anonymous',
      ip: getIP(request, auth.options),
      userAgent: request.headers.get('user-agent'),
      method: request.method,
      path: url.pathname,
      detail: `${code === 'UNAUTHENTICATED' ? 401 : 403}: ${message}`,
    });
    return new AppError(code, message);
  };

  if (STATE_CHANGING.has(request.method) && !isFromOwnOrigin(request, env.PUBLIC_ORIGIN)) {
    throw await deny('FORBIDDEN', `changes are accepted only from ${env.PUBLIC_ORIGIN}`, null);
  }
  const session = await auth.api.getSession({ headers: request.headers });
  if (!session) throw await deny('UNAUTHENTICATED', 'sign in first', null);
  const who = { userId: session.user.id, name: session.user.email };
  const signedInAt = new Date(session.session.createdAt);
  if (Date.now() - signedInAt.getTime() > env.SESSION_MAX_HOURS * 3_600_000) {
    await auth.api.revokeSession({ headers: request.headers, body: { token: session.session.token } }).catch(() => undefined);
    throw await deny('UNAUTHENTICATED', `the session ended ${env.SESSION_MAX_HOURS} hours after sign-in: sign in again`, who);
  }
  const role = session.user.role;
  if (!isRole(role)) throw await deny('FORBIDDEN', 'your account has no role: ask an admin', who);
  if (!hasRole(role, needed)) throw await deny('FORBIDDEN', `this needs the ${needed} role; you are signed in as ${role}`, who);
  return operatorOf(session, role);
}

/** The signed-in person for a page, or null (the page sends them to sign in). Records nothing. */
export async function currentOperator(headers: Headers, { auth, env }: Pick<ServerContext, 'auth' | 'env'> = serverContext()): Promise<Operator | null> {
  const session = await auth.api.getSession({ headers });
  if (!session || !isRole(session.user.role)) return null;
  if (Date.now() - new Date(session.session.createdAt).getTime() > env.SESSION_MAX_HOURS * 3_600_000) return null;
  return operatorOf(session, session.user.role);
}
