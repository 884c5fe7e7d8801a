import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../log';
import { readReadiness } from './read-readiness';

const THIS_SERVER = 'host-a:100:aaaaaaaa';

interface FakeReadiness {
  pendingMigrations(): Promise<string[]>;
  leasesHeldBy(holder: string): Promise<number>;
}

function contextWith(readiness: FakeReadiness) {
  const log = { warn: vi.fn() };
  const context = { serverId: THIS_SERVER, log: log as unknown as Logger, repositories: { readiness } } as unknown as Parameters<typeof readReadiness>[0];
  return { context, log };
}

describe('a server is ready', () => {
  it('when the database answers and no migration is pending, with its own lease count', async () => {
    const leasesHeldBy = vi.fn(async (holder: string) => (holder === THIS_SERVER ? 3 : 99));
    const { context } = contextWith({ pendingMigrations: async () => [], leasesHeldBy });
    expect(await readReadiness(context)).toEqual({ ready: true, notReady: [], database: { reachable: true }, migrations: { pending: [] }, leases: { held: 3 } });
    expect(leasesHeldBy).toHaveBeenCalledWith(THIS_SERVER);
  });
});

describe('a server is not ready', () => {
  it('while a migration is pending, naming it', async () => {
    const { context } = contextWith({ pendingMigrations: async () => ['20261202150000_leases'], leasesHeldBy: async () => 0 });
    expect(await readReadiness(context)).toEqual({
      ready: false,
      notReady: ['migrations'],
      database: { reachable: true },
      migrations: { pending: ['20261202150000_leases'] },
      leases: { held: 0 },
    });
  });

  it('when the database cannot be asked: the cause is logged, never answered', async () => {
    const failure = new Error('connect ECONNREFUSED 10.0.0.7:5432 (user wheelhouse, password s3cret)');
    const { context, log } = contextWith({ pendingMigrations: async () => Promise.reject(failure), leasesHeldBy: async () => 0 });
    const readiness = await readReadiness(context);
    expect(readiness).toEqual({ ready: false, notReady: ['database'], database: { reachable: false }, migrations: { pending: null }, leases: { held: null } });
    expect(JSON.stringify(readiness)).not.toMatch(/10\.0\.0\.7|s3cret|ECONNREFUSED/);
    expect(log.warn).toHaveBeenCalledWith({ err: failure }, expect.any(String));
  });

  it('when the database does not answer in time', async () => {
    const { context } = contextWith({ pendingMigrations: () => new Promise<string[]>(() => undefined), leasesHeldBy: async () => 0 });
    expect(await readReadiness(context, 50)).toMatchObject({ ready: false, notReady: ['database'] });
  });
});
