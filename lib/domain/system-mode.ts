/**
 * The trading mode, persisted and audited, surviving a restart. RUNNING: entries allowed. HALTED: no
 * entries; positions still managed, and flattened through EMERGENCY_EXIT on an emergency halt.
 * Leaving HALTED is an explicit operator action, never automatic.
 */
export const SYSTEM_MODES = ['RUNNING', 'HALTED'] as const;
export type SystemMode = (typeof SYSTEM_MODES)[number];
