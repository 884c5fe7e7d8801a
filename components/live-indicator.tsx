'use client';

import { useLiveStatus, type LiveStatus } from '@/lib/client/use-live-updates';

const LABELS: Record<LiveStatus, { text: string; dot: string }> = {
  connecting: { text: 'Connecting…', dot: 'bg-slate-400' },
  live: { text: 'Live', dot: 'bg-green-400' },
  reconnecting: { text: 'Reconnecting…', dot: 'bg-amber-400 animate-pulse' },
};

/** Whether the screen is following the server's change notifications, in words (the dot only repeats them). */
export function LiveIndicator() {
  const { text, dot } = LABELS[useLiveStatus()];
  return (
    <span role="status" className="flex items-center gap-2 text-xs text-slate-300">
      <span aria-hidden="true" className={`size-2 rounded-full ${dot}`} />
      {text}
    </span>
  );
}
