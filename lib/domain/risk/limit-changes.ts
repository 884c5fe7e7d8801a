import type { RiskLimits } from './limits';

/** The limits that are one number each (the warning levels and allocations are compared element by element). */
type ScalarLimit = Exclude<keyof RiskLimits, 'strategyAllocation' | 'warnAt'>;

/**
 * Which way each limit loosens. Every scalar limit must be listed (the compiler holds it), so a limit added to
 * RiskLimits cannot be raised without anyone deciding what raising it means.
 */
const LOOSENS_WHEN: Readonly<Record<ScalarLimit, 'higher' | 'lower'>> = {
  maxBuyingPowerUse: 'higher',
  maxSpyDelta: 'higher',
  maxGamma: 'higher',
  maxVega: 'higher',
  // A floor: a lower minimum lets the book decay faster.
  minTheta: 'lower',
  maxDailyLoss: 'higher',
  maxIntradayDrawdown: 'higher',
  maxContractsPerOrder: 'higher',
  maxPremiumPerOrder: 'higher',
  maxOrdersPerMinute: 'higher',
  // A wider collar lets an order go out further from the mid.
  priceCollarFraction: 'higher',
  priceCollarMinimum: 'higher',
};

/** One limit that differs between two sets of limits; null stands for a strategy without its own allocation. */
export interface LimitChange {
  /** The field's name; `warnAt[0]`, `warnAt[1]`, or `strategyAllocation.<strategy id>` for the parts of those. */
  readonly field: string;
  readonly before: number | null;
  readonly after: number | null;
  /** Whether the change loosens the limit: more risk allowed, or a warning given later. */
  readonly isRaised: boolean;
}

/** A strategy's own allocation, or null; own keys only, so an id like `constructor` is never read off the prototype. */
const allocationOf = ({ strategyAllocation }: RiskLimits, id: string): number | null =>
  Object.hasOwn(strategyAllocation, id) ? strategyAllocation[id]! : null;

const change = (field: string, before: number | null, after: number | null, isRaised: boolean): LimitChange => ({ field, before, after, isRaised });

/**
 * Every limit that differs from `before` to `after` (the single numbers, the warning levels, then the allocations
 * by strategy id), each marked raised or not. Raised (loosened): a higher maximum, a lower theta floor, a later
 * warning level, a higher allocation, or an allocation removed (the strategy is then capped only by the book's
 * limits). A new allocation tightens.
 */
export function limitChanges(before: RiskLimits, after: RiskLimits): LimitChange[] {
  const changes: LimitChange[] = [];
  for (const field of Object.keys(LOOSENS_WHEN) as ScalarLimit[]) {
    const [was, is] = [before[field], after[field]];
    if (was !== is) changes.push(change(field, was, is, LOOSENS_WHEN[field] === 'higher' ? is > was : is < was));
  }
  for (const index of [0, 1] as const) {
    const [was, is] = [before.warnAt[index], after.warnAt[index]];
    if (was !== is) changes.push(change(`warnAt[${index}]`, was, is, is > was));
  }
  const strategies = [...new Set([...Object.keys(before.strategyAllocation), ...Object.keys(after.strategyAllocation)])].sort();
  for (const id of strategies) {
    const [was, is] = [allocationOf(before, id), allocationOf(after, id)];
    if (was === is) continue;
    const isRaised = is === null || (was !== null && is > was);
    changes.push(change(`strategyAllocation.${id}`, was, is, isRaised));
  }
  return changes;
}

/** The fields a change from `before` to `after` raises (loosens), by `limitChanges`' names: none means it only tightens. */
export function raisedLimits(before: RiskLimits, after: RiskLimits): string[] {
  return limitChanges(before, after)
    .filter((limitChange) => limitChange.isRaised)
    .map((limitChange) => limitChange.field);
}

/** A change in words for the audit trail: `maxSpyDelta 100 -> 150 (raised), strategyAllocation.lt112 none -> 0.1`. */
export function describeLimitChanges(changes: readonly LimitChange[]): string {
  const shown = (value: number | null) => (value === null ? 'none' : String(value));
  return changes.map(({ field, before, after, isRaised }) => `${field} ${shown(before)} -> ${shown(after)}${isRaised ? ' (raised)' : ''}`).join(', ');
}
