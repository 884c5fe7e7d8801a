/**
 * `npm run test:chaos`: several servers on one database, killed (-9), paused (SIGSTOP/SIGCONT) and steered at
 * random, seeded moments while strategies trade; then the figures that must be 0. `-- --short` is CI's form
 * (writes .ci/out/chaos.json); without it, the long form. `--seed N`, `--runs N`, `--seconds N` override.
 * Needs a production build (`npm run build`; made here when missing) and PostgreSQL (CHAOS_DATABASE_URL).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos, type RunReport } from '../test/chaos/chaos';
import { testDatabaseServer } from './support/database-server';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { short: { type: 'boolean', default: false }, seed: { type: 'string' }, runs: { type: 'string' }, seconds: { type: 'string' } },
});
const form = values.short ? { runs: 1, seconds: 60 } : { runs: 3, seconds: 180 };
// CHAOS_DATABASE_URL, or the machine's PostgreSQL, or an embedded one (stopped when the run ends).
const databaseServer = process.env.CHAOS_DATABASE_URL ? null : await testDatabaseServer();
const options = {
  databaseUrl: process.env.CHAOS_DATABASE_URL ?? databaseServer!.url('wheelhouse_chaos'),
  seed: Number(values.seed ?? 20261202),
  runs: Number(values.runs ?? form.runs),
  runMs: Number(values.seconds ?? form.seconds) * 1_000,
  firstPort: Number(process.env.CHAOS_FIRST_PORT ?? 3201),
  leaseTtlMs: Number(process.env.CHAOS_LEASE_TTL_MS ?? 3_000),
  simSpeed: Number(process.env.CHAOS_SIM_SPEED ?? 1_200),
  logDir: path.join(root, '.ci', 'out', 'chaos-logs'),
  say: (line: string) => console.log(line),
  phase: (what: string) => {
    phase = what;
  },
};
let phase = 'starting';

if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.log('no production build: running next build first');
  const built = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const MUST_BE_ZERO = ['duplicateClientOrderIds', 'intentsSentTwice', 'orphanedLegs', 'sequenceGaps', 'twoOwnerMoments'] as const;

console.log(`chaos: ${options.runs} run(s) of ${options.runMs / 1000} s, seed ${options.seed}, 3 servers, lease TTL ${options.leaseTtlMs} ms, speed ${options.simSpeed}x`);
// A run that hangs says where, and fails, instead of holding CI until its own timeout.
const watchdog = setTimeout(
  () => {
    console.log(`chaos: stuck (${phase}); giving up`);
    process.exit(2);
  },
  options.runs * (options.runMs + 240_000),
);
const reports: RunReport[] = await runChaos(options);
clearTimeout(watchdog);
const sum = (key: keyof RunReport) => reports.reduce((total, report) => total + Number(report[key] ?? 0), 0);
const longest = Math.max(...reports.map((report) => report.longestTakeoverMs ?? 0));
const longestWithStandby = Math.max(...reports.map((report) => report.longestTakeoverWithStandbyMs ?? 0));
const sorted = (ms: number[]) => ms.sort((a, b) => a - b);
const delays = sorted(reports.flatMap((report) => report.clockTakeovers.map((takeover) => takeover.grantedAt - takeover.lapsedAt)));
const standbyDelays = sorted(reports.flatMap((report) => [...report.standbyGrantDelaysMs]));
const percentiles = (ms: number[]) =>
  [0.5, 0.9, 1].map((p) => (ms.length === 0 ? '-' : String(Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!)))).join(' / ');
const bar = Math.round(60_000 / options.simSpeed);
const rows: [string, string | number][] = [
  ['runs', reports.length],
  ['kills (-9) / of them while an order worked at the venue', `${sum('kills')} / ${sum('inFlightKills')}`],
  ['pauses (SIGSTOP/SIGCONT)', sum('pauses')],
  ['emergency halts / resumes / defensive exits', `${sum('halts')} / ${sum('resumes')} / ${sum('defensiveExits')}`],
  ['transitions / entries / exits / rolls / recoveries', `${sum('transitions')} / ${sum('entries')} / ${sum('exits')} / ${sum('rolls')} / ${sum('recoveries')}`],
  ['orders at the venue', sum('ordersAtVenue')],
  ['clock grants (takeovers and restarts)', sum('clockGrants')],
  ['commands failed by a lost lease', sum('fencedCommands')],
  ['duplicate client order ids', sum('duplicateClientOrderIds')],
  ['intents sent twice', sum('intentsSentTwice')],
  ['orphaned legs (venue vs strategies)', sum('orphanedLegs')],
  ['sequence gaps', sum('sequenceGaps')],
  ['moments with two owners of one strategy', sum('twoOwnerMoments')],
  ['longest takeover (owner lost -> clock granted)', `${longest} ms (TTL ${options.leaseTtlMs} ms)`],
  ['  the same, another server up until the grant', `${longestWithStandby} ms (TTL + one bar: ${options.leaseTtlMs + bar} ms)`],
  ['clock lease lapsed -> granted: p50 / p90 / max', `${percentiles(delays)} ms over ${delays.length} takeovers (a bar: ${bar} ms)`],
  ['  the same, another server up through the lapse', `${percentiles(standbyDelays)} ms over ${standbyDelays.length} takeovers`],
];
console.log();
for (const [label, value] of rows) console.log(`${label.padEnd(52)} ${value}`);
for (const report of reports) for (const problem of report.problems) console.log(`  seed ${report.seed}: ${problem}`);

const failed = reports.filter((report) => MUST_BE_ZERO.some((key) => report[key] !== 0));
mkdirSync(path.join(root, '.ci', 'out'), { recursive: true });
// In the shape .ci/run's summary reads: one "test" per run.
writeFileSync(
  path.join(root, '.ci', 'out', values.short ? 'chaos.json' : 'chaos-long.json'),
  JSON.stringify({ numPassedTests: reports.length - failed.length, numFailedTests: failed.length, figures: Object.fromEntries(rows), reports }, null, 2),
);
await databaseServer?.stop();
process.exit(failed.length === 0 ? 0 : 1);
