import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { futuresStrangleMachine } from './futures-strangle/futures-strangle.machine';
import { futuresStrangleRules, futuresStrangleSettingsSchema } from './futures-strangle/futures-strangle.rules';
import { ipmccMachine } from './ipmcc/ipmcc.machine';
import { ipmccRules, ipmccSettingsSchema } from './ipmcc/ipmcc.rules';
import { leapLadderMachine } from './leap-ladder/leap-ladder.machine';
import { leapLadderRules, leapLadderSettingsSchema } from './leap-ladder/leap-ladder.rules';
import type { StrategyRules } from './lifecycle/types';
import { lt112Machine } from './lt112/lt112.machine';
import { lt112Rules, lt112SettingsSchema } from './lt112/lt112.rules';
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

function define<S>(rules: StrategyRules<S>, machine: AnyStateMachine, settingsSchema: z.ZodType<S>): StrategyDefinition {
  return { kind: rules.kind, defaultName: rules.defaultName, description: rules.description, machine, settingsSchema };
}

const DEFINITIONS: readonly StrategyDefinition[] = [
  define(zeroDteRules, zeroDteMachine, zeroDteSettingsSchema),
  define(lt112Rules, lt112Machine, lt112SettingsSchema),
  define(ipmccRules, ipmccMachine, ipmccSettingsSchema),
  define(leapLadderRules, leapLadderMachine, leapLadderSettingsSchema),
  define(futuresStrangleRules, futuresStrangleMachine, futuresStrangleSettingsSchema),
];

/** Every kind of strategy the engine can run, by the `kind` stored on its row. */
export const STRATEGY_DEFINITIONS: Readonly<Record<string, StrategyDefinition>> = Object.fromEntries(
  DEFINITIONS.map((definition) => [definition.kind, definition]),
);

/** The strategies a fresh database starts with: one of each kind. */
export const DEFAULT_STRATEGIES: readonly { id: string; kind: string }[] = [
  { id: 'zero-dte-friday', kind: zeroDteRules.kind },
  { id: 'lt112', kind: lt112Rules.kind },
  { id: 'ipmcc', kind: ipmccRules.kind },
  { id: 'leap-ladder', kind: leapLadderRules.kind },
  { id: 'futures-strangle', kind: futuresStrangleRules.kind },
];

export function strategyDefinition(kind: string): StrategyDefinition {
  const definition = STRATEGY_DEFINITIONS[kind];
  if (!definition) throw new Error(`unknown strategy kind ${kind}`);
  return definition;
}
