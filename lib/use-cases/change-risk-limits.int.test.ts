import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL, testDb } from '../../test/db';
import type { Role } from '../auth/roles';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import type { SimulationSettings } from '../engine/engine';
import { createLogger } from '../log';
import { repositoriesFor, serverContext } from '../server/context';
import { loadEngine } from '../server/load-engine';
import type { Operator } from './authorize-request';
import { changeRiskLimits } from './change-risk-limits';
import { readOverview } from './read-overview';
import { readRiskLimits } from './read-risk-limits';
import { verifyAudit } from './read-audit';
import { refusal } from '../../test/refusal';

// The server's own context on the test database (DATABASE_URL, set by the suite's setup).
const server = serverContext();
if (server.env.DATABASE_URL !== TEST_DATABASE_URL) throw new Error(`refusing to run against ${server.env.DATABASE_URL}`);
const { db, hub } = server;
const log = createLogger('silent');
// The admins' two-factor rule is tested on its own below; the rest is about roles and freshness.
const context = { ...server, env: { ...server.env, REQUIRE_ADMIN_2FA: false } };

const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-20T10:00:00-05:00'), seed: 1, scenario: 'calm', speed: 1 };

const person = (role: Role, authenticatedMinutesAgo = 0): Operator => ({
  userId: `user-${role}`,
  name: `${role}@wheelhouse.test`,
  role,
  signedInAt: new Date(Date.now() - 60 * 60_000),
  sessionId: `session-${role}`,
  authenticatedAt: new Date(Date.now() - authenticatedMinutesAgo * 60_000),
  hasTwoFactor: false,
});
const viewer = person('viewer');
const operator = person('operator');
const admin = person('admin');

const limitsWith = (override: Partial<RiskLimits>, base: RiskLimits = DEFAULT_RISK_LIMITS): RiskLimits => ({ ...base, ...override });

function change(by: Operator, limits: RiskLimits, { version = 0, reason = 'CPI tomorrow: less SPY', idempotencyKey = randomUUID() } = {}) {
  return changeRiskLimits({ by, limits, reason, version, idempotencyKey }, context);
}


const changeEvents = () => db.accessEvent.findMany({ where: { kind: 'risk-limits-changed' }, orderBy: { id: 'asc' } });

beforeEach(async () => {
  await resetDatabase(db);
  // The default strategies, stored: allocations name them.
  await loadEngine({ db, hub, log, simulation: SIMULATION });
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('the risk limits, stored', () => {
  it("are DESIGN.md's defaults, version 0, until someone changes them", async () => {
    expect(await readRiskLimits(context)).toMatchObject({ limits: DEFAULT_RISK_LIMITS, version: 0, changedBy: null, reason: null, changedAt: null });
  });

  it('survive a restart: a new client, and a new engine, read the edited limits; each change is in the audit trail', async () => {
    const tighter = limitsWith({ maxSpyDelta: 80, strategyAllocation: { lt112: 0.1 } });
    const first = await change(operator, tighter, { reason: 'CPI tomorrow: less SPY' });
    expect(first).toMatchObject({ limits: tighter, version: 1, changedBy: operator.name, reason: 'CPI tomorrow: less SPY' });
    const looser = limitsWith({ maxGamma: 60 }, tighter);
    expect(await change(admin, looser, { version: 1, reason: 'gamma cap reviewed with risk' })).toMatchObject({ limits: looser, version: 2 });

    const restarted = testDb();
    try {
      expect(await repositoriesFor(restarted).riskLimits.read()).toMatchObject({ limits: looser, version: 2, changedBy: admin.name, reason: 'gamma cap reviewed with risk' });
      const engine = await loadEngine({ db: restarted, hub, log, simulation: SIMULATION });
      expect(engine.riskLimits).toEqual(looser);
    } finally {
      await restarted.$disconnect();
    }

    expect(await changeEvents()).toMatchObject([
      {
        actor: operator.name,
        userId: operator.userId,
        detail: 'version 1: maxSpyDelta 100 -> 80, strategyAllocation.lt112 none -> 0.1; reason: CPI tomorrow: less SPY',
      },
      { actor: admin.name, detail: 'version 2: maxGamma 50 -> 60 (raised); reason: gamma cap reviewed with risk' },
    ]);
    const trail = await db.auditEvent.findMany({ where: { kind: 'risk-limits-changed' }, orderBy: { id: 'asc' } });
    expect(trail.map(({ actor, detail }) => ({ actor, detail }))).toEqual((await changeEvents()).map(({ actor, detail }) => ({ actor, detail })));
    expect((await verifyAudit(context)).intact).toBe(true);
  });

  it('are what the risk panel measures the book against', async () => {
    const engine = await loadEngine({ db, hub, log, simulation: SIMULATION });
    await engine.playBar(engine.clock.advance());
    // Stopping saves the clock: the overview has a bar to price the book at.
    await engine.stop();
    await change(operator, limitsWith({ maxSpyDelta: 80, warnAt: [0.7, 0.9] }));
    const { risk } = await readOverview(context);
    expect(risk?.limits.find((use) => use.limit === 'SPY-equivalent delta')?.max).toBe(80);
    expect(risk?.warnAt).toEqual([0.7, 0.9]);
  });

  it('are followed by a running engine as soon as a change is stored', async () => {
    const engine = await loadEngine({ db, hub, log, simulation: SIMULATION });
    await engine.start();
    try {
      await change(operator, limitsWith({ maxContractsPerOrder: 4 }));
      await vi.waitFor(() => expect(engine.riskLimits.maxContractsPerOrder).toBe(4), { timeout: 5_000 });
    } finally {
      await engine.stop();
    }
  });
});

describe('who may change them', () => {
  it('lets an operator tighten in one step, with no fresh authentication', async () => {
    const stale = person('operator', 60);
    expect(await change(stale, limitsWith({ maxOrdersPerMinute: 5, minTheta: -500, warnAt: [0.7, 0.9] }))).toMatchObject({ version: 1 });
  });

  it('refuses a viewer anything, and an operator any raise, recording the refusal and changing nothing', async () => {
    expect((await refusal(change(viewer, limitsWith({ maxSpyDelta: 80 })))).code).toBe('FORBIDDEN');
    const raise = await refusal(change(operator, limitsWith({ maxSpyDelta: 80, maxVega: 3_000 })));
    expect(raise).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('raises maxVega') });
    const removal = await refusal(change(operator, limitsWith({ minTheta: -1_500 })));
    expect(removal.message).toContain('raises minTheta');
    expect(await readRiskLimits(context)).toMatchObject({ limits: DEFAULT_RISK_LIMITS, version: 0 });
    expect(await changeEvents()).toEqual([]);
    const denials = await db.accessEvent.findMany({ where: { kind: 'denied', actor: operator.name } });
    expect(denials.map((denial) => denial.detail)).toEqual([expect.stringMatching(/^403: raising a limit needs the admin role/), expect.any(String)]);
  });

  it('refuses an operator removing an allocation: the strategy would be capped less', async () => {
    await change(operator, limitsWith({ strategyAllocation: { ipmcc: 0.2 } }));
    const error = await refusal(change(operator, DEFAULT_RISK_LIMITS, { version: 1 }));
    expect(error.message).toContain('raises strategyAllocation.ipmcc');
  });

  it('lets an admin raise only with a fresh authentication, and with two-factor sign-in where admins must have it', async () => {
    const looser = limitsWith({ maxDailyLoss: 0.06 });
    expect((await refusal(change(person('admin', 10), looser))).code).toBe('REAUTHENTICATION_REQUIRED');
    const twoFactorRule = { ...context, env: { ...context.env, REQUIRE_ADMIN_2FA: true } };
    const withoutTotp = await refusal(changeRiskLimits({ by: admin, limits: looser, reason: 'loss cap review', version: 0, idempotencyKey: randomUUID() }, twoFactorRule));
    expect(withoutTotp).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/enrol two-factor/) });
    expect(await readRiskLimits(context)).toMatchObject({ version: 0 });
    expect(await change(admin, looser)).toMatchObject({ limits: looser, version: 1 });
  });
});

describe('a change', () => {
  it('is made only from the version its editor saw: a change from an older one is a 409', async () => {
    await change(operator, limitsWith({ maxSpyDelta: 90 }));
    // Made from the defaults, it would look like a tightening of 100; against 90 it would raise it.
    const error = await refusal(change(operator, limitsWith({ maxSpyDelta: 95 }), { version: 0 }));
    expect(error).toMatchObject({ code: 'STALE_VERSION', message: expect.stringContaining(`changed by ${operator.name}`) });
    expect((await readRiskLimits(context)).limits.maxSpyDelta).toBe(90);
  });

  it('sent again with its key is answered with what it did, made once; the key sent with other limits is a 422', async () => {
    const key = randomUUID();
    const tighter = limitsWith({ maxPremiumPerOrder: 20_000 });
    const answers = await Promise.all([1, 2, 3].map(() => change(operator, tighter, { idempotencyKey: key })));
    expect(answers.map((answer) => answer.version)).toEqual([1, 1, 1]);
    expect(await changeEvents()).toHaveLength(1);
    expect((await refusal(change(operator, limitsWith({ maxPremiumPerOrder: 15_000 }), { idempotencyKey: key }))).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await refusal(change(admin, tighter, { idempotencyKey: key }))).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('names only strategies that exist, and must change something', async () => {
    const unknown = await refusal(change(operator, limitsWith({ strategyAllocation: { 'no-such-strategy': 0.1 } })));
    expect(unknown).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('no-such-strategy') });
    expect((await refusal(change(operator, DEFAULT_RISK_LIMITS))).code).toBe('VALIDATION_FAILED');
    expect(await changeEvents()).toEqual([]);
  });
});
