import type { AnyMachineSnapshot } from 'xstate';
import type { StrategyContext } from './types';

/** A strategy machine's context: every strategy machine is made by the lifecycle factory, so it has this shape. */
export const contextOf = <Settings = unknown>(snapshot: AnyMachineSnapshot): StrategyContext<Settings> =>
  snapshot.context as StrategyContext<Settings>;

/** A strategy machine's state: strategy machines are flat, so it is one state name. */
export function stateOf(snapshot: AnyMachineSnapshot): string {
  if (typeof snapshot.value !== 'string') throw new Error('strategy machines have flat states');
  return snapshot.value;
}
