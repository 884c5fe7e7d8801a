'use client';

import { BaseEdge, EdgeLabelRenderer, Handle, Position, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { useEffect, useId, useState } from 'react';
import { formatElapsed } from '@/components/format';
import { currentStateNodeClasses } from '@/components/ui/state-badge';
import type { StateGroup, Trigger } from '@/lib/domain/strategies/graph-plan';
import { LINE_HEIGHT_EM, type Box, type Point } from './state-graph-layout';

/** One market bar: how far the clock may run on the wall clock before the next bar brings the market's time. */
const MAX_EXTRAPOLATION_MS = 60_000;

export interface StateNodeData extends Record<string, unknown> {
  state: string;
  description: string | null;
  loops: readonly Trigger[];
  isCurrent: boolean;
  isVisited: boolean;
  isNext: boolean;
  isSelected: boolean;
  /** For the current state: since when, and the market's time (the clock runs on it). */
  clock: { stateSince: string; marketTime: string | null; isMarketOpen: boolean } | null;
  onSelect: (state: string) => void;
}
export type StateNode = Node<StateNodeData, 'state'>;

export interface GroupNodeData extends Record<string, unknown> {
  group: StateGroup;
  hasCurrent: boolean;
}
export type GroupNode = Node<GroupNodeData, 'stateGroup'>;

export type EdgeTone = 'last' | 'next' | 'spine' | 'plain';

export interface TransitionEdgeData extends Record<string, unknown> {
  from: string;
  to: string;
  points: Point[];
  label: Box & { lines: string[] };
  labelFontPx: number;
  triggers: readonly Trigger[];
  tone: EdgeTone;
  isHovered: boolean;
}
export type TransitionEdge = Edge<TransitionEdgeData, 'transition'>;

/**
 * "In state for": the market's time less the state's start, run on between bars on the wall clock (for at most one
 * bar, and only while the market is open) so the seconds move; each new bar sets it right.
 */
function useStateClock(stateSince: string, marketTime: string | null, isMarketOpen: boolean): string | null {
  const [runOn, setRunOn] = useState<{ marketTime: string | null; ms: number }>({ marketTime: null, ms: 0 });
  useEffect(() => {
    if (!isMarketOpen) return;
    const since = Date.now();
    const timer = setInterval(() => setRunOn({ marketTime, ms: Math.min(Date.now() - since, MAX_EXTRAPOLATION_MS) }), 1000);
    return () => clearInterval(timer);
  }, [marketTime, isMarketOpen]);
  if (!marketTime) return null;
  const extra = isMarketOpen && runOn.marketTime === marketTime ? runOn.ms : 0;
  return formatElapsed(Date.parse(marketTime) - Date.parse(stateSince) + extra);
}

function CurrentClock({ clock }: { clock: NonNullable<StateNodeData['clock']> }) {
  const elapsed = useStateClock(clock.stateSince, clock.marketTime, clock.isMarketOpen);
  return (
    <span data-testid="state-clock" className="font-mono text-[11px] font-semibold">
      in state for {elapsed ?? '—'}
    </span>
  );
}

function nodeLook(data: StateNodeData): string {
  if (data.isCurrent) return `${currentStateNodeClasses(data.state)} h-full w-full ring-4 text-[15px] font-bold shadow-lg shadow-black/60`;
  const ring = data.isNext ? 'border-2 border-dashed border-sky-400' : data.isVisited ? 'border border-emerald-500/70' : 'border border-slate-600';
  const fill = data.isVisited ? 'bg-emerald-950 text-slate-100' : data.isNext ? 'bg-slate-800 text-slate-100' : 'bg-slate-800/80 text-slate-300';
  return `${fill} ${ring} h-[44px] w-[calc(100%-12px)] text-[13px] font-semibold`;
}

/** React Flow attaches edges to handles; the edges here follow ELK's own points, so the handles are invisible. */
function HiddenHandles() {
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} style={{ opacity: 0 }} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={{ opacity: 0 }} />
    </>
  );
}

/** A state: the current one filled, larger and labelled, visited ones ticked, possible next ones outlined in blue. */
export function StateNodeView({ data }: NodeProps<StateNode>) {
  const { state, isCurrent, isVisited, isNext, isSelected } = data;
  const words = [isCurrent ? 'current state' : null, isVisited && !isCurrent ? 'visited this cycle' : null, isNext ? 'can go next' : null].filter(Boolean);
  const loops = data.loops.map((loop) => `${loop.event}${loop.guard ? ` [${loop.guard}]` : ''}`);
  const title = [data.description, loops.length ? `Stays in ${state} on: ${loops.join(', ')}` : null].filter(Boolean).join('\n');
  return (
    <div className="flex h-full w-full items-center justify-center">
      <HiddenHandles />
      <button
        type="button"
        data-testid={`graph-node-${state}`}
        data-current={isCurrent ? 'true' : 'false'}
        data-visited={isVisited ? 'true' : 'false'}
        data-next={isNext ? 'true' : 'false'}
        aria-current={isCurrent ? 'step' : undefined}
        aria-pressed={isSelected}
        aria-label={`${state}${words.length ? `, ${words.join(', ')}` : ''}. Show its transitions in the history.`}
        title={title || undefined}
        onClick={() => data.onSelect(state)}
        className={`nodrag nopan pointer-events-auto flex cursor-pointer flex-col items-center justify-center rounded-md px-1 font-mono leading-tight ${nodeLook(data)} ${
          isSelected ? 'outline-2 outline-offset-2 outline-yellow-300' : ''
        } focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white`}
      >
        {isCurrent && (
          <span className="mb-0.5 rounded bg-black/40 px-1.5 text-[10px] font-bold tracking-widest text-white uppercase">current</span>
        )}
        <span className="flex items-center gap-1">
          {isVisited && !isCurrent && <span aria-hidden="true" className="text-emerald-400">✓</span>}
          {state}
        </span>
        {isNext && (
          <span aria-hidden="true" className="text-[10px] font-bold tracking-wider text-sky-300 uppercase">
            can go next
          </span>
        )}
        {isCurrent && data.clock && <CurrentClock clock={data.clock} />}
      </button>
    </div>
  );
}

/** States sharing transitions: the box stands for each of them, so their shared edges are drawn once. */
export function GroupNodeView({ data }: NodeProps<GroupNode>) {
  const { group, hasCurrent } = data;
  return (
    <div
      data-testid={`graph-group-${group.id}`}
      role="group"
      aria-label={`${group.name}: ${group.members.join(', ')}`}
      className={`h-full w-full rounded-md border border-dashed px-2 py-1 font-mono ${
        hasCurrent ? 'border-sky-400 bg-sky-950/60' : 'border-slate-500 bg-slate-900/80'
      }`}
    >
      <HiddenHandles />
      <div className="text-[11px] leading-5 font-semibold whitespace-nowrap text-slate-300">{group.name}</div>
      <ul className="text-[12px] leading-4 text-slate-400">
        {group.members.map((member) => (
          <li key={member}>{member}</li>
        ))}
      </ul>
    </div>
  );
}

const EDGE_STYLES: Record<EdgeTone, { color: string; width: number; text: string }> = {
  last: { color: '#fbbf24', width: 3, text: 'text-amber-200 border-amber-400/80' },
  next: { color: '#38bdf8', width: 2, text: 'text-sky-200 border-sky-500/60' },
  spine: { color: '#94a3b8', width: 2, text: 'text-slate-300 border-transparent' },
  plain: { color: '#64748b', width: 1.25, text: 'text-slate-400 border-transparent' },
};

export const edgeColor = (tone: EdgeTone) => EDGE_STYLES[tone].color;

const describeTrigger = ({ event, guard }: Trigger) => (guard ? `${event} — if ${guard}` : `${event} — always`);

/** An orthogonal edge along ELK's bend points; its label is a button whose tooltip names the events and guards. */
export function TransitionEdgeView({ id, data, markerEnd, style }: EdgeProps<TransitionEdge>) {
  const [isFocused, setFocused] = useState(false);
  const tooltipId = useId();
  if (!data) return null;
  const { points, label, tone, labelFontPx } = data;
  const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${point.x},${point.y}`).join(' ');
  const isOpen = isFocused || data.isHovered;
  const look = EDGE_STYLES[tone];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={12} />
      <EdgeLabelRenderer>
        <button
          type="button"
          data-testid="graph-edge-label"
          data-edge={id}
          data-tone={tone}
          aria-label={`${data.from} to ${data.to}: ${data.triggers.map(describeTrigger).join('; ')}`}
          aria-describedby={isOpen ? tooltipId : undefined}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onMouseEnter={() => setFocused(true)}
          onMouseLeave={() => setFocused(false)}
          style={{
            left: label.x,
            top: label.y,
            width: label.width,
            height: label.height,
            fontSize: labelFontPx,
            lineHeight: LINE_HEIGHT_EM,
            pointerEvents: 'all',
          }}
          className={`nodrag nopan absolute rounded border bg-slate-950 px-1 text-left font-mono whitespace-pre focus-visible:outline-2 focus-visible:outline-white ${look.text}`}
        >
          {data.label.lines.join('\n')}
        </button>
        {isOpen && (
          <div
            id={tooltipId}
            role="tooltip"
            style={{ left: label.x, top: label.y + label.height + 4 }}
            className="absolute z-50 max-w-md rounded-md border border-slate-600 bg-slate-950 px-3 py-2 text-xs text-slate-200 shadow-xl"
          >
            <div className="mb-1 font-mono font-semibold">
              {data.from} → {data.to}
            </div>
            <ul className="space-y-0.5 font-mono">
              {data.triggers.map((trigger) => (
                <li key={`${trigger.event}:${trigger.guard}`}>{describeTrigger(trigger)}</li>
              ))}
            </ul>
          </div>
        )}
      </EdgeLabelRenderer>
    </>
  );
}
