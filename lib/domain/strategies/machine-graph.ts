import type { AnyStateMachine } from 'xstate';

export interface GraphState {
  readonly id: string;
  readonly description: string | null;
}

export interface GraphTransition {
  readonly from: string;
  readonly to: string;
  readonly event: string;
  /** The guard's name (a yes/no question), when the transition has one. */
  readonly guard: string | null;
}

export interface MachineGraph {
  readonly states: readonly GraphState[];
  readonly transitions: readonly GraphTransition[];
}

/** A guard's name, with the target it asks about when it is a shared, parameterised guard: `isDecision(EXITING)`. */
function guardName(guard: unknown): string | null {
  if (typeof guard === 'string') return guard;
  if (!guard || typeof guard !== 'object' || !('type' in guard) || typeof guard.type !== 'string') return null;
  const params = 'params' in guard ? (guard.params as Record<string, unknown> | undefined) : undefined;
  return typeof params?.next === 'string' ? `${guard.type}(${params.next})` : guard.type;
}

/**
 * The machine's own transition table, read from its definition: the dashboard's graph, the tests and the
 * refusal messages all come from here, so none of them can disagree with what the machine does.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: GraphState[] = [];
  const transitions: GraphTransition[] = [];
  for (const [id, node] of Object.entries(machine.root.states)) {
    states.push({ id, description: node.description ?? null });
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) {
        for (const target of definition.target ?? []) {
          transitions.push({ from: id, to: target.key, event, guard: guardName(definition.guard) });
        }
      }
    }
  }
  return { states, transitions };
}

/** The events a state has transitions for. */
export function acceptedEvents(machine: AnyStateMachine, state: string): string[] {
  const node = machine.root.states[state];
  return node ? [...node.transitions.keys()] : [];
}

/** Why `eventType` changed nothing in `state`, in words for the operator and the audit trail. */
export function refusalReason(machine: AnyStateMachine, state: string, eventType: string): string {
  const guards = machineGraph(machine)
    .transitions.filter((transition) => transition.from === state && transition.event === eventType)
    .map((transition) => transition.guard);
  if (guards.length === 0) {
    const accepted = acceptedEvents(machine, state);
    return `${state} does not accept ${eventType}` + (accepted.length ? ` (it accepts ${accepted.join(', ')})` : '');
  }
  const named = guards.filter((guard): guard is string => guard !== null);
  return `${eventType} is not allowed in ${state} now: ${named.length ? `${named.join(', ')} not met` : 'no transition applies'}`;
}
