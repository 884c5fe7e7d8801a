'use client';

import '@xyflow/react/dist/style.css';
import { Graph, layout, type EdgeLabel, type GraphLabel, type NodeLabel, type Point } from '@dagrejs/dagre';
import {
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeProps,
  type EdgeTypes,
  type Node,
  type NodeProps,
  type NodeTypes,
} from '@xyflow/react';
import { memo, useMemo } from 'react';
import { currentStateNodeClasses } from '@/components/ui/state-badge';
import type { StrategyGraph } from '@/lib/api/contract';

const NODE_WIDTH = 176;
const NODE_HEIGHT = 40;
/** Edge labels are laid out by dagre too, so they need a size before they are drawn: 11px monospace. */
const LABEL_CHAR_WIDTH = 6.8;
const LABEL_LINE_HEIGHT = 15;
const LABEL_PADDING = 8;

const COLOR_NEXT = '#38bdf8';
const COLOR_OTHER = '#64748b';

type StateNodeData = { state: string; description: string | null; isCurrent: boolean };
type StateNode = Node<StateNodeData, 'state'>;

type TransitionEdgeData = { events: string[]; path: string; label: Point; isFromCurrent: boolean };
type TransitionEdge = Edge<TransitionEdgeData, 'transition'>;

/** How far a self-transition's loop reaches out of the right side of its state. */
const LOOP_REACH = 28;

interface MergedTransition {
  from: string;
  to: string;
  events: string[];
}

interface Layout {
  states: { id: string; description: string | null; center: Point }[];
  transitions: (MergedTransition & { path: string; label: Point })[];
}

/** Parallel transitions (same from and to) become one edge listing every event, so labels do not pile up. */
function mergeParallel(transitions: StrategyGraph['transitions']): MergedTransition[] {
  const merged = new Map<string, MergedTransition>();
  for (const { from, to, event } of transitions) {
    const key = JSON.stringify([from, to]);
    const edge = merged.get(key) ?? { from, to, events: [] };
    if (!edge.events.includes(event)) edge.events.push(event);
    merged.set(key, edge);
  }
  return [...merged.values()];
}

function labelSize(events: string[]): { width: number; height: number } {
  const longest = Math.max(0, ...events.map((event) => event.length));
  return { width: longest * LABEL_CHAR_WIDTH + LABEL_PADDING, height: events.length * LABEL_LINE_HEIGHT + LABEL_PADDING };
}

/** Where the line from a state's center towards `toward` leaves the state's drawn box. */
function boxExit(center: Point, toward: Point): Point {
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  if (dx === 0 && dy === 0) return center;
  const halfWidth = NODE_WIDTH / 2;
  const halfHeight = NODE_HEIGHT / 2;
  if (Math.abs(dy) * halfWidth > Math.abs(dx) * halfHeight) {
    const y = Math.sign(dy) * halfHeight;
    return { x: center.x + (y * dx) / dy, y: center.y + y };
  }
  const x = Math.sign(dx) * halfWidth;
  return { x: center.x + x, y: center.y + (x * dy) / dx };
}

/** A smooth path through bend points: curves between midpoints, ending exactly on the last point. */
function pathThrough(points: Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  const last = rest.pop();
  if (!last) return `M ${first.x},${first.y}`;
  let path = `M ${first.x},${first.y}`;
  let previous: Point | null = null;
  for (const point of rest) {
    if (previous) path += ` Q ${previous.x},${previous.y} ${(previous.x + point.x) / 2},${(previous.y + point.y) / 2}`;
    previous = point;
  }
  return previous ? `${path} Q ${previous.x},${previous.y} ${last.x},${last.y}` : `${path} L ${last.x},${last.y}`;
}

/** A loop out of the right side of a state and back, for a transition that stays in it. */
function selfLoop(center: Point): string {
  const right = center.x + NODE_WIDTH / 2;
  const out = right + LOOP_REACH;
  return `M ${right},${center.y - 8} C ${out},${center.y - 24} ${out},${center.y + 24} ${right},${center.y + 8}`;
}

/**
 * Positions states top to bottom with dagre, and routes each edge (its path and label) around them.
 * Dagre 3 routes self-loops through their own node, so those are drawn here instead: dagre is only told to
 * leave room for them by widening the state's box on both sides (keeping its center where edges aim).
 */
function layoutGraph(graph: StrategyGraph): Layout {
  const transitions = mergeParallel(graph.transitions);
  const descriptions = new Map(graph.states.map((s) => [s.id, s.description]));
  // A transition naming a state the graph did not list still needs a node to attach to.
  for (const { from, to } of transitions) {
    for (const id of [from, to]) if (!descriptions.has(id)) descriptions.set(id, null);
  }
  const loops = new Map(transitions.filter((t) => t.from === t.to).map((t) => [t.from, t]));

  const g = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, edgesep: 16, marginx: 8, marginy: 8 });
  for (const id of descriptions.keys()) {
    const loop = loops.get(id);
    const label = loop ? labelSize(loop.events) : { width: 0, height: 0 };
    const reserve = loop ? LOOP_REACH + 4 + label.width : 0;
    g.setNode(id, { width: NODE_WIDTH + 2 * reserve, height: Math.max(NODE_HEIGHT, label.height) });
  }
  for (const { from, to, events } of transitions) {
    if (from !== to) g.setEdge(from, to, { ...labelSize(events), labelpos: 'c' });
  }
  layout(g);

  const centers = new Map([...descriptions.keys()].map((id) => {
    const { x = 0, y = 0 } = g.node(id);
    return [id, { x, y }];
  }));
  const centerOf = (id: string): Point => centers.get(id) ?? { x: 0, y: 0 };

  return {
    states: [...descriptions].map(([id, description]) => ({ id, description, center: centerOf(id) })),
    transitions: transitions.map((t) => {
      const source = centerOf(t.from);
      if (t.from === t.to) {
        const labelX = source.x + NODE_WIDTH / 2 + LOOP_REACH + 4 + labelSize(t.events).width / 2;
        return { ...t, path: selfLoop(source), label: { x: labelX, y: source.y } };
      }
      const target = centerOf(t.to);
      const { points = [], x = 0, y = 0 } = g.edge(t.from, t.to);
      const bends = points.slice(1, -1);
      // Dagre ends edges on the (possibly widened) box; end them on the drawn state instead.
      const start = boxExit(source, bends[0] ?? target);
      const end = boxExit(target, bends.at(-1) ?? source);
      return { ...t, path: pathThrough([start, ...bends, end]), label: { x, y } };
    }),
  };
}

function StateNodeView({ data }: NodeProps<StateNode>) {
  const look = data.isCurrent
    ? `${currentStateNodeClasses(data.state)} font-bold ring-4`
    : 'bg-slate-800 text-slate-200 ring-1 ring-slate-600';
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} style={{ opacity: 0 }} />
      <div
        data-testid={`graph-node-${data.state}`}
        data-current={data.isCurrent ? 'true' : 'false'}
        title={data.description ?? undefined}
        style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
        className={`flex items-center justify-center rounded-md font-mono text-xs ${look}`}
      >
        {data.state}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={{ opacity: 0 }} />
    </>
  );
}

function TransitionEdgeView({ id, data, markerEnd, style }: EdgeProps<TransitionEdge>) {
  if (!data) return null;
  return (
    <>
      <BaseEdge id={id} path={data.path} markerEnd={markerEnd} style={style} />
      <EdgeLabelRenderer>
        <div
          style={{ transform: `translate(-50%, -50%) translate(${data.label.x}px, ${data.label.y}px)` }}
          className={`absolute rounded bg-slate-950/90 px-1 font-mono text-[11px] leading-[15px] ${
            data.isFromCurrent ? 'text-sky-300' : 'text-slate-400'
          }`}
        >
          {data.events.map((event) => (
            <div key={event}>{event}</div>
          ))}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const NODE_TYPES: NodeTypes = { state: StateNodeView };
const EDGE_TYPES: EdgeTypes = { transition: TransitionEdgeView };

interface StateGraphProps {
  graph: StrategyGraph;
  currentState: string;
}

/**
 * The strategy's machine: every state and transition, the current state highlighted, its way out in blue. Memoized:
 * the page renders again on every change of the strategy, the graph only when its current state moved.
 */
export const StateGraph = memo(function StateGraph({ graph, currentState }: StateGraphProps) {
  const laidOut = useMemo(() => layoutGraph(graph), [graph]);

  const nodes = useMemo(
    (): StateNode[] =>
      laidOut.states.map(({ id, description, center }) => {
        const isCurrent = id === currentState;
        return {
          id,
          type: 'state',
          position: { x: center.x - NODE_WIDTH / 2, y: center.y - NODE_HEIGHT / 2 },
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
          // Known up front so edges draw before the browser has measured the nodes.
          handles: [
            { type: 'target', position: Position.Top, x: NODE_WIDTH / 2, y: 0, width: 1, height: 1 },
            { type: 'source', position: Position.Bottom, x: NODE_WIDTH / 2, y: NODE_HEIGHT, width: 1, height: 1 },
          ],
          ariaLabel: isCurrent ? `${id} (current state)` : id,
          draggable: false,
          data: { state: id, description, isCurrent },
        };
      }),
    [laidOut, currentState],
  );

  const edges = useMemo(
    (): TransitionEdge[] =>
      laidOut.transitions.map(({ from, to, events, path, label }) => {
        const isFromCurrent = from === currentState;
        const color = isFromCurrent ? COLOR_NEXT : COLOR_OTHER;
        return {
          id: `${from}->${to}`,
          source: from,
          target: to,
          type: 'transition',
          ariaLabel: `${from} to ${to} on ${events.join(', ')}`,
          markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
          style: { stroke: color, strokeWidth: isFromCurrent ? 2 : 1.25 },
          zIndex: isFromCurrent ? 1 : 0,
          data: { events, path, label, isFromCurrent },
        };
      }),
    [laidOut, currentState],
  );

  return (
    <section aria-label="State graph" className="space-y-3">
      <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">State graph</h2>
      <div className="h-[760px] w-full overflow-hidden rounded-md border border-slate-800">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        colorMode="dark"
        fitView
        fitViewOptions={{ padding: 0.1 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        zoomOnScroll={false}
        preventScrolling={false}
      >
        <Controls showInteractive={false} />
      </ReactFlow>
      </div>
    </section>
  );
});
