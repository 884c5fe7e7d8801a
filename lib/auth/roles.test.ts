import { describe, expect, it } from 'vitest';
import { roleSchema } from '../api/contract';
import { hasRole, ROLES } from './roles';

describe('roles', () => {
  it('are the same in the HTTP contract as here', () => {
    expect(roleSchema.options).toEqual([...ROLES]);
  });

  it('each include the one before', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'viewer')).toBe(true);
    expect(hasRole('operator', 'admin')).toBe(false);
    expect(hasRole('viewer', 'operator')).toBe(false);
  });
});
