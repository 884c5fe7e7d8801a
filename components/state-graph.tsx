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
import { useMemo } from 'react';
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

type TransitionEdgeData = { events: string[]; points: Point[]; label: Point; isFromCurrent: boolean };
type TransitionEdge = Edge<TransitionEdgeData, 'transition'>;

interface Layout {
  states: { id: string; description: string | null; center: Point }[];
  transitions: { from: string; to: string; events: string[]; points: Point[]; label: Point }[];
}

/** Parallel transitions (same from and to) become one edge listing every event, so labels do not pile up. */
function mergeParallel(transitions: StrategyGraph['transitions']): { from: string; to: string; events: string[] }[] {
  const merged = new Map<string, { from: string; to: string; events: string[] }>();
  for (const { from, to, event } of transitions) {
    const key = JSON.stringify([from, to]);
    const edge = merged.get(key) ?? { from, to, events: [] };
    if (!edge.events.includes(event)) edge.events.push(event);
    merged.set(key, edge);
  }
  return [...merged.values()];
}

/** Positions states top to bottom with dagre, and routes each edge (its points and label) around them. */
function layoutGraph(graph: StrategyGraph): Layout {
  const transitions = mergeParallel(graph.transitions);
  const descriptions = new Map(graph.states.map((s) => [s.id, s.description]));
  // A transition naming a state the graph did not list still needs a node to attach to.
  for (const { from, to } of transitions) {
    for (const id of [from, to]) if (!descriptions.has(id)) descriptions.set(id, null);
  }

  const g = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, edgesep: 16, marginx: 8, marginy: 8 });
  for (const id of descriptions.keys()) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const { from, to, events } of transitions) {
    const longest = Math.max(...events.map((e) => e.length));
    g.setEdge(from, to, {
      width: longest * LABEL_CHAR_WIDTH + LABEL_PADDING,
      height: events.length * LABEL_LINE_HEIGHT + LABEL_PADDING,
      labelpos: 'c',
    });
  }
  layout(g);

  return {
    states: [...descriptions].map(([id, description]) => {
      const { x = 0, y = 0 } = g.node(id);
      return { id, description, center: { x, y } };
    }),
    transitions: transitions.map((t) => {
      const { points = [], x = 0, y = 0 } = g.edge(t.from, t.to);
      return { ...t, points, label: { x, y } };
    }),
  };
}

/** A smooth path through dagre's bend points: straight to the first, curves between midpoints, straight to the end. */
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
  if (previous) path += ` Q ${previous.x},${previous.y} ${last.x},${last.y}`;
  else path += ` L ${last.x},${last.y}`;
  return path;
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
      <BaseEdge id={id} path={pathThrough(data.points)} markerEnd={markerEnd} style={style} />
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

/** The strategy's machine: every state and transition, the current state highlighted, its way out in blue. */
export function StateGraph({ graph, currentState }: StateGraphProps) {
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
      laidOut.transitions.map(({ from, to, events, points, label }) => {
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
          data: { events, points, label, isFromCurrent },
        };
      }),
    [laidOut, currentState],
  );

  return (
    <section aria-label="State graph" className="space-y-3">
      <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">State graph</h2>
      <div className="h-[560px] w-full overflow-hidden rounded-md border border-slate-800">
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
}
