type Tone = 'gray' | 'blue' | 'green' | 'teal' | 'amber' | 'slate' | 'red' | 'violet';

const STATE_TONES: Record<string, Tone> = {
  INITIALIZING: 'gray',
  WAITING: 'gray',
  VALIDATION: 'blue',
  ENTERING: 'blue',
  ACTIVE: 'green',
  MANAGING: 'teal',
  DEFENSIVE_EXIT: 'amber',
  DEFENSIVE_21DTE: 'amber',
  EXITING: 'amber',
  COMPLETE: 'slate',
  RECOVERY: 'violet',
  ERROR: 'red',
  EMERGENCY_EXIT: 'red',
  HALTED: 'red',
};

/** Strategy-specific states (rolls, ladder rungs) are not listed; they borrow the tone their name suggests. */
function toneOf(state: string): Tone {
  const listed = STATE_TONES[state];
  if (listed) return listed;
  if (state.includes('EMERGENCY') || state.includes('ERROR')) return 'red';
  if (state.includes('DEFENSIVE') || state.includes('EXIT')) return 'amber';
  if (state.includes('ROLL') || state.includes('BUILD')) return 'blue';
  return 'gray';
}

const BADGE_CLASSES: Record<Tone, string> = {
  gray: 'bg-gray-700 text-gray-100 ring-gray-500',
  blue: 'bg-blue-900 text-blue-100 ring-blue-500',
  green: 'bg-green-900 text-green-100 ring-green-500',
  teal: 'bg-teal-900 text-teal-100 ring-teal-500',
  amber: 'bg-amber-900 text-amber-100 ring-amber-500',
  slate: 'bg-slate-800 text-slate-200 ring-slate-500',
  red: 'bg-red-900 text-red-100 ring-red-500',
  violet: 'bg-violet-900 text-violet-100 ring-violet-500',
};

/** Fill and ring for the current state's node in the state graph: brighter than a badge so it stands out, white text at 4.5:1 or more. */
const CURRENT_NODE_CLASSES: Record<Tone, string> = {
  gray: 'bg-gray-500 text-white ring-gray-200',
  blue: 'bg-blue-600 text-white ring-blue-200',
  green: 'bg-green-700 text-white ring-green-200',
  teal: 'bg-teal-700 text-white ring-teal-200',
  amber: 'bg-amber-500 text-slate-950 ring-amber-200',
  slate: 'bg-slate-500 text-white ring-slate-200',
  red: 'bg-red-700 text-white ring-red-200',
  violet: 'bg-violet-600 text-white ring-violet-200',
};

export function currentStateNodeClasses(state: string): string {
  return CURRENT_NODE_CLASSES[toneOf(state)];
}

export function StateBadge({ state }: { state: string }) {
  return (
    <span
      className={`inline-block rounded px-2 py-0.5 font-mono text-xs font-semibold ring-1 ring-inset ${BADGE_CLASSES[toneOf(state)]}`}
    >
      {state}
    </span>
  );
}
