import { TRANSITION_HISTORY_LIMIT, type StrategyChange, type StrategyUpdate, type TransitionRow } from '../api/contract';
import { worldOf } from '../domain/coordinator';
import { marketBarSchema } from '../domain/market/market-bar-schema';
import { AppError } from '../errors';
import { serverContext, type ServerContext } from '../server/context';
import { latestBar, marketView, summarize, systemView } from './dashboard-views';

type StoredTransition = Awaited<ReturnType<ServerContext['repositories']['strategies']['transitions']>>[number];

const transitionView = (row: StoredTransition): TransitionRow => ({
  seq: row.seq,
  fromState: row.fromState,
  toState: row.toState,
  eventType: row.eventType,
  actor: row.actor,
  reason: row.reason,
  marketTime: row.marketTime.toISOString(),
  wallTime: row.wallTime.toISOString(),
});

/**
 * One strategy as its page shows it now, with only the transitions after `afterSeq` (0: the latest
 * TRANSITION_HISTORY_LIMIT), newest first, and its errors and refused events, newest first; without its machine's
 * graph. Read on every change of the strategy, so it reads only this strategy's row with its snapshot: the others
 * are read without theirs, as its entry permit needs only their states.
 */
export async function readStrategyUpdate(
  id: string,
  afterSeq: number,
  { repositories }: Pick<ServerContext, 'repositories'> = serverContext(),
): Promise<StrategyUpdate> {
  const { strategies } = repositories;
  const [record, views, system, pendingResume, bar, transitions, errors, refusals, unconfirmedCancels] = await Promise.all([
    strategies.find(id),
    strategies.views(),
    repositories.system.current(),
    repositories.resumes.open(),
    latestBar(repositories),
    strategies.transitions(id, { afterSeq, limit: TRANSITION_HISTORY_LIMIT }),
    strategies.errors(id),
    strategies.refusals(id),
    repositories.cancels.countUnconfirmed(),
  ]);
  if (!record) throw new AppError('NOT_FOUND', `no strategy ${id}`);
  return {
    system: systemView(system, pendingResume, unconfirmedCancels),
    market: bar ? marketView(bar) : null,
    strategy: summarize(record, worldOf(system.mode, views), bar),
    transitions: transitions.map(transitionView),
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

/**
 * What a transition of strategy `id` changed on its page: the strategy now and at most `limit` of its transitions
 * after `afterSeq`, newest first (see StrategyChange), read in one statement. Null when there is no such strategy.
 */
export async function readStrategyChange(
  id: string,
  range: { afterSeq: number; limit: number },
  { repositories }: Pick<ServerContext, 'repositories'> = serverContext(),
): Promise<StrategyChange | null> {
  const change = await repositories.strategies.liveChange(id, range);
  if (!change) return null;
  const bar = change.bar === null ? null : marketBarSchema.parse(change.bar);
  const mode = change.mode ?? (await repositories.system.current()).mode;
  return { strategy: summarize(change.record, worldOf(mode, change.views), bar), transitions: change.transitions.map(transitionView) };
}
