import { getIP } from 'better-auth/api';
import type { UserSummary } from '../api/contract';
import type { Role } from '../auth/roles';
import { AppError } from '../errors';
import { serverContext, type Repositories, type ServerContext } from '../server/context';
import type { Operator } from './authorize-request';
import { requireFreshAuthentication } from './fresh-authentication';

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

type Context = Pick<ServerContext, 'auth' | 'env' | 'repositories'>;
type AccessEventKind = Parameters<Repositories['accessEvents']['record']>[0]['kind'];

/**
 * Who changes users, and why: an admin signed in to the control room (who must have authenticated recently for
 * adding users and changing roles), or someone at the server's shell (`npm run users`), trusted as the
 * database's owner. Either way the change goes into the audit trail under their name with the reason.
 */
export interface AdminAction {
  readonly by: Operator | 'shell';
  readonly reason: string;
  /** The HTTP request it came with, for where it came from; none from the shell. */
  readonly request?: Request;
}

/** How long a change to users waits for another one to finish before it is refused (409). */
const BUSY_WAIT_MS = 3_000;
const BUSY_RETRY_MS = 50;

/**
 * Runs `work` while no other change to users can run (anywhere), so a rule over all users holds when it acts.
 * While another change runs, it tries again for up to BUSY_WAIT_MS; then it is refused with a 409.
 */
async function exclusively<T>(work: () => Promise<T>, { repositories }: Context): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    const outcome = await repositories.userAdministration.runExclusively(work);
    if (outcome.ran) return outcome.value;
    if (Date.now() > deadline) throw new AppError('CONFLICT', 'another change to users is in progress: try again');
    await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
  }
}

interface Change {
  readonly actor: { readonly userId: string | null; readonly name: string };
  readonly reason: string;
  readonly request?: Request;
}

const changeBy = ({ by, reason, request }: AdminAction): Change => ({
  actor: by === 'shell' ? { userId: null, name: 'shell' } : { userId: by.userId, name: by.name },
  reason,
  request,
});

async function recordChange(kind: AccessEventKind, { actor, reason, request }: Change, detail: string, { auth, repositories }: Context): Promise<void> {
  await repositories.accessEvents.record({
    kind,
    userId: actor.userId,
    actor: actor.name,
    ip: request ? getIP(request, auth.options) : null,
    userAgent: request?.headers.get('user-agent') ?? null,
    method: request?.method ?? null,
    path: request ? new URL(request.url).pathname : null,
    detail: `${detail}; reason: ${reason}`,
  });
}

/** Creates the user with better-auth (which stores the password, never us); a taken email is a 409. */
async function createUser(user: NewUser, { auth }: Pick<Context, 'auth'>): Promise<{ id: string }> {
  const ctx = await auth.$context;
  if (await ctx.internalAdapter.findUserByEmail(user.email.toLowerCase())) {
    throw new AppError('CONFLICT', `a user with the email ${user.email} exists`);
  }
  const { user: created } = await auth.api.createUser({ body: { email: user.email, name: user.name, password: user.password, role: user.role } });
  return { id: created.id };
}

/** Adds a user with a role and an initial password from the server itself (the shell's `users add`, the demo's seed). */
export async function addUser(user: NewUser, context: Context = serverContext(), reason = 'added from the shell'): Promise<{ id: string }> {
  return addUserAsAdmin({ by: 'shell', reason }, user, context);
}

/** An admin adds a user: needs a fresh authentication; recorded as `user-added`. */
export async function addUserAsAdmin(action: AdminAction, user: NewUser, context: Context = serverContext()): Promise<{ id: string }> {
  if (action.by !== 'shell') requireFreshAuthentication(action.by);
  const created = await exclusively(() => createUser(user, context), context);
  await recordChange('user-added', changeBy(action), `added ${user.email} as ${user.role}`, context);
  return created;
}

/**
 * The first start: with no user at all, anyone who can reach the app may create the first admin, once. Under the
 * user-administration lock, so of any number of concurrent setups exactly one creates an admin; every other one,
 * and every setup once a user exists, is a 409.
 */
export async function setUpFirstAdmin(request: Request, admin: Omit<NewUser, 'role'>, context: Context = serverContext()): Promise<{ id: string }> {
  const ctx = await context.auth.$context;
  const refuseOnceAnyUserExists = async () => {
    if ((await ctx.internalAdapter.countTotalUsers()) > 0) throw new AppError('CONFLICT', 'the first admin is already set up: sign in, or ask an admin for an account');
  };
  // Checked before the lock too, so that once set up a setup is refused without queueing for the lock.
  await refuseOnceAnyUserExists();
  const created = await exclusively(async () => {
    await refuseOnceAnyUserExists();
    return createUser({ ...admin, role: 'admin' }, context);
  }, context);
  const setUp: Change = { actor: { userId: created.id, name: admin.email }, reason: 'first start: no user existed', request };
  await recordChange('first-admin-set-up', setUp, `first admin ${admin.email} set up`, context);
  return created;
}

/** How many users there are: none means the app offers the one-time setup of the first admin. */
export async function countUsers({ auth }: Pick<Context, 'auth'> = serverContext()): Promise<number> {
  const ctx = await auth.$context;
  return ctx.internalAdapter.countTotalUsers();
}

/** Whether the demo's users are wanted here: DEMO_USERS when set, else anywhere but production. */
export function areDemoUsersEnabled({ env }: Pick<ServerContext, 'env'> = serverContext()): boolean {
  return env.DEMO_USERS ?? env.NODE_ENV !== 'production';
}

/** Creates the demo's users that are missing (DEMO ONLY; see lib/auth/demo-users.ts). */
export async function seedDemoUsers(context: Context = serverContext()): Promise<string[]> {
  const { DEMO_USERS } = await import('../auth/demo-users');
  const ctx = await context.auth.$context;
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    if (await ctx.internalAdapter.findUserByEmail(user.email)) continue;
    try {
      await addUser(user, context, 'demo user (DEMO_USERS)');
      created.push(user.email);
    } catch (error) {
      // Another server booting on the same database made this user a moment ago: the demo has its user.
      if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
    }
  }
  return created;
}

interface StoredUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role?: string | null;
  readonly banned?: boolean | null;
  readonly twoFactorEnabled?: boolean | null;
}

/** Every user, by email, with their role, two-factor, whether disabled, and how many sessions they have open. */
export async function listUsers({ auth, env, repositories }: Context = serverContext()): Promise<UserSummary[]> {
  const ctx = await auth.$context;
  const users = (await ctx.internalAdapter.listUsers(1_000, 0, { field: 'email', direction: 'asc' })) as StoredUser[];
  const sessions = await repositories.sessions.countLiveByUser(new Date(), env.SESSION_MAX_HOURS * 3_600_000);
  return users.map((user) => summaryOf(user, sessions.get(user.id) ?? 0));
}

function summaryOf(user: StoredUser, liveSessions: number): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role ?? '-',
    hasTwoFactor: user.twoFactorEnabled === true,
    disabled: user.banned === true,
    liveSessions,
  };
}

async function findUser(userId: string, { auth }: Pick<Context, 'auth'>): Promise<StoredUser> {
  const ctx = await auth.$context;
  const found = (await ctx.internalAdapter.findUserById(userId)) as StoredUser | null;
  if (!found) throw new AppError('NOT_FOUND', `no user with the id ${userId}`);
  return found;
}

/** The id of the user with `email` (the shell names users by email); 404 when there is none. */
export async function userIdByEmail(email: string, { auth }: Pick<Context, 'auth'> = serverContext()): Promise<string> {
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email.toLowerCase());
  if (!found) throw new AppError('NOT_FOUND', `no user with the email ${email}`);
  return found.user.id;
}

/** Admins who can still sign in: the ones that keep the control room administrable. */
async function countEnabledAdmins({ auth }: Pick<Context, 'auth'>): Promise<number> {
  const ctx = await auth.$context;
  const admins = await ctx.internalAdapter.countTotalUsers([{ field: 'role', value: 'admin' }]);
  const disabledAdmins = await ctx.internalAdapter.countTotalUsers([
    { field: 'role', value: 'admin' },
    { field: 'banned', value: true },
  ]);
  return admins - disabledAdmins;
}

/** Refuses (409) a change that would leave no admin who can sign in: nobody could manage users any more. */
async function keepOneAdmin(user: StoredUser, context: Context): Promise<void> {
  if (user.role === 'admin' && user.banned !== true && (await countEnabledAdmins(context)) <= 1) {
    throw new AppError('CONFLICT', `${user.email} is the last admin: make another user admin first`);
  }
}

/**
 * Changes a user's role (needs a fresh authentication from an admin); their sessions end, so the new role
 * applies from their next sign-in. The last admin keeps their role (409). Recorded as `role-changed`.
 */
export async function changeUserRole(action: AdminAction, userId: string, role: Role, context: Context = serverContext()): Promise<UserSummary> {
  if (action.by !== 'shell') requireFreshAuthentication(action.by);
  const ctx = await context.auth.$context;
  const { before, after } = await exclusively(async () => {
    const user = await findUser(userId, context);
    if (user.role !== role) await keepOneAdmin(user, context);
    await ctx.internalAdapter.updateUser(userId, { role });
    await ctx.internalAdapter.deleteUserSessions(userId);
    return { before: user, after: await findUser(userId, context) };
  }, context);
  await recordChange('role-changed', changeBy(action), `${before.email}: ${before.role ?? 'no role'} -> ${role}; their sessions ended`, context);
  return summaryOf(after, 0);
}

/** Ends every session a user has (they must sign in again). Recorded as `sessions-ended`. */
export async function endUserSessions(action: AdminAction, userId: string, context: Context = serverContext()): Promise<UserSummary> {
  const ctx = await context.auth.$context;
  const user = await findUser(userId, context);
  const ended = (await ctx.internalAdapter.listSessions(userId)).length;
  await ctx.internalAdapter.deleteUserSessions(userId);
  await recordChange('sessions-ended', changeBy(action), `${user.email}: ${ended} session(s) ended`, context);
  return summaryOf(user, 0);
}

/**
 * Disables a user: they cannot sign in, and every session they have ends. An admin cannot disable themselves,
 * nor the last admin (409). Recorded as `user-disabled`.
 */
export async function disableUser(action: AdminAction, userId: string, context: Context = serverContext()): Promise<UserSummary> {
  if (action.by !== 'shell' && action.by.userId === userId) throw new AppError('CONFLICT', 'you cannot disable yourself: ask another admin');
  const ctx = await context.auth.$context;
  const user = await exclusively(async () => {
    const found = await findUser(userId, context);
    await keepOneAdmin(found, context);
    await ctx.internalAdapter.updateUser(userId, { banned: true, banReason: action.reason, banExpires: null });
    await ctx.internalAdapter.deleteUserSessions(userId);
    return found;
  }, context);
  await recordChange('user-disabled', changeBy(action), `${user.email} disabled; their sessions ended`, context);
  return summaryOf({ ...user, banned: true }, 0);
}

/** Lets a disabled user sign in again. Recorded as `user-enabled`. */
export async function enableUser(action: AdminAction, userId: string, context: Context = serverContext()): Promise<UserSummary> {
  const ctx = await context.auth.$context;
  const user = await findUser(userId, context);
  await ctx.internalAdapter.updateUser(userId, { banned: false, banReason: null, banExpires: null });
  await recordChange('user-enabled', changeBy(action), `${user.email} enabled`, context);
  return summaryOf({ ...user, banned: false }, 0);
}
