import { describe, expect, it } from 'vitest';
import { isWantedBy, testAlert, type Alert } from './alert';

const emergency: Alert = { kinds: ['halt', 'mode-change'], severity: 'critical', summary: 'EMERGENCY', details: {}, time: '2026-11-20T15:00:00.000Z' };

describe('which webhooks an alert goes to', () => {
  it('goes to a webhook asking for any of its kinds', () => {
    expect(isWantedBy(emergency, ['halt'])).toBe(true);
    expect(isWantedBy(emergency, ['mode-change', 'takeover'])).toBe(true);
  });

  it('does not go to a webhook asking for none of them', () => {
    expect(isWantedBy(emergency, ['strategy-error', 'takeover'])).toBe(false);
    expect(isWantedBy(emergency, [])).toBe(false);
  });

  it('a test alert is of the kind test, naming who sent it and when', () => {
    expect(testAlert('admin@wheelhouse.demo', new Date('2026-12-02T15:00:00Z'))).toEqual({
      kinds: ['test'],
      severity: 'info',
      summary: 'Test alert from Wheelhouse, sent by admin@wheelhouse.demo',
      details: { sentBy: 'admin@wheelhouse.demo' },
      time: '2026-12-02T15:00:00.000Z',
    });
  });
});
