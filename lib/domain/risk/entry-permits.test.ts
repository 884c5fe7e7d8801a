import { describe, expect, it } from 'vitest';
import { entryPermits, type CandidateView, type World } from '../coordinator';
import { nyTime } from '../market/calendar';
import type { MarketBar, OrderLeg } from '../market/types';
import { bookOf, openingOrderOf } from './book';
import { DEFAULT_RISK_LIMITS } from './limits';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
/** A long SPY call: about +60 SPY deltas a contract at this strike. */
const longCalls = (quantity: number): OrderLeg[] => [{ contract: { underlying: 'SPY', expiry: '2027-01-15', strike: 590, right: 'C' }, side: 'BUY', quantity }];
const candidate = (id: string, proposedLegs: OrderLeg[] | null, state = 'VALIDATION'): CandidateView => ({ id, name: id.toUpperCase(), kind: 'IPMCC', state, proposedLegs });
const world = (strategies: CandidateView[]): World => ({ systemMode: 'RUNNING', strategies });
const NET_LIQUIDATION = 1_000_000;
const emptyBook = bookOf([], BAR, NET_LIQUIDATION);

describe('entry permits on one bar', () => {
  it('lets a proposal within every limit through, and refuses one over a limit naming it', () => {
    const one = openingOrderOf('a', longCalls(1), BAR);
    expect(one.spyDelta).toBeGreaterThan(50);
    expect(one.spyDelta).toBeLessThan(100);
    const permits = entryPermits([candidate('a', longCalls(1)), candidate('b', longCalls(2))], world([]), { book: emptyBook, limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect(permits.get('a')).toEqual({ allowed: true, reasons: [] });
    expect(permits.get('b')).toMatchObject({ allowed: false, reasons: [expect.stringMatching(/^risk limit: SPY-equivalent delta would be 1\d\d\.\d, over the limit of 100\.0$/)] });
  });

  it('gives the last of a shared limit to exactly one of two strategies proposing on the same bar', () => {
    const strategies = [candidate('a', longCalls(1)), candidate('b', longCalls(1))];
    const permits = entryPermits(strategies, world(strategies), { book: emptyBook, limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect([permits.get('a')!.allowed, permits.get('b')!.allowed]).toEqual([true, false]);
    // Each alone would have passed: it is the first one's entry, counted in, that leaves no room.
    for (const alone of strategies) {
      expect(entryPermits([alone], world([alone]), { book: emptyBook, limits: DEFAULT_RISK_LIMITS, bar: BAR }).get(alone.id)!.allowed).toBe(true);
    }
  });

  it('counts an entry already in flight as if it had filled', () => {
    const book = bookOf([{ id: 'a', position: null, inFlight: longCalls(1) }], BAR, NET_LIQUIDATION);
    const permits = entryPermits([candidate('b', longCalls(1))], world([]), { book, limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect(permits.get('b')!.allowed).toBe(false);
  });

  it('checks no limit for a strategy that proposes nothing, and keeps the coordinator’s own reasons first', () => {
    const waiting = candidate('a', null, 'WAITING');
    expect(entryPermits([waiting], world([waiting]), { book: emptyBook, limits: DEFAULT_RISK_LIMITS, bar: BAR }).get('a')).toEqual({ allowed: true, reasons: [] });
    const halted = entryPermits([candidate('b', longCalls(5))], { systemMode: 'HALTED', strategies: [] }, { book: emptyBook, limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect(halted.get('b')).toEqual({ allowed: false, reasons: ['system is HALTED'] });
    expect(entryPermits([candidate('c', longCalls(5))], world([]), null).get('c')!.allowed).toBe(true);
  });

  it('holds buying power to a share of the account’s net liquidation value: a small account refuses what a large one allows', () => {
    const proposal = [candidate('a', longCalls(1))];
    const large = entryPermits(proposal, world(proposal), { book: bookOf([], BAR, NET_LIQUIDATION), limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect(large.get('a')!.allowed).toBe(true);
    const small = entryPermits(proposal, world(proposal), { book: bookOf([], BAR, 5_000), limits: DEFAULT_RISK_LIMITS, bar: BAR });
    expect(small.get('a')).toMatchObject({ allowed: false, reasons: [expect.stringMatching(/^risk limit: buying power would be \$[\d,]+, over the limit of \$1,750$/)] });
  });

  it('lets no proposal through while the account cannot be read, and leaves the others’ permits alone', () => {
    const strategies = [candidate('a', longCalls(1)), candidate('b', null, 'WAITING')];
    const permits = entryPermits(strategies, world(strategies), { unavailable: 'the account at the broker could not be read' });
    expect(permits.get('a')).toEqual({ allowed: false, reasons: ['risk limit: the account at the broker could not be read'] });
    expect(permits.get('b')).toEqual({ allowed: true, reasons: [] });
  });

  it('checks no limit for a proposal without legs, even on a book already over one: it opens nothing', () => {
    const overDelta = bookOf([{ id: 'a', position: null, inFlight: longCalls(2) }], BAR, NET_LIQUIDATION);
    const empty = candidate('b', []);
    expect(entryPermits([empty], world([empty]), { book: overDelta, limits: DEFAULT_RISK_LIMITS, bar: BAR }).get('b')).toEqual({ allowed: true, reasons: [] });
    // The same book refuses a real entry, so it is the missing legs that let the empty one through.
    expect(entryPermits([candidate('c', longCalls(1))], world([]), { book: overDelta, limits: DEFAULT_RISK_LIMITS, bar: BAR }).get('c')!.allowed).toBe(false);
  });
});

