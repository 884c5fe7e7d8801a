/**
 * One line of `npm run bench`'s table: a figure, the baseline it is judged against (measured in the same run, on
 * the same machine, at the same moment), their ratio, and the goal. Never asserted in a test: these machines are
 * shared and noisy, so a figure is only worth reading next to its own baseline.
 */
export interface Figure {
  /** What was measured, e.g. `transition writes, 4 writers`. */
  readonly name: string;
  readonly value: number;
  /** `tx/s`, `ms`, `s`, `MB`... */
  readonly unit: string;
  /** What the value is compared with, measured in this run; null where the goal is an absolute bound. */
  readonly baseline: { readonly name: string; readonly value: number } | null;
  /** value / baseline for throughputs, baseline / value for times: above 1 is better than the baseline. */
  readonly ratio: number | null;
  /** In words, e.g. `>= 1.0x pgbench` or `p99 <= 50 ms`. */
  readonly goal: string;
  /** Whether the goal was met; null for figures kept for information. */
  readonly met: boolean | null;
  /** Anything a reader needs to trust the line (fallbacks taken, sample sizes). */
  readonly note?: string;
}

export interface BenchContext {
  /** A PostgreSQL server this bench may create and drop its own databases on (`<name>` appended to the path). */
  readonly databaseUrl: (name: string) => string;
  /** `--quick`: fewer samples, the whole bench under two minutes. */
  readonly quick: boolean;
  readonly say: (line: string) => void;
}

/** One benchmark: a name (for `--only`) and what it measures. */
export interface Bench {
  readonly name: string;
  readonly run: (context: BenchContext) => Promise<readonly Figure[]>;
}

/** A throughput against its baseline: higher is better. */
export function throughput(name: string, value: number, unit: string, baseline: { name: string; value: number }, minRatio: number, note?: string): Figure {
  const ratio = value / baseline.value;
  return { name, value, unit, baseline, ratio, goal: `>= ${minRatio.toFixed(1)}x ${baseline.name}`, met: ratio >= minRatio, ...(note ? { note } : {}) };
}

/** A time bounded absolutely (`p99 <= 50 ms`), shown beside a baseline for scale: ratio is baseline / value. */
export function boundedTime(name: string, value: number, unit: string, bound: number, baseline: { name: string; value: number } | null, note?: string): Figure {
  return {
    name,
    value,
    unit,
    baseline,
    ratio: baseline && value > 0 ? baseline.value / value : null,
    goal: `<= ${bound} ${unit}`,
    met: value <= bound,
    ...(note ? { note } : {}),
  };
}

/** The p-th percentile (0-100) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
