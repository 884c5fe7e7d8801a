/**
 * `npm run demo`: migrates, builds and serves the control room with the simulated market and the demo's
 * users (DEMO ONLY: their passwords are public). The sign-in secret is made once and kept in
 * .wheelhouse/auth-secret (git-ignored), so sessions survive a restart of the demo.
 * `npm run dev` is the same with `next dev` instead of a build.
 *
 * The database is DATABASE_URL when set; otherwise an embedded PostgreSQL with its data in .wheelhouse/pg, started
 * here and stopped when the demo stops (Ctrl-C, SIGTERM).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DATA_DIR, startEmbeddedPostgres, type DatabaseServer } from './support/database-server';

const root = path.resolve(import.meta.dirname, '..');
const secretFile = path.join(root, '.wheelhouse', 'auth-secret');

function demoSecret(): string {
  if (process.env.BETTER_AUTH_SECRET) return process.env.BETTER_AUTH_SECRET;
  if (!existsSync(secretFile)) {
    mkdirSync(path.dirname(secretFile), { recursive: true });
    writeFileSync(secretFile, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(secretFile, 'utf8').trim();
}

const isDev = process.argv.includes('--dev');
const nextArgs = process.argv.slice(2).filter((arg) => arg !== '--dev');

const embedded: DatabaseServer | null = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(DEMO_DATA_DIR);
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url('wheelhouse');
console.log(`database: ${embedded ? embedded.description : 'DATABASE_URL'}`);

const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  BETTER_AUTH_SECRET: demoSecret(),
  DEMO_USERS: process.env.DEMO_USERS ?? 'true',
  // The demo admin's password is public anyway; a second factor would only stand between a newcomer and the
  // Users page. Anywhere else the rule is on unless turned off (`REQUIRE_ADMIN_2FA=true npm run demo` to try it).
  REQUIRE_ADMIN_2FA: process.env.REQUIRE_ADMIN_2FA ?? 'false',
  NEXT_TELEMETRY_DISABLED: '1',
};

/** Runs a step to its end; a failed step stops the demo (and the embedded database) with its exit code. */
async function run(args: string[]): Promise<void> {
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) await stopThenExit(result.status ?? 1);
}

/** The server first (it saves its clock and lets its leases go), then the embedded database under it. */
async function stopThenExit(code: number): Promise<never> {
  await embedded?.stop().catch(() => undefined);
  process.exit(code);
}

await run(['node_modules/tsx/dist/cli.mjs', 'scripts/db-migrate.ts']);
if (!isDev) await run(['node_modules/next/dist/bin/next', 'build']);
const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', isDev ? 'dev' : 'start', ...nextArgs], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => void stopThenExit(code ?? 0));
