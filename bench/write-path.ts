/**
 * The durable transition write, through the engine's own repository (one statement: fenced, version-checked update
 * plus append), against pgbench running the plain four-statement transaction (BEGIN; version-checked UPDATE; INSERT;
 * COMMIT) on the same tables, triggers and payloads, at 1, 4 and 16 concurrent writers, one strategy each.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../lib/db/client';
import { LeaseRepository } from '../lib/db/lease-repository';
import { migrate } from '../lib/db/migrate';
import { TRUNCATE_ALL_TABLES } from '../lib/db/reset';
import { StrategyRepository } from '../lib/db/strategy-repository';
import { strategyLease, type Lease } from '../lib/engine/ports';
import { throughput, type Bench, type Figure } from './figure';

const PGBENCH = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((candidate) => existsSync(candidate));
const WRITERS = [1, 4, 16] as const;
const GOAL: Record<(typeof WRITERS)[number], number> = { 1: 1.0, 4: 1.0, 16: 0.8 };

/** A holding strategy's snapshot and an event's payload, of the sizes stored in practice (about 1.3 KB and 240 B). */
const SNAPSHOT = JSON.stringify({
  value: 'ACTIVE',
  status: 'active',
  context: {
    strategyId: 'bench',
    cycle: '2026-11-19',
    settings: { contracts: 1, targetDte: 112, minDte: 102, maxDte: 122, profitTarget: 0.5, entryVix: { atLeast: 12, atMost: 35 } },
    position: {
      legs: [480, 530, 544].map((strike, index) => ({
        contract: { underlying: 'SPY', expiry: '2027-03-19', strike, right: 'P', multiplier: 100 },
        quantity: index === 0 ? -2 : index === 1 ? 1 : -1,
        openPrice: 3.25 + index,
        openedAt: 1795000000000,
      })),
      openedAt: 1795000000000,
      entryCredit: 508,
    },
    order: null,
    recovery: null,
    lastError: null,
    errorCount: 0,
    orderAttempts: 1,
    lastReason: 'entry filled: credit 508.00 USD',
    lastBarTime: 1795000000000,
    notes: 'x'.repeat(400),
  },
});
const PAYLOAD = JSON.stringify({ type: 'market.tick', bar: { time: 1795000000000, spy: 588.53, qqq: 507.76, es: 5895.5, vix: 24.2, stale: false }, note: 'y'.repeat(120) });

export const writePath: Bench = {
  name: 'write-path',
  async run({ databaseUrl, quick, say }) {
    const url = databaseUrl('write_path');
    await migrate(url);
    const seconds = quick ? 3 : 8;
    const rounds = quick ? 1 : 3;
    const ours = new Map<number, number[]>();
    const baseline = new Map<number, number[]>();
    // Interleaved rounds, each side right after the other: a slow moment of the shared machine falls on both sides.
    for (let round = 0; round < rounds; round += 1) {
      for (const writers of WRITERS) {
        await setUp(url, writers);
        push(baseline, writers, PGBENCH ? await pgbench(url, writers, seconds) : await rawNodePg(url, writers, seconds));
        await setUp(url, writers);
        push(ours, writers, await engineWrites(url, writers, seconds));
        say(`round ${round + 1}, ${writers} writers: engine ${last(ours, writers).toFixed(0)}/s, ${PGBENCH ? 'pgbench' : 'node-pg'} ${last(baseline, writers).toFixed(0)}/s`);
      }
    }
    const baselineName = PGBENCH ? 'pgbench 4-statement tx' : 'node-pg 4-statement tx';
    const note =
      `${rounds} interleaved round(s) of ${seconds} s, each side measured right after the other; the round with the median ratio shown ` +
      `(medians of each side taken apart pair a busy moment of one with a quiet one of the other); the engine's writes fenced, one strategy per writer, each awaiting its commit; ` +
      `both sides on the same tables, triggers (audit chain, change log and NOTIFY per statement) and payloads; ` +
      `${PGBENCH ? 'pgbench -M prepared' : 'pgbench not found: raw node-pg of the same statements'}`;
    return WRITERS.map((writers): Figure => {
      const pair = medianPair(ours.get(writers)!, baseline.get(writers)!);
      return throughput(`transition writes, ${writers} writer${writers > 1 ? 's' : ''}`, pair.ours, 'tx/s', { name: baselineName, value: pair.baseline }, GOAL[writers], note);
    });
  },
};

/** The round whose ratio (ours / baseline) is the median of the rounds' ratios (the lower middle of an even count). */
function medianPair(ours: readonly number[], baseline: readonly number[]): { ours: number; baseline: number } {
  const pairs = ours.map((value, round) => ({ ours: value, baseline: baseline[round]! })).sort((a, b) => a.ours / a.baseline - b.ours / b.baseline);
  return pairs[Math.ceil(pairs.length / 2) - 1]!;
}

const push = (map: Map<number, number[]>, key: number, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
const last = (map: Map<number, number[]>, key: number) => map.get(key)!.at(-1)!;
const strategyId = (writer: number) => `bench-${writer}`;

/** An empty database with one strategy per writer at version 0, as pgbench's `-D version=0` expects. */
async function setUp(url: string, writers: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(TRUNCATE_ALL_TABLES);
    await client.query(
      `INSERT INTO strategy (id, name, kind, state, snapshot, version, state_since)
       SELECT 'bench-' || n, 'bench ' || n, 'lt112', 'WAITING', $1::jsonb, 0, now() FROM generate_series(1, $2::int) n`,
      [SNAPSHOT, writers],
    );
    await client.query('VACUUM ANALYZE strategy, transition');
  } finally {
    await client.end();
  }
}

/** The engine's write path: StrategyRepository.recordTransition under each strategy's lease, as the runners call it. */
async function engineWrites(url: string, writers: number, seconds: number): Promise<number> {
  const db = createDb(url);
  try {
    const leases = new LeaseRepository(db);
    const strategies = new StrategyRepository(db);
    const ids = Array.from({ length: writers }, (_, index) => strategyId(index + 1));
    const granted = await leases.acquire('bench:1:x', ids.map(strategyLease), 600_000);
    const fence = new Map<string, Lease>(granted.map((lease) => [lease.name, lease]));
    const snapshot = JSON.parse(SNAPSHOT) as unknown;
    const payload = JSON.parse(PAYLOAD) as unknown;
    let count = 0;
    const end = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        let version = 0;
        while (performance.now() < end) {
          version = await strategies.recordTransition({
            strategyId: id,
            fence: fence.get(strategyLease(id))!,
            expectedVersion: version,
            fromState: 'ACTIVE',
            toState: 'ACTIVE',
            snapshot,
            eventType: 'market.tick',
            eventPayload: payload,
            actor: 'bench',
            reason: null,
            marketTime: new Date(),
          });
          count += 1;
        }
      }),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    await db.$disconnect();
  }
}

const BEGIN = 'BEGIN';
const UPDATE = `UPDATE strategy SET state = 'ACTIVE', snapshot = $1::jsonb, version = version + 1, state_since = now(), updated_at = now()
                 WHERE id = $2 AND version = $3 RETURNING version`;
const INSERT = `INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time)
                VALUES ($1, $2, 'ACTIVE', 'ACTIVE', 'market.tick', $3::jsonb, 'bench', NULL, now())`;

/** pgbench, prepared statements, one connection per writer, the four statements; transactions per second. */
async function pgbench(url: string, writers: number, seconds: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-pgbench-'));
  const script = path.join(dir, 'transition.sql');
  // pgbench's variables become the prepared statements' parameters; `\gset` carries the new version to the next
  // transaction, so each UPDATE is checked against the version the client last wrote, as the engine's is.
  writeFileSync(
    script,
    [
      'BEGIN;',
      '\\set n :client_id + 1',
      `UPDATE strategy SET state = 'ACTIVE', snapshot = :snapshot::jsonb, version = version + 1, state_since = now(), updated_at = now() WHERE id = 'bench-' || :n::text AND version = :version RETURNING version \\gset`,
      `INSERT INTO transition (strategy_id, seq, from_state, to_state, event_type, event_payload, actor, reason, market_time) VALUES ('bench-' || :n::text, :version, 'ACTIVE', 'ACTIVE', 'market.tick', :payload::jsonb, 'bench', NULL, now());`,
      'COMMIT;',
      '',
    ].join('\n'),
  );
  const { host, port, username, pathname } = new URL(url);
  const args = ['-n', '-M', 'prepared', '-c', String(writers), '-j', String(Math.min(writers, 2)), '-T', String(seconds), '-f', script,
    '-D', `snapshot=${SNAPSHOT}`, '-D', `payload=${PAYLOAD}`, '-D', 'version=0',
    '-h', host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') || '127.0.0.1', '-p', port || '5432', '-U', username || 'postgres', pathname.slice(1)];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(PGBENCH!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text}`))));
  });
  const tps = /tps = ([\d.]+)/.exec(output);
  const failed = /number of failed transactions: (\d+)/.exec(output);
  if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench had failed transactions:\n${output}`);
  return Number(tps[1]);
}

/** Where pgbench is missing: the same four statements from node-pg, one connection per writer. */
async function rawNodePg(url: string, writers: number, seconds: number): Promise<number> {
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, index) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const id = strategyId(index + 1);
      let version = 0;
      while (performance.now() < end) {
        await client.query(BEGIN);
        const { rows } = await client.query<{ version: number }>({ name: 'u', text: UPDATE, values: [SNAPSHOT, id, version] });
        version = rows[0]!.version;
        await client.query({ name: 'i', text: INSERT, values: [id, version, PAYLOAD] });
        await client.query('COMMIT');
        count += 1;
      }
      await client.end();
    }),
  );
  return count / ((performance.now() - started) / 1000);
}
