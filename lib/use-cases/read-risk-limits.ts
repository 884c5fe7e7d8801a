import type { RiskLimitsResponse } from '../api/contract';
import type { StrategyRecord } from '../engine/ports';
import { serverContext, type Repositories, type ServerContext } from '../server/context';

type StoredRiskLimits = Awaited<ReturnType<Repositories['riskLimits']['read']>>;

/** The stored limits as the settings page shows them, with the strategies an allocation may name. */
export function riskLimitsView(stored: StoredRiskLimits, strategies: readonly Pick<StrategyRecord, 'id' | 'name'>[]): RiskLimitsResponse {
  return {
    limits: stored.limits,
    version: stored.version,
    changedBy: stored.changedBy,
    reason: stored.reason,
    changedAt: stored.changedAt?.toISOString() ?? null,
    strategies: strategies.map(({ id, name }) => ({ id, name })),
  };
}

/** The risk limits in force (DESIGN.md's defaults until someone changes them), who last changed them, when and why. */
export async function readRiskLimits({ repositories }: Pick<ServerContext, 'repositories'> = serverContext()): Promise<RiskLimitsResponse> {
  const [stored, strategies] = await Promise.all([repositories.riskLimits.read(), repositories.strategies.list()]);
  return riskLimitsView(stored, strategies);
}
