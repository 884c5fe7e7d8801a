import type { Overview, ResumeRequest, StrategySummary } from '../api/contract';
import { canEnter, type World } from '../domain/coordinator';
import { isMarketOpen } from '../domain/market/calendar';
import { marketBarSchema } from '../domain/market/market-bar-schema';
import type { MarketBar } from '../domain/market/types';
import { isFlat, positionPnl } from '../domain/strategies/position';
import { strategyDefinition } from '../domain/strategies/registry';
import type { StrategyRecord, SystemRecord } from '../engine/ports';
import type { Repositories } from '../server/context';

type ResumeRequestRecord = NonNullable<Awaited<ReturnType<Repositories['resumes']['open']>>>;

/** The latest bar the market clock saved; null before the first start. */
export async function latestBar(repositories: Repositories): Promise<MarketBar | null> {
  const clock = await repositories.system.marketClock();
  return clock ? marketBarSchema.parse(clock.state) : null;
}

export function systemView(system: SystemRecord, pendingResume: ResumeRequestRecord | null, unconfirmedCancels: number): Overview['system'] {
  return {
    mode: system.mode,
    cause: system.cause,
    actor: system.actor,
    reason: system.reason,
    changedAt: system.changedAt.toISOString(),
    pendingResume: pendingResume && resumeRequestView(pendingResume),
    unconfirmedCancels,
  };
}

export function resumeRequestView(request: ResumeRequestRecord): ResumeRequest {
  return {
    id: request.id.toString(),
    requestedBy: request.requestedBy,
    reason: request.reason,
    requestedAt: request.requestedAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    approvedBy: request.approvedBy,
  };
}


export function marketView(bar: MarketBar): NonNullable<Overview['market']> {
  return { time: new Date(bar.time).toISOString(), spy: bar.underlyings.SPY.price, vix: bar.vix, isOpen: isMarketOpen(bar.time) };
}

/** One strategy as the dashboard lists it: state, position and P&L at `bar`, and the coordinator's permit in `world`. */
export function summarize(record: StrategyRecord, world: World, bar: MarketBar | null): StrategySummary {
  const { context } = record.snapshot;
  const position = isFlat(context.position) ? null : context.position;
  const permit = canEnter(record, world);
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    description: strategyDefinition(record.kind).description,
    state: record.state,
    stateSince: record.stateSince.toISOString(),
    version: record.version,
    pause: record.pause && { actor: record.pause.actor, reason: record.pause.reason, since: record.pause.since.toISOString() },
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
