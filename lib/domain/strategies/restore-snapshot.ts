import { createActor, type AnyMachineSnapshot, type AnyStateMachine, type Snapshot } from 'xstate';
import type { StoredSnapshot } from './lifecycle/stored-snapshot';

/** What a strategy's machine is created with. */
export const strategyInput = (strategyId: string, settings: unknown) => ({ strategyId, settings });

/** A machine snapshot from its stored JSON form (or a fresh one when nothing is stored yet). */
export function restoreSnapshot(
  machine: AnyStateMachine,
  stored: StoredSnapshot | null,
  strategyId: string,
  settings: unknown,
): AnyMachineSnapshot {
  const input = strategyInput(strategyId, settings);
  if (stored === null) return createActor(machine, { input }).getSnapshot();
  // Checked against storedSnapshotSchema when read; xstate's own snapshot type is not expressible in zod.
  return createActor(machine, { input, snapshot: stored as unknown as Snapshot<unknown> }).getSnapshot();
}
