/**
 * `npm run demo`: migrates, builds and serves the control room with the simulated market and the demo's
 * users (DEMO ONLY: their passwords are public). The sign-in secret is made once and kept in
 * .wheelhouse/auth-secret (git-ignored), so sessions survive a restart of the demo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const env = {
  ...process.env,
  BETTER_AUTH_SECRET: demoSecret(),
  DEMO_USERS: process.env.DEMO_USERS ?? 'true',
  // The demo admin's password is public anyway; a second factor would only stand between a newcomer and the
  // Users page. Anywhere else the rule is on unless turned off (`REQUIRE_ADMIN_2FA=true npm run demo` to try it).
  REQUIRE_ADMIN_2FA: process.env.REQUIRE_ADMIN_2FA ?? 'false',
  NEXT_TELEMETRY_DISABLED: '1',
};
run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/db-migrate.ts']);
run(process.execPath, ['node_modules/next/dist/bin/next', 'build']);
const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
