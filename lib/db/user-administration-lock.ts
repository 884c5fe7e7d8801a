import type { Db } from './client';

/** The advisory lock key of user administration: any constant the rest of the app does not use ('WHU5' in ASCII). */
const USER_ADMINISTRATION_LOCK = 0x57_48_55_35;

/** How long the work under the lock may take: creating a user hashes a password (scrypt), slow on a busy machine. */
const WORK_TIMEOUT_MS = 30_000;

export type Exclusive<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/**
 * One change to users at a time, across every server process: a PostgreSQL advisory transaction lock. Whoever
 * holds it may check a rule over all users (no user exists yet; one admin remains) and act on it without a
 * concurrent change slipping in between. The lock is only tried, never waited for: a caller that finds it held
 * is told so at once, so waiting callers never hold database connections that the work itself needs.
 */
export class UserAdministrationLock {
  constructor(private readonly db: Db) {}

  /** Runs `work` holding the lock, which is released when it ends (the transaction ends); `{ ran: false }` when held. */
  async runExclusively<T>(work: () => Promise<T>): Promise<Exclusive<T>> {
    return this.db.$transaction(
      async (transaction) => {
        const [lock] = await transaction.$queryRaw<{ acquired: boolean }[]>`SELECT pg_try_advisory_xact_lock(${USER_ADMINISTRATION_LOCK}) AS acquired`;
        if (!lock?.acquired) return { ran: false } as const;
        return { ran: true, value: await work() } as const;
      },
      { timeout: WORK_TIMEOUT_MS },
    );
  }
}
