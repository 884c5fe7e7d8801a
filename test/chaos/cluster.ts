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

/** One `next start` of the cluster: restarted on the same port after a kill. */
export class ClusterServer {
  private child: ChildProcess | null = null;
  private stopped = false;

  constructor(
    readonly port: number,
    private readonly options: ClusterOptions,
  ) {}

  get url(): string {
    return `http://localhost:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.exitCode === null ? (this.child.pid ?? null) : null;
  }

  get isAlive(): boolean {
    return this.pid !== null;
  }

  /** Alive and not stopped with SIGSTOP: it answers requests. */
  get isResponsive(): boolean {
    return this.isAlive && !this.stopped;
  }

  async start(): Promise<void> {
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
    this.child = child;
    this.stopped = false;
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server on ${this.port} exited with ${child.exitCode} at start`);
      try {
        if ((await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server on ${this.port} did not start in 60 s`);
  }

  /** kill -9: no clean stop, no lease released. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.stopped = false;
  }

  pause(): void {
    if (!this.child || !this.isAlive) return;
    this.child.kill('SIGSTOP');
    this.stopped = true;
  }

  resume(): void {
    if (!this.child || !this.isAlive) return;
    this.child.kill('SIGCONT');
    this.stopped = false;
  }

  /** A clean stop (SIGTERM): the engine saves its clock and releases its leases. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.resume();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
