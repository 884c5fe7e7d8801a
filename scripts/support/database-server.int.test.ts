import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../lib/db/client';
import { migrate } from '../../lib/db/migrate';
import { CHANNEL } from '../../lib/db/notifications';
import { StrategyRepository } from '../../lib/db/strategy-repository';
import { startEmbeddedPostgres, type DatabaseServer } from './database-server';

const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-embedded-')), 'pg');
// As root the cluster runs as the postgres user, who must be able to reach its folder (mkdtemp makes it 0700).
chmodSync(path.dirname(dataDir), 0o755);
let server: DatabaseServer | null = null;
const connections: { end: () => Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.end().catch(() => undefined)));
  await server?.stop();
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

/** The first notification on `client`'s channel, or a timeout. */
function nextNotification(client: pg.Client): Promise<pg.Notification> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no NOTIFY within 10 s')), 10_000);
    client.once('notification', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

describe('the embedded PostgreSQL', () => {
  it('is migrated, stores a transition and announces it to another connection, and still has it after a restart', { timeout: 120_000 }, async () => {
    server = await startEmbeddedPostgres(dataDir, () => undefined);
    const url = server.url('wheelhouse_embedded');
    await migrate(url);

    const listener = new pg.Client({ connectionString: url });
    connections.push(listener);
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    const db = createDb(url);
    connections.push({ end: () => db.$disconnect() });
    const strategies = new StrategyRepository(db);
    const marketTime = new Date('2026-11-20T15:00:00Z');
    await listener.query(`INSERT INTO strategy (id, name, kind, state, snapshot, version, state_since) VALUES ('lt112', 'LT112', 'lt112', 'WAITING', '{}', 0, now())`);
    const heard = nextNotification(listener);
    const seq = await strategies.recordTransition({
      strategyId: 'lt112',
      fence: null,
      expectedVersion: 0,
      fromState: 'WAITING',
      toState: 'VALIDATION',
      snapshot: { value: 'VALIDATION' },
      eventType: 'market.tick',
      eventPayload: {},
      actor: 'system',
      reason: 'entry signal',
      marketTime,
    });
    expect(JSON.parse((await heard).payload ?? '{}')).toMatchObject({ table: 'transition', strategyId: 'lt112' });
    await Promise.all(connections.splice(0).map((connection) => connection.end()));

    await server.stop();
    server = await startEmbeddedPostgres(dataDir, () => undefined);
    const again = new pg.Client({ connectionString: server.url('wheelhouse_embedded') });
    await again.connect();
    const { rows } = await again.query(`SELECT seq, to_state, reason FROM transition WHERE strategy_id = 'lt112' ORDER BY seq`);
    await again.end();
    expect(rows.at(-1)).toEqual({ seq, to_state: 'VALIDATION', reason: 'entry signal' });
  });
});
