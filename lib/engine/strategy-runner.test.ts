import { Ownership } from './ownership';
import { NO_SIGNALS, strategyLease, type Lease, type LeaseGrant, type LeaseStore, type StrategyRecord } from './ports';
import { describe, expect, it } from 'vitest';
import { nyTime } from '../domain/market/calendar';
import { MINUTE_MS } from '../domain/market/time';
import { DEFAULT_RISK_LIMITS } from '../domain/risk/limits';
import type { SystemMode } from '../domain/system-mode';
import type { MarketBar } from '../domain/market/types';
import { strategyDefinition } from '../domain/strategies/registry';
import { barAt, tick } from '../domain/strategies/testing/model';
import { ZERO_DTE_DEFAULTS } from '../domain/strategies/zero-dte/zero-dte.rules';
import { AppError } from '../errors';
import { createLogger } from '../log';
import { restoreSnapshot } from '../domain/strategies/restore-snapshot';
import { StrategyRunner, SYSTEM_ACTOR } from './strategy-runner';
import { InMemoryBroker } from './testing/in-memory-broker';
import { InMemoryRiskGate } from './testing/in-memory-risk-gate';
import { InMemoryStrategyStore } from './testing/in-memory-stores';

const ID = 'zero-dte-friday';
const at = (hour: number, minute: number): MarketBar => barAt(nyTime('2026-11-20', hour, minute), 590, 24);

/** A 0DTE runner on in-memory stores, its market clock set by the test. */
async function runnerOnFakes(ownership: Ownership = Ownership.sole()) {
  const strategies = new InMemoryStrategyStore();
  const broker = new InMemoryBroker();
  const machine = strategyDefinition('ZERO_DTE').machine;
  const snapshot = restoreSnapshot(machine, null, ID, ZERO_DTE_DEFAULTS);
  const record = await strategies.create({
    id: ID,
    name: '0DTE Friday',
    kind: 'ZERO_DTE',
    settings: ZERO_DTE_DEFAULTS,
    state: String(snapshot.value),
    snapshot: machine.getPersistedSnapshot(snapshot),
    marketTime: new Date(at(10, 0).time),
  });
  const clock = { bar: at(10, 29) };
  const gate = new InMemoryRiskGate(strategies);
  /** What the engine would give as the system mode when an order is sent. */
  const system = { mode: 'RUNNING' as SystemMode };
  const deps = {
    strategies,
    broker,
    log: createLogger('silent'),
    currentBar: () => clock.bar,
    riskGate: gate,
    riskLimits: () => DEFAULT_RISK_LIMITS,
    ownership,
    signals: NO_SIGNALS,
    netLiquidation: () => 1_000_000,
    systemMode: () => system.mode,
  };
  const runner = new StrategyRunner(record, record.snapshot, record.version, deps);
  /** A new runner of the strategy from `stored` (by default what is stored now), as a restart or a takeover builds it. */
  const successor = async (stored?: StrategyRecord) => {
    const from = stored ?? (await strategies.find(ID))!;
    return new StrategyRunner(from, from.snapshot, from.version, deps);
  };
  /** Plays the bar at `minute` past 10:00 (or later hours via `at`), as the engine's clock would. */
  const play = (bar: MarketBar) => {
    clock.bar = bar;
    return runner.send(tick(bar), { actor: SYSTEM_ACTOR, marketTime: bar.time });
  };
  const enter = async () => {
    await play(at(10, 29));
    await play(at(10, 30));
    await play(at(10, 31));
  };
  return { strategies, broker, runner, play, enter, clock, gate, system, successor };
}

const eventsStored = (strategies: InMemoryStrategyStore) => strategies.transitions.map((write) => `${write.fromState}>${write.toState}:${write.eventType}`);

describe('a strategy runner', () => {
  it('names itself as the coordinator sees it, and waits for its queue', async () => {
    const { runner, play } = await runnerOnFakes();
    expect({ id: runner.id, name: runner.name, kind: runner.kind }).toEqual({ id: ID, name: '0DTE Friday', kind: 'ZERO_DTE' });
    const queued = play(at(10, 29));
    await runner.idle();
    expect(runner.state).toBe('WAITING');
    await expect(queued).resolves.toMatchObject({ kind: 'transitioned', from: 'INITIALIZING', to: 'WAITING' });
  });

  it('records nothing for a bar that changes nothing, but refuses (and records) a request that changes nothing', async () => {
    const { strategies, runner, play } = await runnerOnFakes();
    await play(at(10, 29));
    await expect(play(at(10, 20))).resolves.toEqual({ kind: 'unchanged' });
    expect(strategies.refusals).toEqual([]);
    const refused = await runner.send({ type: 'operator.recover', actor: 'dana', reason: 'nothing wrong', time: at(10, 29).time }, { actor: 'dana', reason: 'nothing wrong', marketTime: at(10, 29).time });
    expect(refused).toMatchObject({ kind: 'refused', reason: expect.stringContaining('WAITING does not accept operator.recover') });
    expect(strategies.refusals).toMatchObject([{ state: 'WAITING', eventType: 'operator.recover', actor: 'dana' }]);
    expect(strategies.transitions).toHaveLength(1);
  });

  it("stores the request's own reason when it has one, else the machine's", async () => {
    const { strategies, runner, enter } = await runnerOnFakes();
    await enter();
    expect(strategies.transitions.at(-1)?.reason).toMatch(/^entry filled/);
    await runner.send({ type: 'operator.defensiveExit', actor: 'erin', reason: 'from the event', time: at(10, 32).time }, { actor: 'erin', reason: 'from the request', marketTime: at(10, 32).time });
    expect(strategies.transitions.find((write) => write.toState === 'DEFENSIVE_EXIT')).toMatchObject({ actor: 'erin', reason: 'from the request' });
  });

  it('waits for a working order without a transition, and stores each reply that changes something', async () => {
    const { strategies, broker, runner, enter } = await runnerOnFakes();
    broker.behaviour = 'work';
    await enter();
    expect(runner.state).toBe('ENTERING');
    expect(eventsStored(strategies)).toEqual(['INITIALIZING>WAITING:market.tick', 'WAITING>VALIDATION:market.tick', 'VALIDATION>ENTERING:market.tick']);
    expect(broker.placed).toHaveLength(1);
  });

  it.each([
    ['unreachable', 'CONNECTION', 'RECOVERY'],
    ['silent', 'TIMEOUT', 'RECOVERY'],
    ['broken', 'UNKNOWN', 'ERROR'],
  ] as const)('turns a %s broker into an order failure of class %s (then %s), with the order in doubt on the error record', async (behaviour, errorClass, next) => {
    const { strategies, broker, runner, enter } = await runnerOnFakes();
    broker.behaviour = behaviour;
    await enter();
    expect(eventsStored(strategies)).toContain(`ENTERING>${next}:order.failed`);
    expect(strategies.errors[0]).toMatchObject({ type: errorClass, state: 'ENTERING', context: { event: 'order.failed', to: next, order: { purpose: 'ENTRY' } } });
    expect(runner.state).toBe(behaviour === 'broken' ? 'ERROR' : 'RECOVERY');
  });

  it('looks at the broker in RECOVERY only when the backoff says so, and settles once it answers', async () => {
    const { strategies, broker, runner, enter, play } = await runnerOnFakes();
    broker.behaviour = 'unreachable';
    await enter();
    expect(broker.cancelCalls).toBe(1); // the first look, at once: it failed
    expect(runner.context.recovery).toMatchObject({ attempts: 1, nextAttemptAt: at(10, 33).time });
    await play(at(10, 32));
    expect(broker.cancelCalls).toBe(1); // backing off: no look before 10:33
    broker.behaviour = 'fill';
    await play(at(10, 33));
    expect(broker.cancelCalls).toBe(2);
    expect(runner.state).toBe('WAITING');
    expect(eventsStored(strategies)).toContain('RECOVERY>RECOVERY:recovery.failed');
    expect(eventsStored(strategies).at(-1)).toBe('RECOVERY>WAITING:recovery.checked');
  });

  it('recovers with nothing in doubt when recovery timed out and an operator clears it', async () => {
    const { runner, broker, enter, play, clock } = await runnerOnFakes();
    broker.behaviour = 'unreachable';
    await enter();
    await play({ ...at(11, 2), time: at(10, 31).time + 31 * MINUTE_MS });
    expect(runner.state).toBe('ERROR');
    expect(runner.context.recovery).toBeNull();
    broker.behaviour = 'fill';
    const cancelsBefore = broker.cancelCalls;
    clock.bar = at(11, 3);
    await runner.send({ type: 'operator.recover', actor: 'dana', reason: 'venue back', time: at(11, 3).time }, { actor: 'dana', reason: 'venue back', marketTime: at(11, 3).time });
    expect(broker.cancelCalls).toBe(cancelsBefore);
    expect(runner.state).toBe('WAITING');
  });

  it('reloads after a stale version and adopts nothing; any other storage failure is thrown', async () => {
    const { strategies, runner, play } = await runnerOnFakes();
    strategies.bumpVersion(ID);
    await expect(play(at(10, 29))).resolves.toMatchObject({ kind: 'conflict' });
    expect(runner.state).toBe('INITIALIZING');
    expect(runner.currentVersion).toBe(2);
    await expect(play(at(10, 29))).resolves.toMatchObject({ kind: 'transitioned' });

    strategies.recordTransition = () => Promise.reject(new AppError('NOT_FOUND', 'gone'));
    await expect(play(at(10, 30))).rejects.toThrow('gone');
    strategies.recordTransition = () => Promise.reject(new Error('connection reset'));
    await expect(play(at(10, 30))).rejects.toThrow('connection reset');
    expect(runner.state).toBe('WAITING');
  });

  it('says so when its strategy disappeared while it reloaded', async () => {
    const { strategies, play } = await runnerOnFakes();
    strategies.bumpVersion(ID);
    strategies.find = () => Promise.resolve(null);
    await expect(play(at(10, 29))).rejects.toThrow(`strategy ${ID} disappeared`);
  });

  describe('before an order goes out', () => {
    it("asks the pre-trade gate about an opening order, with the price it was decided at and the mode as it is then", async () => {
      const { broker, gate, enter } = await runnerOnFakes();
      await enter();
      expect(gate.requests).toMatchObject([
        {
          order: { strategyId: ID, clientOrderId: `${ID}:2026-11-20:entry:1`, purpose: 'ENTRY', decidedPrice: expect.any(Number) },
          bar: { time: at(10, 31).time },
          systemMode: 'RUNNING',
        },
      ]);
      expect(broker.placed).toEqual([`${ID}:2026-11-20:entry:1`]);
    });

    it("sends nothing the gate refuses and answers the machine as a broker's rejection would: the entry rolls back, the reason recorded, no step towards the breaker", async () => {
      const { strategies, broker, runner, gate, system, enter } = await runnerOnFakes();
      system.mode = 'HALTED';
      await enter();
      expect(broker.placed).toEqual([]);
      expect(runner.state).toBe('WAITING');
      expect(runner.context).toMatchObject({ order: null, position: null, errorCount: 0 });
      const refusal = strategies.transitions.at(-1)!;
      expect(refusal).toMatchObject({ fromState: 'ENTERING', toState: 'WAITING', eventType: 'order.updated', reason: expect.stringContaining('pre-trade gate: system is HALTED') });
      // The mode the gate decided in goes with the refusal: a refused adjustment is asked again once it changes.
      expect(refusal.eventPayload).toMatchObject({ order: { status: 'REJECTED', isGateRefusal: true, legFills: [], gateSystemMode: 'HALTED' } });
      expect(strategies.errors).toMatchObject([{ type: 'ORDER_REJECTED', state: 'ENTERING', message: expect.stringMatching(/^pre-trade gate: system is HALTED/) }]);
      expect(gate.decisions.get(`${ID}:2026-11-20:entry:1`)).toMatchObject({ allowed: false });
    });

    it('sends no opening order when the gate cannot be asked (fail closed), and says why', async () => {
      const { strategies, broker, runner, gate, enter } = await runnerOnFakes();
      gate.failure = new Error('connection terminated');
      await enter();
      expect(broker.placed).toEqual([]);
      expect(runner.state).toBe('WAITING');
      expect(strategies.transitions.at(-1)?.reason).toBe('entry rejected (pre-trade gate unavailable, not sent: connection terminated): rolled back, nothing held');
      expect(strategies.transitions.at(-1)?.eventPayload).not.toHaveProperty('order.gateSystemMode');
    });

    it('sends an order that only reduces the position without asking the gate, even one that would fail', async () => {
      const { broker, runner, gate, system, enter } = await runnerOnFakes();
      await enter();
      gate.failure = new Error('connection terminated');
      system.mode = 'HALTED';
      await runner.send({ type: 'operator.defensiveExit', actor: 'erin', reason: 'risk off', time: at(10, 32).time }, { actor: 'erin', marketTime: at(10, 32).time });
      expect(gate.requests).toHaveLength(1);
      expect(broker.placed).toEqual([`${ID}:2026-11-20:entry:1`, `${ID}:2026-11-20:close:2`]);
      expect(runner.state).toBe('COMPLETE');
    });
  });
});

describe('a runner built from a stored snapshot (after a restart or a takeover)', () => {
  const tickOn = (runner: StrategyRunner, clock: { bar: MarketBar }, bar: MarketBar) => {
    clock.bar = bar;
    return runner.send(tick(bar), { actor: SYSTEM_ACTOR, marketTime: bar.time });
  };

  it('never sends the order in flight it finds, even on a bar that comes before the engine restores it: it settles the order at the broker by its id', async () => {
    const { strategies, broker, runner, enter, clock, successor } = await runnerOnFakes();
    broker.behaviour = 'work';
    await enter();
    const entry = runner.context.order!.clientOrderId;
    expect(broker.placed).toEqual([entry]);

    const taken = await successor();
    expect(taken.state).toBe('ENTERING');
    await tickOn(taken, clock, at(10, 32));
    expect(broker.placed).toEqual([entry]);
    expect(broker.cancelled).toEqual([entry]);
    expect(eventsStored(strategies).slice(-2)).toEqual(['ENTERING>RECOVERY:system.restored', 'RECOVERY>WAITING:recovery.checked']);
    // Restoring it again finds nothing in doubt: nothing more is stored or asked.
    await expect(taken.restore(at(10, 32).time)).resolves.toEqual({ kind: 'unchanged' });
    expect(broker.cancelCalls).toBe(1);
  });

  it('does not send the order it finds after reloading a stale version: another runner decided and sent it meanwhile', async () => {
    const { strategies, broker, runner, play, clock, successor } = await runnerOnFakes();
    broker.behaviour = 'work';
    await play(at(10, 29));
    await play(at(10, 30));
    const beforeEntry = (await strategies.find(ID))!;
    expect(beforeEntry.state).toBe('VALIDATION');
    const stale = await successor(beforeEntry);
    await play(at(10, 31));
    const entry = runner.context.order!.clientOrderId;

    // The stale runner decides the same entry (same id): the store refuses it, and it reloads.
    await expect(tickOn(stale, clock, at(10, 31))).resolves.toMatchObject({ kind: 'conflict' });
    expect(stale.context.order?.clientOrderId).toBe(entry);
    await tickOn(stale, clock, at(10, 32));
    expect(broker.placed).toEqual([entry]);
    expect(broker.cancelled).toEqual([entry]);
    expect(stale.state).toBe('WAITING');
  });

  it('leaves an order the circuit breaker kept in ERROR for the operator: not sent, no refusal recorded, settled by the recovery', async () => {
    const { strategies, broker, runner, enter, clock, successor } = await runnerOnFakes();
    broker.behaviour = 'broken';
    await enter();
    expect(runner.state).toBe('ERROR');
    const inDoubt = runner.context.order!.clientOrderId;

    broker.behaviour = 'fill';
    const restarted = await successor();
    await expect(restarted.restore(at(10, 32).time)).resolves.toEqual({ kind: 'unchanged' });
    await tickOn(restarted, clock, at(10, 32));
    await tickOn(restarted, clock, at(10, 33));
    expect(broker.placed).toEqual([]);
    expect(strategies.refusals).toEqual([]);
    expect(restarted.context.order?.clientOrderId).toBe(inDoubt);

    clock.bar = at(10, 34);
    await restarted.send({ type: 'operator.recover', actor: 'dana', reason: 'venue back', time: at(10, 34).time }, { actor: 'dana', reason: 'venue back', marketTime: at(10, 34).time });
    expect(broker.placed).toEqual([]);
    expect(broker.cancelled).toEqual([inDoubt]);
    expect(restarted.state).toBe('WAITING');
  });
});

/** Leases in memory: each grant a larger token; a lease is held while its token is the last granted. */
class InMemoryLeases implements LeaseStore {
  private readonly tokens = new Map<string, bigint>();
  private next = 1n;
  async acquire(_holder: string, names: readonly string[]): Promise<LeaseGrant[]> {
    return names.map((name) => {
      const token = this.next++;
      this.tokens.set(name, token);
      return { name, token, previousHolder: null };
    });
  }
  async renew(_holder: string, leases: readonly Lease[]): Promise<Lease[]> {
    return leases.filter((lease) => this.tokens.get(lease.name) === lease.token);
  }
  async release(): Promise<void> {}
  async holds(lease: Lease): Promise<boolean> {
    return this.tokens.get(lease.name) === lease.token;
  }
}

describe('a runner whose lease was granted again to the same server', () => {
  it('acts under its own grant only: it writes and sends nothing under its successor\'s, and leaves that grant held', async () => {
    const ownership = Ownership.leased('server-a', new InMemoryLeases(), 60_000);
    await ownership.acquire([strategyLease(ID)]);
    const { runner, strategies, broker, play } = await runnerOnFakes(ownership);
    // The lease lapsed unseen and this server took it again: a new grant, for the runner the engine builds next.
    ownership.lose(strategyLease(ID));
    const [regranted] = await ownership.acquire([strategyLease(ID)]);
    const stored = strategies.transitions.length;

    await play(at(10, 29));
    await play(at(10, 30));
    await play(at(10, 31));

    expect(runner.state).toBe('INITIALIZING');
    expect(strategies.transitions.length).toBe(stored);
    expect(await broker.positions()).toEqual([]);
    expect(ownership.fence(strategyLease(ID))).toEqual({ name: strategyLease(ID), token: regranted!.token });
  });
});

