import type { StrategyDetail } from '../api/contract';
import { worldOf } from '../domain/coordinator';
import { machineGraph } from '../domain/strategies/machine-graph';
import { strategyDefinition } from '../domain/strategies/registry';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import { latestBar, marketView, summarize, systemView } from './dashboard-views';

/**
 * One strategy's page: its summary, its machine's graph, and its history, errors and refused events, newest first.
 * Read on every change of the strategy, so it reads only this strategy's row with its snapshot; the others are
 * read without theirs, as its entry permit needs only their states.
 */
export async function readStrategyDetail(
  id: string,
  { repositories }: Pick<ServerContext, 'repositories'> = serverContext(),
): Promise<StrategyDetail> {
  const { strategies, system: systemStore } = repositories;
  const [record, views, system, pendingResume, bar, transitions, errors, refusals] = await Promise.all([
    strategies.find(id),
    strategies.views(),
    systemStore.current(),
    repositories.resumes.open(),
    latestBar(repositories),
    strategies.transitions(id),
    strategies.errors(id),
    strategies.refusals(id),
  ]);
  if (!record) throw new AppError('NOT_FOUND', `no strategy ${id}`);
  const graph = machineGraph(strategyDefinition(record.kind).machine);
  return {
    system: systemView(system, pendingResume),
    market: bar ? marketView(bar) : null,
    strategy: summarize(record, worldOf(system.mode, views), bar),
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
