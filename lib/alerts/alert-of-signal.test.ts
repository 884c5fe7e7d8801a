import { describe, expect, it } from 'vitest';
import type { EngineSignal } from '../engine/ports';
import { alertOf } from './alert-of-signal';

const AT = new Date('2026-11-20T15:31:00Z');
const kindsOf = (signal: EngineSignal) => alertOf(signal, AT)?.kinds ?? null;

const strategyError = (circuitBreaker: boolean): EngineSignal => ({
  kind: 'strategy-error',
  strategyId: 'zero-dte-friday',
  name: '0DTE Friday',
  from: 'ENTERING',
  reason: 'order timed out',
  circuitBreaker,
});
const mode = (to: 'RUNNING' | 'HALTED' | 'REDUCING' | 'EMERGENCY', previous: 'RUNNING' | 'HALTED' | 'REDUCING' | 'EMERGENCY' = 'RUNNING'): EngineSignal => ({
  kind: 'mode',
  mode: to,
  previous,
  cause: 'operator',
  actor: 'operator@wheelhouse.demo',
  reason: 'CPI',
});
const command = (status: 'done' | 'rejected' | 'failed'): EngineSignal => ({
  kind: 'command',
  commandId: '42',
  type: 'DEFENSIVE_EXIT',
  strategyId: 'lt112',
  actor: 'operator@wheelhouse.demo',
  status,
  outcome: 'broker unreachable',
  ms: 12,
});

describe('which engine signals become alerts', () => {
  it('a strategy entering ERROR is a critical strategy-error, and also a circuit-breaker when that opened it', () => {
    expect(alertOf(strategyError(false), AT)).toEqual({
      kinds: ['strategy-error'],
      severity: 'critical',
      summary: '0DTE Friday entered ERROR from ENTERING: order timed out',
      details: { strategy: 'zero-dte-friday', name: '0DTE Friday', from: 'ENTERING', reason: 'order timed out', circuitBreaker: false },
      time: '2026-11-20T15:31:00.000Z',
    });
    expect(alertOf(strategyError(true), AT)).toMatchObject({
      kinds: ['circuit-breaker', 'strategy-error'],
      summary: '0DTE Friday entered ERROR from ENTERING: circuit breaker open: order timed out',
    });
  });

  it('every mode change is a mode-change; HALTED and EMERGENCY are halts too', () => {
    expect(kindsOf(mode('HALTED'))).toEqual(['halt', 'mode-change']);
    expect(kindsOf(mode('EMERGENCY'))).toEqual(['halt', 'mode-change']);
    expect(kindsOf(mode('REDUCING'))).toEqual(['mode-change']);
    expect(kindsOf(mode('RUNNING', 'HALTED'))).toEqual(['mode-change']);
    expect(alertOf(mode('EMERGENCY'), AT)).toMatchObject({ severity: 'critical', summary: 'Trading mode RUNNING -> EMERGENCY (operator, by operator@wheelhouse.demo): CPI' });
    expect(alertOf(mode('RUNNING', 'REDUCING'), AT)?.severity).toBe('info');
  });

  it('a takeover names the leases and whom they came from', () => {
    expect(alertOf({ kind: 'takeover', leases: ['strategy:lt112', 'market-clock'], from: 'host-b:7:abcd', ms: 30 }, AT)).toMatchObject({
      kinds: ['takeover'],
      severity: 'warning',
      summary: 'This server took over 2 leases from host-b:7:abcd: strategy:lt112, market-clock',
    });
    expect(alertOf({ kind: 'takeover', leases: ['market-clock'], from: null, ms: 1 }, AT)?.summary).toBe('This server took over a lease: market-clock');
  });

  it('only a failed command is an alert: not one done or rejected', () => {
    expect(alertOf(command('failed'), AT)).toMatchObject({ kinds: ['command-failed'], summary: 'DEFENSIVE_EXIT on lt112 by operator@wheelhouse.demo failed: broker unreachable' });
    expect(alertOf(command('done'), AT)).toBeNull();
    expect(alertOf(command('rejected'), AT)).toBeNull();
  });

  it('transitions, lease counts, broker errors and quarantines are not alerts', () => {
    const quiet: EngineSignal[] = [
      { kind: 'transition', strategyId: 'lt112', from: 'WAITING', to: 'VALIDATION', event: 'market.tick', writeMs: 2 },
      { kind: 'leases', held: 5 },
      { kind: 'broker-error', strategyId: null, operation: 'account', message: 'down' },
      { kind: 'quarantine', problems: ['stale'] },
    ];
    expect(quiet.map((signal) => alertOf(signal, AT))).toEqual([null, null, null, null]);
  });
});
