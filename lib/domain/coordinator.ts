/**
 * The coordinator (the design's UnifiedStateManager): strategies learn about each other through a pure
 * decision, recomputed for every bar and shown beside each strategy in the dashboard.
 */
import type { MarketBar, OrderLeg } from './market/types';
import { openingOrderOf, withOrder } from './risk/book';
import { checkOpeningOrder, type Book, type RiskLimits } from './risk/limits';
import type { SystemMode } from './system-mode';

export interface EntryPermit {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

export interface StrategyView {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly state: string;
  /** Set while an operator has paused it: it enters nothing new (its management and exits go on). */
  readonly pause?: { readonly actor: string; readonly reason: string } | null;
}

export interface World {
  readonly systemMode: SystemMode;
  readonly strategies: readonly StrategyView[];
}

/**
 * The world as the coordinator sees it, built in one place for the engine (from its runners) and the
 * dashboard (from the stored rows), so both decide from the same view.
 */
export function worldOf(systemMode: SystemMode, strategies: Iterable<StrategyView>): World {
  return { systemMode, strategies: Array.from(strategies, ({ id, name, kind, state, pause }) => ({ id, name, kind, state, pause: pause ?? null })) };
}

/** States in which one strategy's trouble must stop every other strategy from opening risk. */
const CRITICAL_STATES: ReadonlySet<string> = new Set(['ERROR', 'EMERGENCY_EXIT']);

export const ALLOWED: EntryPermit = { allowed: true, reasons: [] };

/** May `strategy` open a new position in `world`? Every reason that says no is listed. */
export function canEnter(strategy: StrategyView, world: World): EntryPermit {
  const reasons: string[] = [];
  if (strategy.pause) reasons.push(`paused by ${strategy.pause.actor}: ${strategy.pause.reason}`);
  if (world.systemMode !== 'RUNNING') reasons.push(`system is ${world.systemMode}`);
  for (const other of world.strategies) {
    if (CRITICAL_STATES.has(other.state)) reasons.push(`${other.name} is in ${other.state}`);
    if (strategy.kind === 'ZERO_DTE' && other.kind === 'LT112' && other.state === 'DEFENSIVE_21DTE') {
      reasons.push(`${other.name} is in DEFENSIVE_21DTE`);
    }
  }
  return reasons.length === 0 ? ALLOWED : { allowed: false, reasons };
}

/** A strategy as the bar's permits see it: with the legs of the entry it proposes, while it validates one. */
export interface CandidateView extends StrategyView {
  readonly proposedLegs: readonly OrderLeg[] | null;
}

/**
 * The book and its limits on this bar: what a proposed entry is checked against; or, when the account at the broker
 * could not be read, why not: then no proposal passes, as none can be checked.
 */
export type RiskView = { readonly book: Book; readonly limits: RiskLimits; readonly bar: MarketBar } | { readonly unavailable: string };

/**
 * Every strategy's permit for one bar. A strategy validating a proposal is also checked against the risk limits
 * as the book would be after its entry filled; the strategies are decided one after another and each allowed
 * entry is counted in before the next is checked, so two entries on one bar cannot both take the last of a
 * shared limit (no write skew). A refused proposal's reasons name the limit and the figures.
 */
export function entryPermits(strategies: readonly CandidateView[], world: World, risk: RiskView | null): Map<string, EntryPermit> {
  const permits = new Map<string, EntryPermit>();
  let book: Book | null = null;
  for (const strategy of strategies) {
    const permit = canEnter(strategy, world);
    if (!risk || !permit.allowed || !strategy.proposedLegs || strategy.proposedLegs.length === 0) {
      permits.set(strategy.id, permit);
      continue;
    }
    if ('unavailable' in risk) {
      permits.set(strategy.id, { allowed: false, reasons: [`risk limit: ${risk.unavailable}`] });
      continue;
    }
    book ??= risk.book;
    const order = openingOrderOf(strategy.id, strategy.proposedLegs, risk.bar);
    const check = checkOpeningOrder(order, book, risk.limits);
    if (check.allowed) {
      book = withOrder(book, order);
      permits.set(strategy.id, permit);
    } else {
      permits.set(strategy.id, { allowed: false, reasons: check.reasons.map((reason) => `risk limit: ${reason}`) });
    }
  }
  return permits;
}
