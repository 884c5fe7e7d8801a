import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('loading the embedded PostgreSQL support', () => {
  // A test runner reports failure by setting process.exitCode and letting the process end; CI reads that code.
  it('keeps the exit code a process set for itself when it ends on its own', { timeout: 60_000 }, () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `await import('./scripts/support/database-server.ts'); process.exitCode = 3;`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(3);
  });
});
