import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { zeroDteMachine } from './zero-dte/zero-dte.machine';
import { zeroDteRules, zeroDteSettingsSchema } from './zero-dte/zero-dte.rules';

export interface StrategyDefinition {
  readonly kind: string;
  readonly defaultName: string;
  readonly description: string;
  readonly machine: AnyStateMachine;
  /** Validates one instance's settings; missing fields take the DESIGN.md defaults. */
  readonly settingsSchema: z.ZodType<unknown>;
}

/** Every kind of strategy the engine can run, by the `kind` stored on its row. */
export const STRATEGY_DEFINITIONS: Readonly<Record<string, StrategyDefinition>> = {
  [zeroDteRules.kind]: {
    kind: zeroDteRules.kind,
    defaultName: zeroDteRules.defaultName,
    description: zeroDteRules.description,
    machine: zeroDteMachine,
    settingsSchema: zeroDteSettingsSchema,
  },
};

/** The strategies a fresh database starts with: one of each kind. */
export const DEFAULT_STRATEGIES: readonly { id: string; kind: string }[] = [{ id: 'zero-dte-friday', kind: zeroDteRules.kind }];

export function strategyDefinition(kind: string): StrategyDefinition {
  const definition = STRATEGY_DEFINITIONS[kind];
  if (!definition) throw new Error(`unknown strategy kind ${kind}`);
  return definition;
}
