import type { ReactNode } from 'react';

const TONES = {
  info: 'border-slate-700 bg-slate-900 text-slate-300',
  warning: 'border-amber-700 bg-amber-950 text-amber-100',
  error: 'border-red-700 bg-red-950 text-red-100',
} as const;

/** A one-line message in place of, or above, content: loading, a failed load, a stale screen. */
export function Notice({ tone = 'info', children }: { tone?: keyof typeof TONES; children: ReactNode }) {
  return <p className={`rounded-md border px-3 py-2 text-sm ${TONES[tone]}`}>{children}</p>;
}
