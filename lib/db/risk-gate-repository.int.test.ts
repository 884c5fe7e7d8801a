import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { nyTime } from '../domain/market/calendar';
import type { MarketBar, OrderLeg } from '../domain/market/types';
import { openingOrderOf } from '../domain/risk/book';
import { DEFAULT_STARTING_BALANCE } from '../domain/risk/account';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import type { PendingOrder, StrategyContext } from '../domain/strategies/lifecycle/types';
import { initialSnapshot } from '../domain/strategies/testing/model';
import { ZERO_DTE_DEFAULTS } from '../domain/strategies/zero-dte/zero-dte.rules';
import { zeroDteMachine } from '../domain/strategies/zero-dte/zero-dte.machine';
import type { GateRequest } from '../engine/ports';
import { resetDatabase, testDb } from '../../test/db';
import type { Db } from './client';
import { RiskGateRepository } from './risk-gate-repository';
import { StrategyRepository } from './strategy-repository';

const BAR: MarketBar = {
  time: nyTime('2026-11-20', 11, 0),
  vix: 20,
  underlyings: { SPY: { price: 600, open: 600 }, QQQ: { price: 500, open: 500 }, IWM: { price: 220, open: 220 }, ES: { price: 6000, open: 6000 } },
};
const CALLS: OrderLeg[] = [{ contract: { underlying: 'SPY', expiry: '2027-01-15', strike: 590, right: 'C' }, side: 'BUY', quantity: 1 }];
/** Every limit roomy but the one a test is about. */
const ROOMY: RiskLimits = { ...DEFAULT_RISK_LIMITS, maxBuyingPowerUse: 1, maxSpyDelta: 10_000, maxGamma: 10_000, maxVega: 1_000_000, minTheta: -1_000_000 };
/** Buying power for one entry of CALLS and half of another: each alone fits, both do not. */
const ONE_AND_A_HALF: RiskLimits = { ...ROOMY, maxBuyingPowerUse: (1.5 * openingOrderOf('x', CALLS, BAR).buyingPower) / DEFAULT_STARTING_BALANCE };

const db: Db = testDb();
/** Two more clients: each decision of a race on its own pool, so the two really run at once. */
const racers: [Db, Db] = [testDb(), testDb()];
const strategies = new StrategyRepository(db);
const gate = new RiskGateRepository(db);

const entryOf = (id: string): PendingOrder => ({ clientOrderId: `${id}:2026-11-20:entry:1`, purpose: 'ENTRY', legs: CALLS, deadline: BAR.time + 300_000, appliedFills: 0 });

/** A 0DTE strategy as stored in ENTERING with its entry out (or, with null, flat with nothing out). */
function storedSnapshot(id: string, order: PendingOrder | null): unknown {
  const persisted = JSON.parse(JSON.stringify(zeroDteMachine.getPersistedSnapshot(initialSnapshot(zeroDteMachine, { strategyId: id, settings: ZERO_DTE_DEFAULTS })))) as {
    context: StrategyContext<unknown>;
  };
  return { ...persisted, value: order ? 'ENTERING' : 'WAITING', context: { ...persisted.context, cycle: '2026-11-20', order } };
}

async function entering(id: string): Promise<PendingOrder> {
  const order = entryOf(id);
  await strategies.create({ id, name: id, kind: 'ZERO_DTE', settings: ZERO_DTE_DEFAULTS, state: 'ENTERING', snapshot: storedSnapshot(id, order), marketTime: new Date(BAR.time) });
  return order;
}

const request = (id: string, order: PendingOrder, limits: RiskLimits, bar = BAR): GateRequest => ({
  order: { strategyId: id, clientOrderId: order.clientOrderId, purpose: order.purpose, legs: order.legs },
  bar,
  limits,
  systemMode: 'RUNNING',
  netLiquidation: DEFAULT_STARTING_BALANCE,
});

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await Promise.all([db, ...racers].map((client) => client.$disconnect()));
});

describe('the pre-trade gate on PostgreSQL', () => {
  it('gives the last of a shared limit to exactly one of two strategies entering at once, naming the limit to the other, every time', async () => {
    const race = { ...ONE_AND_A_HALF, maxOrdersPerMinute: 1_000 };
    for (let iteration = 1; iteration <= 50; iteration += 1) {
      const [a, b] = [`a${iteration}`, `b${iteration}`];
      const [orderOfA, orderOfB] = [await entering(a), await entering(b)];
      const decisions = await Promise.all([
        new RiskGateRepository(racers[0]).decide(request(a, orderOfA, race)),
        new RiskGateRepository(racers[1]).decide(request(b, orderOfB, race)),
      ]);
      expect(decisions.filter((decision) => decision.allowed), `iteration ${iteration}`).toHaveLength(1);
      expect(decisions.find((decision) => !decision.allowed)?.reasons).toEqual([expect.stringMatching(/^buying power would be \$[\d,]+, over the limit of \$[\d,]+$/)]);
      // Both done with their entries (flat again): the next pair races for the same limit.
      await Promise.all([a, b].map((id) => db.strategy.update({ where: { id }, data: { state: 'WAITING', snapshot: storedSnapshot(id, null) as object } })));
    }
    expect(await db.riskGateDecision.count({ where: { allowed: true } })).toBe(50);
  }, 120_000);

  it('lets each of them through alone: the limit is shared, not too small', async () => {
    const a = await entering('a');
    expect(await gate.decide(request('a', a, ONE_AND_A_HALF))).toEqual({ allowed: true, reasons: [] });
  });

  it('counts an approved order only while its strategy still has it out: once it is gone, its buying power is free again', async () => {
    const [a, b] = [await entering('a'), await entering('b')];
    expect((await gate.decide(request('a', a, ONE_AND_A_HALF))).allowed).toBe(true);
    await db.strategy.update({ where: { id: 'a' }, data: { state: 'WAITING', snapshot: storedSnapshot('a', null) as object } });
    expect((await gate.decide(request('b', b, ONE_AND_A_HALF))).allowed).toBe(true);
  });

  it('answers a repeat of a client order id with its first decision, and records it once', async () => {
    const a = await entering('a');
    const refused = await gate.decide(request('a', a, { ...ROOMY, maxContractsPerOrder: 0 }));
    expect(refused).toEqual({ allowed: false, reasons: ['1 contracts exceed the 0 per order'] });
    expect(await gate.decide(request('a', a, ROOMY))).toEqual(refused);
    expect(await db.riskGateDecision.findMany()).toMatchObject([
      { clientOrderId: a.clientOrderId, strategyId: 'a', purpose: 'ENTRY', allowed: false, reasons: ['1 contracts exceed the 0 per order'], systemMode: 'RUNNING', marketTime: new Date(BAR.time) },
    ]);
  });

  it('holds the pace of opening orders across strategies, by approvals in the last minute of market time', async () => {
    const paced = { ...ROOMY, maxOrdersPerMinute: 2 };
    const at = (seconds: number): MarketBar => ({ ...BAR, time: BAR.time + seconds * 1_000 });
    const [a, b, c, d] = [await entering('a'), await entering('b'), await entering('c'), await entering('d')];
    expect((await gate.decide(request('a', a, paced, at(0)))).allowed).toBe(true);
    expect((await gate.decide(request('b', b, paced, at(10)))).allowed).toBe(true);
    expect(await gate.decide(request('c', c, paced, at(30)))).toEqual({ allowed: false, reasons: ['more than 2 orders in a minute'] });
    // A minute after the first approval it no longer counts; the refusal never did.
    expect((await gate.decide(request('d', d, paced, at(60)))).allowed).toBe(true);
  });

  it('keeps its decisions append-only', async () => {
    const a = await entering('a');
    await gate.decide(request('a', a, ROOMY));
    await expect(db.$executeRawUnsafe('UPDATE risk_gate_decision SET allowed = false')).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('DELETE FROM risk_gate_decision')).rejects.toThrow(/append-only/);
  });
});
