import { isFlat } from '../position';
import { asTick } from './lifecycle-events';
import { MAX_ENTRY_ATTEMPTS, MAX_PROPOSAL_AGE_MS } from './lifecycle-limits';
import { marketDataProblems } from './market-data';
import { resolveRecovery } from './recovery-policy';
import type { MarketTickEvent, PositionDecision, Proposal, StrategyContext, StrategyEvent, StrategyRules } from './types';
import { MINUTE_MS } from '../../market/time';

/** An entry signal with its proposal, or every reason there is none. */
export type EntryEvaluation = { readonly proposal: Proposal } | { readonly problems: readonly string[] };

/** What a strategy's rules say about one event, as the lifecycle's guards and actions ask it. */
export interface RuleDecisions<Settings> {
  /** Whether this bar is an entry signal, and the order it proposes. */
  entry(context: StrategyContext<Settings>, tick: MarketTickEvent): EntryEvaluation;
  /** Why the proposal may not be sent on this bar (empty: send it). */
  validationProblems(context: StrategyContext<Settings>, tick: MarketTickEvent): readonly string[];
  /** What the held position calls for on this event in state `from`; null to hold (or when the event is not a usable bar). */
  positionDecision(context: StrategyContext<Settings>, event: StrategyEvent, from: string): PositionDecision | null;
  /** The cycle a bar belongs to: a new cycle resets the attempt and error counters. */
  cycleKey(tick: MarketTickEvent): string;
  /** Whether COMPLETE may start the next cycle on this bar. */
  isNextCycle(context: StrategyContext<Settings>, tick: MarketTickEvent): boolean;
  /** Why a close is starting, in words for the audit trail. */
  closeReason(context: StrategyContext<Settings>, event: StrategyEvent, from: string): string;
}

/**
 * Remembers the latest answer, by (event, context, state): the guards of a transition and then its actions ask
 * the same question of the same objects, one after another within one synchronous transition, and a strategy's
 * rules (pricing an option chain) run once. Only the latest: a WeakMap keyed by every event (hundreds of thousands
 * of short-lived bars a simulated year) cost the garbage collector more than it saved.
 */
function oncePerEvent<C extends object, E extends object, R>(compute: (context: C, event: E, from: string) => R) {
  let latest: { readonly event: E; readonly context: C; readonly from: string; readonly answer: R } | null = null;
  return (context: C, event: E, from = ''): R => {
    if (latest && latest.event === event && latest.context === context && latest.from === from) return latest.answer;
    const answer = compute(context, event, from);
    latest = { event, context, from, answer };
    return answer;
  };
}

/** The lifecycle's questions to `rules`, with the checks every strategy shares: sane data, the coordinator's permit, attempts. */
export function ruleDecisions<Settings>(rules: StrategyRules<Settings>): RuleDecisions<Settings> {
  type Context = StrategyContext<Settings>;

  const entry = oncePerEvent((context: Context, tick: MarketTickEvent): EntryEvaluation => {
    const dataProblems = marketDataProblems(tick.bar);
    if (dataProblems.length > 0) return { problems: dataProblems };
    const problems = [...tick.permit.reasons];
    const sameCycle = context.cycle === rules.cycleKey(tick.bar);
    if (sameCycle && context.entryAttempts >= MAX_ENTRY_ATTEMPTS) problems.push(`${context.entryAttempts} entry attempts this cycle`);
    problems.push(...rules.entryProblems(context, tick.bar));
    if (problems.length > 0) return { problems };
    const proposal = rules.propose(context, tick.bar);
    return 'problems' in proposal ? { problems: proposal.problems } : { proposal };
  });

  const validationProblems = oncePerEvent((context: Context, tick: MarketTickEvent): readonly string[] => {
    const { proposal } = context;
    if (!proposal) return ['no proposal'];
    const dataProblems = marketDataProblems(tick.bar);
    if (dataProblems.length > 0) return dataProblems;
    const problems = [...tick.permit.reasons];
    const age = tick.bar.time - proposal.proposedAt;
    if (age < 0 || age > MAX_PROPOSAL_AGE_MS) problems.push(`the proposal is ${Math.round(age / MINUTE_MS)} minutes old`);
    if (rules.cycleKey(tick.bar) !== context.cycle) problems.push('the proposal is from another cycle');
    problems.push(...rules.validate(context, proposal, tick.bar));
    return problems;
  });

  const positionDecision = oncePerEvent((context: Context, event: StrategyEvent, from: string): PositionDecision | null => {
    const tick = asTick(event);
    if (!tick || !context.position || isFlat(context.position) || marketDataProblems(tick.bar).length > 0) return null;
    return rules.manage(context, tick.bar, from);
  });

  const closeReason = (context: Context, event: StrategyEvent, from: string): string => {
    if (event.type === 'market.tick') {
      if (event.systemMode === 'EMERGENCY' && !isFlat(context.position)) return 'system is in EMERGENCY: the position is flattened';
      return positionDecision(context, event, from)?.reason ?? 'closing';
    }
    if (event.type === 'recovery.checked') return resolveRecovery(context, event.order).reason;
    if ('reason' in event && typeof event.reason === 'string') return event.reason;
    return 'an order failed part-filled: closing what is held';
  };

  const isNextCycle = (context: Context, tick: MarketTickEvent): boolean => rules.isNextCycle(context, tick.bar);

  const cycleKey = (tick: MarketTickEvent): string => rules.cycleKey(tick.bar);

  return { entry, validationProblems, positionDecision, cycleKey, isNextCycle, closeReason };
}
