/**
 * The real server (`next start`) on databases holding 5, 100 and 1,000 strategies: how long it takes to boot and
 * restore them all (its engine is running when /api/health first answers), and its peak resident memory while 100
 * strategies trade at speed. Baselines: the same server with the five default strategies, in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import { DEFAULT_STRATEGIES } from '../lib/domain/strategies/registry';
import { createLogger } from '../lib/log';
import { loadEngine } from '../lib/server/load-engine';
import { boundedTime, median, type Bench } from './figure';

const ROOT = path.resolve(import.meta.dirname, '..');
const PORT = 3690;
const SIM_START = '2026-11-19T09:30:00-05:00';
/** Bars each strategy lives through before the server is stopped: past the first entries (minute 30). */
const WARM_BARS = 32;

export const server: Bench = {
  name: 'server',
  async run({ databaseUrl, quick, say }) {
    if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('the server bench needs a production build: run `npm run build` first');
    const sizes = [5, 100, 1000] as const;
    const urls = Object.fromEntries(sizes.map((size) => [size, databaseUrl(`server_${size}`)])) as Record<(typeof sizes)[number], string>;
    for (const size of sizes) {
      await populate(urls[size], size);
      say(`${size} strategies stored, each ${WARM_BARS} bars into its life`);
    }
    const rounds = quick ? 1 : 3;
    const boot: Record<number, number[]> = { 5: [], 100: [], 1000: [] };
    const rss: Record<number, number[]> = { 5: [], 100: [] };
    const liveSeconds = quick ? 5 : 15;
    for (let round = 0; round < rounds; round += 1) {
      for (const size of sizes) {
        const started = performance.now();
        const running = await startServer(urls[size]);
        boot[size]!.push(performance.now() - started);
        if (size in rss) rss[size]!.push(await peakRssWhileLive(running.child, liveSeconds));
        await running.stop();
        say(`round ${round + 1}, ${size} strategies: up in ${boot[size]!.at(-1)!.toFixed(0)} ms${size in rss ? `, peak RSS ${rss[size]!.at(-1)!.toFixed(0)} MB over ${liveSeconds} s at 1200x` : ''}`);
      }
    }
    const boot5 = median(boot[5]!);
    const note = `${rounds} round(s), medians; from spawning \`next start\` to /api/health answering (the engine restores before it answers)`;
    return [
      boundedTime('cold restore of 1,000 strategies, beyond the server\'s own boot', median(boot[1000]!) - boot5, 'ms', 500, { name: 'boot with 5 strategies', value: boot5 }, note),
      boundedTime('cold restore of 100 strategies, beyond the server\'s own boot', median(boot[100]!) - boot5, 'ms', 500, { name: 'boot with 5 strategies', value: boot5 }, note),
      boundedTime('peak RSS, 100 live strategies', median(rss[100]!), 'MB', 300, { name: 'with 5 strategies', value: median(rss[5]!) }, `VmHWM of the server process over ${liveSeconds} s at 1200x`),
    ];
  },
};

/** A database holding `size` strategies (the five kinds in turn), each having lived a few bars, its engine stopped. */
async function populate(url: string, size: number): Promise<void> {
  await migrate(url);
  const db = createDb(url);
  const hub = new NotificationHub(url);
  try {
    await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
    const initialStrategies = Array.from({ length: size }, (_, index) => {
      const kind = DEFAULT_STRATEGIES[index % DEFAULT_STRATEGIES.length]!.kind;
      return { id: size === 5 ? DEFAULT_STRATEGIES[index]!.id : `${kind}-${index + 1}`, kind };
    });
    const engine = await loadEngine({
      db,
      hub,
      log: createLogger('silent'),
      simulation: { start: Date.parse(SIM_START), seed: 7, scenario: 'calm', speed: 1 },
      initialStrategies,
    });
    for (let bar = 0; bar < WARM_BARS; bar += 1) await engine.playBar(engine.clock.advance());
    await engine.stop();
  } finally {
    await hub.close();
    await db.$disconnect();
  }
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const url = `http://localhost:${PORT}`;
  if (await answers(url)) throw new Error(`port ${PORT} is taken: stop whatever runs there`);
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SIM_START,
      SIM_SPEED: '1200',
      LOG_LEVEL: 'warn',
      PUBLIC_ORIGIN: url,
      BETTER_AUTH_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      DEMO_USERS: 'true',
      METRICS_PORT: '0',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const deadline = performance.now() + 60_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    if (performance.now() > deadline) throw new Error('the server did not answer within 60 s');
    await sleep(20);
  }
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** The process's peak resident set (VmHWM, kept by the kernel) after `seconds` of trading, in MB. */
async function peakRssWhileLive(child: ChildProcess, seconds: number): Promise<number> {
  await sleep(seconds * 1000);
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status);
  if (!kb) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kb[1]) / 1024;
}
