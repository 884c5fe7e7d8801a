import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import { createLogger } from '../log';
import { Engine, type SimulationSettings } from './engine';
import type { RiskLimitStore } from './ports';
import { InMemoryBroker } from './testing/in-memory-broker';
import { InMemoryChangeFeed, inMemoryStores } from './testing/in-memory-stores';

/** A calm Friday shortly before the 0DTE entry window opens (10:30 ET). */
const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-20T10:20:00-05:00'), seed: 20261120, scenario: 'calm', vix: 24, speed: 1 };
const ZERO_DTE = 'zero-dte-friday';

/** The stored limits, as a test sets them; `failing` makes every read throw, as a lost database would. */
class FakeRiskLimitStore implements RiskLimitStore {
  limits: RiskLimits = DEFAULT_RISK_LIMITS;
  failing = false;
  reads = 0;

  async current(): Promise<RiskLimits> {
    this.reads += 1;
    if (this.failing) throw new Error('database unreachable');
    return this.limits;
  }
}

async function engineWithStoredLimits(limits: RiskLimits) {
  const stores = inMemoryStores();
  const broker = new InMemoryBroker();
  const changes = new InMemoryChangeFeed();
  const riskLimitStore = new FakeRiskLimitStore();
  riskLimitStore.limits = limits;
  const engine = await Engine.load({
    stores,
    changes,
    broker,
    riskLimitStore,
    log: createLogger('silent'),
    simulation: SIMULATION,
    initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }],
  });
  return { engine, stores, broker, changes, riskLimitStore };
}

describe('the engine and the stored risk limits', () => {
  it('checks entries against the limits stored when it loads', async () => {
    const setup = await engineWithStoredLimits({ ...DEFAULT_RISK_LIMITS, maxBuyingPowerUse: 0.0001 });
    expect(setup.engine.riskLimits.maxBuyingPowerUse).toBe(0.0001);
    const refusedEntry = () => setup.stores.strategies.transitions.find((write) => write.fromState === 'VALIDATION');
    for (let bar = 0; bar < 600 && !refusedEntry(); bar += 1) await setup.engine.playBar(setup.engine.clock.advance());
    expect(refusedEntry()).toMatchObject({ toState: 'WAITING', reason: expect.stringMatching(/risk limit: buying power would be \$[\d,]+, over the limit of \$100\b/) });
    expect(setup.broker.placed).toEqual([]);
  });

  it('follows a change once it is announced, and keeps the last limits when they cannot be read', async () => {
    const setup = await engineWithStoredLimits(DEFAULT_RISK_LIMITS);
    await setup.engine.start();
    try {
      const tighter = { ...DEFAULT_RISK_LIMITS, maxSpyDelta: 60 };
      setup.riskLimitStore.limits = tighter;
      expect(setup.engine.riskLimits).toEqual(DEFAULT_RISK_LIMITS);
      setup.changes.announce({ table: 'risk_limits' });
      await vi.waitFor(() => expect(setup.engine.riskLimits).toEqual(tighter));

      setup.riskLimitStore.failing = true;
      const readsBefore = setup.riskLimitStore.reads;
      setup.changes.announce({ table: 'risk_limits' });
      await vi.waitFor(() => expect(setup.riskLimitStore.reads).toBe(readsBefore + 1));
      expect(setup.engine.riskLimits).toEqual(tighter);
    } finally {
      await setup.engine.stop();
    }
  });

  it('reads them again after it subscribes, so a change made between load and start is not missed', async () => {
    const setup = await engineWithStoredLimits(DEFAULT_RISK_LIMITS);
    setup.riskLimitStore.limits = { ...DEFAULT_RISK_LIMITS, maxContractsPerOrder: 5 };
    await setup.engine.start();
    try {
      expect(setup.engine.riskLimits.maxContractsPerOrder).toBe(5);
    } finally {
      await setup.engine.stop();
    }
  });
});
