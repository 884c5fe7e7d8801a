import { describe, expect, it } from 'vitest';
import { FRESH_AUTHENTICATION_MS } from '../auth/auth';
import { AppError } from '../errors';
import type { Operator } from './authorize-request';
import { requireFreshAuthentication } from './fresh-authentication';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const operatorAuthenticated = (msAgo: number): Operator => ({
  userId: 'u1',
  name: 'ops@example.com',
  role: 'operator',
  signedInAt: new Date(NOW - 3_600_000),
  sessionId: 's1',
  authenticatedAt: new Date(NOW - msAgo),
  hasTwoFactor: false,
});

describe('requireFreshAuthentication', () => {
  it('lets through an operator who proved who they are within the last five minutes, up to the boundary', () => {
    expect(() => requireFreshAuthentication(operatorAuthenticated(0), NOW)).not.toThrow();
    expect(() => requireFreshAuthentication(operatorAuthenticated(FRESH_AUTHENTICATION_MS), NOW)).not.toThrow();
  });

  it('asks anyone else to confirm who they are, with a code the page recognises', () => {
    const stale = () => requireFreshAuthentication(operatorAuthenticated(FRESH_AUTHENTICATION_MS + 1), NOW);
    expect(stale).toThrow(AppError);
    expect(stale).toThrow(/confirm it is you.*within 5 minutes/);
    try {
      stale();
    } catch (error) {
      expect((error as AppError).code).toBe('REAUTHENTICATION_REQUIRED');
    }
  });
});
