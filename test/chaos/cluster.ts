import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where each server's output goes (`<dir>/server-<port>.log`), appended across restarts. */
  readonly logDir: string;
}

/** A stretch of time (Date.now() ms) during which a server process answered: from ready (or SIGCONT) to kill, SIGSTOP or stop. */
export interface UpInterval {
  readonly pid: number;
  readonly from: number;
  to: number | null;
}

/** One `next start` of the cluster: restarted on the same port after a kill. */
export class ClusterServer {
  private child: ChildProcess | null = null;
  private stopped = false;
  private starting = false;
  /** When this port's servers were up, across restarts: who could have taken a lease over, and when. */
  readonly upIntervals: UpInterval[] = [];

  constructor(
    readonly port: number,
    private readonly options: ClusterOptions,
  ) {}

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  get pid(): number | null {
    return this.child && hasNotExited(this.child) ? (this.child.pid ?? null) : null;
  }

  get isAlive(): boolean {
    return this.pid !== null;
  }

  /** Alive and not stopped with SIGSTOP: it answers requests. */
  get isResponsive(): boolean {
    return this.isAlive && !this.stopped;
  }

  /** Started and answering: what the chaos may kill or pause (a server still booting is left to boot). */
  get isUp(): boolean {
    return this.isResponsive && !this.starting;
  }

  async start(): Promise<void> {
    // A server left on this port (by a run that crashed) would answer for the one started here.
    if (await answers(this.url)) throw new Error(`port ${this.port} is taken by another server: stop it first`);
    const log = createWriteStream(`${this.options.logDir}/server-${this.port}.log`, { flags: 'a' });
    const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(this.port)], {
      env: {
        ...process.env,
        ...this.options.env,
        DATABASE_URL: this.options.databaseUrl,
        PUBLIC_ORIGIN: this.url,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
    this.stopped = false;
    this.starting = true;
    try {
      await this.waitUntilHealthy(child);
      this.markUp();
    } finally {
      this.starting = false;
    }
  }

  private markUp(): void {
    if (this.pid !== null) this.upIntervals.push({ pid: this.pid, from: Date.now(), to: null });
  }

  private markDown(): void {
    const open = this.upIntervals.at(-1);
    if (open && open.to === null) open.to = Date.now();
  }

  private async waitUntilHealthy(child: ChildProcess): Promise<void> {
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline) {
      if (!hasNotExited(child)) throw new Error(`server on ${this.port} exited (${child.exitCode ?? child.signalCode}) at start`);
      if (await answers(this.url)) return;
      await sleep(100);
    }
    throw new Error(`server on ${this.port} did not start in 60 s`);
  }

  /** kill -9: no clean stop, no lease released. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !hasNotExited(child)) return;
    const exited = once(child, 'exit');
    this.markDown();
    child.kill('SIGKILL');
    await exited;
    this.stopped = false;
  }

  pause(): void {
    if (!this.child || !this.isAlive) return;
    this.markDown();
    this.child.kill('SIGSTOP');
    this.stopped = true;
  }

  resume(): void {
    if (!this.child || !this.isAlive) return;
    const wasStopped = this.stopped;
    this.child.kill('SIGCONT');
    this.stopped = false;
    if (wasStopped && !this.starting) this.markUp();
  }

  /** A clean stop (SIGTERM): the engine saves its clock and releases its leases. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !hasNotExited(child)) return;
    this.resume();
    const exited = once(child, 'exit');
    this.markDown();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A process killed by a signal has no exit code, only a signal code: both must be unset while it runs. */
function hasNotExited(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Every server started and not yet exited: killed with the harness, however it ends, so none is left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
