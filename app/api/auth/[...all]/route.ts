import { toNextJsHandler } from 'better-auth/next-js';
import { authHandler } from '@/lib/use-cases/auth-handler';

export const dynamic = 'force-dynamic';

/** better-auth's own endpoints: sign-in, sign-out, session, two-factor, admin. Its rate limiter guards them. */
export const { GET, POST } = toNextJsHandler(authHandler);
