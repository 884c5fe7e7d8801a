/**
 * Commit -> DOM: how long after a transition is committed its row shows on the strategy page in Chromium, with 100
 * other SSE clients connected; beside it, commit -> event received at a plain SSE client (the same run's floor), and
 * commit -> event at 500 plain clients. The page's stream watches its strategy, so its events bring that strategy's
 * data (one read per change); the plain clients' streams watch none, as the overview's do, and are sent bare events.
 *
 * It builds nothing: it runs the `next start` of the last `npm run build`, with the engine off (nothing else writes),
 * on its own database seeded by one simulated session. The bench writes each transition as the engine does
 * (`recordTransition`, one statement). Clocks: every timestamp is Date.now() on this one machine (the bench's, the
 * plain clients', and the page's, read in its MutationObserver), and a commit is timed from the moment its statement
 * was sent, so each latency includes the commit itself (about a millisecond).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { DEMO_USERS } from '../lib/auth/demo-users';
import { createDb, type Db } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { NotificationHub } from '../lib/db/notifications';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import { StrategyRepository } from '../lib/db/strategy-repository';
import type { StrategyRecord } from '../lib/engine/ports';
import { createLogger } from '../lib/log';
import { loadEngine } from '../lib/server/load-engine';
import { boundedTime, percentile, type Bench, type Figure } from './figure';
import { openSseClients, type SseClient } from './sse-clients';

const ROOT = path.resolve(import.meta.dirname, '..');
const PORT = 3471;
const BASE_URL = `http://localhost:${PORT}`;
const GOAL_MS = 50;
const OTHER_CLIENTS = 100;
const MANY_CLIENTS = 500;
/** Idle time between commits, so each sample starts from a quiet page (no refetch still in flight). */
const GAP_MS = 150;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function requireBuild(): void {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('live-latency runs the built app: .next is missing; run `npm run build` first');
  }
}

/** The default strategies and some history, written by the real engine over the first bars of a session. */
async function seed(url: string, db: Db): Promise<StrategyRecord> {
  const hub = new NotificationHub(url);
  try {
    const engine = await loadEngine({
      db,
      hub,
      log: createLogger('silent'),
      simulation: { start: Date.parse('2026-11-20T09:30:00-05:00'), seed: 20261120, scenario: 'calm', speed: 1 },
    });
    for (let bar = 0; bar < 120; bar += 1) await engine.playBar(engine.clock.advance());
    await engine.stop();
  } finally {
    await hub.close();
  }
  // The same page every run: the defaults share one creation time, so their listed order is not fixed.
  const [first] = (await new StrategyRepository(db).list()).sort((a, b) => a.id.localeCompare(b.id));
  if (!first) throw new Error('the engine created no strategy');
  return first;
}

interface NextServer {
  stop(): Promise<void>;
}

/** `next start` on the bench's database with the engine off: this server only serves pages, the API and the stream. */
async function startNext(databaseUrl: string): Promise<NextServer> {
  const child: ChildProcess = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ENGINE_ENABLED: 'false',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'warn',
      PUBLIC_ORIGIN: BASE_URL,
      BETTER_AUTH_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      DEMO_USERS: 'true',
      REQUIRE_ADMIN_2FA: 'false',
      METRICS_PORT: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const health = await fetch(`${BASE_URL}/api/health`).catch(() => null);
    if (health?.ok) return { stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`next start did not answer on ${BASE_URL} within 60 s`);
}

/** Signs the page's browser context in as the demo viewer; returns its cookie, for the plain clients. */
async function signIn(page: Page): Promise<string> {
  const viewer = DEMO_USERS.find((user) => user.role === 'viewer')!;
  const response = await page.context().request.post(`${BASE_URL}/api/auth/sign-in/email`, {
    data: { email: viewer.email, password: viewer.password },
    headers: { origin: BASE_URL },
  });
  if (!response.ok()) throw new Error(`sign-in answered ${response.status()}: ${await response.text()}`);
  const cookies = await page.context().cookies(BASE_URL);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

/**
 * Records, in the page, Date.now() when a node holding `bench ping <n>` first enters the DOM (or its text changes to
 * it); `benchPingSeen(n)` resolves with that time. The observer itself resolves it: polling the page from Playwright
 * every few milliseconds would load the very page being timed. Plain JavaScript in a string: tsx would add helpers of
 * its own to a function's source, undefined in the page.
 */
const OBSERVE_PINGS = `
  const seen = {};
  const waiting = {};
  window.benchPingSeen = (ping) => seen[ping] ?? new Promise((resolve) => (waiting[ping] = resolve));
  const note = (text) => {
    if (!text) return;
    for (const [, ping] of text.matchAll(/bench ping (\\d+)\\b/g)) {
      if (seen[ping]) continue;
      seen[ping] = Date.now();
      waiting[ping]?.(seen[ping]);
    }
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'characterData') note(mutation.target.textContent);
      for (const node of mutation.addedNodes) note(node.textContent);
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
`;

/**
 * Records, in the page, Date.now() when the app's event stream delivers the event of `bench ping <n>`
 * (`benchEventSeen[n]`), before the app's own handler runs: what a ping's time to the DOM spends before the page has
 * it (server, read, network) and after (parsing, React, the DOM). Installed before the app's scripts run.
 */
const OBSERVE_STREAM = `
  const seen = {};
  window.benchEventSeen = seen;
  const AppEventSource = window.EventSource;
  window.EventSource = class extends AppEventSource {
    constructor(url, options) {
      super(url, options);
      this.addEventListener('message', (message) => {
        for (const [, ping] of message.data.matchAll(/bench ping (\\d+)\\b/g)) seen[ping] ??= Date.now();
      });
    }
  };
`;

async function openStrategyPage(browser: Browser, strategyId: string): Promise<{ page: Page; cookie: string }> {
  const page = await browser.newPage();
  await page.addInitScript(OBSERVE_STREAM);
  const cookie = await signIn(page);
  await page.goto(`${BASE_URL}/strategies/${encodeURIComponent(strategyId)}`);
  await page.getByRole('table', { name: 'Transition history' }).waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  await page.evaluate(OBSERVE_PINGS);
  return { page, cookie };
}

/**
 * Writes transitions of one strategy the way the engine does (one statement), each a self-loop the page lists, by the
 * engine's own actor like its fills and marks (an operator's action would also be marked on the cycle timeline).
 */
class PingWriter {
  private count = 0;
  private version: number;

  constructor(
    private readonly strategies: StrategyRepository,
    private readonly record: StrategyRecord,
  ) {
    this.version = record.version;
  }

  /** Commits the next ping; returns its number and Date.now() when its statement was sent. */
  async commit(): Promise<{ ping: number; sentAt: number }> {
    const ping = this.count++;
    const sentAt = Date.now();
    this.version = await this.strategies.recordTransition({
      strategyId: this.record.id,
      fence: null,
      expectedVersion: this.version,
      fromState: this.record.state,
      toState: this.record.state,
      snapshot: this.record.snapshot,
      eventType: 'bench.ping',
      eventPayload: { ping },
      actor: 'system',
      reason: `bench ping ${ping}`,
      marketTime: this.record.stateSince,
    });
    return { ping, sentAt };
  }
}

/** When every client has received as many transition events as there were commits (or `timeoutMs` passed). */
async function allReceived(clients: readonly SseClient[], offset: readonly number[], commits: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (clients.some((client, i) => client.received.length - offset[i]! < commits)) {
    if (Date.now() > deadline) throw new Error('an SSE client missed a change');
    await sleep(5);
  }
}

/** Commit -> event at each client, for the changes each received after `offset` (its count before the commits). */
function eventLatencies(clients: readonly SseClient[], offset: readonly number[], sentAt: readonly number[]): number[] {
  return clients.flatMap((client, i) => sentAt.map((sent, k) => client.received[offset[i]! + k]!.receivedAt - sent));
}

/** Commits one ping; when it showed on the page, and when the page's stream delivered it, both after the commit. */
async function timePing(page: Page, writer: PingWriter): Promise<{ sentAt: number; dom: number; atPage: number }> {
  const { ping, sentAt } = await writer.commit();
  const seenAt = await withTimeout(page.evaluate<number>(`window.benchPingSeen(${ping})`), 10_000, `bench ping ${ping} never showed`);
  const eventAt = Number(await page.evaluate(`window.benchEventSeen[${ping}]`));
  return { sentAt, dom: seenAt - sentAt, atPage: eventAt - sentAt };
}

/**
 * `samples` pings after one warm-up ping, not counted: the first change after the streams opened meets a server still
 * finishing their set-up (each new stream's session check and `reload`) and code run for the first time; it is said,
 * not hidden.
 */
async function measureDom(page: Page, writer: PingWriter, observer: SseClient, samples: number) {
  const before = observer.received.length;
  const warmUp = await timePing(page, writer);
  await allReceived([observer], [before], 1);
  const atPage: number[] = [];
  const dom: number[] = [];
  const sentAt: number[] = [];
  const offset = [observer.received.length];
  for (let i = 0; i < samples; i += 1) {
    await sleep(GAP_MS);
    const ping = await timePing(page, writer);
    sentAt.push(ping.sentAt);
    dom.push(ping.dom);
    atPage.push(ping.atPage);
  }
  await allReceived([observer], offset, samples);
  return { warmUp, dom, atPage, sse: eventLatencies([observer], offset, sentAt) };
}

async function measureFanOut(clients: readonly SseClient[], writer: PingWriter, samples: number): Promise<number[]> {
  const offset = clients.map((client) => client.received.length);
  const sentAt: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    await sleep(GAP_MS);
    sentAt.push((await writer.commit()).sentAt);
    await allReceived(clients, offset, i + 1);
  }
  return eventLatencies(clients, offset, sentAt);
}

const summary = (samples: readonly number[]) =>
  `p50 ${percentile(samples, 50)} ms, p99 ${percentile(samples, 99)} ms, max ${Math.max(...samples)} ms (n=${samples.length})`;

export const liveLatency: Bench = {
  name: 'live-latency',
  async run({ databaseUrl, quick, say }): Promise<Figure[]> {
    requireBuild();
    const url = databaseUrl('live_latency');
    await migrate(url);
    const db = createDb(url);
    const clients: SseClient[] = [];
    let server: NextServer | null = null;
    let browser: Browser | null = null;
    try {
      await db.$executeRawUnsafe(TRUNCATE_ALL_TABLES);
      const record = await seed(url, db);
      server = await startNext(url);
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const { page, cookie } = await openStrategyPage(browser, record.id);
      clients.push(...(await openSseClients(BASE_URL, cookie, OTHER_CLIENTS + 1)));
      const writer = new PingWriter(new StrategyRepository(db), record);

      const domSamples = quick ? 40 : 200;
      const { warmUp, dom, atPage, sse } = await measureDom(page, writer, clients[0]!, domSamples);
      say(`warm-up commit, not counted: ${warmUp.dom} ms to the DOM (${warmUp.atPage} ms to the page's event)`);
      say(`commit -> DOM (${record.id} page, ${OTHER_CLIENTS} other SSE clients): ${summary(dom)}`);
      say(`  of which commit -> event at the page (with the strategy's data): ${summary(atPage)}`);
      say(`  and event at the page -> DOM: ${summary(dom.map((ms, i) => ms - atPage[i]!))}`);
      say(`commit -> SSE event at a plain client, same commits: ${summary(sse)}`);

      await page.close();
      clients.push(...(await openSseClients(BASE_URL, cookie, MANY_CLIENTS - clients.length)));
      const fanOut = await measureFanOut(clients, writer, quick ? 10 : 40);
      say(`commit -> SSE event, ${clients.length} clients: ${summary(fanOut)}`);

      const sseBaseline = { name: 'commit -> SSE event p99, same run', value: percentile(sse, 99) };
      return [
        boundedTime(`commit -> DOM p50, ${OTHER_CLIENTS} other SSE clients`, percentile(dom, 50), 'ms', GOAL_MS, { name: 'commit -> SSE event p50', value: percentile(sse, 50) }),
        boundedTime(`commit -> DOM p99, ${OTHER_CLIENTS} other SSE clients`, percentile(dom, 99), 'ms', GOAL_MS, sseBaseline, `${dom.length} commits`),
        boundedTime(`commit -> SSE event p99, ${clients.length} clients`, percentile(fanOut, 99), 'ms', GOAL_MS, null, `${fanOut.length} deliveries`),
      ];
    } finally {
      for (const client of clients) client.close();
      await browser?.close();
      await server?.stop();
      await db.$disconnect();
    }
  },
};
