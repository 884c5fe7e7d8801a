'use client';

import { twoFactorClient } from 'better-auth/client/plugins';
import { createAuthClient } from 'better-auth/react';

/**
 * better-auth's browser client on this origin: sign-in and sign-out through /api/auth, and two-factor (TOTP)
 * enrolment and verification. The sign-in form itself asks for the code when the answer says twoFactorRedirect.
 */
export const authClient = createAuthClient({ plugins: [twoFactorClient()] });
