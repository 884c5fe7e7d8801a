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
  /** Whether they sign in with a second factor (TOTP). */
  readonly hasTwoFactor: boolean;
}

interface SessionLike {
  readonly user: { readonly id: string; readonly email: string; readonly twoFactorEnabled?: boolean | null };
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
    hasTwoFactor: user.twoFactorEnabled === true,
  };
}

/** What an admin without two-factor sign-in is told while REQUIRE_ADMIN_2FA holds. */
export const ENROL_TWO_FACTOR_FIRST = 'enrol two-factor first: admins must sign in with an authenticator code (Account page)';

/** Whether someone of `role` must sign in with two factors here: admins, unless REQUIRE_ADMIN_2FA is off. */
export function isTwoFactorRequired(role: Role, { env }: Pick<ServerContext, 'env'> = serverContext()): boolean {
  return env.REQUIRE_ADMIN_2FA && role === 'admin';
}

/** Whether `operator` is an admin who must still enrol two-factor sign-in before doing anything only an admin may. */
export function mustEnrolTwoFactor(operator: Pick<Operator, 'role' | 'hasTwoFactor'>, context: Pick<ServerContext, 'env'> = serverContext()): boolean {
  return isTwoFactorRequired(operator.role, context) && !operator.hasTwoFactor;
}

type Context = Pick<ServerContext, 'auth' | 'env' | 'repositories'>;
type Denial = 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Records a refused request (who, what, when, from where) and returns the error to throw. */
async function deny(request: Request, code: Denial, message: string, actor: { userId: string; name: string } | null, { auth, repositories }: Context) {
  await repositories.accessEvents.record({
    kind: 'denied',
    userId: actor?.userId ?? null,
    actor: actor?.name ?? 'anonymous',
    ip: getIP(request, auth.options),
    userAgent: request.headers.get('user-agent'),
    method: request.method,
    path: new URL(request.url).pathname,
    detail: `${code === 'UNAUTHENTICATED' ? 401 : 403}: ${message}`,
  });
  return new AppError(code, message);
}

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
 * and the user's role must include `needed` (403), and, while REQUIRE_ADMIN_2FA holds, what needs an admin
 * needs an admin who signs in with TOTP (403 "enrol two-factor first"). Every refusal is recorded: who, what,
 * when, from where.
 */
export async function authorizeRequest(request: Request, needed: Role, context: Context = serverContext()): Promise<Operator> {
  return authorize(request, needed, context, false);
}

async function authorize(request: Request, needed: Role, context: Context, isRecheck: boolean): Promise<Operator> {
  const { auth, env } = context;
  await requireOwnOrigin(request, context);
  // A re-check is no activity of the user's: it must not keep an idle session alive.
  const session = await auth.api.getSession({ headers: request.headers, query: { disableRefresh: isRecheck } });
  if (!session) throw await deny(request, 'UNAUTHENTICATED', 'sign in first', null, context);
  const who = { userId: session.user.id, name: session.user.email };
  const signedInAt = new Date(session.session.createdAt);
  if (Date.now() - signedInAt.getTime() > env.SESSION_MAX_HOURS * 3_600_000) {
    await auth.api.revokeSession({ headers: request.headers, body: { token: session.session.token } }).catch(() => undefined);
    throw await deny(request, 'UNAUTHENTICATED', `the session ended ${env.SESSION_MAX_HOURS} hours after sign-in: sign in again`, who, context);
  }
  const role = session.user.role;
  if (!isRole(role)) throw await deny(request, 'FORBIDDEN', 'your account has no role: ask an admin', who, context);
  if (!hasRole(role, needed)) throw await deny(request, 'FORBIDDEN', `this needs the ${needed} role; you are signed in as ${role}`, who, context);
  const operator = operatorOf(session, role);
  // Only what needs the admin role waits for enrolment: an admin's operator powers are any operator's, who need no TOTP.
  if (needed === 'admin' && mustEnrolTwoFactor(operator, context)) throw await deny(request, 'FORBIDDEN', ENROL_TWO_FACTOR_FIRST, who, context);
  return operator;
}

const recheckInFlight = new Map<string, Promise<boolean>>();

/**
 * Whether the session behind `request`, a stream's, still passes the gate for `needed` (authorizeRequest, without
 * moving the session's idle expiry): a stream that sends data re-checks it while it lasts, and ends when it fails.
 * Streams of one session checking at the same moment share one check; no answer is kept after it. A check that could
 * not be made (the database unreachable) is no refusal: true.
 */
export function isStillAuthorized(request: Request, needed: Role, context: Context = serverContext()): Promise<boolean> {
  const key = `${needed} ${request.headers.get('cookie') ?? ''}`;
  const inFlight = recheckInFlight.get(key);
  if (inFlight) return inFlight;
  const check = authorize(request, needed, context, true)
    .then(
      () => true,
      (error: unknown) => !(error instanceof AppError),
    )
    .finally(() => recheckInFlight.delete(key));
  recheckInFlight.set(key, check);
  return check;
}

/**
 * A state change must come from the app's own origin (else 403, recorded): the first check of every
 * route, and the only one of those that need no session (the first admin's setup).
 */
export async function requireOwnOrigin(request: Request, context: Context = serverContext()): Promise<void> {
  if (STATE_CHANGING.has(request.method) && !isFromOwnOrigin(request, context.env.PUBLIC_ORIGIN)) {
    throw await deny(request, 'FORBIDDEN', `changes are accepted only from ${context.env.PUBLIC_ORIGIN}`, null, context);
  }
}

/** The signed-in person for a page, or null (the page sends them to sign in). Records nothing. */
export async function currentOperator(headers: Headers, { auth, env }: Pick<ServerContext, 'auth' | 'env'> = serverContext()): Promise<Operator | null> {
  const session = await auth.api.getSession({ headers });
  if (!session || !isRole(session.user.role)) return null;
  if (Date.now() - new Date(session.session.createdAt).getTime() > env.SESSION_MAX_HOURS * 3_600_000) return null;
  return operatorOf(session, session.user.role);
}
