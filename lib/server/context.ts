import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createAuth, type Auth } from '../auth/auth';
import { AccessEventRepository } from '../db/access-event-repository';
import { AlertRepository } from '../db/alert-repository';
import { AuditRepository } from '../db/audit-repository';
import { ChangeLogRepository } from '../db/change-log-repository';
import { getDb, type Db } from '../db/client';
import { CommandRepository } from '../db/command-repository';
import { LeaseRepository } from '../db/lease-repository';
import { OrderCancelRepository } from '../db/order-cancel-repository';
import { getNotificationHub, type NotificationHub } from '../db/notifications';
import { PaperBrokerSettingsRepository } from '../db/paper-broker-settings-repository';
import { PaperVenueRepository } from '../db/paper-venue-repository';
import { ReadinessRepository } from '../db/readiness-repository';
import { ResumeRepository } from '../db/resume-repository';
import { RiskGateRepository } from '../db/risk-gate-repository';
import { RiskLimitsRepository } from '../db/risk-limits-repository';
import { SessionRepository } from '../db/session-repository';
import { StrategyRepository } from '../db/strategy-repository';
import { SystemRepository } from '../db/system-repository';
import { UserAdministrationLock } from '../db/user-administration-lock';
import { loadEnv, type Env } from '../env';
import { createLogger, type Logger } from '../log';

/** The repositories, built once per process; use cases and the engine take them from here. */
export interface Repositories {
  readonly strategies: StrategyRepository;
  readonly system: SystemRepository;
  readonly commands: CommandRepository;
  readonly brokerSettings: PaperBrokerSettingsRepository;
  /** The paper broker's own tables, for the account the overview shows. */
  readonly paperVenue: PaperVenueRepository;
  readonly accessEvents: AccessEventRepository;
  readonly sessions: SessionRepository;
  readonly resumes: ResumeRepository;
  readonly audit: AuditRepository;
  readonly riskLimits: RiskLimitsRepository;
  readonly userAdministration: UserAdministrationLock;
  readonly riskGate: RiskGateRepository;
  /** What each server runs (several servers on one database). */
  readonly leases: LeaseRepository;
  /** Alert webhooks and their deliveries. */
  readonly alerts: AlertRepository;
  /** The readiness probe's reads: migrations applied, leases held. */
  readonly readiness: ReadinessRepository;
  /** Recent changes, for streams that reconnect. */
  readonly changeLog: ChangeLogRepository;
  /** The cancels a halt asked the broker for, until it answered. */
  readonly cancels: OrderCancelRepository;
}

export interface ServerContext {
  /**
   * This server process among the others on the same database: its leases are held under this id. Host and pid
   * for the people reading it, and a random part so that a restarted process (same pid in a container) is new.
   */
  readonly serverId: string;
  readonly env: Env;
  readonly db: Db;
  readonly hub: NotificationHub;
  readonly log: Logger;
  readonly repositories: Repositories;
  /** Sign-in and sessions (better-auth). */
  readonly auth: Auth;
}

export function repositoriesFor(db: Db): Repositories {
  return {
    strategies: new StrategyRepository(db),
    system: new SystemRepository(db),
    commands: new CommandRepository(db),
    brokerSettings: new PaperBrokerSettingsRepository(db),
    paperVenue: new PaperVenueRepository(db),
    accessEvents: new AccessEventRepository(db),
    sessions: new SessionRepository(db),
    resumes: new ResumeRepository(db),
    audit: new AuditRepository(db),
    riskLimits: new RiskLimitsRepository(db),
    userAdministration: new UserAdministrationLock(db),
    riskGate: new RiskGateRepository(db),
    leases: new LeaseRepository(db),
    alerts: new AlertRepository(db),
    readiness: new ReadinessRepository(db),
    changeLog: new ChangeLogRepository(db),
    cancels: new OrderCancelRepository(db),
  };
}

const globalForContext = globalThis as typeof globalThis & { wheelhouseContext?: ServerContext };

/**
 * The process's shared infrastructure: one database client, one LISTEN connection, one logger, the
 * repositories. Next.js bundles instrumentation and route handlers separately; globalThis is shared.
 */
export function serverContext(): ServerContext {
  if (!globalForContext.wheelhouseContext) {
    const env = loadEnv();
    const db = getDb(env.DATABASE_URL);
    const log = createLogger(env.LOG_LEVEL);
    const repositories = repositoriesFor(db);
    globalForContext.wheelhouseContext = {
      serverId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      env,
      db,
      hub: getNotificationHub(env.DATABASE_URL),
      log,
      repositories,
      auth: createAuth({ env, db, log, recordAccess: (event) => repositories.accessEvents.record(event) }),
    };
  }
  return globalForContext.wheelhouseContext;
}
