/** The overrides whose orders are shown before the operator confirms (see override-plan.ts). */
export const OVERRIDE_ACTIONS = ['defensive-exit', 'recover', 'emergency-halt'] as const;
export type OverrideAction = (typeof OVERRIDE_ACTIONS)[number];
