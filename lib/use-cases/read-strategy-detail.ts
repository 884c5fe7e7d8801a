import type { StrategyDetail } from '../api/contract';
import { machineGraph } from '../domain/strategies/machine-graph';
import { strategyDefinition } from '../domain/strategies/registry';
import { serverContext, type ServerContext } from '../server/context';
import { readStrategyUpdate } from './read-strategy-update';

/** One strategy's page: its summary, its machine's graph, and its latest history, errors and refused events, newest first. */
export async function readStrategyDetail(id: string, context: Pick<ServerContext, 'repositories'> = serverContext()): Promise<StrategyDetail> {
  const latest = await readStrategyUpdate(id, 0, context);
  const graph = machineGraph(strategyDefinition(latest.strategy.kind).machine);
  return {
    ...latest,
    graph: { states: [...graph.states], transitions: [...graph.transitions] },
  };
}
