import { describe, expect, it } from 'vitest';
import type { OrderLeg } from '../../market/types';
import { initialSnapshot } from '../testing/model';
import { ZERO_DTE_DEFAULTS } from '../zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../zero-dte/zero-dte.machine';
import { parseStoredSnapshot } from './stored-snapshot';
import type { ErrorClass, OrderPurpose, PendingOrder, RecoveryContext, StrategyContext } from './types';

const PUT: OrderLeg = { contract: { underlying: 'SPY', expiry: '2026-11-20', strike: 570, right: 'P' }, side: 'SELL', quantity: 1 };
const CALL: OrderLeg = { contract: { underlying: 'ES', expiry: '2026-12-18', strike: 6100, right: 'C' }, side: 'BUY', quantity: 2 };
const order = (purpose: OrderPurpose): PendingOrder => ({ clientOrderId: `s:${purpose}`, purpose, legs: [PUT, CALL], deadline: 10, appliedFills: 1 });

/** A stored snapshot as the engine writes it: xstate's persisted snapshot, through JSON. */
function stored(overrides: Partial<StrategyContext<unknown>> = {}, status = 'active'): Record<string, unknown> {
  const persisted = zeroDteMachine.getPersistedSnapshot(initialSnapshot(zeroDteMachine, { strategyId: 's', settings: ZERO_DTE_DEFAULTS }));
  const snapshot = JSON.parse(JSON.stringify(persisted)) as Record<string, unknown> & { context: StrategyContext<unknown> };
  return { ...snapshot, status, value: 'ACTIVE', context: { ...snapshot.context, ...overrides } };
}

const everything = (purpose: OrderPurpose, errorClass: ErrorClass, cause: RecoveryContext['cause']): Partial<StrategyContext<unknown>> => ({
  cycle: '2026-11-20',
  entryAttempts: 1,
  orderAttempts: 2,
  errorCount: 1,
  proposal: { structure: 'IRON_CONDOR', legs: [PUT, CALL], proposedAt: 5, note: 'condor' },
  order: order(purpose),
  position: { structure: 'IRON_CONDOR', legs: [{ contract: PUT.contract, quantity: -1 }, { contract: CALL.contract, quantity: 2 }], cash: 12.5, entryCash: 12.5, openedAt: 5 },
  recovery: { cause, since: 6, attempts: 2, nextAttemptAt: 8, order: order(purpose) },
  lastError: { errorClass, message: 'socket closed' },
  realizedPnl: -3.25,
  lastReason: 'recovering',
  lastBarTime: 7,
});

describe('a stored strategy snapshot read back', () => {
  it('is every snapshot a strategy machine stores, with xstate fields passed through', () => {
    const fresh = stored({}, 'active');
    expect(parseStoredSnapshot('s', fresh)).toEqual(fresh);
    for (const status of ['done', 'error', 'stopped']) expect(parseStoredSnapshot('s', stored({}, status)).status).toBe(status);
  });

  it('keeps every order purpose, error class and recovery cause', () => {
    const purposes: OrderPurpose[] = ['ENTRY', 'CLOSE', 'ADJUST', 'UNWIND'];
    const errorClasses: ErrorClass[] = ['CONNECTION', 'TIMEOUT', 'MARKET_DATA', 'ORDER_REJECTED', 'UNKNOWN'];
    const causes: RecoveryContext['cause'][] = [...errorClasses, 'RESTART', 'OPERATOR'];
    causes.forEach((cause, i) => {
      const snapshot = stored(everything(purposes[i % purposes.length] ?? 'ENTRY', errorClasses[i % errorClasses.length] ?? 'UNKNOWN', cause));
      expect(parseStoredSnapshot('s', snapshot)).toEqual(snapshot);
    });
  });

  it("keeps an order's decided price, and reads an order stored before there was one", () => {
    const priced = stored({ order: { ...order('ENTRY'), decidedPrice: -1.25 } });
    expect(parseStoredSnapshot('s', priced)).toEqual(priced);
    expect(parseStoredSnapshot('s', stored({ order: order('ENTRY') })).context.order).not.toHaveProperty('decidedPrice');
    expect(() => parseStoredSnapshot('s', stored({ order: { ...order('ENTRY'), decidedPrice: 'cheap' as unknown as number } }))).toThrow(/decidedPrice/);
  });

  it('fails naming the strategy and every problem when a row is not a strategy snapshot', () => {
    expect(() => parseStoredSnapshot('s7', stored({ errorCount: -1, cycle: 3 as unknown as string }))).toThrow(
      /^strategy s7: the stored snapshot is not a strategy snapshot \(context\.cycle: .+; context\.errorCount: .+\)$/,
    );
    expect(() => parseStoredSnapshot('s7', 'ACTIVE')).toThrow(/^strategy s7: the stored snapshot is not a strategy snapshot \(snapshot: .+\)$/);
  });

  it('refuses negative counts, a fractional fill count, and unknown enum values', () => {
    const refuses = (overrides: Partial<StrategyContext<unknown>>) => expect(() => parseStoredSnapshot('s', stored(overrides))).toThrow(/not a strategy snapshot/);
    refuses({ entryAttempts: -1 });
    refuses({ orderAttempts: -1 });
    refuses({ errorCount: 1.5 });
    refuses({ order: { ...order('CLOSE'), appliedFills: -1 } });
    refuses({ order: { ...order('CLOSE'), purpose: 'HEDGE' as OrderPurpose } });
    refuses({ recovery: { cause: 'RESTART', since: 0, attempts: -1, nextAttemptAt: 0, order: null } });
    refuses({ recovery: { cause: 'REBOOT' as 'RESTART', since: 0, attempts: 0, nextAttemptAt: 0, order: null } });
    refuses({ lastError: { errorClass: 'DISK' as ErrorClass, message: 'x' } });
    refuses({ position: { structure: 'X', legs: [{ contract: { ...PUT.contract, right: 'X' as 'P' }, quantity: 1 }], cash: 0, entryCash: 0, openedAt: 0 } });
    refuses({ proposal: { structure: 'X', legs: [{ ...PUT, side: 'HOLD' as 'BUY' }], proposedAt: 0, note: '' } });
    expect(() => parseStoredSnapshot('s', { ...stored(), status: 'paused' })).toThrow(/status/);
    expect(() => parseStoredSnapshot('s', { ...stored(), value: { ACTIVE: 'x' } })).toThrow(/value/);
  });
});
