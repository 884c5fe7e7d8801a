import { describe, expect, it } from 'vitest';
import { brokerFaultsChangeSchema, brokerFaultsSchema, NO_FAULTS } from './venue-faults';

describe('broker faults', () => {
  it('default to no faults at all', () => {
    expect(NO_FAULTS).toEqual({
      rejectNext: 0,
      rejectReason: 'rejected by venue (injected)',
      latencyBars: 0,
      timeout: false,
      dropConnection: false,
      staleQuotes: false,
      legged: false,
    });
    expect(brokerFaultsSchema.parse({ legged: true })).toEqual({ ...NO_FAULTS, legged: true });
  });

  it('describe a change by the faults it names only, without filling in defaults', () => {
    expect(brokerFaultsChangeSchema.parse({ latencyBars: 3 })).toEqual({ latencyBars: 3 });
    expect(brokerFaultsChangeSchema.parse({})).toEqual({});
  });

  it.each([
    { rejectNext: -1 },
    { rejectNext: 101 },
    { rejectNext: 1.5 },
    { latencyBars: 31 },
    { rejectReason: '  ' },
    { timeout: 'yes' },
    { unknownFault: true },
  ])('refuses %o', (change) => {
    expect(brokerFaultsChangeSchema.safeParse(change).success).toBe(false);
  });
});
