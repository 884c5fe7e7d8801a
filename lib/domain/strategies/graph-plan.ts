import type { GraphState, GraphTransition } from './machine-graph';

/** The shared lifecycle's happy path, top to bottom: the spine the graph is drawn around. */
export const HAPPY_PATH: readonly string[] = ['INITIALIZING', 'WAITING', 'VALIDATION', 'ENTERING', 'ACTIVE', 'MANAGING', 'EXITING', 'COMPLETE'];

/** States a strategy only reaches when something went wrong or an operator stepped in: drawn in their own lane. */
export const EXCEPTION_STATES: readonly string[] = ['DEFENSIVE_EXIT', 'EMERGENCY_EXIT', 'ERROR', 'RECOVERY', 'PAUSED', 'HALTED'];

/**
 * A transition shared by this many states or more is drawn once, from a group, instead of once per state:
 * below it a group's box costs more reading than the edges it saves.
 */
export const MIN_GROUP_SIZE = 4;

export type Lane = 'spine' | 'own' | 'exception';

/** What moves the machine along an edge: the event, and the named guard that must hold (if any). */
export interface Trigger {
  readonly event: string;
  readonly guard: string | null;
}

export interface PlannedState {
  readonly id: string;
  readonly description: string | null;
  readonly lane: Lane;
  /** Where the state sits top to bottom: its place on the happy path, or one below the first state that leads to it. */
  readonly row: number;
  /** Transitions that stay in the state (an order's progress): listed on the state, not drawn. */
  readonly loops: readonly Trigger[];
  /** The groups whose shared transitions this state takes. */
  readonly groups: readonly string[];
}

/** States sharing the same transitions, drawn as one box with one edge per target. */
export interface StateGroup {
  readonly id: string;
  readonly name: string;
  readonly members: readonly string[];
}

export interface PlannedEdge {
  readonly id: string;
  /** A state, or a group's id. */
  readonly from: string;
  readonly to: string;
  readonly triggers: readonly Trigger[];
  readonly isFromGroup: boolean;
  /** A step along the happy path (WAITING -> VALIDATION, ...), kept straight in the drawing. */
  readonly isHappyPath: boolean;
}

export interface GraphPlan {
  readonly states: readonly PlannedState[];
  readonly groups: readonly StateGroup[];
  readonly edges: readonly PlannedEdge[];
}

type StepTest = (from: string, to: string) => boolean;

/** Whether from -> to is a step along the happy path, skipping the happy-path states the machine does not have. */
function happyStepsOf(ids: ReadonlySet<string>): StepTest {
  const spine = HAPPY_PATH.filter((id) => ids.has(id));
  return (from, to) => {
    const index = spine.indexOf(from);
    return index >= 0 && spine[index + 1] === to;
  };
}

const triggerKey = (to: string, { event, guard }: Trigger) => JSON.stringify([to, event, guard]);

function addTrigger(list: Trigger[], trigger: Trigger): void {
  if (!list.some((t) => t.event === trigger.event && t.guard === trigger.guard)) list.push(trigger);
}

/** A group's name says what its members have in common, when the shared events tell. */
function groupName(triggers: readonly Trigger[]): string {
  if (triggers.some((t) => t.event === 'order.failed')) return 'Any state with an order out';
  return 'Any of these states';
}

/**
 * Transitions (to, event, guard) that the same set of at least MIN_GROUP_SIZE states all take, folded into one group
 * per set of states. Happy-path steps and self-transitions are never folded.
 */
function findGroups(transitions: readonly GraphTransition[], isHappyStep: StepTest): { groups: StateGroup[]; folded: Map<string, Set<string>>; edges: PlannedEdge[] } {
  const sourcesOf = new Map<string, { to: string; trigger: Trigger; sources: Set<string> }>();
  for (const { from, to, event, guard } of transitions) {
    if (from === to || isHappyStep(from, to)) continue;
    const key = triggerKey(to, { event, guard });
    const entry = sourcesOf.get(key) ?? { to, trigger: { event, guard }, sources: new Set<string>() };
    entry.sources.add(from);
    sourcesOf.set(key, entry);
  }

  const bySourceSet = new Map<string, { members: string[]; targets: Map<string, Trigger[]>; keys: string[] }>();
  for (const [key, { to, trigger, sources }] of sourcesOf) {
    if (sources.size < MIN_GROUP_SIZE) continue;
    const members = [...sources];
    const setKey = JSON.stringify([...members].sort());
    const group = bySourceSet.get(setKey) ?? { members, targets: new Map<string, Trigger[]>(), keys: [] };
    const triggers = group.targets.get(to) ?? [];
    addTrigger(triggers, trigger);
    group.targets.set(to, triggers);
    group.keys.push(key);
    bySourceSet.set(setKey, group);
  }

  const groups: StateGroup[] = [];
  const edges: PlannedEdge[] = [];
  /** For each folded (to, event, guard), the states whose own edge no longer carries it. */
  const folded = new Map<string, Set<string>>();
  for (const { members, targets, keys } of bySourceSet.values()) {
    const id = `group-${groups.length + 1}`;
    groups.push({ id, name: groupName([...targets.values()].flat()), members });
    for (const [to, triggers] of targets) {
      edges.push({ id: `${id}->${to}`, from: id, to, triggers, isFromGroup: true, isHappyPath: false });
    }
    for (const key of keys) folded.set(key, new Set(members));
  }
  return { groups, folded, edges };
}

function laneOf(id: string): Lane {
  if (HAPPY_PATH.includes(id)) return 'spine';
  if (EXCEPTION_STATES.includes(id)) return 'exception';
  return 'own';
}

/** The exception lane beside the spine: ERROR where positions are held, RECOVERY below it, the forced exits beside EXITING. */
const EXCEPTION_BESIDE: Readonly<Record<string, string>> = {
  PAUSED: 'WAITING',
  HALTED: 'WAITING',
  ERROR: 'ACTIVE',
  RECOVERY: 'MANAGING',
  DEFENSIVE_EXIT: 'EXITING',
  EMERGENCY_EXIT: 'EXITING',
};

/**
 * Rows top to bottom: happy-path states by their place on it, exception states beside the spine state they belong
 * with, a strategy's own state that closes the cycle beside EXITING, and any other one row below the highest state
 * (or group) that leads to it, so a roll sits beside MANAGING.
 */
function assignRows(ids: readonly string[], edges: readonly PlannedEdge[], groups: readonly StateGroup[]): Map<string, number> {
  const rows = new Map<string, number>();
  HAPPY_PATH.filter((id) => ids.includes(id)).forEach((id, index) => rows.set(id, index));
  const besideRow = (id: string) => {
    const spine = EXCEPTION_BESIDE[id] ?? (edges.some((e) => e.from === id && e.to === 'COMPLETE') ? 'EXITING' : undefined);
    return spine === undefined ? undefined : rows.get(spine);
  };
  for (const id of ids) {
    const row = rows.has(id) ? undefined : besideRow(id);
    if (row !== undefined) rows.set(id, row);
  }
  const rowOfGroup = (group: StateGroup) => Math.min(...group.members.map((m) => rows.get(m) ?? Infinity));
  const pending = ids.filter((id) => !rows.has(id));
  // Each pass places the states whose predecessors are placed; what a cycle leaves unplaced goes below the spine's top.
  for (let pass = 0; pass < ids.length && pending.length > 0; pass += 1) {
    for (const id of [...pending]) {
      const from = edges.filter((edge) => edge.to === id && edge.from !== id).map((edge) => {
        const group = groups.find((g) => g.id === edge.from);
        return group ? rowOfGroup(group) : (rows.get(edge.from) ?? Infinity);
      });
      const highest = Math.min(...from);
      if (highest === Infinity && pass < ids.length - 1) continue;
      rows.set(id, highest === Infinity ? 1 : highest + 1);
      pending.splice(pending.indexOf(id), 1);
    }
  }
  return rows;
}

/**
 * How to draw a machine's graph for reading: the happy path as a spine, the strategy's own states beside it, the
 * exception states in a lane of their own, transitions many states share folded into one edge from a group, parallel
 * transitions merged into one edge listing every trigger, and self-transitions listed on their state.
 */
export function planGraph(graph: { readonly states: readonly GraphState[]; readonly transitions: readonly GraphTransition[] }): GraphPlan {
  const descriptions = new Map(graph.states.map((s) => [s.id, s.description]));
  for (const { from, to } of graph.transitions) {
    for (const id of [from, to]) if (!descriptions.has(id)) descriptions.set(id, null);
  }
  const isHappyStep = happyStepsOf(new Set(descriptions.keys()));
  const { groups, folded, edges: groupEdges } = findGroups(graph.transitions, isHappyStep);

  const loops = new Map<string, Trigger[]>();
  const merged = new Map<string, PlannedEdge & { triggers: Trigger[] }>();
  for (const { from, to, event, guard } of graph.transitions) {
    const trigger = { event, guard };
    if (from === to) {
      const list = loops.get(from) ?? [];
      addTrigger(list, trigger);
      loops.set(from, list);
      continue;
    }
    if (folded.get(triggerKey(to, trigger))?.has(from)) continue;
    const id = `${from}->${to}`;
    const edge = merged.get(id) ?? { id, from, to, triggers: [], isFromGroup: false, isHappyPath: isHappyStep(from, to) };
    addTrigger(edge.triggers, trigger);
    merged.set(id, edge);
  }

  const edges = [...merged.values(), ...groupEdges];
  const ids = [...descriptions.keys()];
  const rows = assignRows(ids, edges, groups);
  const states = ids.map((id) => ({
    id,
    description: descriptions.get(id) ?? null,
    lane: laneOf(id),
    row: rows.get(id) ?? 0,
    loops: loops.get(id) ?? [],
    groups: groups.filter((g) => g.members.includes(id)).map((g) => g.id),
  }));
  return { states, groups, edges };
}

/** The states `state` can go to next: its own edges' targets and those of every group it belongs to. */
export function nextStates(plan: GraphPlan, state: string): string[] {
  const sources = new Set([state, ...(plan.states.find((s) => s.id === state)?.groups ?? [])]);
  return [...new Set(plan.edges.filter((edge) => sources.has(edge.from) && edge.to !== state).map((edge) => edge.to))];
}
