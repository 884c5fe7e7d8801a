import type { GuardRef, TransitionRow } from './lifecycle-table';

/** A guard or action reference as xstate takes it: its name and parameters. */
interface NamedRef {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface CompiledState {
  readonly description: string;
  readonly on: Record<string, { target: string; guard: NamedRef | undefined; actions: NamedRef[] }[]>;
}

/** Guard and action references get the row's own states as parameters, so one implementation serves every row. */
function withRowParams(ref: GuardRef, row: TransitionRow): NamedRef {
  const base = typeof ref === 'string' ? { type: ref, params: {} } : ref;
  return { type: base.type, params: { ...base.params, from: row.from, to: row.to } };
}

/**
 * The xstate `states` config of a table: one state per `from`, its transitions per event in row order (the
 * first row whose guard holds is taken), every guard and action by name.
 */
export function compileStates(rows: readonly TransitionRow[], describe: (state: string) => string): Record<string, CompiledState> {
  const states: Record<string, CompiledState> = {};
  for (const row of rows) {
    const state = (states[row.from] ??= { description: describe(row.from), on: {} });
    (state.on[row.event] ??= []).push({
      target: row.to,
      guard: row.guard ? withRowParams(row.guard, row) : undefined,
      actions: row.actions.map((action) => withRowParams(action, row)),
    });
  }
  return states;
}
