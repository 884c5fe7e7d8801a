import { describe, expect, it } from 'vitest';
import { auditFiltersFrom } from './queries';

describe('auditFiltersFrom', () => {
  it('reads the filters a URL names, leaving out the empty ones and any other parameter', () => {
    expect(auditFiltersFrom(new URLSearchParams('strategy=lt112&actor=&kind=transition&page=2&q=roll'))).toEqual({
      strategy: 'lt112',
      kind: 'transition',
      q: 'roll',
    });
  });

  it('takes the first of a repeated filter, as the browser reads it', () => {
    expect(auditFiltersFrom(new URLSearchParams('state=ACTIVE&state=ERROR'))).toEqual({ state: 'ACTIVE' });
  });

  it('reads no filter from an empty query', () => {
    expect(auditFiltersFrom(new URLSearchParams())).toEqual({});
  });
});
