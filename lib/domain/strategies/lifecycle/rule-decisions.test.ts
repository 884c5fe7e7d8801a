import { describe, expect, it } from 'vitest';
import { nyTime } from '../../market/calendar';
import type { MarketBar, OrderLeg } from '../../market/types';
import { emptyPosition, type Position } from '../position';
import { barAt, initialSnapshot, tick, update } from '../testing/model';
import { ZERO_DTE_DEFAULTS, zeroDteRules, type ZeroDteSettings } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { beginRecovery } from './recovery-policy';
import { ruleDecisions } from './rule-decisions';
import { contextOf } from './strategy-snapshot';
import type { MarketTickEvent, Proposal, StrategyContext, StrategyEvent, StrategyRules } from './types';

// The shared checks around the real 0DTE rules: a Friday 10:30-11:00 bar with VIX above 22 is its entry signal.
const FRIDAY = '2026-11-20';
const at = (hour: number, minute: number, spy = 590, vix = 24): MarketBar => barAt(nyTime(FRIDAY, hour, minute), spy, vix);
const asTick = (event: StrategyEvent): MarketTickEvent => event as MarketTickEvent;
const decisions = ruleDecisions(zeroDteRules);

type Context = StrategyContext<ZeroDteSettings>;
const fresh = contextOf<ZeroDteSettings>(initialSnapshot(zeroDteMachine, { strategyId: 'd', settings: ZERO_DTE_DEFAULTS }));
const context = (overrides: Partial<Context> = {}): Context => ({ ...fresh, cycle: FRIDAY, ...overrides });

const SHORT_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const LONG_PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: FRIDAY, strike: 565, right: 'P' }, side: 'BUY', quantity: 1 };
const held: Position = {
  ...emptyPosition('PUT_SPREAD', at(10, 31).time),
  legs: [{ contract: LONG_PUT.contract, quantity: 1 }, { contract: SHORT_PUT.contract, quantity: -1 }],
  cash: 40,
  entryCash: 100,
};

function proposalAt(bar: MarketBar): Proposal {
  const proposal = zeroDteRules.propose(context(), bar);
  if ('problems' in proposal) throw new Error(proposal.problems.join('; '));
  return proposal;
}

describe('the entry decision', () => {
  it('proposes on an entry signal', () => {
    const evaluation = decisions.entry(context(), asTick(tick(at(10, 30))));
    expect('proposal' in evaluation && evaluation.proposal.structure).toBe('IRON_CONDOR');
  });

  it('names a data problem alone: nothing else can be judged on a broken bar', () => {
    expect(decisions.entry(context(), asTick(tick({ ...at(10, 30), isStale: true })))).toEqual({ problems: ['quotes are stale'] });
  });

  it("lists the coordinator's reasons, the spent attempts and the rules' own problems together", () => {
    const refused = asTick(tick(at(10, 29), 'RUNNING', { allowed: false, reasons: ['system is PAUSED'] }));
    expect(decisions.entry(context({ entryAttempts: 3 }), refused)).toEqual({
      problems: ['system is PAUSED', '3 entry attempts this cycle', 'outside the Friday 10:30-11:00 ET entry window'],
    });
  });

  it('allows a third attempt in a cycle but not a fourth, and counts afresh in a new cycle', () => {
    const entry = (attempts: number, cycle: string) => decisions.entry(context({ entryAttempts: attempts, cycle }), asTick(tick(at(10, 30))));
    expect('proposal' in entry(2, FRIDAY)).toBe(true);
    expect(entry(3, FRIDAY)).toEqual({ problems: ['3 entry attempts this cycle'] });
    expect('proposal' in entry(3, '2026-11-13')).toBe(true);
  });

  it("passes on the rules' reason when they cannot build a proposal", () => {
    // SPY 0.3% above its open: between the condor and the directional thresholds.
    const between = barAt(nyTime(FRIDAY, 10, 30), 590, 24, 590 / 1.003);
    expect(decisions.entry(context(), asTick(tick(between)))).toEqual({ problems: ['SPY moved 0.30% since the open: between the condor and directional thresholds'] });
  });
});

describe('the validation of a proposal', () => {
  const proposal = proposalAt(at(10, 30));

  it('passes a fresh proposal of this cycle on a sane bar', () => {
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 31))))).toEqual([]);
  });

  it('refuses without a proposal, or on a broken bar', () => {
    expect(decisions.validationProblems(context(), asTick(tick(at(10, 31))))).toEqual(['no proposal']);
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 31, 590, 0))))).toEqual(['VIX 0 is outside 0-150']);
  });

  it('refuses a proposal older than 2 minutes, or from a later bar', () => {
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 30))))).toEqual([]);
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 32))))).toEqual([]);
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 33))))).toEqual(['the proposal is 3 minutes old']);
    expect(decisions.validationProblems(context({ proposal }), asTick(tick(at(10, 29))))).toEqual(['the proposal is -1 minutes old']);
  });

  it("lists the coordinator's reasons, another cycle and the rules' problems together", () => {
    const refused = asTick(tick(at(10, 31, 590, 36), 'RUNNING', { allowed: false, reasons: ['system is HALTED'] }));
    expect(decisions.validationProblems(context({ proposal, cycle: '2026-11-13' }), refused)).toEqual([
      'system is HALTED',
      'the proposal is from another cycle',
      'VIX 36 is above 35',
    ]);
  });
});

describe('the decision on a held position', () => {
  const breach = tick(at(11, 0, 570));

  it('asks the rules on a sane bar', () => {
    expect(decisions.positionDecision(context({ position: held }), breach, 'ACTIVE')).toEqual({ next: 'DEFENSIVE_EXIT', reason: 'SPY 570 breached the short put 570' });
  });

  it('decides nothing without a position, on a broken bar, or on another event', () => {
    expect(decisions.positionDecision(context(), breach, 'ACTIVE')).toBeNull();
    expect(decisions.positionDecision(context({ position: { ...held, legs: [] } }), breach, 'ACTIVE')).toBeNull();
    expect(decisions.positionDecision(context({ position: held }), tick({ ...at(11, 0, 570), isStale: true }), 'ACTIVE')).toBeNull();
    expect(decisions.positionDecision(context({ position: held }), { type: 'system.restored', time: at(11, 0).time }, 'ACTIVE')).toBeNull();
  });

  it('asks again for another state or another context of the same bar', () => {
    // At 15:30 ACTIVE moves to MANAGING while MANAGING itself holds: one answer per state.
    const clock = tick(at(15, 30, 600));
    const position = context({ position: held });
    expect(decisions.positionDecision(position, clock, 'ACTIVE')?.next).toBe('MANAGING');
    expect(decisions.positionDecision(position, clock, 'MANAGING')).toBeNull();
    expect(decisions.positionDecision(context(), clock, 'ACTIVE')).toBeNull();
  });
});

describe('the reason a close starts', () => {
  const position = context({ position: held });

  it('is the emergency when the system is in EMERGENCY with a position', () => {
    expect(decisions.closeReason(position, tick(at(11, 0), 'EMERGENCY'), 'ACTIVE')).toBe('system is in EMERGENCY: the position is flattened');
  });

  it("is the rules' reason on a bar, or plain closing when they have none", () => {
    expect(decisions.closeReason(position, tick(at(11, 0, 570)), 'ACTIVE')).toBe('SPY 570 breached the short put 570');
    expect(decisions.closeReason(context(), tick(at(11, 0), 'EMERGENCY'), 'ACTIVE')).toBe('closing');
  });

  it("is recovery's finding after a recovery check", () => {
    const close = { clientOrderId: 'd:close:1', purpose: 'CLOSE' as const, legs: [], deadline: 0, appliedFills: 0 };
    const recovering = context({ position: held, recovery: beginRecovery('RESTART', 0, close) });
    expect(decisions.closeReason(recovering, { type: 'recovery.checked', order: update(close, 'CANCELLED', [], 0), time: 0 }, 'RECOVERY')).toBe(
      'order d:close:1 cancelled with legs held: closing them',
    );
  });

  it("is the operator's reason, or a part-filled failure otherwise", () => {
    expect(decisions.closeReason(position, { type: 'operator.emergencyExit', actor: 'dana', reason: 'fat finger', time: 0 }, 'ACTIVE')).toBe('fat finger');
    expect(decisions.closeReason(position, { type: 'system.restored', time: 0 }, 'ENTERING')).toBe('an order failed part-filled: closing what is held');
  });
});

describe('the questions passed through to the rules', () => {
  it('key the cycle by the bar and ask whether the next may start', () => {
    expect(decisions.cycleKey(asTick(tick(at(10, 0))))).toBe(FRIDAY);
    expect(decisions.isNextCycle(context(), asTick(tick(at(15, 0))))).toBe(false);
    expect(decisions.isNextCycle(context(), asTick(tick(barAt(nyTime('2026-11-23', 9, 31), 590, 24))))).toBe(true);
  });

  it('ask the rules once per event, however many guards and actions need the answer', () => {
    let asked = 0;
    const counting: StrategyRules<ZeroDteSettings> = {
      ...zeroDteRules,
      propose: (ctx, bar) => {
        asked += 1;
        return zeroDteRules.propose(ctx, bar);
      },
    };
    const counted = ruleDecisions(counting);
    const event = asTick(tick(at(10, 30)));
    const ctx = context();
    counted.entry(ctx, event);
    counted.entry(ctx, event);
    expect(asked).toBe(1);
    counted.entry(context(), event);
    expect(asked).toBe(2);
    counted.entry(context(), asTick(tick(at(10, 30))));
    expect(asked).toBe(3);
  });
});
