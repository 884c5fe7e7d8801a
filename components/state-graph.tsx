'use client';

import '@xyflow/react/dist/style.css';
import { MarkerType, Position, ReactFlow, ReactFlowProvider, useReactFlow, type EdgeTypes, type NodeTypes } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { nextStates, planGraph, type GraphPlan } from '@/lib/domain/strategies/graph-plan';
import type { StrategyGraph } from '@/lib/api/contract';
import {
  GroupNodeView,
  StateNodeView,
  TransitionEdgeView,
  edgeColor,
  type EdgeTone,
  type GroupNode,
  type StateNode,
  type TransitionEdge,
} from './state-graph-parts';
import { MIN_LABEL_FONT_PX, STATE_HEIGHT, STATE_WIDTH, layoutPlan, type GraphLayout } from './state-graph-layout';

/** Room between the frame's border and the drawing. */
const FRAME_PADDING = 12;
/** The frame's top and bottom border together: its height is set border included. */
const FRAME_BORDER = 2;
/** How long a new transition's edge is animated. */
const FRESH_TRANSITION_MS = 4000;
/** Past this, larger labels only shrink the states: on a narrow screen the graph is read smaller, or zoomed. */
const MAX_LABEL_FONT_PX = 14;

// Not `group`: React Flow styles its own group nodes.
const NODE_TYPES: NodeTypes = { state: StateNodeView, stateGroup: GroupNodeView };
const EDGE_TYPES: EdgeTypes = { transition: TransitionEdgeView };

export interface LastTransition {
  seq: number;
  from: string | null;
  to: string;
}

interface StateGraphProps {
  graph: StrategyGraph;
  currentState: string;
  stateSince: string;
  marketTime: string | null;
  isMarketOpen: boolean;
  /** States entered in the current cycle. */
  visited: readonly string[];
  lastTransition: LastTransition | null;
  /** The state whose transitions the history shows, if any. */
  selectedState: string | null;
  onSelectState: (state: string) => void;
}

/** The plan's edge that a transition from -> to was drawn on: its own, or its group's. */
function edgeIdOf(plan: GraphPlan, from: string | null, to: string): string | null {
  if (!from || from === to) return null;
  const groups = plan.states.find((s) => s.id === from)?.groups ?? [];
  return plan.edges.find((e) => e.to === to && (e.from === from || groups.includes(e.from)))?.id ?? null;
}

/** The frame's width, kept up to date by a ResizeObserver. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** How far the drawing must shrink to fit `width`; never enlarged. */
const fitScale = (layout: GraphLayout, width: number) => Math.min(1, Math.max(0.1, (width - 2 * FRAME_PADDING) / layout.width));

/** The label size that reads at least MIN_LABEL_FONT_PX at the scale `layout` is fitted to `width` with. */
function labelFontFor(layout: GraphLayout, width: number): number {
  const needed = Math.min(MAX_LABEL_FONT_PX, Math.max(MIN_LABEL_FONT_PX, Math.ceil(MIN_LABEL_FONT_PX / fitScale(layout, width))));
  // Grow at once; shrink only by more than a pixel, so two sizes cannot take turns.
  return needed > layout.labelFontPx || needed < layout.labelFontPx - 1 ? needed : layout.labelFontPx;
}

/**
 * ELK's layout of the plan, with labels set large enough to read at least MIN_LABEL_FONT_PX once the drawing is shrunk
 * to the frame's width (a larger font widens the drawing a little, so this may take a second pass).
 */
function useLayout(plan: GraphPlan, frameWidth: number): GraphLayout | null {
  const [layout, setLayout] = useState<{ plan: GraphPlan; result: GraphLayout } | null>(null);
  const current = layout?.plan === plan ? layout.result : null;
  const fontPx = current && frameWidth > 0 ? labelFontFor(current, frameWidth) : (current?.labelFontPx ?? MIN_LABEL_FONT_PX);
  useEffect(() => {
    if (current?.labelFontPx === fontPx) return;
    let isWanted = true;
    void layoutPlan(plan, fontPx).then((result) => {
      if (isWanted) setLayout({ plan, result });
    });
    return () => {
      isWanted = false;
    };
  }, [plan, fontPx, current]);
  return current;
}

/** Shows the whole drawing (ELK's bounds, labels and bends included) at the fitted scale, on load and on resize. */
function FitToFrame({ layout, width, height }: { layout: GraphLayout; width: number; height: number }) {
  const { setViewport } = useReactFlow();
  useEffect(() => {
    const zoom = fitScale(layout, width);
    void setViewport({ x: (width - layout.width * zoom) / 2, y: (height - layout.height * zoom) / 2, zoom });
  }, [layout, width, height, setViewport]);
  return null;
}

function useFreshTransition(last: LastTransition | null): number | null {
  const firstSeq = useRef(last?.seq ?? null);
  const [fresh, setFresh] = useState<number | null>(null);
  useEffect(() => {
    if (!last || last.seq === firstSeq.current) return;
    setFresh(last.seq);
    const timer = setTimeout(() => setFresh(null), FRESH_TRANSITION_MS);
    return () => clearTimeout(timer);
  }, [last]);
  return fresh;
}

/**
 * The strategy's machine drawn for reading: the happy path as a straight spine, its own states beside it, the
 * exceptions in their own lane, shared transitions drawn once from a group; the current state unmistakable, the
 * states visited this cycle ticked, the ways out of the current state in blue, the last transition in amber.
 * Memoized: the page renders again on every change of the strategy, the graph only when what it shows changed.
 */
export const StateGraph = memo(function StateGraph(props: StateGraphProps) {
  const { graph, currentState, visited, lastTransition, selectedState, onSelectState } = props;
  const plan = useMemo(() => planGraph(graph), [graph]);
  const frameRef = useRef<HTMLDivElement>(null);
  const frameWidth = useWidth(frameRef);
  const layout = useLayout(plan, frameWidth);
  const [hoveredEdge, setHoveredEdge] = useState<string | null>(null);
  const freshSeq = useFreshTransition(lastTransition);

  const next = useMemo(() => new Set(nextStates(plan, currentState)), [plan, currentState]);
  const currentGroups = useMemo(() => new Set(plan.states.find((s) => s.id === currentState)?.groups ?? []), [plan, currentState]);
  const lastEdge = lastTransition ? edgeIdOf(plan, lastTransition.from, lastTransition.to) : null;
  const visitedSet = useMemo(() => new Set(visited), [visited]);

  const nodes = useMemo((): (StateNode | GroupNode)[] => {
    if (!layout) return [];
    return layout.nodes.flatMap((box): (StateNode | GroupNode)[] => {
      const common = {
        id: box.id,
        position: { x: box.x, y: box.y },
        width: box.width,
        height: box.height,
        // Known up front, so edges draw before the browser has measured the nodes.
        handles: [
          { type: 'target' as const, position: Position.Top, x: box.width / 2, y: 0, width: 1, height: 1 },
          { type: 'source' as const, position: Position.Bottom, x: box.width / 2, y: box.height, width: 1, height: 1 },
        ],
        draggable: false,
        selectable: false,
      };
      if (box.kind === 'group') {
        const group = plan.groups.find((g) => g.id === box.id);
        return group ? [{ ...common, type: 'stateGroup', data: { group, hasCurrent: currentGroups.has(group.id) } }] : [];
      }
      const state = plan.states.find((s) => s.id === box.id);
      if (!state) return [];
      const isCurrent = state.id === currentState;
      return [
        {
          ...common,
          type: 'state',
          zIndex: isCurrent ? 10 : 1,
          data: {
            state: state.id,
            description: state.description,
            loops: state.loops,
            isCurrent,
            isVisited: visitedSet.has(state.id),
            isNext: next.has(state.id),
            isSelected: selectedState === state.id,
            clock: isCurrent ? { stateSince: props.stateSince, marketTime: props.marketTime, isMarketOpen: props.isMarketOpen } : null,
            onSelect: onSelectState,
          },
        },
      ];
    });
  }, [layout, plan, currentState, currentGroups, visitedSet, next, selectedState, onSelectState, props.stateSince, props.marketTime, props.isMarketOpen]);

  const edges = useMemo((): TransitionEdge[] => {
    if (!layout) return [];
    return layout.edges.map(({ edge, points, label }) => {
      const isFromCurrent = edge.from === currentState || currentGroups.has(edge.from);
      const tone: EdgeTone = edge.id === lastEdge ? 'last' : isFromCurrent ? 'next' : edge.isHappyPath ? 'spine' : 'plain';
      const color = edgeColor(tone);
      return {
        id: edge.id,
        source: edge.from,
        target: edge.to,
        type: 'transition',
        animated: tone === 'last' && freshSeq !== null,
        markerEnd: { type: MarkerType.ArrowClosed, color, width: 14, height: 14 },
        style: { stroke: color, strokeWidth: tone === 'last' ? 3 : tone === 'next' ? 2 : tone === 'spine' ? 2 : 1.25 },
        zIndex: tone === 'last' ? 3 : tone === 'next' ? 2 : 0,
        data: {
          from: plan.groups.find((g) => g.id === edge.from)?.name ?? edge.from,
          to: edge.to,
          points,
          label,
          labelFontPx: layout.labelFontPx,
          triggers: edge.triggers,
          tone,
          isHovered: hoveredEdge === edge.id,
        },
      };
    });
  }, [layout, plan, currentState, currentGroups, lastEdge, freshSeq, hoveredEdge]);

  const scale = layout && frameWidth > 0 ? fitScale(layout, frameWidth) : 1;
  const frameHeight = layout ? Math.ceil(layout.height * scale + 2 * FRAME_PADDING) : STATE_HEIGHT * 10;

  return (
    <section aria-label="State graph" className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">State graph</h2>
        <p className="text-xs text-slate-400">
          <span className="font-semibold text-slate-200">Filled, larger: current</span> · <span className="text-emerald-400">✓ visited this cycle</span> ·{' '}
          <span className="text-sky-300">dashed blue: can go next</span> · <span className="text-amber-300">amber: last transition</span> · click a state to filter
          the history
        </p>
      </div>
      <div
        ref={frameRef}
        data-testid="state-graph-frame"
        data-label-font-px={layout?.labelFontPx}
        style={{ height: frameHeight, minWidth: STATE_WIDTH }}
        className="w-full overflow-hidden rounded-md border border-slate-800 bg-slate-950"
      >
        {layout && frameWidth > 0 && (
          <ReactFlowProvider>
            <ReactFlow
              nodes={nodes}
              edges={edges}
              nodeTypes={NODE_TYPES}
              edgeTypes={EDGE_TYPES}
              colorMode="dark"
              minZoom={0.1}
              maxZoom={1}
              nodesDraggable={false}
              nodesConnectable={false}
              nodesFocusable={false}
              edgesFocusable={false}
              elementsSelectable={false}
              panOnDrag={false}
              zoomOnScroll={false}
              zoomOnPinch={false}
              zoomOnDoubleClick={false}
              preventScrolling={false}
              onEdgeMouseEnter={(_, edge) => setHoveredEdge(edge.id)}
              onEdgeMouseLeave={() => setHoveredEdge(null)}
            >
              <FitToFrame layout={layout} width={frameWidth} height={frameHeight - FRAME_BORDER} />
            </ReactFlow>
          </ReactFlowProvider>
        )}
      </div>
    </section>
  );
});
