import type { Db } from './client';

/**
 * The one thing we write to better-auth's sessions ourselves: when the user last proved who they are again.
 * Everything else about sessions (creation, expiry, revocation) is better-auth's.
 */
export class SessionRepository {
  constructor(private readonly db: Db) {}

  async markReauthenticated(sessionId: string, at: Date): Promise<void> {
    await this.db.session.update({ where: { id: sessionId }, data: { reauthenticatedAt: at } });
  }

  /**
   * How many live sessions each user has: not expired, and begun less than `maxAgeMs` ago (a session ends that
   * long after sign-in whatever happens). Users without one are absent.
   */
  async countLiveByUser(now: Date, maxAgeMs: number): Promise<Map<string, number>> {
    const groups = await this.db.session.groupBy({
      by: ['userId'],
      where: { expiresAt: { gt: now }, createdAt: { gt: new Date(now.getTime() - maxAgeMs) } },
      _count: { _all: true },
    });
    return new Map(groups.map((group) => [group.userId, group._count._all]));
  }
}
