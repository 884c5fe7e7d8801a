import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyEventObject, type AnyStateMachine } from 'xstate';

/** The next snapshot of a machine on an event, computed without executing any action. */
export type PureTransition = (snapshot: AnyMachineSnapshot, event: AnyEventObject) => AnyMachineSnapshot;

const ignore = (): void => undefined;

/**
 * xstate's pure `transition(machine, snapshot, event)`, with its actor scope made once instead of on every call:
 * `transition()` builds a throwaway actor each time, and with it the machine's initial context, from no input
 * (the strategies' context factory throws on that, inside xstate): most of a call's cost. Here the scope's actor
 * gets the strategy's real input once, is never started, and executes nothing: as with `transition()`, effects
 * are read from the snapshot by the caller. For machines that neither invoke nor spawn actors (xstate's own scope
 * gives each call a fresh actor system so that spawned children cannot collide).
 */
export function pureTransition(machine: AnyStateMachine, input: unknown): PureTransition {
  const isQuietWhenNothingIsEnabled = !hasEventlessTransitions(machine.root);
  const self = createActor(machine, { input });
  const scope: AnyActorScope = {
    self,
    id: '',
    sessionId: '',
    logger: ignore,
    defer: ignore,
    emit: ignore,
    system: self.system,
    stopChild: ignore,
    actionExecutor: ignore,
  };
  // Most events enable no transition (a bar to a strategy that holds and waits): xstate's macrostep then returns the
  // snapshot it was given, after its bookkeeping (a microstep of nothing, a look for eventless transitions). The same
  // selection of transitions (guards and all) is asked first, and only an event that enables one takes the macrostep.
  return (snapshot, event) =>
    isQuietWhenNothingIsEnabled && machine.getTransitionData(snapshot, event).length === 0 ? snapshot : machine.transition(snapshot, event, scope);
}

/** Whether any state of the machine has eventless (`always`) transitions, which a macrostep may take on any event. */
function hasEventlessTransitions(node: AnyStateMachine['root']): boolean {
  return (node.always?.length ?? 0) > 0 || Object.values(node.states).some(hasEventlessTransitions);
}
