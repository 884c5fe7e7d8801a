import { describe, expect, it } from 'vitest';
import type { OptionContract, OrderLeg, Side } from '../market/types';
import { closingLegs, emptyPosition, type Position } from '../strategies/position';
import { isRiskReducing } from './risk-reducing';

const contract = (strike: number, right: 'C' | 'P' = 'P'): OptionContract => ({ underlying: 'SPY', expiry: '2027-01-15', strike, right });
const leg = (side: Side, quantity: number, strike: number, right: 'C' | 'P' = 'P'): OrderLeg => ({ contract: contract(strike, right), side, quantity });
/** Long 2 of the 580 put, short 1 of the 560 put. */
const held: Position = { ...emptyPosition('SPREAD', 0), legs: [{ contract: contract(580), quantity: 2 }, { contract: contract(560), quantity: -1 }] };

describe('an order that only reduces what the strategy holds', () => {
  it('closes every leg, or part of one: sells what is held long, buys back what is held short, no more than held', () => {
    expect(isRiskReducing(closingLegs(held), held)).toBe(true);
    expect(isRiskReducing([leg('SELL', 1, 580)], held)).toBe(true);
    expect(isRiskReducing([leg('SELL', 2, 580)], held)).toBe(true);
    expect(isRiskReducing([leg('BUY', 1, 560)], held)).toBe(true);
  });

  it('is not one that goes past flat, adds to a leg, or trades a contract not held', () => {
    expect(isRiskReducing([leg('SELL', 3, 580)], held)).toBe(false);
    expect(isRiskReducing([leg('BUY', 2, 560)], held)).toBe(false);
    expect(isRiskReducing([leg('BUY', 1, 580)], held)).toBe(false);
    expect(isRiskReducing([leg('SELL', 1, 560)], held)).toBe(false);
    expect(isRiskReducing([leg('SELL', 1, 580, 'C')], held)).toBe(false);
    expect(isRiskReducing([leg('SELL', 1, 570)], held)).toBe(false);
  });

  it('is not a roll: closing one leg and opening another opens risk', () => {
    expect(isRiskReducing([leg('BUY', 1, 560), leg('SELL', 1, 550)], held)).toBe(false);
  });

  it('counts legs of one contract together', () => {
    expect(isRiskReducing([leg('SELL', 1, 580), leg('SELL', 1, 580)], held)).toBe(true);
    expect(isRiskReducing([leg('SELL', 2, 580), leg('SELL', 1, 580)], held)).toBe(false);
  });

  it('is never an order against a flat position, one without legs, or one with a leg of no quantity', () => {
    expect(isRiskReducing(closingLegs(held), null)).toBe(false);
    expect(isRiskReducing(closingLegs(held), emptyPosition('SPREAD', 0))).toBe(false);
    expect(isRiskReducing([], held)).toBe(false);
    expect(isRiskReducing([leg('SELL', 0, 580)], held)).toBe(false);
    expect(isRiskReducing([leg('SELL', 1, 580), leg('BUY', 0, 560)], held)).toBe(false);
  });
});
