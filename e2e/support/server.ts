import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { E2E_DATABASE_URL } from './database';

export interface ServerOptions {
  readonly port: number;
  /** Where a fresh simulation starts (ISO with offset). Ignored once the database has a saved clock. */
  readonly simStart: string;
  /** Market seconds per real second. */
  readonly simSpeed: number;
  /** Further environment, e.g. SIM_SCENARIO. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningServer {
  readonly url: string;
  /** The server process's id: the middle part of its server id (`host:pid:random`, the holder of its leases). */
  readonly pid: number;
  /** Stops the server the way a deployment does: SIGTERM (it saves its clock and lets its leases go), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Sends `signal` and waits for the process to exit: SIGKILL is a crash, leaving its leases to lapse. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts the real production server (`next start`, after `next build`) with its engine, as `node` directly:
 * killing an npm/npx parent would leave next-server running.
 */
export async function startServer({ port, simStart, simSpeed, env = {} }: ServerOptions): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port)], {
    env: {
      ...process.env,
      DATABASE_URL: E2E_DATABASE_URL,
      SIM_START: simStart,
      SIM_SPEED: String(simSpeed),
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'warn',
      // The browser and the server must agree on the origin: sign-in cookies and the origin check use it.
      PUBLIC_ORIGIN: `http://localhost:${port}`,
      BETTER_AUTH_SECRET: 'e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      DEMO_USERS: 'true',
      // The specs sign in as the demo admin, who has no TOTP; e2e/admin.spec.ts turns the rule on.
      REQUIRE_ADMIN_2FA: 'false',
      // Each server would try the same loopback metrics port; the specs read no metrics.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (hasExited()) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill(signal) {
      if (hasExited()) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
