import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { nextUniform, seedState } from '../../lib/domain/random';
import { migrate } from '../../lib/db/migrate';
import { TRUNCATE_ALL_TABLES } from '../../lib/db/reset';
import { ClusterServer } from './cluster';
import { readFigures, type RunFigures } from './figures';
import { Operators } from './operators';

export interface ChaosOptions {
  readonly databaseUrl: string;
  readonly seed: number;
  readonly runs: number;
  /** How long the chaos lasts in each run, before the cluster is left to settle and stopped. */
  readonly runMs: number;
  readonly firstPort: number;
  readonly leaseTtlMs: number;
  /** Market seconds per real second: fast enough that strategies enter, roll and exit within a run. */
  readonly simSpeed: number;
  readonly logDir: string;
  readonly say: (line: string) => void;
  /** Told what the run is doing before each step that waits: a stuck run can say where it stuck. */
  readonly phase?: (what: string) => void;
}

export interface RunReport extends RunFigures {
  readonly seed: number;
  readonly kills: number;
  /** Kills aimed at the owner of a strategy whose order was working at the venue at that moment. */
  readonly inFlightKills: number;
  readonly pauses: number;
  readonly halts: number;
  readonly resumes: number;
  readonly defensiveExits: number;
  /** Longest time from the clock's owner dying (or being paused past its lease) to another server's grant, in ms. */
  readonly longestTakeoverMs: number | null;
  /** The same, counting only losses after which another server stayed up until the grant. */
  readonly longestTakeoverWithStandbyMs: number | null;
  /** Lease lapsed -> granted to another server, for the lapses another server was up through: takeover's own delay. */
  readonly standbyGrantDelaysMs: readonly number[];
}

interface OwnerLoss {
  readonly at: number;
  readonly holderPid: number;
}

const SERVERS = 3;
/** Market: a Thursday, so that the weekly covered call's short (chosen at 8 days) is due for its roll at Friday's open. */
const SIM_START = '2026-11-19T09:30:00-05:00';
/** Orders stay working at the venue for this many bars: long enough for a kill to land while one is in flight. */
const VENUE_LATENCY_BARS = 3;
/**
 * No halts nor defensive exits before this market time (Friday's first half hour), so that the positions opened on
 * Thursday live to be rolled; kills and pauses go on throughout. Market time, not wall time: takeovers slow the market.
 */
const CALM_UNTIL = Date.parse('2026-11-20T10:00:00-05:00');
/** At most one kill aimed at an order in flight in this long. */
const IN_FLIGHT_KILL_EVERY_MS = 8_000;

/**
 * Seeded chaos: three real servers on one database, and at random moments kill -9, SIGSTOP/SIGCONT and operator
 * actions (emergency halts, resumes, defensive exits) while the strategies enter, roll and exit at speed. Then
 * the cluster settles, stops cleanly, and the database is judged (figures.ts).
 */
export async function runChaos(options: ChaosOptions): Promise<RunReport[]> {
  mkdirSync(options.logDir, { recursive: true });
  const reports: RunReport[] = [];
  for (let run = 0; run < options.runs; run += 1) reports.push(await oneRun(options, options.seed + run));
  return reports;
}

async function oneRun(options: ChaosOptions, seed: number): Promise<RunReport> {
  let state = seedState(seed);
  const random = (): number => {
    const draw = nextUniform(state);
    state = draw.state;
    return draw.value;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const phase = options.phase ?? (() => undefined);
  phase(`run ${seed}: fresh database`);
  await freshDatabase(options.databaseUrl);
  const env = {
    SIM_SPEED: String(options.simSpeed),
    SIM_START,
    SIM_SEED: String(seed),
    LEASE_TTL_MS: String(options.leaseTtlMs),
    // Info: a problem the figures find can be traced in .ci/out/chaos-logs.
    LOG_LEVEL: 'info',
    BETTER_AUTH_SECRET: 'chaos-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    DEMO_USERS: 'true',
    REQUIRE_ADMIN_2FA: 'false',
    COMMAND_WAIT_MS: '1000',
    METRICS_PORT: '0',
  };
  const servers = Array.from({ length: SERVERS }, (_, index) => new ClusterServer(options.firstPort + index, { databaseUrl: options.databaseUrl, env, logDir: options.logDir }));
  phase(`run ${seed}: starting the servers`);
  await Promise.all(servers.map((server) => server.start()));
  const operators = new Operators();
  await operators.signIn(servers[0]!.url, 'operator');
  await operators.signIn(servers[0]!.url, 'admin');
  const faults = await operators.send(servers[0]!.url, 'operator', 'PUT', '/api/paper-broker/faults', { latencyBars: VENUE_LATENCY_BARS });
  if (!('status' in faults) || faults.status !== 200) throw new Error(`could not set the venue's latency: ${JSON.stringify(faults)}`);

  const tally = { kills: 0, inFlightKills: 0, pauses: 0, halts: 0, resumes: 0, defensiveExits: 0 };
  const ownerLosses: OwnerLoss[] = [];
  const pending: Promise<void>[] = [];
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  const clockHolderPid = async (): Promise<number | null> => {
    const { rows } = await db.query<{ holder: string }>(`SELECT holder FROM lease WHERE name = 'clock' AND expires_at > now()`);
    const pid = rows[0]?.holder.split(':').at(-2);
    return pid ? Number(pid) : null;
  };
  const responsive = () => servers.filter((server) => server.isUp);
  // One restart at a time per server: two kills of one server must not start it twice on its port.
  const restarting = new Set<ClusterServer>();
  const killAndRestart = async (victim: ClusterServer): Promise<void> => {
    await victim.kill();
    tally.kills += 1;
    if (restarting.has(victim)) return;
    restarting.add(victim);
    pending.push(
      sleep(1_000 + random() * 3_000)
        .then(() => (victim.isAlive ? undefined : victim.start()))
        .finally(() => restarting.delete(victim)),
    );
  };

  const end = performance.now() + options.runMs;
  // Beside the random moments: a kill -9 of a strategy's owner while that strategy's order works at the venue,
  // so that takeovers settle orders in flight (RECOVERY), not only quiet strategies.
  const inFlightKiller = (async () => {
    let last = -Infinity;
    while (performance.now() < end) {
      await sleep(20);
      if (performance.now() - last < IN_FLIGHT_KILL_EVERY_MS) continue;
      const { rows } = await db.query<{ holder: string; client_order_id: string }>(`
        SELECT l.holder, o.client_order_id FROM paper_order o
          JOIN lease l ON l.name = 'strategy:' || split_part(o.client_order_id, ':', 1) AND l.expires_at > now()
         WHERE o.status IN ('WORKING', 'PARTIALLY_FILLED') AND o.submissions > 0 LIMIT 1`);
      const row = rows[0];
      const victim = row && servers.find((server) => server.isUp && server.pid === Number(row.holder.split(':').at(-2)));
      if (!row || !victim) continue;
      last = performance.now();
      const ownerPid = await clockHolderPid();
      if (ownerPid !== null && ownerPid === victim.pid) ownerLosses.push({ at: Date.now(), holderPid: ownerPid });
      await killAndRestart(victim);
      tally.inFlightKills += 1;
      options.say(`  kill -9 ${victim.port} with ${row.client_order_id} working at the venue`);
    }
  })();
  try {
    while (performance.now() < end) {
      await sleep(500 + random() * 2_500);
      const roll = random();
      const alive = servers.filter((server) => server.isUp);
      if (roll < 0.3 && alive.length > 0) {
        // Half the time the clock's owner, so that takeovers happen; otherwise anyone.
        const ownerPid = await clockHolderPid();
        const owner = alive.find((server) => server.pid === ownerPid);
        const victim = owner && random() < 0.5 ? owner : pick(alive);
        if (ownerPid !== null && victim.pid === ownerPid) ownerLosses.push({ at: Date.now(), holderPid: ownerPid });
        phase(`run ${seed}: kill -9 ${victim.port}`);
        await killAndRestart(victim);
        options.say(`  kill -9 ${victim.port}${victim === owner ? ' (clock owner)' : ''}`);
      } else if (roll < 0.55 && responsive().length > 0) {
        const ownerPid = await clockHolderPid();
        const owner = responsive().find((server) => server.pid === ownerPid);
        const victim = owner && random() < 0.5 ? owner : pick(responsive());
        const pausedMs = 300 + random() * options.leaseTtlMs * 2;
        if (ownerPid !== null && victim.pid === ownerPid && pausedMs > options.leaseTtlMs) ownerLosses.push({ at: Date.now(), holderPid: ownerPid });
        victim.pause();
        tally.pauses += 1;
        options.say(`  SIGSTOP ${victim.port} for ${Math.round(pausedMs)} ms${victim === owner ? ' (clock owner)' : ''}`);
        pending.push(sleep(pausedMs).then(() => victim.resume()));
      } else if (responsive().length > 0) {
        const server = pick(responsive());
        const { rows } = await db.query<{ mode: string; market_time: Date | null }>(
          `SELECT mode, (SELECT time FROM market_clock WHERE id = 1) AS market_time FROM system_state WHERE id = 1`,
        );
        const mode = rows[0]?.mode ?? 'RUNNING';
        const calm = (rows[0]?.market_time?.getTime() ?? 0) < CALM_UNTIL;
        if (mode === 'RUNNING' && roll < 0.65 && !calm) {
          phase(`run ${seed}: emergency halt on ${server.port}`);
          await operators.post(server.url, 'operator', '/api/system/halt', { reason: 'chaos: emergency halt' });
          tally.halts += 1;
          options.say(`  emergency halt on ${server.port}`);
        } else if (mode !== 'RUNNING' && roll < 0.85) {
          phase(`run ${seed}: resume on ${server.port}`);
          const asked = await operators.post(server.url, 'operator', '/api/system/resume', { reason: 'chaos: resume' });
          const id = 'status' in asked ? (asked.body as { resumeRequest?: { id?: string } } | null)?.resumeRequest?.id : undefined;
          if (id) {
            await operators.post(pick(responsive()).url, 'admin', `/api/system/resume/${id}/approve`, { reason: 'chaos: approved' });
            tally.resumes += 1;
            options.say(`  resume asked on ${server.port}, approved`);
          }
        } else if (!calm) {
          const { rows } = await db.query<{ id: string }>(`SELECT id FROM strategy WHERE state IN ('ACTIVE', 'MANAGING') ORDER BY random() LIMIT 1`);
          if (rows[0]) {
            phase(`run ${seed}: defensive exit on ${server.port}`);
            await operators.post(server.url, 'operator', `/api/strategies/${rows[0].id}/defensive-exit`, { reason: 'chaos: defensive exit' });
            tally.defensiveExits += 1;
            options.say(`  defensive exit of ${rows[0].id} on ${server.port}`);
          }
        }
      }
    }
    // Settle: every server back, a few lease periods without chaos, then a clean stop of all.
    phase(`run ${seed}: settling (restarts and SIGCONTs due)`);
    await inFlightKiller;
    await Promise.all(pending);
    for (const server of servers) server.resume();
    await Promise.all(servers.filter((server) => !server.isAlive).map((server) => server.start()));
    await sleep(options.leaseTtlMs * 2 + 3_000);
  } finally {
    phase(`run ${seed}: stopping the servers`);
    await Promise.all(servers.map((server) => server.stop()));
  }
  phase(`run ${seed}: reading the figures`);
  const figures = await readFigures(options.databaseUrl);
  await db.end();
  const intervals = servers.flatMap((server) => server.upIntervals);
  /** Whether a server other than `pid` was up over the whole of [from, to]: one that could have taken over. */
  const standbyUp = (pid: number, from: number, to: number) =>
    intervals.some((interval) => interval.pid !== pid && interval.from <= from && (interval.to === null || interval.to >= to));
  const takeovers = ownerLosses.flatMap((loss) => {
    const grant = figures.clockTakeovers.find((takeover) => takeover.grantedAt > loss.at && takeover.holderPid !== loss.holderPid);
    return grant ? [{ ms: grant.grantedAt - loss.at, withStandby: standbyUp(loss.holderPid, loss.at, grant.grantedAt) }] : [];
  });
  const longest = (ms: number[]) => (ms.length === 0 ? null : Math.max(...ms));
  // A standby that came up just before the lapse is still booting its engine: it must have been up a moment before.
  const STANDBY_WARM_MS = 1_000;
  return {
    seed,
    ...tally,
    longestTakeoverMs: longest(takeovers.map((takeover) => takeover.ms)),
    longestTakeoverWithStandbyMs: longest(takeovers.filter((takeover) => takeover.withStandby).map((takeover) => takeover.ms)),
    standbyGrantDelaysMs: figures.clockTakeovers
      .filter((takeover) => standbyUp(takeover.previousHolderPid, takeover.lapsedAt - STANDBY_WARM_MS, takeover.grantedAt))
      .map((takeover) => takeover.grantedAt - takeover.lapsedAt),
    ...figures,
  };
}

async function freshDatabase(databaseUrl: string): Promise<void> {
  await migrate(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(TRUNCATE_ALL_TABLES);
  await client.end();
}
