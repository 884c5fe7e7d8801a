/**
 * In-memory stores for the engine's unit tests (tests only). They keep the promises the ports make (the
 * version check, claim order, JSON round trips of snapshots) so the engine behaves as it does on PostgreSQL.
 */
import { parseStoredSnapshot } from '../../domain/strategies/lifecycle/stored-snapshot';
import type { ChangeEvent } from '../../domain/change-event';
import type { LossDay } from '../../domain/risk/loss-day';
import { AppError } from '../../errors';
import type {
  StrategyPause,
  ChangeFeed,
  CommandRecord,
  CommandStore,
  EngineStores,
  ErrorWrite,
  MarketClockRecord,
  ModeChange,
  NewCommand,
  NewStrategy,
  RefusalWrite,
  StrategyRecord,
  StrategyStore,
  SystemRecord,
  SystemStore,
  TransitionWrite,
  TransitionWriteResult,
  CancelRequest,
  CancelStore,
} from '../ports';
import { InMemoryRiskGate } from './in-memory-risk-gate';

/** What PostgreSQL's jsonb would give back. */
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

export class InMemoryStrategyStore implements StrategyStore {
  private readonly rows = new Map<string, StrategyRecord>();
  readonly transitions: TransitionWrite[] = [];
  readonly refusals: RefusalWrite[] = [];
  readonly errors: ErrorWrite[] = [];
  /** How many writes each `recordTransitions` call carried. */
  readonly batches: number[] = [];

  async list(): Promise<StrategyRecord[]> {
    return [...this.rows.values()];
  }

  async find(id: string): Promise<StrategyRecord | null> {
    return this.rows.get(id) ?? null;
  }

  async createAllIfAbsent(strategies: readonly NewStrategy[]): Promise<StrategyRecord[]> {
    const records: StrategyRecord[] = [];
    for (const strategy of strategies) records.push(this.rows.get(strategy.id) ?? (await this.create(strategy)));
    return records;
  }

  async create(strategy: NewStrategy): Promise<StrategyRecord> {
    if (this.rows.has(strategy.id)) throw new Error(`strategy ${strategy.id} exists`);
    const record: StrategyRecord = {
      id: strategy.id,
      name: strategy.name,
      kind: strategy.kind,
      settings: throughJson(strategy.settings),
      state: strategy.state,
      snapshot: parseStoredSnapshot(strategy.id, throughJson(strategy.snapshot)),
      version: 1,
      stateSince: strategy.marketTime,
      pause: null,
    };
    this.rows.set(record.id, record);
    return record;
  }

  async setPause(id: string, pause: StrategyPause | null): Promise<void> {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no strategy ${id}`);
    this.rows.set(id, { ...row, pause });
  }

  async recordTransition(write: TransitionWrite): Promise<number> {
    const row = this.rows.get(write.strategyId);
    if (!row || row.version !== write.expectedVersion) {
      throw new AppError('STALE_VERSION', `strategy ${write.strategyId} is no longer at version ${write.expectedVersion}`);
    }
    const version = row.version + 1;
    this.rows.set(row.id, {
      ...row,
      state: write.toState,
      snapshot: parseStoredSnapshot(row.id, throughJson(write.snapshot)),
      version,
      stateSince: write.marketTime,
    });
    this.transitions.push(write);
    return version;
  }

  async recordTransitions(writes: readonly TransitionWrite[]): Promise<TransitionWriteResult[]> {
    this.batches.push(writes.length);
    const results: TransitionWriteResult[] = [];
    for (const write of writes) {
      try {
        results.push({ seq: await this.recordTransition(write) });
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'STALE_VERSION' && error.code !== 'FENCED')) throw error;
        results.push({ refused: error.code });
      }
    }
    return results;
  }

  async recordRefusal(refusal: RefusalWrite): Promise<boolean> {
    this.refusals.push(refusal);
    return true;
  }

  async recordError(error: ErrorWrite): Promise<boolean> {
    this.errors.push(error);
    return true;
  }

  async latestMarketTime(): Promise<Date | null> {
    const times = this.transitions.map((write) => write.marketTime.getTime());
    return times.length > 0 ? new Date(Math.max(...times)) : null;
  }

  /** Another writer moves the row on (a second server, say): the engine's next write from the old version is stale. */
  bumpVersion(id: string): void {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no strategy ${id}`);
    this.rows.set(id, { ...row, version: row.version + 1 });
  }

  /** Stores a strategy as a crashed server left it: a given snapshot at a given version. */
  put(record: Omit<StrategyRecord, 'snapshot'> & { snapshot: unknown }): void {
    this.rows.set(record.id, { ...record, snapshot: parseStoredSnapshot(record.id, throughJson(record.snapshot)) });
  }
}

export class InMemorySystemStore implements SystemStore {
  record: SystemRecord = { mode: 'RUNNING', cause: 'operator', actor: 'system', reason: 'first start', changedAt: new Date(0) };
  clock: MarketClockRecord | null = null;
  day: LossDay | null = null;
  readonly modeChanges: ModeChange[] = [];

  async current(): Promise<SystemRecord> {
    return this.record;
  }

  async setMode(change: ModeChange): Promise<SystemRecord> {
    const { mode, cause, actor, reason } = change;
    this.record = { mode, cause, actor, reason, changedAt: new Date() };
    this.modeChanges.push(change);
    return this.record;
  }

  async lossDay(): Promise<LossDay | null> {
    return this.day;
  }

  async saveLossDay(day: LossDay): Promise<boolean> {
    this.day = day;
    return true;
  }

  async marketClock(): Promise<MarketClockRecord | null> {
    return this.clock;
  }

  async saveMarketClock(time: Date, state: unknown): Promise<boolean> {
    this.clock = { time, state: throughJson(state) };
    return true;
  }
}

export class InMemoryCommandStore implements CommandStore {
  readonly commands: CommandRecord[] = [];

  /** What a route handler does: a pending command for the engine to claim. */
  create(command: NewCommand): CommandRecord {
    const record: CommandRecord = {
      ...command,
      previewFingerprint: command.previewFingerprint ?? null,
      id: BigInt(this.commands.length + 1),
      status: 'pending',
      outcome: null,
      outcomeCode: null,
    };
    this.commands.push(record);
    return record;
  }

  find(id: bigint): CommandRecord | undefined {
    return this.commands.find((command) => command.id === id);
  }

  async claimNext(): Promise<CommandRecord | null> {
    const next = this.commands.find((command) => command.status === 'pending');
    if (!next) return null;
    return this.update(next.id, { status: 'executing' });
  }

  async complete(id: bigint, _executor: string, status: 'done' | 'rejected' | 'failed', outcome: string, outcomeCode: string | null = null): Promise<void> {
    this.update(id, { status, outcome, outcomeCode });
  }

  async failInterrupted(): Promise<number> {
    const interrupted = this.commands.filter((command) => command.status === 'executing');
    for (const command of interrupted) this.update(command.id, { status: 'failed', outcome: 'interrupted' });
    return interrupted.length;
  }

  private update(id: bigint, change: Partial<CommandRecord>): CommandRecord {
    const index = this.commands.findIndex((command) => command.id === id);
    const updated = { ...this.commands[index]!, ...change };
    this.commands[index] = updated;
    return updated;
  }
}

export class InMemoryChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(change: ChangeEvent) => void>();

  async subscribe(listener: (change: ChangeEvent) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(change: ChangeEvent): void {
    for (const listener of this.listeners) listener(change);
  }
}

export class InMemoryCancelStore implements CancelStore {
  readonly requested: CancelRequest[] = [];
  readonly confirmed = new Set<string>();

  async request(cancels: readonly CancelRequest[]): Promise<void> {
    for (const cancel of cancels) {
      if (!this.requested.some((known) => known.clientOrderId === cancel.clientOrderId)) this.requested.push(cancel);
    }
  }

  async confirm(clientOrderIds: readonly string[]): Promise<void> {
    for (const id of clientOrderIds) this.confirmed.add(id);
  }

  async unconfirmed(): Promise<CancelRequest[]> {
    return this.requested.filter((cancel) => !this.confirmed.has(cancel.clientOrderId));
  }
}

export function inMemoryStores() {
  const strategies = new InMemoryStrategyStore();
  const stores = {
    strategies,
    system: new InMemorySystemStore(),
    commands: new InMemoryCommandStore(),
    riskGate: new InMemoryRiskGate(strategies),
    cancels: new InMemoryCancelStore(),
  };
  return stores satisfies EngineStores;
}
