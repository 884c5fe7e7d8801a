import type { AnyStateMachine } from 'xstate';
import { ZERO_DTE_KIND, zeroDteMachine } from './zero-dte/zero-dte.machine';

export interface StrategyDefinition {
  readonly kind: string;
  readonly defaultName: string;
  readonly machine: AnyStateMachine;
}

/** Every kind of strategy the engine can run, by the `kind` stored on its row. */
export const STRATEGY_DEFINITIONS: Readonly<Record<string, StrategyDefinition>> = {
  [ZERO_DTE_KIND]: { kind: ZERO_DTE_KIND, defaultName: '0DTE Friday', machine: zeroDteMachine },
};

/** The strategies a fresh database starts with. */
export const DEFAULT_STRATEGIES: readonly { id: string; kind: string }[] = [{ id: 'zero-dte-friday', kind: ZERO_DTE_KIND }];

export function strategyDefinition(kind: string): StrategyDefinition {
  const definition = STRATEGY_DEFINITIONS[kind];
  if (!definition) throw new Error(`unknown strategy kind ${kind}`);
  return definition;
}
