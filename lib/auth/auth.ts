import { betterAuth, type BetterAuthPlugin } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { APIError, createAuthMiddleware, getIP, getSessionFromCtx } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { admin, twoFactor } from 'better-auth/plugins';
import type { Db } from '../db/client';
import type { AccessEventWrite } from '../db/access-event-repository';
import type { Env } from '../env';
import type { Logger } from '../log';
import { accessControl, accessRoles } from './roles';

/** A sensitive action (approving a resume, changing roles, adding users) needs proof of identity this recent. */
export const FRESH_AUTHENTICATION_MS = 5 * 60_000;

export interface AuthOptions {
  readonly env: Env;
  readonly db: Db;
  readonly log: Logger;
  /** Where sign-ins, failed sign-ins and sign-outs are recorded. */
  readonly recordAccess: (event: AccessEventWrite) => Promise<void>;
}

/** Who was at the door: the client's address and browser, as better-auth itself reads them. */
function origin(request: Request | undefined, options: Parameters<typeof getIP>[1]) {
  return {
    ip: request ? getIP(request, options) : null,
    userAgent: request?.headers.get('user-agent') ?? null,
  };
}

/**
 * Records every sign-in attempt with its outcome, every sign-out, and two-factor turned on or off. A plugin
 * placed after twoFactor(), so it sees the final answer: a 2FA user's password step is not yet a sign-in.
 */
function accessAudit(recordAccess: AuthOptions['recordAccess']): BetterAuthPlugin {
  return {
    id: 'wheelhouse-access-audit',
    hooks: {
      before: [
        {
          matcher: (context) => context.path === '/sign-out',
          handler: createAuthMiddleware(async (context) => {
            const session = await getSessionFromCtx(context);
            if (!session) return;
            await recordAccess({
              kind: 'sign-out',
              userId: session.user.id,
              actor: session.user.email,
              ...origin(context.request, context.context.options),
              method: 'POST',
              path: context.path,
              detail: null,
            });
          }),
        },
      ],
      after: [
        {
          matcher: (context) => context.path === '/sign-in/email' || context.path?.startsWith('/two-factor/verify-') === true,
          handler: createAuthMiddleware(async (context) => {
            const returned = context.context.returned;
            const session = context.context.newSession;
            const tried = (context.body as { email?: unknown } | undefined)?.email;
            const failed = returned instanceof APIError;
            // A code sent from a live session is no sign-in: it is an enrolment's first code (recorded here) or a
            // re-authentication (recorded by lib/use-cases/fresh-authentication.ts).
            const alreadySignedIn = context.path !== '/sign-in/email' ? context.context.session : null;
            if (alreadySignedIn) {
              if (failed || alreadySignedIn.user.twoFactorEnabled === true) return;
              await recordAccess({
                kind: 'two-factor-enabled',
                userId: alreadySignedIn.user.id,
                actor: alreadySignedIn.user.email,
                ...origin(context.request, context.context.options),
                method: 'POST',
                path: context.path,
                detail: 'authenticator app (TOTP)',
              });
              return;
            }
            const pendingSecondFactor = !failed && (returned as { twoFactorRedirect?: boolean } | undefined)?.twoFactorRedirect === true;
            await recordAccess({
              kind: failed ? 'sign-in-failed' : 'sign-in',
              userId: session?.user.id ?? null,
              actor: session?.user.email ?? (typeof tried === 'string' ? tried.slice(0, 200) : 'anonymous'),
              ...origin(context.request, context.context.options),
              method: 'POST',
              path: context.path,
              detail: failed
                ? String((returned.body as { code?: string } | undefined)?.code ?? returned.status)
                : pendingSecondFactor
                  ? 'password accepted: second factor required'
                  : null,
            });
          }),
        },
        {
          matcher: (context) => context.path === '/two-factor/disable',
          handler: createAuthMiddleware(async (context) => {
            const session = context.context.session;
            if (!session || context.context.returned instanceof APIError) return;
            await recordAccess({
              kind: 'two-factor-disabled',
              userId: session.user.id,
              actor: session.user.email,
              ...origin(context.request, context.context.options),
              method: 'POST',
              path: context.path,
              detail: null,
            });
          }),
        },
      ],
    },
  };
}

/** What better-auth answers an admin who tries to turn two-factor sign-in off while admins must have it. */
const ADMIN_TWO_FACTOR_REQUIRED = 'two-factor sign-in is required for admins (REQUIRE_ADMIN_2FA): it cannot be turned off';

/**
 * While REQUIRE_ADMIN_2FA holds, an admin cannot turn two-factor off: refused before better-auth's
 * /two-factor/disable even checks the password, so the browser client cannot get around it.
 */
function keepAdminTwoFactor(env: Env) {
  return createAuthMiddleware(async (context) => {
    if (context.path !== '/two-factor/disable' || !env.REQUIRE_ADMIN_2FA) return;
    const session = await getSessionFromCtx(context);
    if (session?.user.role === 'admin') throw new APIError('FORBIDDEN', { code: 'ADMIN_TWO_FACTOR_REQUIRED', message: ADMIN_TWO_FACTOR_REQUIRED });
  });
}

/**
 * better-auth, configured for a control room: email and password (accounts made by an admin or the CLI,
 * never by sign-up), sessions in PostgreSQL that end after SESSION_IDLE_MINUTES without a request and
 * SESSION_MAX_HOURS after sign-in whatever happens, roles through its admin plugin, TOTP through its
 * two-factor plugin, and its rate limiter (stored in the database, so it holds across servers) on.
 */
export function createAuth({ env, db, log, recordAccess }: AuthOptions) {
  const maxAgeMs = env.SESSION_MAX_HOURS * 3_600_000;
  return betterAuth({
    appName: 'Wheelhouse',
    baseURL: env.PUBLIC_ORIGIN,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: [env.PUBLIC_ORIGIN],
    database: prismaAdapter(db, { provider: 'postgresql' }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, maxPasswordLength: 128 },
    session: {
      expiresIn: env.SESSION_IDLE_MINUTES * 60,
      // The idle expiry moves on at most once a minute: one write per active session per minute.
      updateAge: 60,
      freshAge: FRESH_AUTHENTICATION_MS / 1000,
      // Off: a cached cookie would let a revoked or disabled user's session live on until it expired.
      cookieCache: { enabled: false },
      additionalFields: { reauthenticatedAt: { type: 'date', required: false, input: false } },
    },
    databaseHooks: {
      session: {
        update: {
          // The absolute lifetime: a refresh never moves the expiry past sign-in + SESSION_MAX_HOURS.
          // authorize() checks it too, and is the authority.
          before: async (data, context) => {
            const createdAt = context?.context.session?.session.createdAt;
            if (!createdAt || !(data.expiresAt instanceof Date)) return;
            const cap = new Date(new Date(createdAt).getTime() + maxAgeMs);
            if (data.expiresAt > cap) return { data: { ...data, expiresAt: cap } };
          },
        },
      },
    },
    hooks: { before: keepAdminTwoFactor(env) },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 300,
      customRules: { '/sign-in/email': { window: 60, max: 10 }, '/two-factor/*': { window: 60, max: 10 } },
    },
    advanced: { useSecureCookies: env.PUBLIC_ORIGIN.startsWith('https://') },
    logger: {
      level: 'warn',
      log: (level, message, ...args) => log[level]({ args }, `auth: ${message}`),
    },
    plugins: [
      admin({ ac: accessControl, roles: accessRoles, defaultRole: 'viewer', adminRoles: ['admin'] }),
      twoFactor({ issuer: 'Wheelhouse' }),
      accessAudit(recordAccess),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
