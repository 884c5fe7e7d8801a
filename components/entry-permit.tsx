import type { StrategySummary } from '@/lib/api/contract';

/** The coordinator's answer to "may this strategy enter now?", with its reasons when it may not. */
export function EntryPermit({ permit }: { permit: StrategySummary['entryPermit'] }) {
  if (permit.allowed) return <span className="text-green-400">allowed</span>;
  return <span className="text-amber-300">blocked: {permit.reasons.join('; ') || 'no reason given'}</span>;
}
