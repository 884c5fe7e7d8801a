/**
 * The trading mode, persisted and audited, surviving a restart:
 * - RUNNING: entries allowed.
 * - HALTED: no entries; positions still managed by their rules (exits, stops, rolls).
 * - REDUCING: only orders that shrink risk: no entries, no roll that opens a leg; exits go on.
 * - EMERGENCY: every position flattened through EMERGENCY_EXIT; once all are flat, HALTED.
 * Moving to a stricter mode is one step; leaving REDUCING, HALTED or EMERGENCY is an operator's explicit
 * action (a resume, with a reason and a second person), except the engine's own way out of a market-data
 * quarantine it entered itself.
 */
export const SYSTEM_MODES = ['RUNNING', 'HALTED', 'REDUCING', 'EMERGENCY'] as const;
export type SystemMode = (typeof SYSTEM_MODES)[number];

/**
 * Why the mode is what it is: an operator's command, a loss limit, a market-data quarantine, or the end of an
 * emergency (every position flat). Only a quarantine's REDUCING ends by itself, when the data is good again.
 */
export const MODE_CAUSES = ['operator', 'loss-limit', 'market-data', 'emergency-complete'] as const;
export type ModeCause = (typeof MODE_CAUSES)[number];

/** How much each mode forbids: HALTED stops entries, REDUCING also rolls that open, EMERGENCY flattens. */
const STRICTNESS: Readonly<Record<SystemMode, number>> = { RUNNING: 0, HALTED: 1, REDUCING: 2, EMERGENCY: 3 };

/** Whether `mode` forbids more than `than`: moving there is a stop, one step; the other way is a resume. */
export function isStricter(mode: SystemMode, than: SystemMode): boolean {
  return STRICTNESS[mode] > STRICTNESS[than];
}

/** Orders that add risk to a position already held (a roll's new leg) go out in RUNNING and HALTED only. */
export function allowsOpeningAdjustments(mode: SystemMode): boolean {
  return mode === 'RUNNING' || mode === 'HALTED';
}
