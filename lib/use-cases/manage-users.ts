import type { Role } from '../auth/roles';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

type Context = Pick<ServerContext, 'auth'>;

/** Adds a user with a role, their password stored by better-auth (never by us). A taken email is a 409-style refusal. */
export async function addUser(user: NewUser, { auth }: Context = serverContext()): Promise<{ id: string }> {
  const ctx = await auth.$context;
  if (await ctx.internalAdapter.findUserByEmail(user.email.toLowerCase())) {
    throw new AppError('VALIDATION_FAILED', `a user with the email ${user.email} exists`);
  }
  const { user: created } = await auth.api.createUser({ body: { email: user.email, name: user.name, password: user.password, role: user.role } });
  return { id: created.id };
}

/** How many users there are: none means the app offers the one-time setup of the first admin. */
export async function countUsers({ auth }: Context = serverContext()): Promise<number> {
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
    await addUser(user, context);
    created.push(user.email);
  }
  return created;
}

export interface UserSummary {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly disabled: boolean;
}

/** Every user, by email. */
export async function listUsers({ auth }: Context = serverContext()): Promise<UserSummary[]> {
  const ctx = await auth.$context;
  const users = (await ctx.internalAdapter.listUsers(1_000, 0, { field: 'email', direction: 'asc' })) as {
    email: string;
    name: string;
    role?: string | null;
    banned?: boolean | null;
  }[];
  return users.map((user) => ({ email: user.email, name: user.name, role: user.role ?? '-', disabled: user.banned === true }));
}

async function userIdOf(email: string, { auth }: Context): Promise<string> {
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email.toLowerCase());
  if (!found) throw new AppError('NOT_FOUND', `no user with the email ${email}`);
  return found.user.id;
}

/** Changes a user's role; their open sessions end, so the new role applies from their next sign-in. */
export async function setUserRole(email: string, role: Role, context: Context = serverContext()): Promise<void> {
  const ctx = await context.auth.$context;
  const id = await userIdOf(email, context);
  await ctx.internalAdapter.updateUser(id, { role });
  await ctx.internalAdapter.deleteUserSessions(id);
}

/** Disables a user (they cannot sign in) and ends every session they have. */
export async function disableUser(email: string, reason: string, context: Context = serverContext()): Promise<void> {
  const ctx = await context.auth.$context;
  const id = await userIdOf(email, context);
  await ctx.internalAdapter.updateUser(id, { banned: true, banReason: reason, banExpires: null });
  await ctx.internalAdapter.deleteUserSessions(id);
}

/** Ends every session a user has (they must sign in again). */
export async function endUserSessions(email: string, context: Context = serverContext()): Promise<void> {
  const ctx = await context.auth.$context;
  await ctx.internalAdapter.deleteUserSessions(await userIdOf(email, context));
}
