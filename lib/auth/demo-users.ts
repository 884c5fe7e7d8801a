import type { Role } from './roles';

/**
 * DEMO ONLY: one user per role, so a newcomer can try every part of the control room. Their passwords are
 * public (the sign-in page and the README show them). They are created only when DEMO_USERS is on, which
 * it is not in production unless asked for.
 */
export const DEMO_USERS: readonly { readonly email: string; readonly name: string; readonly role: Role; readonly password: string }[] = [
  { email: 'viewer@wheelhouse.demo', name: 'Vera Viewer', role: 'viewer', password: 'demo-viewer-only' },
  { email: 'operator@wheelhouse.demo', name: 'Otto Operator', role: 'operator', password: 'demo-operator-only' },
  { email: 'admin@wheelhouse.demo', name: 'Ada Admin', role: 'admin', password: 'demo-admin-only' },
];
