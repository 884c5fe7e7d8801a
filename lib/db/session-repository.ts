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
}
