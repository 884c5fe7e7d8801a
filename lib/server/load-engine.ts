import type { Broker } from '../broker/broker';
import { PaperBroker } from '../broker/paper-broker';
import type { Db } from '../db/client';
import type { RiskLimits } from '../domain/risk/limits';
import type { NotificationHub } from '../db/notifications';
import { Engine, type SimulationSettings } from '../engine/engine';
import type { Logger } from '../log';
import { repositoriesFor } from './context';

export interface LoadEngineOptions {
  readonly db: Db;
  readonly hub: NotificationHub;
  readonly log: Logger;
  readonly simulation: SimulationSettings;
  /** Defaults to the paper broker on the same database, whose injected faults the engine then follows. */
  readonly broker?: Broker;
  /** What the paper broker's account starts with, when it is first read (`PAPER_STARTING_BALANCE`). */
  readonly startingBalance?: number;
  readonly initialStrategies?: readonly { id: string; kind: string }[];
  readonly riskLimits?: RiskLimits;
}

/**
 * The engine wired to PostgreSQL: its stores are the repositories, its change feed the LISTEN hub. It follows the
 * stored risk limits, unless fixed `riskLimits` are given (a test's).
 */
export function loadEngine({ db, hub, log, simulation, broker, startingBalance, initialStrategies, riskLimits }: LoadEngineOptions): Promise<Engine> {
  const venue = broker ?? new PaperBroker(db, { startingBalance });
  const repositories = repositoriesFor(db);
  return Engine.load({
    stores: repositories,
    riskLimitStore: riskLimits ? undefined : repositories.riskLimits,
    changes: hub,
    broker: venue,
    venueFaults: venue instanceof PaperBroker ? venue : undefined,
    log,
    simulation,
    initialStrategies,
    riskLimits,
  });
}
