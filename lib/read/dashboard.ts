import type { Overview, StrategyDetail, StrategySummary } from '../api/contract';
import type { Db } from '../db/client';
import { StrategyRepository, type StrategyRecord } from '../db/strategy-repository';
import { SystemRepository, type SystemRecord } from '../db/system-repository';
import { canEnter, type World } from '../domain/coordinator';
import { isMarketOpen } from '../domain/market/calendar';
import type { MarketBar } from '../domain/market/types';
import { machineGraph } from '../domain/strategies/machine-graph';
import type { StrategyContext } from '../domain/strategies/lifecycle/types';
import { isFlat, positionPnl } from '../domain/strategies/position';
import { strategyDefinition } from '../domain/strategies/registry';
import { AppError } from '../errors';

/** What the dashboard shows, read from the database so that every server answers the same. */
export class DashboardReader {
  private readonly strategies: StrategyRepository;
  private readonly system: SystemRepository;

  constructor(db: Db) {
    this.strategies = new StrategyRepository(db);
    this.system = new SystemRepository(db);
  }

  async overview({ demoControls }: { demoControls: boolean }): Promise<Overview> {
    const [records, system, bar] = await Promise.all([this.strategies.list(), this.system.system(), this.latestBar()]);
    const world = worldOf(system, records);
    return {
      demoControls,
      system: systemView(system),
      market: bar ? marketView(bar) : null,
      strategies: records.map((record) => summarize(record, world, bar)),
    };
  }

  async detail(id: string): Promise<StrategyDetail> {
    const [records, system, bar] = await Promise.all([this.strategies.list(), this.system.system(), this.latestBar()]);
    const record = records.find((candidate) => candidate.id === id);
    if (!record) throw new AppError('NOT_FOUND', `no strategy ${id}`);
    const [transitions, errors, refusals] = await Promise.all([
      this.strategies.transitions(id),
      this.strategies.errors(id),
      this.strategies.refusals(id),
    ]);
    const graph = machineGraph(strategyDefinition(record.kind).machine);
    return {
      system: systemView(system),
      market: bar ? marketView(bar) : null,
      strategy: summarize(record, worldOf(system, records), bar),
      graph: {
        states: [...graph.states],
        transitions: graph.transitions.map(({ from, to, event }) => ({ from, to, event })),
      },
      transitions: transitions.map((row) => ({
        seq: row.seq,
        fromState: row.fromState,
        toState: row.toState,
        eventType: row.eventType,
        actor: row.actor,
        reason: row.reason,
        marketTime: row.marketTime.toISOString(),
        wallTime: row.wallTime.toISOString(),
      })),
      errors: errors.map((row) => ({
        id: row.id.toString(),
        state: row.state,
        type: row.type,
        message: row.message,
        marketTime: row.marketTime.toISOString(),
        wallTime: row.wallTime.toISOString(),
      })),
      refusals: refusals.map((row) => ({
        id: row.id.toString(),
        state: row.state,
        eventType: row.eventType,
        actor: row.actor,
        reason: row.reason,
        marketTime: row.marketTime.toISOString(),
        wallTime: row.wallTime.toISOString(),
      })),
    };
  }

  private async latestBar(): Promise<MarketBar | null> {
    const clock = await this.system.marketClock();
    return clock ? (clock.state as MarketBar) : null;
  }
}

function worldOf(system: SystemRecord, records: readonly StrategyRecord[]): World {
  return { systemMode: system.mode, strategies: records.map(({ id, name, kind, state }) => ({ id, name, kind, state })) };
}

function systemView(system: SystemRecord): Overview['system'] {
  return { mode: system.mode, actor: system.actor, reason: system.reason, changedAt: system.changedAt.toISOString() };
}

function marketView(bar: MarketBar): NonNullable<Overview['market']> {
  return { time: new Date(bar.time).toISOString(), spy: bar.underlyings.SPY.price, vix: bar.vix, isOpen: isMarketOpen(bar.time) };
}

function contextOf(record: StrategyRecord): StrategyContext {
  return (record.snapshot as { context: StrategyContext }).context;
}

function summarize(record: StrategyRecord, world: World, bar: MarketBar | null): StrategySummary {
  const context = contextOf(record);
  const position = isFlat(context.position) ? null : context.position;
  const permit = canEnter({ id: record.id, name: record.name, kind: record.kind, state: record.state }, world);
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    description: strategyDefinition(record.kind).description,
    state: record.state,
    stateSince: record.stateSince.toISOString(),
    version: record.version,
    position: position
      ? {
          structure: position.structure,
          legs: position.legs.map(({ contract, quantity }) => ({ ...contract, quantity })),
          entryCash: position.entryCash,
          openedAt: new Date(position.openedAt).toISOString(),
        }
      : null,
    pnl: position && bar ? positionPnl(position, bar) : null,
    realizedPnl: context.realizedPnl,
    entryPermit: { allowed: permit.allowed, reasons: [...permit.reasons] },
    errorCount: context.errorCount,
    lastReason: context.lastReason,
  };
}
