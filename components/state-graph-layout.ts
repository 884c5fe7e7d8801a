import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk.bundled.js';
import type { GraphPlan, PlannedEdge, StateGroup } from '@/lib/domain/strategies/graph-plan';

/** Every state gets the same box, so the current one can grow inside it without moving anything. */
export const STATE_WIDTH = 144;
export const STATE_HEIGHT = 54;
const GROUP_WIDTH = 204;
const GROUP_TITLE_HEIGHT = 20;
const GROUP_LINE_HEIGHT = 16;
const GROUP_PADDING = 12;

/**
 * Edge labels are monospace, one event a line, sized here because ELK places them before they are drawn. A monospace
 * character is 0.6em wide; a little more leaves room for font differences.
 */
export const MIN_LABEL_FONT_PX = 11;
const CHAR_WIDTH_EM = 0.62;
export const LINE_HEIGHT_EM = 1.35;
const LABEL_PADDING_X = 6;
/** Longer events break after their namespace (`operator.` / `defensiveExit`), keeping labels narrow. */
const MAX_LABEL_LINE_CHARS = 16;

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LaidOutNode extends Box {
  id: string;
  kind: 'state' | 'group';
}

export interface LaidOutEdge {
  edge: PlannedEdge;
  points: Point[];
  label: Box & { lines: string[] };
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
  labelFontPx: number;
}

/** What an edge's label says: its events, once each, one a line (the guards are in its tooltip). */
export function edgeLabelLines(edge: PlannedEdge): string[] {
  const events = [...new Set(edge.triggers.map((t) => t.event))];
  return events.flatMap((event) => {
    const dot = event.indexOf('.');
    return event.length > MAX_LABEL_LINE_CHARS && dot > 0 ? [event.slice(0, dot + 1), `  ${event.slice(dot + 1)}`] : [event];
  });
}

export function groupHeight(group: StateGroup): number {
  return GROUP_TITLE_HEIGHT + group.members.length * GROUP_LINE_HEIGHT + GROUP_PADDING;
}

const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  // Lanes left to right follow the order the nodes are given in: spine, the strategy's own states, exceptions.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  // Edges are given already pointing down (see `elkEdge`): nothing is left for cycle breaking to reverse.
  'elk.layered.cycleBreaking.strategy': 'GREEDY',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
  'elk.spacing.nodeNode': '14',
  'elk.spacing.edgeEdge': '7',
  'elk.spacing.edgeNode': '8',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.labelLabel': '6',
  'elk.spacing.labelNode': '6',
  'elk.layered.spacing.nodeNodeBetweenLayers': '20',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
  // Edges into the same state share one entry: ERROR's and RECOVERY's many arrivals read as one bus.
  'elk.layered.mergeEdges': 'true',
  'elk.layered.thoroughness': '20',
};

/** The happy path is drawn as a straight spine: its edges win when ELK trades straightness between edges. */
const HAPPY_PATH_EDGE_OPTIONS: LayoutOptions = { 'elk.layered.priority.straightness': '20', 'elk.layered.priority.direction': '10' };

const LANE_ORDER = { spine: 0, own: 1, exception: 2 } as const;

export function labelSize(lines: readonly string[], fontPx: number): { width: number; height: number } {
  const longest = Math.max(0, ...lines.map((line) => line.length));
  return { width: Math.ceil(longest * CHAR_WIDTH_EM * fontPx + LABEL_PADDING_X), height: Math.ceil(lines.length * LINE_HEIGHT_EM * fontPx + 2) };
}

/**
 * The plan as ELK's input. Nodes are listed lane by lane (spine, own states, exceptions; groups last), which ELK keeps
 * as their left-to-right order. An edge that runs up the rows (back to WAITING, RECOVERY back to ACTIVE) is handed to
 * ELK pointing down, so layering follows the rows; its drawn arrow is turned back afterwards.
 */
function elkGraph(plan: GraphPlan, labelFontPx: number): { graph: ElkNode; reversed: Set<string> } {
  const states = plan.states.toSorted((a, b) => LANE_ORDER[a.lane] - LANE_ORDER[b.lane] || a.row - b.row);
  const rows = new Map(plan.states.map((state) => [state.id, state.row]));
  for (const group of plan.groups) rows.set(group.id, Math.min(...group.members.map((m) => rows.get(m) ?? 0)));
  const children: ElkNode[] = [
    ...states.map((state) => ({ id: state.id, width: STATE_WIDTH, height: STATE_HEIGHT })),
    ...plan.groups.map((group) => ({ id: group.id, width: GROUP_WIDTH, height: groupHeight(group) })),
  ];
  const order = new Map(children.map((child, index) => [child.id, index]));
  const rank = (id: string) => (rows.get(id) ?? 0) * children.length + (order.get(id) ?? 0);
  const reversed = new Set<string>();
  const edges: ElkExtendedEdge[] = plan.edges.map((edge) => {
    const isUp = rank(edge.from) > rank(edge.to);
    if (isUp) reversed.add(edge.id);
    const lines = edgeLabelLines(edge);
    return {
      id: edge.id,
      sources: [isUp ? edge.to : edge.from],
      targets: [isUp ? edge.from : edge.to],
      labels: [{ id: `${edge.id}:label`, text: lines.join('\n'), ...labelSize(lines, labelFontPx) }],
      ...(edge.isHappyPath && { layoutOptions: HAPPY_PATH_EDGE_OPTIONS }),
    };
  });
  return { graph: { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges }, reversed };
}

/** Lays the plan out with ELK's layered algorithm: orthogonal edges, labels placed where nothing else is. */
export async function layoutPlan(plan: GraphPlan, labelFontPx = MIN_LABEL_FONT_PX): Promise<GraphLayout> {
  // ELK is 1.6 MB of JavaScript: loaded when a graph is first laid out, not with the page.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const { graph, reversed } = elkGraph(plan, labelFontPx);
  const laidOut = await elk.layout(graph);
  const groupIds = new Set(plan.groups.map((g) => g.id));
  const nodes: LaidOutNode[] = (laidOut.children ?? []).map((child) => ({
    id: child.id,
    kind: groupIds.has(child.id) ? 'group' : 'state',
    x: child.x ?? 0,
    y: child.y ?? 0,
    width: child.width ?? 0,
    height: child.height ?? 0,
  }));
  const byId = new Map(plan.edges.map((edge) => [edge.id, edge]));
  const edges: LaidOutEdge[] = (laidOut.edges ?? []).flatMap((laid) => {
    const edge = byId.get(laid.id);
    const section = laid.sections?.[0];
    const label = laid.labels?.[0];
    if (!edge || !section || !label) return [];
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    return [
      {
        edge,
        points: reversed.has(edge.id) ? points.toReversed() : points,
        label: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0, lines: edgeLabelLines(edge) },
      },
    ];
  });
  return { nodes, edges, width: laidOut.width ?? 0, height: laidOut.height ?? 0, labelFontPx };
}
