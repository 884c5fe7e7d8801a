/**
 * The coordinator (the design's UnifiedStateManager): strategies learn about each other through a pure
 * decision, recomputed for every bar and shown beside each strategy in the dashboard.
 */
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
