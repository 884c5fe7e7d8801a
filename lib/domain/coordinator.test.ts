import { describe, expect, it } from 'vitest';
import { canEnter, worldOf, type StrategyView, type World } from './coordinator';

const zeroDte: StrategyView = { id: 'z', name: '0DTE Friday', kind: 'ZERO_DTE', state: 'WAITING' };
const lt112 = (state: string): StrategyView => ({ id: 'l', name: 'LT112', kind: 'LT112', state });
const world = (overrides: Partial<World> = {}): World => ({ systemMode: 'RUNNING', strategies: [zeroDte], ...overrides });

describe('the coordinator', () => {
  it('allows an entry when the system runs and no strategy is in trouble', () => {
    expect(canEnter(zeroDte, world())).toEqual({ allowed: true, reasons: [] });
  });

  it('blocks every entry while the system is HALTED', () => {
    expect(canEnter(zeroDte, world({ systemMode: 'HALTED' }))).toEqual({ allowed: false, reasons: ['system is HALTED'] });
  });

  it('blocks entries while any strategy is in ERROR or EMERGENCY_EXIT, naming it', () => {
    const broken = { ...lt112('ERROR') };
    expect(canEnter(zeroDte, world({ strategies: [zeroDte, broken] })).reasons).toEqual(['LT112 is in ERROR']);
    const exiting = { ...lt112('EMERGENCY_EXIT') };
    expect(canEnter(zeroDte, world({ strategies: [zeroDte, exiting] })).allowed).toBe(false);
  });

  it('keeps 0DTE out while LT112 is in DEFENSIVE_21DTE, but not other kinds', () => {
    const defending = lt112('DEFENSIVE_21DTE');
    expect(canEnter(zeroDte, world({ strategies: [zeroDte, defending] }))).toEqual({
      allowed: false,
      reasons: ['LT112 is in DEFENSIVE_21DTE'],
    });
    const other: StrategyView = { id: 'o', name: 'IPMCC', kind: 'IPMCC', state: 'WAITING' };
    expect(canEnter(other, world({ strategies: [other, defending] })).allowed).toBe(true);
  });

  it('keeps a paused strategy out, saying who paused it and why, and only that strategy', () => {
    const paused: StrategyView = { ...zeroDte, pause: { actor: 'otto@wheelhouse.test', reason: 'earnings week' } };
    expect(canEnter(paused, world({ strategies: [paused, lt112('WAITING')] }))).toEqual({
      allowed: false,
      reasons: ['paused by otto@wheelhouse.test: earnings week'],
    });
    expect(canEnter(lt112('WAITING'), world({ strategies: [paused, lt112('WAITING')] })).allowed).toBe(true);
  });

  it('lists every reason at once', () => {
    const permit = canEnter(zeroDte, world({ systemMode: 'HALTED', strategies: [zeroDte, lt112('ERROR')] }));
    expect(permit.reasons).toEqual(['system is HALTED', 'LT112 is in ERROR']);
  });

  it('decides from the world the engine and the dashboard build, seeing every strategy by name and state', () => {
    const seen = worldOf('RUNNING', [zeroDte, lt112('EMERGENCY_EXIT')]);
    expect(canEnter(zeroDte, seen)).toEqual({ allowed: false, reasons: ['LT112 is in EMERGENCY_EXIT'] });
    expect(canEnter(zeroDte, worldOf('HALTED', [zeroDte])).reasons).toEqual(['system is HALTED']);
  });
});
