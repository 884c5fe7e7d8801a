import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from '../domain/risk/limits';
import { emergencyHaltPlan, singleStrategyPlan } from '../domain/strategies/override-plan';
import type { CommandType } from './ports';
import { createLogger } from '../log';
import { Engine, type SimulationSettings } from './engine';
import { InMemoryBroker } from './testing/in-memory-broker';
import { InMemoryChangeFeed, inMemoryStores } from './testing/in-memory-stores';

/** A calm Friday shortly before the 0DTE entry window opens (10:30 ET). */
const SIMULATION: SimulationSettings = { start: Date.parse('2026-11-20T10:20:00-05:00'), seed: 20261120, scenario: 'calm', vix: 24, speed: 1 };
const ZERO_DTE = 'zero-dte-friday';

async function engineOnFakes(riskLimits?: RiskLimits, broker = new InMemoryBroker()) {
  const stores = inMemoryStores();
  const changes = new InMemoryChangeFeed();
  const load = () =>
    Engine.load({ stores, changes, broker, log: createLogger('silent'), simulation: SIMULATION, initialStrategies: [{ id: ZERO_DTE, kind: 'ZERO_DTE' }], riskLimits });
  const engine = await load();
  return { engine, stores, broker, changes, restart: load, runner: () => engine.runner(ZERO_DTE)! };
}

async function play(engine: Engine, until: () => boolean, limit = 600): Promise<void> {
  for (let played = 0; played < limit; played += 1) {
    await engine.playBar(engine.clock.advance());
    if (until()) return;
  }
  throw new Error(`condition not reached in ${limit} bars`);
}

async function command(
  setup: Awaited<ReturnType<typeof engineOnFakes>>,
  type: CommandType,
  strategyId: string | null,
  actor = 'carol',
  reason = 'risk off',
  previewFingerprint: string | null = null,
) {
  const created = setup.stores.commands.create({ type, strategyId, actor, reason, previewFingerprint });
  await setup.engine.drainCommands();
  return setup.stores.commands.find(created.id)!;
}

const statesOf = (setup: Awaited<ReturnType<typeof engineOnFakes>>) => setup.stores.strategies.transitions.map((write) => write.toState);

describe('the engine, on in-memory stores', () => {
  it('enters the 0DTE strategy on the Friday window, storing each transition before adopting it', async () => {
    const setup = await engineOnFakes();
    await play(setup.engine, () => setup.runner().state === 'ACTIVE');
    expect(statesOf(setup)).toEqual(['WAITING', 'VALIDATION', 'ENTERING', 'ACTIVE']);
    expect(setup.broker.placed).toEqual([`${ZERO_DTE}:2026-11-20:entry:1`]);
    expect(setup.runner().currentVersion).toBe((await setup.stores.strategies.find(ZERO_DTE))!.version);
  });

  describe('an emergency halt', () => {
    it('stores EMERGENCY under the operator\'s name, flattens a held position through EMERGENCY_EXIT, then HALTED once flat', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const halt = await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off');
      expect(halt).toMatchObject({ status: 'done', outcome: expect.stringContaining('0DTE Friday exiting: sent CLOSE zero-dte-friday:2026-11-20:close:2: ') });
      expect(setup.engine.systemMode).toBe('EMERGENCY');
      expect(setup.stores.system.record).toMatchObject({ mode: 'EMERGENCY', cause: 'operator', actor: 'carol', reason: 'risk off' });
      const exit = setup.stores.strategies.transitions.find((write) => write.toState === 'EMERGENCY_EXIT')!;
      expect(exit).toMatchObject({ fromState: 'ACTIVE', actor: 'carol', reason: 'Emergency halt: risk off' });
      // Stored through the batched write, as every holding strategy's would be together.
      expect(setup.stores.strategies.batches).toEqual([1]);
      expect(setup.runner().state).toBe('COMPLETE');
      expect(setup.broker.placed.at(-1)).toBe(`${ZERO_DTE}:2026-11-20:close:2`);

      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.engine.systemMode).toBe('HALTED');
      expect(setup.stores.system.modeChanges.map(({ mode, cause, actor }) => [mode, cause, actor])).toEqual([
        ['EMERGENCY', 'operator', 'carol'],
        ['HALTED', 'emergency-complete', 'system'],
      ]);
    });

    it('is never held back by a changed preview: it flattens and says the preview differed; with the preview shown it says so', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const shown = emergencyHaltPlan([setup.runner().planSubject], 'RUNNING', setup.engine.clock.currentBar);
      expect(shown.strategies[0]!.orders).toHaveLength(1);
      const halt = await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off', 'ffffffffffffffff');
      expect(halt).toMatchObject({ status: 'done', outcome: expect.stringContaining('differs from the preview') });
      expect(setup.broker.placed.at(-1)).toBe(shown.strategies[0]!.orders[0]!.clientOrderId);

      const again = await engineOnFakes();
      await play(again.engine, () => again.runner().state === 'ACTIVE');
      const fingerprint = emergencyHaltPlan([again.runner().planSubject], 'RUNNING', again.engine.clock.currentBar).fingerprint;
      expect(await command(again, 'EMERGENCY_HALT', null, 'carol', 'risk off', fingerprint)).toMatchObject({
        status: 'done',
        outcome: expect.not.stringContaining('differs from the preview'),
      });
    });

    it('cancels an entry still working at the broker, stored before it is asked and marked once answered; the strategy rolls back to WAITING', async () => {
      const setup = await engineOnFakes();
      setup.broker.behaviour = 'work';
      await play(setup.engine, () => setup.runner().state === 'ENTERING');
      const entry = setup.runner().context.order!.clientOrderId;

      const halt = await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off');
      await setup.runner().idle();

      expect(halt.outcome).toContain('1 orders out cancelled (0 not yet answered by the broker)');
      expect(setup.broker.cancelled).toEqual([entry]);
      expect(setup.stores.cancels.requested).toEqual([{ clientOrderId: entry, strategyId: ZERO_DTE }]);
      expect(await setup.stores.cancels.unconfirmed()).toEqual([]);
      expect(setup.runner().state).toBe('WAITING');
      expect(setup.runner().context.errorCount).toBe(0);
    });

    it('asks again on every bar for a cancel the broker did not answer, until it does', async () => {
      const setup = await engineOnFakes();
      setup.broker.behaviour = 'work';
      await play(setup.engine, () => setup.runner().state === 'ENTERING');
      setup.broker.behaviour = 'unreachable';

      const halt = await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off');
      expect(halt.outcome).toContain('1 orders out cancelled (1 not yet answered by the broker)');
      await setup.engine.playBar(setup.engine.clock.advance());
      expect(await setup.stores.cancels.unconfirmed()).toHaveLength(1);

      setup.broker.behaviour = 'work';
      await setup.engine.playBar(setup.engine.clock.advance());
      await setup.runner().idle();
      expect(await setup.stores.cancels.unconfirmed()).toEqual([]);
      expect(setup.runner().state).toBe('WAITING');
    });

    it('stays in EMERGENCY while a position is still held', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      setup.broker.behaviour = 'work';
      await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off');
      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.runner().state).toBe('EMERGENCY_EXIT');
      expect(setup.engine.systemMode).toBe('EMERGENCY');
    });

    it('given while the market data is unusable, sends nobody to exit until a usable bar, then flattens on it', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const placed = setup.broker.placed.length;
      const sane = setup.engine.clock.currentBar;
      await setup.engine.playBar({ ...sane, time: sane.time + 1, underlyings: { ...sane.underlyings, SPY: { ...sane.underlyings.SPY, price: sane.underlyings.SPY.price * 10 } } });
      const halt = await command(setup, 'EMERGENCY_HALT', null, 'carol', 'feed gone mad');
      expect(halt.outcome).toMatch(/^emergency; market data unusable \(SPY moved 900% in one bar .*quarantined\): 0DTE Friday flatten on the first usable bar$/);
      expect(setup.engine.systemMode).toBe('EMERGENCY');
      expect(setup.runner().state).toBe('ACTIVE');
      expect(setup.broker.placed).toHaveLength(placed);

      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.runner().state).toBe('COMPLETE');
      expect(setup.broker.placed.at(-1)).toBe(`${ZERO_DTE}:2026-11-20:close:2`);
      expect(setup.stores.strategies.transitions.find((write) => write.toState === 'EMERGENCY_EXIT')).toMatchObject({ fromState: 'ACTIVE', eventType: 'market.tick' });
    });

    it('keeps every strategy out from the next bar on, without waiting for a restart', async () => {
      const control = await engineOnFakes();
      await play(control.engine, () => control.runner().state === 'ACTIVE');

      const halted = await engineOnFakes();
      await command(halted, 'EMERGENCY_HALT', null);
      await play(halted.engine, () => halted.engine.clock.currentBar.time >= control.engine.clock.currentBar.time + 30 * 60_000);
      expect(statesOf(halted)).toEqual(['WAITING']);
      expect(halted.broker.placed).toEqual([]);
    });

    it('is a no-op while already in EMERGENCY: the first halt\'s actor and reason stand', async () => {
      const setup = await engineOnFakes();
      await command(setup, 'EMERGENCY_HALT', null, 'carol', 'risk off');
      const repeat = await command(setup, 'EMERGENCY_HALT', null, 'dave', 'me too');
      expect(repeat).toMatchObject({ status: 'done', outcome: expect.stringContaining('no-op: already in EMERGENCY by carol (risk off)') });
      expect(setup.stores.system.record).toMatchObject({ mode: 'EMERGENCY', actor: 'carol', reason: 'risk off' });
      expect(setup.stores.system.modeChanges).toHaveLength(1);
    });

    it('leaves the engine RUNNING when HALTED could not be stored, and says the command failed', async () => {
      const setup = await engineOnFakes();
      setup.stores.system.setMode = () => Promise.reject(new Error('database unavailable'));
      const halt = await command(setup, 'EMERGENCY_HALT', null);
      expect(halt).toMatchObject({ status: 'failed', outcome: 'database unavailable' });
      expect(setup.engine.systemMode).toBe('RUNNING');
    });
  });

  describe('resume', () => {
    it('leaves HALTED on an operator\'s word, and is refused while already RUNNING', async () => {
      const setup = await engineOnFakes();
      await command(setup, 'EMERGENCY_HALT', null);
      expect(await command(setup, 'RESUME', null, 'dave', 'all clear')).toMatchObject({ status: 'done' });
      expect(setup.engine.systemMode).toBe('RUNNING');
      expect(setup.stores.system.record).toMatchObject({ mode: 'RUNNING', actor: 'dave', reason: 'all clear' });
      expect(await command(setup, 'RESUME', null)).toMatchObject({ status: 'rejected', outcome: 'the system is already RUNNING' });
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
    });
  });

  describe('the trading modes', () => {
    const spyTimes = (bar: ReturnType<Engine['clock']['advance']>, factor: number) => ({
      ...bar,
      underlyings: { ...bar.underlyings, SPY: { ...bar.underlyings.SPY, price: bar.underlyings.SPY.price * factor } },
    });

    it('HALTED stops entries but leaves a held position to its rules: nothing is flattened', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const placed = setup.broker.placed.length;
      expect(await command(setup, 'HALT_ENTRIES', null, 'carol', 'FOMC')).toMatchObject({ status: 'done', outcome: 'HALTED: no entries; positions managed by their rules' });
      for (let bar = 0; bar < 5; bar += 1) await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.runner().state).toBe('ACTIVE');
      expect(setup.broker.placed).toHaveLength(placed);
      expect(setup.stores.system.record).toMatchObject({ mode: 'HALTED', cause: 'operator', actor: 'carol', reason: 'FOMC' });
    });

    it('moves only to a stricter mode in one step: HALTED after REDUCING is a no-op on the record', async () => {
      const setup = await engineOnFakes();
      expect(await command(setup, 'REDUCE_RISK', null, 'carol', 'too much delta')).toMatchObject({ status: 'done' });
      const halt = await command(setup, 'HALT_ENTRIES', null, 'dave', 'me too');
      expect(halt).toMatchObject({ status: 'done', outcome: expect.stringContaining('no-op: already REDUCING (set by carol: too much delta)') });
      expect(setup.engine.systemMode).toBe('REDUCING');
      expect(setup.stores.system.modeChanges).toHaveLength(1);
    });

    it('REDUCING lets no strategy enter', async () => {
      const setup = await engineOnFakes();
      await command(setup, 'REDUCE_RISK', null);
      for (let bar = 0; bar < 40; bar += 1) await setup.engine.playBar(setup.engine.clock.advance());
      expect(statesOf(setup)).toEqual(['WAITING']);
      expect(setup.broker.placed).toEqual([]);
    });

    it('a loss limit moves the system to REDUCING by itself, kept across a restart; a resume measures the day again from there', async () => {
      const setup = await engineOnFakes({ ...DEFAULT_RISK_LIMITS, maxIntradayDrawdown: 1e-9 });
      await play(setup.engine, () => setup.engine.systemMode === 'REDUCING');
      expect(setup.stores.system.record).toMatchObject({ mode: 'REDUCING', cause: 'loss-limit', actor: 'system', reason: expect.stringMatching(/^loss limit: intraday drawdown \d+\.\d% is over 0%$/) });
      const day = setup.stores.system.day!;
      expect(day.highNlv).toBeGreaterThan(day.openNlv - 1);

      const restarted = await setup.restart();
      expect(restarted.systemMode).toBe('REDUCING');

      expect(await command(setup, 'RESUME', null, 'dave', 'drawdown reviewed')).toMatchObject({ status: 'done', outcome: 'running: entries allowed again (was REDUCING)' });
      const rebaselined = setup.stores.system.day!;
      expect(rebaselined.openNlv).toBe(rebaselined.highNlv);
      expect(rebaselined.highNlv).toBeLessThan(day.highNlv);
    });

    it('a market-data quarantine moves RUNNING to REDUCING, and good data moves it back', async () => {
      const setup = await engineOnFakes();
      await setup.engine.playBar(setup.engine.clock.advance());
      await setup.engine.playBar(spyTimes(setup.engine.clock.advance(), 10));
      expect(setup.stores.system.record).toMatchObject({ mode: 'REDUCING', cause: 'market-data', reason: expect.stringContaining('market data suspect: SPY moved 900%') });
      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.stores.system.record).toMatchObject({ mode: 'RUNNING', cause: 'market-data', reason: 'market data is good again' });
    });

    it('good data does not end a REDUCING an operator set', async () => {
      const setup = await engineOnFakes();
      await setup.engine.playBar(setup.engine.clock.advance());
      await command(setup, 'REDUCE_RISK', null, 'carol', 'too much delta');
      await setup.engine.playBar(spyTimes(setup.engine.clock.advance(), 10));
      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.stores.system.record).toMatchObject({ mode: 'REDUCING', cause: 'operator', actor: 'carol' });
    });

    it('a quarantine does not loosen HALTED into REDUCING-then-RUNNING', async () => {
      const setup = await engineOnFakes();
      await setup.engine.playBar(setup.engine.clock.advance());
      await command(setup, 'HALT_ENTRIES', null);
      await setup.engine.playBar(spyTimes(setup.engine.clock.advance(), 10));
      await setup.engine.playBar(setup.engine.clock.advance());
      expect(setup.stores.system.modeChanges.map(({ mode }) => mode)).toEqual(['HALTED']);
    });
  });

  describe('defensive exit', () => {
    it('closes a held position under the operator\'s name and reason', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const exit = await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE, 'erin', 'Fed headline');
      expect(exit).toMatchObject({ status: 'done', outcome: expect.stringMatching(/^0DTE Friday: ACTIVE -> DEFENSIVE_EXIT; now COMPLETE; sent CLOSE /) });
      expect(setup.stores.strategies.transitions.find((write) => write.toState === 'DEFENSIVE_EXIT')).toMatchObject({
        actor: 'erin',
        reason: 'Fed headline',
      });
      expect(setup.runner().context.position).toBeNull();
    });

    it('is refused where the state does not allow it, and the refusal is recorded with its reason', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'WAITING');
      const exit = await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE, 'erin', 'nothing held');
      expect(exit).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('WAITING does not accept operator.defensiveExit') });
      expect(setup.stores.strategies.refusals).toMatchObject([{ strategyId: ZERO_DTE, state: 'WAITING', eventType: 'operator.defensiveExit', actor: 'erin' }]);
      expect(setup.runner().state).toBe('WAITING');
    });

    it('sends the close that was previewed, and goes out anyway when the preview no longer holds, saying so', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      const shown = singleStrategyPlan('defensive-exit', setup.runner().planSubject, setup.engine.clock.currentBar);
      const exit = await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE, 'erin', 'vol spike', shown.fingerprint);
      expect(exit).toMatchObject({ status: 'done', outcome: expect.stringContaining('as previewed') });
      expect(setup.broker.placed.at(-1)).toBe(shown.strategies[0]!.orders[0]!.clientOrderId);

      const again = await engineOnFakes();
      await play(again.engine, () => again.runner().state === 'ACTIVE');
      const stop = await command(again, 'DEFENSIVE_EXIT', ZERO_DTE, 'erin', 'vol spike', '0123456789abcdef');
      expect(stop).toMatchObject({ status: 'done', outcome: expect.stringContaining('this differs from the preview') });
      expect(again.runner().state).toBe('COMPLETE');
    });

    it('is refused for a strategy this engine does not run', async () => {
      const setup = await engineOnFakes();
      expect(await command(setup, 'DEFENSIVE_EXIT', 'no-such-strategy')).toMatchObject({ status: 'rejected', outcome: 'no strategy no-such-strategy is running' });
    });
  });

  describe('recover', () => {
    it('clears the circuit breaker: RECOVERY settles the order in doubt at the broker, then waits flat', async () => {
      const setup = await engineOnFakes();
      setup.broker.behaviour = 'reject';
      await play(setup.engine, () => setup.runner().state === 'ERROR');
      expect(setup.stores.strategies.errors.map((error) => error.type)).toEqual(['ORDER_REJECTED', 'ORDER_REJECTED', 'ORDER_REJECTED']);
      const inDoubt = setup.runner().context.order!.clientOrderId;

      setup.broker.behaviour = 'fill';
      const recover = await command(setup, 'RECOVER', ZERO_DTE, 'dana', 'venue fixed');
      expect(recover).toMatchObject({ status: 'done', outcome: expect.stringContaining('ERROR -> RECOVERY') });
      expect(setup.broker.cancelled).toEqual([inDoubt]);
      expect(setup.runner().state).toBe('WAITING');
      expect(setup.runner().context.errorCount).toBe(0);
    });

    it('is refused, sending and cancelling nothing, when what it would settle is not what the operator was shown', async () => {
      const setup = await engineOnFakes();
      setup.broker.behaviour = 'reject';
      await play(setup.engine, () => setup.runner().state === 'ERROR');
      const shown = singleStrategyPlan('recover', setup.runner().planSubject, setup.engine.clock.currentBar);
      // Another order than the one shown (the first 8 digits): refused. Prices alone would not be.
      const changed = shown.fingerprint.replace(/^./, (digit) => (digit === '0' ? '1' : '0'));

      const refused = await command(setup, 'RECOVER', ZERO_DTE, 'dana', 'venue fixed', changed);
      expect(refused).toMatchObject({ status: 'rejected', outcomeCode: 'PREVIEW_CHANGED', outcome: expect.stringMatching(/^not sent: .* changed since the preview; now: .*cancel /) });
      expect(setup.runner().state).toBe('ERROR');
      expect(setup.broker.cancelled).toEqual([]);

      setup.broker.behaviour = 'fill';
      // The same orders at other prices (the last 8 digits): it goes, and says the prices moved.
      const movedPrices = `${shown.fingerprint.slice(0, 8)}${shown.fingerprint.endsWith('00000000') ? '11111111' : '00000000'}`;
      const recovered = await command(setup, 'RECOVER', ZERO_DTE, 'dana', 'venue fixed', movedPrices);
      expect(recovered).toMatchObject({ status: 'done', outcome: expect.stringContaining('prices moved since the preview') });
      expect(setup.broker.cancelled).toEqual([shown.strategies[0]!.cancels[0]!.clientOrderId]);
    });

    it('is refused while nothing is wrong', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'WAITING');
      expect(await command(setup, 'RECOVER', ZERO_DTE)).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('WAITING does not accept operator.recover') });
    });
  });

  it('refuses an entry that would breach a risk limit, back to WAITING with the limit and figures in its history', async () => {
    const setup = await engineOnFakes({ ...DEFAULT_RISK_LIMITS, maxBuyingPowerUse: 0.0001 });
    await play(setup.engine, () => setup.stores.strategies.transitions.some((write) => write.fromState === 'VALIDATION'));
    const refused = setup.stores.strategies.transitions.find((write) => write.fromState === 'VALIDATION')!;
    expect(refused).toMatchObject({ toState: 'WAITING', reason: expect.stringMatching(/risk limit: buying power would be \$[\d,]+, over the limit of \$100\b/) });
    expect(setup.broker.placed).toEqual([]);
  });

  describe('the account at the broker', () => {
    const refusal = (setup: Awaited<ReturnType<typeof engineOnFakes>>) => setup.stores.strategies.transitions.find((write) => write.fromState === 'VALIDATION');

    it('is what the buying-power limit is a share of: a $500 account allows $175', async () => {
      const broker = new InMemoryBroker();
      broker.startingBalance = 500;
      const setup = await engineOnFakes(undefined, broker);
      await play(setup.engine, () => refusal(setup) !== undefined);
      expect(refusal(setup)).toMatchObject({ toState: 'WAITING', reason: expect.stringMatching(/risk limit: buying power would be \$[\d,]+, over the limit of \$175\b/) });
      expect(broker.placed).toEqual([]);
    });

    it('holds entries back while it has never been read', async () => {
      const broker = new InMemoryBroker();
      broker.behaviour = 'unreachable';
      const setup = await engineOnFakes(undefined, broker);
      await play(setup.engine, () => refusal(setup) !== undefined);
      expect(refusal(setup)).toMatchObject({ toState: 'WAITING', reason: expect.stringContaining('risk limit: the account at the broker could not be read') });
      expect(statesOf(setup)).not.toContain('ENTERING');
    });

    it('is taken as last read when a read fails: the entry goes on, and meets the broker’s failure there', async () => {
      const setup = await engineOnFakes();
      setup.broker.behaviour = 'unreachable';
      await play(setup.engine, () => statesOf(setup).includes('ENTERING'));
      expect(statesOf(setup).slice(0, 4)).toEqual(['WAITING', 'VALIDATION', 'ENTERING', 'RECOVERY']);
    });
  });

  describe('the pre-trade gate', () => {
    it('refuses an entry as it is sent when the account is at its pace of orders: back to WAITING with the reason, nothing at the broker', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'VALIDATION');
      // Other servers' strategies took the minute's ten orders on the very bar this entry goes out on.
      const next = setup.engine.clock.advance();
      for (let i = 1; i <= 10; i += 1) setup.stores.riskGate.approveElsewhere(`elsewhere:${i}`, `elsewhere-${i}`, next.time);
      await setup.engine.playBar(next);
      expect(setup.runner().state).toBe('WAITING');
      expect(setup.broker.placed).toEqual([]);
      expect(statesOf(setup)).toEqual(['WAITING', 'VALIDATION', 'ENTERING', 'WAITING']);
      expect(setup.stores.strategies.transitions.at(-1)!.reason).toBe('entry rejected (pre-trade gate: more than 10 orders in a minute): rolled back, nothing held');
      expect(setup.stores.strategies.errors).toMatchObject([{ type: 'ORDER_REJECTED', message: 'pre-trade gate: more than 10 orders in a minute' }]);
    });

    it('lets an exit out while the gate cannot be asked: closing never waits for the database', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      setup.stores.riskGate.failure = new Error('connection terminated');
      const exit = await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE, 'erin', 'risk off');
      expect(exit).toMatchObject({ status: 'done', outcome: expect.stringMatching(/^0DTE Friday: ACTIVE -> DEFENSIVE_EXIT; now COMPLETE; sent CLOSE /) });
      expect(setup.broker.placed.at(-1)).toBe(`${ZERO_DTE}:2026-11-20:close:2`);
      expect(setup.stores.riskGate.requests.map((request) => request.order.purpose)).toEqual(['ENTRY']);
    });
  });

  describe('pausing one strategy', () => {
    it('keeps it from entering, says why, outlives a restart, and lets it enter again once resumed', async () => {
      const setup = await engineOnFakes();
      const pause = await command(setup, 'PAUSE_STRATEGY', ZERO_DTE, 'carol', 'earnings week');
      expect(pause).toMatchObject({ status: 'done', outcome: '0DTE Friday paused: no new entries; management and exits go on' });
      expect(await command(setup, 'PAUSE_STRATEGY', ZERO_DTE, 'dave', 'me too')).toMatchObject({ outcome: 'no-op: already paused by carol (earnings week)' });
      // 10:45 ET: the window opened at 10:30 (an unpaused twin enters then), and nothing entered.
      await play(setup.engine, () => setup.engine.clock.currentBar.time >= SIMULATION.start + 25 * 60_000);
      expect(statesOf(setup)).toEqual(['WAITING']);
      expect(setup.broker.placed).toEqual([]);

      const restarted = await setup.restart();
      expect(restarted.runner(ZERO_DTE)!.pause).toMatchObject({ actor: 'carol', reason: 'earnings week' });
      const resumed = await command(setup, 'RESUME_STRATEGY', ZERO_DTE, 'dave', 'earnings done');
      expect(resumed).toMatchObject({ status: 'done', outcome: '0DTE Friday resumed: entries allowed again' });
      expect((await setup.stores.strategies.find(ZERO_DTE))!.pause).toBeNull();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      expect(await command(setup, 'RESUME_STRATEGY', ZERO_DTE)).toMatchObject({ status: 'rejected', outcome: '0DTE Friday is not paused' });
    });

    it('lets a paused strategy manage and exit what it holds', async () => {
      const setup = await engineOnFakes();
      await play(setup.engine, () => setup.runner().state === 'ACTIVE');
      await command(setup, 'PAUSE_STRATEGY', ZERO_DTE, 'carol', 'enough for today');
      await play(setup.engine, () => setup.runner().state === 'COMPLETE', 2_000);
      expect(setup.broker.placed.at(-1)).toMatch(/:close:/);
    });
  });

  it('refuses a write from a stale version: nothing is adopted, the runner reloads, and the next write goes through', async () => {
    const setup = await engineOnFakes();
    await play(setup.engine, () => setup.runner().state === 'ACTIVE');
    setup.stores.strategies.bumpVersion(ZERO_DTE);
    const written = setup.stores.strategies.transitions.length;

    const stale = await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE);
    expect(stale).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('no longer at version') });
    expect(setup.stores.strategies.transitions).toHaveLength(written);
    expect(setup.runner().state).toBe('ACTIVE');
    expect(setup.runner().currentVersion).toBe((await setup.stores.strategies.find(ZERO_DTE))!.version);

    expect(await command(setup, 'DEFENSIVE_EXIT', ZERO_DTE)).toMatchObject({ status: 'done' });
  });

  it('restored with an order in flight, settles it at the broker by its id and never sends it again', async () => {
    const setup = await engineOnFakes();
    setup.broker.behaviour = 'work';
    await play(setup.engine, () => setup.runner().state === 'ENTERING');
    const entry = setup.runner().context.order!.clientOrderId;
    await setup.engine.stop();

    const restarted = await setup.restart();
    await restarted.start();
    await restarted.stop();
    expect(setup.broker.placed).toEqual([entry]);
    expect(setup.broker.cancelled).toEqual([entry]);
    expect(statesOf(setup).slice(-2)).toEqual(['RECOVERY', 'WAITING']);
    expect(setup.stores.strategies.transitions.at(-2)).toMatchObject({ fromState: 'ENTERING', eventType: 'system.restored' });
    expect(restarted.runner(ZERO_DTE)!.state).toBe('WAITING');
  });
});
