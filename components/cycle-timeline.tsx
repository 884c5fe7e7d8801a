import { formatElapsed, formatMarketTime } from '@/components/format';
import { StateBadge } from '@/components/ui/state-badge';
import type { CycleTimeline as Timeline, TimelineBar, TimelineMark } from '@/lib/client/cycle-timeline';

/** More stays than this and only the latest are drawn (a long wait can bounce WAITING <-> VALIDATION many times). */
const MAX_BARS = 24;

const BAR_TONES: Record<string, string> = {
  WAITING: 'bg-gray-500',
  INITIALIZING: 'bg-gray-500',
  VALIDATION: 'bg-blue-500',
  ENTERING: 'bg-blue-500',
  ACTIVE: 'bg-green-500',
  MANAGING: 'bg-teal-500',
  EXITING: 'bg-amber-500',
  DEFENSIVE_EXIT: 'bg-amber-500',
  COMPLETE: 'bg-slate-400',
  RECOVERY: 'bg-violet-500',
  ERROR: 'bg-red-500',
  EMERGENCY_EXIT: 'bg-red-500',
};

const barTone = (state: string) => BAR_TONES[state] ?? (state.includes('DEFENSIVE') ? 'bg-amber-500' : 'bg-blue-400');

const iso = (ms: number) => new Date(ms).toISOString();

function Mark({ mark, left }: { mark: TimelineMark; left: number }) {
  const isError = mark.kind === 'error';
  return (
    <span
      data-testid={`timeline-mark-${mark.kind}`}
      title={`${formatMarketTime(iso(mark.atMs), { withSeconds: true })}: ${mark.text}`}
      style={{ left: `${left}%` }}
      className={`absolute top-1/2 z-10 flex h-4 w-4 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full text-[10px] font-bold ring-2 ring-slate-950 ${
        isError ? 'bg-red-500 text-white' : 'bg-yellow-300 text-slate-950'
      }`}
    >
      <span aria-hidden="true">{isError ? '!' : 'O'}</span>
      <span className="sr-only">{`${isError ? 'Error' : 'Operator'}: ${mark.text}`}</span>
    </span>
  );
}

function BarRow({ bar, marks, span, startMs }: { bar: TimelineBar; marks: readonly TimelineMark[]; span: number; startMs: number }) {
  const left = ((bar.startMs - startMs) / span) * 100;
  const width = ((bar.endMs - bar.startMs) / span) * 100;
  const duration = formatElapsed(bar.endMs - bar.startMs);
  return (
    <li data-testid="timeline-bar" data-state={bar.state} className="grid grid-cols-[11rem_1fr] items-center gap-3">
      <span className="flex items-center gap-2 text-xs">
        <StateBadge state={bar.state} />
        <span className="font-mono text-slate-400">{duration}</span>
      </span>
      <span className="relative h-5 rounded bg-slate-800/60">
        <span
          title={`${bar.state} from ${formatMarketTime(iso(bar.startMs), { withSeconds: true })} for ${duration} (${bar.eventType})`}
          style={{ left: `${left}%`, width: `max(${width}%, 3px)` }}
          className={`absolute inset-y-0.5 rounded-sm ${barTone(bar.state)} ${bar.isCurrent ? 'animate-pulse' : ''}`}
        />
        {marks.map((mark) => (
          <Mark key={mark.key} mark={mark} left={((mark.atMs - startMs) / span) * 100} />
        ))}
        <span className="sr-only">
          {`${bar.state} from ${formatMarketTime(iso(bar.startMs), { withSeconds: true })}, ${duration}${bar.isCurrent ? ', now' : ''}`}
        </span>
      </span>
    </li>
  );
}

/**
 * The current cycle on the market clock, one bar per state it entered (the way Temporal draws a workflow's events),
 * with the operator's actions (O) and errors (!) marked where they happened.
 */
export function CycleTimeline({ timeline }: { timeline: Timeline | null }) {
  if (!timeline) {
    return (
      <section aria-label="Cycle timeline">
        <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">This cycle</h2>
        <p className="text-sm text-slate-400">No transitions yet.</p>
      </section>
    );
  }
  const { startMs, endMs, bars, marks } = timeline;
  const span = Math.max(1, endMs - startMs);
  const shown = bars.slice(-MAX_BARS);
  const marksIn = (bar: TimelineBar) => marks.filter((mark) => mark.barSeq === bar.seq);
  const operatorCount = marks.filter((mark) => mark.kind === 'operator').length;
  const errorCount = marks.length - operatorCount;
  return (
    <section aria-label="Cycle timeline" className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-slate-300 uppercase">This cycle</h2>
        <p className="text-xs text-slate-400">
          {formatMarketTime(iso(startMs))} → {formatMarketTime(iso(endMs))} · {formatElapsed(endMs - startMs)} ·{' '}
          <span className="text-yellow-200">O {operatorCount} operator action{operatorCount === 1 ? '' : 's'}</span> ·{' '}
          <span className="text-red-300">! {errorCount} error{errorCount === 1 ? '' : 's'}</span>
        </p>
      </div>
      {shown.length < bars.length && <p className="text-xs text-slate-500">{bars.length - shown.length} earlier stays not shown.</p>}
      <ol className="space-y-1">
        {shown.map((bar) => (
          <BarRow key={bar.seq} bar={bar} marks={marksIn(bar)} span={span} startMs={startMs} />
        ))}
      </ol>
    </section>
  );
}
