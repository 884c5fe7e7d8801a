import { riskLimitsSchema, type RiskLimits, type RiskLimitsResponse } from '@/lib/api/contract';
import { DEFAULT_RISK_LIMITS } from '@/lib/domain/risk/limits';

/**
 * One input of the risk limits form. `key` is the limit's name as `limitChanges` gives it (`maxSpyDelta`,
 * `warnAt[0]`, `strategyAllocation.lt112`); the input shows the value times `scale` (100: a percentage).
 */
export interface LimitField {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly scale: number;
  /** The default, as the input shows it; empty: none. */
  readonly defaultShown: string;
  /** An allocation: empty means no cap of its own. */
  readonly isOptional: boolean;
}

type Scalar = Exclude<keyof RiskLimits, 'strategyAllocation' | 'warnAt'>;

const PERCENT = 100;

const SCALARS: readonly { key: Scalar; label: string; unit: string; scale: number }[] = [
  { key: 'maxBuyingPowerUse', label: 'Max buying power in use', unit: '% of net liquidation', scale: PERCENT },
  { key: 'maxSpyDelta', label: 'Max SPY-equivalent delta', unit: 'SPY shares, long or short', scale: 1 },
  { key: 'maxGamma', label: 'Max gamma of the book', unit: 'deltas per point, either way', scale: 1 },
  { key: 'maxVega', label: 'Max vega of the book', unit: '$ per vol point, either way', scale: 1 },
  { key: 'minTheta', label: 'Min theta of the book', unit: '$ per day: a floor, 0 or below', scale: 1 },
  { key: 'maxDailyLoss', label: 'Max loss today', unit: "% of the day's opening value", scale: PERCENT },
  { key: 'maxIntradayDrawdown', label: 'Max intraday drawdown', unit: "% of the day's high", scale: PERCENT },
  { key: 'maxContractsPerOrder', label: 'Max contracts per order', unit: 'contracts', scale: 1 },
  { key: 'maxPremiumPerOrder', label: 'Max premium per order', unit: '$ paid or received', scale: 1 },
  { key: 'maxOrdersPerMinute', label: 'Max opening orders per minute', unit: 'orders, across the account', scale: 1 },
  { key: 'priceCollarFraction', label: 'Price collar', unit: "% of the combo's mid an order may have moved since it was decided", scale: PERCENT },
  { key: 'priceCollarMinimum', label: 'Price collar floor', unit: '$ per share of one unit, whichever is more', scale: 1 },
];

const WARNINGS = [
  { key: 'warnAt[0]', label: 'Warning from', unit: '% of each limit (amber)', index: 0 },
  { key: 'warnAt[1]', label: 'Critical from', unit: '% of each limit (orange)', index: 1 },
] as const;

const ALLOCATION = 'strategyAllocation.';

/** A stored fraction or amount as the input shows it: scaled, without binary noise (0.35 is "35", not "35.00000000000001"). */
export const shown = (value: number | null, scale: number): string => (value === null ? '' : String(Number((value * scale).toPrecision(12))));

/** Every input of the form: the limits, the warning levels, then one allocation per strategy. */
export function limitFields(strategies: RiskLimitsResponse['strategies']): LimitField[] {
  return [
    ...SCALARS.map(({ key, label, unit, scale }) => ({ key, label, unit, scale, defaultShown: shown(DEFAULT_RISK_LIMITS[key], scale), isOptional: false })),
    ...WARNINGS.map(({ key, label, unit, index }) => ({ key, label, unit, scale: PERCENT, defaultShown: shown(DEFAULT_RISK_LIMITS.warnAt[index], PERCENT), isOptional: false })),
    ...strategies.map(({ id, name }) => ({
      key: `${ALLOCATION}${id}`,
      label: `${name} allocation`,
      unit: '% of net liquidation; empty: no cap of its own',
      scale: PERCENT,
      defaultShown: '',
      isOptional: true,
    })),
  ];
}

/** The stored value behind an input; null for a strategy without an allocation. */
function valueOf(limits: RiskLimits, key: string): number | null {
  if (key.startsWith(ALLOCATION)) {
    const id = key.slice(ALLOCATION.length);
    return Object.hasOwn(limits.strategyAllocation, id) ? limits.strategyAllocation[id]! : null;
  }
  const warning = WARNINGS.find((candidate) => candidate.key === key);
  return warning ? limits.warnAt[warning.index] : limits[key as Scalar];
}

/** What each input shows for `limits`, by key. */
export function draftOf(limits: RiskLimits, fields: readonly LimitField[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.key, shown(valueOf(limits, field.key), field.scale)]));
}

/** The input a schema issue belongs to, by its path. */
function keyOfIssue(path: readonly PropertyKey[]): string {
  const [first, second] = path;
  if (first === 'warnAt') return `warnAt[${typeof second === 'number' ? second : 1}]`;
  if (first === 'strategyAllocation') return `${ALLOCATION}${String(second)}`;
  return String(first);
}

export type DraftResult = { readonly limits: RiskLimits; readonly problems: null } | { readonly limits: null; readonly problems: Record<string, string> };

/**
 * The limits a draft stands for, or what is wrong with it, input by input. An input left as it was shown keeps the
 * stored value exactly (a percentage shown rounded never becomes a change nobody made).
 */
export function limitsOfDraft(draft: Record<string, string>, stored: RiskLimits, fields: readonly LimitField[]): DraftResult {
  const shownFirst = draftOf(stored, fields);
  const problems: Record<string, string> = {};
  const values = new Map<string, number | null>();
  for (const { key, scale, isOptional } of fields) {
    const text = (draft[key] ?? '').trim();
    if (text === shownFirst[key]) values.set(key, valueOf(stored, key));
    else if (text === '' && isOptional) values.set(key, null);
    else if (text === '' || !Number.isFinite(Number(text))) problems[key] = 'enter a number';
    else values.set(key, Number(text) / scale);
  }
  if (Object.keys(problems).length > 0) return { limits: null, problems };
  const allocations = fields.filter(({ key }) => key.startsWith(ALLOCATION) && values.get(key) !== null);
  const parsed = riskLimitsSchema.safeParse({
    ...Object.fromEntries(SCALARS.map(({ key }) => [key, values.get(key)])),
    warnAt: WARNINGS.map(({ key }) => values.get(key)),
    strategyAllocation: Object.fromEntries(allocations.map(({ key }) => [key.slice(ALLOCATION.length), values.get(key)])),
  });
  if (parsed.success) return { limits: parsed.data, problems: null };
  return { limits: null, problems: Object.fromEntries(parsed.error.issues.map((issue) => [keyOfIssue(issue.path), issue.message])) };
}
