import { assign, setup } from 'xstate';
import { lifecycleUpdates } from './actions';
import { compileStates } from './compile-table';
import { lifecycleGuards, type RowParams } from './guards';
import { LIFECYCLE_STATE_DESCRIPTIONS, lifecycleRows, type LifecycleShape } from './lifecycle-table';
import { ruleDecisions } from './rule-decisions';
import type { StrategyContext, StrategyEvent, StrategyRules } from './types';

export interface StrategyInput<Settings> {
  readonly strategyId: string;
  readonly settings: Settings;
}

export interface StrategyMachineOptions<Settings> {
  readonly rules: StrategyRules<Settings>;
  readonly shape: LifecycleShape;
  /** Descriptions of the strategy's own states (the lifecycle's are shared). */
  readonly stateDescriptions?: Readonly<Record<string, string>>;
}

/** A fresh strategy: flat, no cycle yet, nothing realised. */
function initialContext<Settings>({ strategyId, settings }: StrategyInput<Settings>): StrategyContext<Settings> {
  return {
    strategyId,
    settings,
    cycle: null,
    entryAttempts: 0,
    orderAttempts: 0,
    errorCount: 0,
    proposal: null,
    order: null,
    position: null,
    recovery: null,
    lastError: null,
    realizedPnl: 0,
    lastReason: null,
    lastBarTime: null,
  };
}

/**
 * Builds a strategy's machine from the shared lifecycle table and its rules. Every guard and action is a
 * named, pure function of context and event; orders are decided here and sent by the engine, which reads
 * them from the context (`context.order`) and reports back with `order.updated` / `order.failed`.
 */
export function createStrategyMachine<Settings>({ rules, shape, stateDescriptions = {} }: StrategyMachineOptions<Settings>) {
  type Context = StrategyContext<Settings>;
  const decisions = ruleDecisions(rules);
  const updates = lifecycleUpdates(decisions);
  const actions = Object.fromEntries(
    Object.entries(updates).map(([name, update]) => [name, assign<Context, StrategyEvent, RowParams, StrategyEvent, never>(update)]),
  );

  const machine = setup({
    types: {
      context: {} as Context,
      events: {} as StrategyEvent,
      input: {} as StrategyInput<Settings>,
    },
    guards: lifecycleGuards(decisions),
    actions,
  });

  const states = compileStates(
    lifecycleRows(shape),
    (state) => stateDescriptions[state] ?? LIFECYCLE_STATE_DESCRIPTIONS[state] ?? state,
  );
  type MachineConfig = Parameters<typeof machine.createMachine>[0];
  return machine.createMachine({
    id: rules.kind,
    description: rules.description,
    initial: 'INITIALIZING',
    context: ({ input }) => initialContext(input),
    // Generated from the table, so its shape is only known at run time; xstate checks every guard and
    // action name against setup() when the machine is created.
    states: states as MachineConfig['states'],
  });
}
