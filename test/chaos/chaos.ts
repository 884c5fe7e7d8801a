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
  readonly pauses: number;
  readonly halts: number;
  readonly resumes: number;
  readonly defensiveExits: number;
  /** Longest time from the clock's owner dying (or being paused past its lease) to another server's grant, in ms. */
  readonly longestTakeoverMs: number | null;
  /** The same, counting only losses while another server was up to take over. */
  readonly longestTakeoverWithStandbyMs: number | null;
}

interface OwnerLoss {
  readonly at: Date;
  readonly holderPid: number;
  /** Whether another server was up to take over (not paused, dead or still booting). */
  readonly standbyUp: boolean;
}

const SERVERS = 3;

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
    SIM_START: '2026-11-16T09:30:00-05:00',
    SIM_SEED: String(seed),
    LEASE_TTL_MS: String(options.leaseTtlMs),
    LOG_LEVEL: 'warn',
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

  const tally = { kills: 0, pauses: 0, halts: 0, resumes: 0, defensiveExits: 0 };
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

  const end = performance.now() + options.runMs;
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
        if (ownerPid !== null && victim.pid === ownerPid) ownerLosses.push({ at: new Date(), holderPid: ownerPid, standbyUp: alive.length > 1 });
        phase(`run ${seed}: kill -9 ${victim.port}`);
        await victim.kill();
        tally.kills += 1;
        options.say(`  kill -9 ${victim.port}${victim === owner ? ' (clock owner)' : ''}`);
        pending.push(sleep(1_000 + random() * 3_000).then(() => victim.start()));
      } else if (roll < 0.55 && responsive().length > 0) {
        const ownerPid = await clockHolderPid();
        const owner = responsive().find((server) => server.pid === ownerPid);
        const victim = owner && random() < 0.5 ? owner : pick(responsive());
        const pausedMs = 300 + random() * options.leaseTtlMs * 2;
        if (ownerPid !== null && victim.pid === ownerPid && pausedMs > options.leaseTtlMs) {
          ownerLosses.push({ at: new Date(), holderPid: ownerPid, standbyUp: responsive().length > 1 });
        }
        victim.pause();
        tally.pauses += 1;
        options.say(`  SIGSTOP ${victim.port} for ${Math.round(pausedMs)} ms${victim === owner ? ' (clock owner)' : ''}`);
        pending.push(sleep(pausedMs).then(() => victim.resume()));
      } else if (responsive().length > 0) {
        const server = pick(responsive());
        const mode = (await db.query<{ mode: string }>(`SELECT mode FROM system_state WHERE id = 1`)).rows[0]?.mode ?? 'RUNNING';
        if (mode === 'RUNNING' && roll < 0.7) {
          phase(`run ${seed}: emergency halt on ${server.port}`);
          await operators.post(server.url, 'operator', '/api/system/halt', { reason: 'chaos: emergency halt' });
          tally.halts += 1;
          options.say(`  emergency halt on ${server.port}`);
        } else if (mode !== 'RUNNING' && roll < 0.8) {
          phase(`run ${seed}: resume on ${server.port}`);
          const asked = await operators.post(server.url, 'operator', '/api/system/resume', { reason: 'chaos: resume' });
          const id = 'status' in asked ? (asked.body as { resumeRequest?: { id?: string } } | null)?.resumeRequest?.id : undefined;
          if (id) {
            await operators.post(pick(responsive()).url, 'admin', `/api/system/resume/${id}/approve`, { reason: 'chaos: approved' });
            tally.resumes += 1;
            options.say(`  resume asked on ${server.port}, approved`);
          }
        } else {
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
    await Promise.all(pending);
    for (const server of servers) server.resume();
    await Promise.all(servers.filter((server) => !server.isAlive).map((server) => server.start()));
    await sleep(options.leaseTtlMs * 2 + 3_000);
  } finally {
    phase(`run ${seed}: stopping the servers`);
    await Promise.all(servers.map((server) => server.stop()));
  }
  phase(`run ${seed}: reading the figures`);
  const longestTakeoverMs = await longestTakeover(db, ownerLosses);
  const longestTakeoverWithStandbyMs = await longestTakeover(db, ownerLosses.filter((loss) => loss.standbyUp));
  await db.end();
  return { seed, ...tally, longestTakeoverMs, longestTakeoverWithStandbyMs, ...(await readFigures(options.databaseUrl)) };
}

/** For each loss of the clock's owner: the time until another server was granted the clock. */
async function longestTakeover(db: pg.Client, losses: readonly OwnerLoss[]): Promise<number | null> {
  let longest: number | null = null;
  for (const loss of losses) {
    const { rows } = await db.query<{ granted_at: Date }>(
      `SELECT granted_at FROM lease_grant WHERE name = 'clock' AND granted_at > $1 AND split_part(holder, ':', 2) <> $2 ORDER BY id LIMIT 1`,
      [loss.at, String(loss.holderPid)],
    );
    const granted = rows[0]?.granted_at;
    if (!granted) continue;
    const ms = granted.getTime() - loss.at.getTime();
    longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}

async function freshDatabase(databaseUrl: string): Promise<void> {
  await migrate(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(TRUNCATE_ALL_TABLES);
  await client.end();
}
