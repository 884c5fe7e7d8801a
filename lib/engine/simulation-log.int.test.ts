import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { NotificationHub } from '../db/notifications';
import { createLogger } from '../log';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import { loadEngine } from '../server/load-engine';

/** The benchmark's simulation (bench/simulation.ts), a month of it: every default strategy, the paper broker. */
const SIMULATION = { start: Date.parse('2026-01-02T09:30:00-05:00'), seed: 7, scenario: 'calm', speed: 1 } as const;
const SESSIONS = 21;
const BARS_PER_SESSION = 390;
/** Written from the engine as it was before the simulation was made faster; `vitest -u` rewrites it. */
const FIXTURE = '../../test/fixtures/simulation-month.json';

const db: Db = testDb();
const hub = new NotificationHub(TEST_DATABASE_URL);

beforeEach(async () => {
  await resetDatabase(db);
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

/** A short, stable digest of a stored JSON value: the fixture stays readable and still notices any change in it. */
const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
const iso = (time: Date | null): string | null => time?.toISOString() ?? null;

/**
 * Everything the engine and the paper broker stored that behaviour decides (no wall times), each strategy's history
 * in its own order: the strategies of one bar write side by side, so rows of different strategies interleave freely.
 */
async function storedRecord(db: Db) {
  const [transitions, refusals, errors, gateDecisions, modeChanges, orders, fills, strategies, clock, system] = await Promise.all([
    db.transition.findMany({ orderBy: [{ strategyId: 'asc' }, { seq: 'asc' }] }),
    db.eventRefusal.findMany({ orderBy: [{ strategyId: 'asc' }, { id: 'asc' }] }),
    db.strategyError.findMany({ orderBy: [{ strategyId: 'asc' }, { id: 'asc' }] }),
    db.riskGateDecision.findMany({ orderBy: [{ marketTime: 'asc' }, { clientOrderId: 'asc' }] }),
    db.systemModeChange.findMany({ orderBy: { id: 'asc' } }),
    db.paperOrder.findMany({ orderBy: [{ submittedAt: 'asc' }, { clientOrderId: 'asc' }] }),
    db.paperFill.findMany({ orderBy: [{ order: { clientOrderId: 'asc' } }, { legIndex: 'asc' }], include: { order: { select: { clientOrderId: true } } } }),
    db.strategy.findMany({ orderBy: { id: 'asc' } }),
    db.marketClock.findMany(),
    db.systemState.findMany({ select: { mode: true, riskDay: true, dayOpenNlv: true, dayHighNlv: true } }),
  ]);
  return {
    transitions: transitions.map((t) => ({
      strategyId: t.strategyId,
      seq: t.seq,
      from: t.fromState,
      to: t.toState,
      event: t.eventType,
      payload: digest(t.eventPayload),
      actor: t.actor,
      marketTime: iso(t.marketTime),
      reason: t.reason,
    })),
    refusals: refusals.map((r) => ({ strategyId: r.strategyId, state: r.state, event: r.eventType, reason: r.reason, marketTime: iso(r.marketTime) })),
    errors: errors.map((e) => ({ strategyId: e.strategyId, state: e.state, type: e.type, message: e.message, marketTime: iso(e.marketTime) })),
    gateDecisions: gateDecisions.map((d) => ({ clientOrderId: d.clientOrderId, allowed: d.allowed, reasons: d.reasons, marketTime: iso(d.marketTime) })),
    modeChanges: modeChanges.map((m) => ({ from: m.fromMode, to: m.mode, cause: m.cause, reason: m.reason })),
    orders: orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      legs: o.legs,
      status: o.status,
      rejectReason: o.rejectReason,
      submittedAt: iso(o.submittedAt),
      updatedAt: iso(o.updatedAt),
      submissions: o.submissions,
    })),
    fills: fills.map((f) => ({
      clientOrderId: f.order.clientOrderId,
      leg: f.legIndex,
      contract: `${f.underlying} ${f.expiry} ${f.strike} ${f.right}`,
      side: f.side,
      quantity: f.quantity,
      price: f.price,
      marketTime: iso(f.marketTime),
    })),
    strategies: strategies.map((s) => ({ id: s.id, state: s.state, version: s.version, snapshot: digest(s.snapshot) })),
    clock: clock.map((c) => ({ time: iso(c.time), state: digest(c.state) })),
    // The account as the engine last marked it: the loss limits' day, saved as the engine stops.
    system: system.map((row) => ({ mode: row.mode, riskDay: iso(row.riskDay), dayOpenNlv: row.dayOpenNlv, dayHighNlv: row.dayHighNlv })),
  };
}

describe('a simulated month through the engine and the paper broker', () => {
  it('stores the same transitions, refusals, errors, gate decisions, orders and fills as before the simulation was made faster', async () => {
    const engine = await loadEngine({ db, hub, log: createLogger('silent'), simulation: SIMULATION });
    for (let bar = 0; bar < SESSIONS * BARS_PER_SESSION; bar += 1) await engine.playBar(engine.clock.advance());
    await engine.stop();

    const record = await storedRecord(db);
    // A month that trades: the comparison below would prove little about a month where nothing happens.
    expect(record.transitions.length).toBeGreaterThan(50);
    expect(record.fills.length).toBeGreaterThan(0);
    await expect(`${JSON.stringify(record, null, 2)}\n`).toMatchFileSnapshot(FIXTURE);
  }, 180_000);
});
