import type { OverridePreview } from '../api/contract';
import type { MarketBar } from '../domain/market/types';
import type { OverridePlan, PlanSubject } from '../domain/strategies/override-plan';
import { emergencyHaltPlan, singleStrategyPlan } from '../domain/strategies/override-plan';
import { pureTransition } from '../domain/strategies/pure-transition';
import { strategyDefinition } from '../domain/strategies/registry';
import { restoreSnapshot, strategyInput } from '../domain/strategies/restore-snapshot';
import type { StrategyRecord } from '../engine/ports';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import { latestBar } from './dashboard-views';

type Context = Pick<ServerContext, 'repositories'>;

/**
 * What a Defensive Exit or a Recover of strategy `id` would send now. A read, answered by any server: the stored
 * snapshot (which the engine adopts only once written) and the latest bar the clock saved, planned by the function the
 * engine runs before it sends (`lib/domain/strategies/override-plan.ts`).
 */
export async function readStrategyPreview(id: string, action: 'defensive-exit' | 'recover', { repositories }: Context = serverContext()): Promise<OverridePreview> {
  const [record, bar] = await Promise.all([repositories.strategies.find(id), tradedBar(repositories)]);
  if (!record) throw new AppError('NOT_FOUND', `no strategy ${id}`);
  return previewView(singleStrategyPlan(action, subjectOf(record), bar));
}

/** What an Emergency Halt would send and cancel now, for every strategy, as `readStrategyPreview` computes it. */
export async function readHaltPreview({ repositories }: Context = serverContext()): Promise<OverridePreview> {
  const [records, system, bar] = await Promise.all([repositories.strategies.list(), repositories.system.current(), tradedBar(repositories)]);
  return previewView(emergencyHaltPlan(records.map(subjectOf), system.mode, bar));
}

/** The latest bar the clock saved, as the engine trades on it: stale while the paper venue's quotes are (as `Engine.currentBar`). */
async function tradedBar(repositories: Context['repositories']): Promise<MarketBar> {
  const [bar, faults] = await Promise.all([latestBar(repositories), repositories.brokerSettings.getFaults()]);
  if (!bar) throw new AppError('ENGINE_UNAVAILABLE', 'no market bar yet: the engine has not started; nothing can be priced');
  return faults.staleQuotes && !bar.isStale ? { ...bar, isStale: true } : bar;
}

/** A stored strategy as its runner holds it: its machine, the snapshot restored, and the machine's pure transition. */
function subjectOf(record: StrategyRecord): PlanSubject {
  const { machine } = strategyDefinition(record.kind);
  return {
    id: record.id,
    name: record.name,
    machine,
    snapshot: restoreSnapshot(machine, record.snapshot, record.id, record.settings),
    transition: pureTransition(machine, strategyInput(record.id, record.settings)),
  };
}

function previewView(plan: OverridePlan): OverridePreview {
  return {
    action: plan.action,
    barTime: new Date(plan.barTime).toISOString(),
    strategies: plan.strategies.map((strategy) => ({
      ...strategy,
      orders: strategy.orders.map((order) => ({ ...order, legs: [...order.legs] })),
      cancels: [...strategy.cancels],
      notes: [...strategy.notes],
    })),
    notes: [...plan.notes],
    fingerprint: plan.fingerprint,
  };
}
