import type { Db } from './client';

export type AccessEventKind =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'denied'
  | 'reauthenticated'
  | 'reauthentication-failed'
  | 'two-factor-enabled'
  | 'two-factor-disabled'
  // What admins do to users (the actor is the admin, the detail names the user, the change and the reason).
  | 'first-admin-set-up'
  | 'user-added'
  | 'role-changed'
  | 'sessions-ended'
  | 'user-disabled'
  | 'user-enabled'
  // A change to the risk limits (written with the change itself, in lib/db/risk-limits-repository.ts).
  | 'risk-limits-changed'
  // A change to an alert webhook (written with the change itself, in lib/db/alert-repository.ts).
  | 'alert-webhook-added'
  | 'alert-webhook-changed'
  | 'alert-webhook-removed';

export interface AccessEventWrite {
  readonly kind: AccessEventKind;
  readonly userId: string | null;
  readonly actor: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly detail: string | null;
}

/** Sign-ins, sign-outs, denied requests and changes to users: append-only rows of the audit trail. */
export class AccessEventRepository {
  constructor(private readonly db: Db) {}

  async record(event: AccessEventWrite): Promise<void> {
    await this.db.accessEvent.create({ data: event });
  }

  /** How many times `kind` was recorded for the user since `since`: the re-authentication attempts' rate limit. */
  async countSince(userId: string, kind: AccessEventKind, since: Date): Promise<number> {
    return this.db.accessEvent.count({ where: { userId, kind, at: { gte: since } } });
  }

  async recent(limit = 100) {
    return this.db.accessEvent.findMany({ orderBy: { id: 'desc' }, take: limit });
  }
}
