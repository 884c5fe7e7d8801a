import { createAccessControl } from 'better-auth/plugins/access';
import { defaultStatements } from 'better-auth/plugins/admin/access';

/**
 * Who may do what. viewer: sees everything, changes nothing. operator: defensive exit, halt, recover, request
 * and approve a resume. admin: an operator who also manages users, roles and settings. Each role includes
 * the one before it. Safe to import in the browser (no server code).
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether `role` may do what `needed` may. */
export const hasRole = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** The same rules in better-auth's access-control terms, for its admin plugin's endpoints (users, sessions). */
const statement = { ...defaultStatements, strategy: ['read', 'command', 'configure'] } as const;
export const accessControl = createAccessControl(statement);
export const accessRoles = {
  viewer: accessControl.newRole({ strategy: ['read'] }),
  operator: accessControl.newRole({ strategy: ['read', 'command'] }),
  admin: accessControl.newRole({
    strategy: ['read', 'command', 'configure'],
    user: ['create', 'list', 'set-role', 'ban', 'delete', 'set-password', 'get', 'update'],
    session: ['list', 'revoke', 'delete'],
  }),
} satisfies Record<Role, unknown>;
