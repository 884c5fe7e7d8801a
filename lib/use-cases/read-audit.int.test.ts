import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL } from '../../test/db';
import { auditQuerySchema, type AuditRow } from '../api/contract';
import { serverContext } from '../server/context';
import { exportAudit, readAuditPage, verifyAudit } from './read-audit';

const server = serverContext();
if (server.env.DATABASE_URL !== TEST_DATABASE_URL) throw new Error(`refusing to run against ${server.env.DATABASE_URL}`);
const { db, repositories } = server;
const query = (params: Record<string, string> = {}) => auditQuerySchema.parse(params);
const MARKET = new Date('2026-11-20T15:00:00Z');

/** A small but mixed trail: two strategies' transitions, a refusal, an error, commands, sign-ins and a denial. */
async function writeTrail(): Promise<void> {
  for (const id of ['alpha', 'beta']) {
    await db.strategy.create({ data: { id, name: id.toUpperCase(), kind: 'ZERO_DTE', state: 'WAITING', snapshot: {}, version: 0, stateSince: MARKET } });
  }
  const move = (strategyId: string, seq: number, fromState: string | null, toState: string, actor = 'system', reason: string | null = null) =>
    db.transition.create({ data: { strategyId, seq, fromState, toState, eventType: 'market.tick', eventPayload: { seq }, actor, reason, marketTime: MARKET } });
  await move('alpha', 1, null, 'WAITING');
  await move('alpha', 2, 'WAITING', 'VALIDATION');
  await move('beta', 1, null, 'WAITING');
  await move('alpha', 3, 'VALIDATION', 'DEFENSIVE_EXIT', 'otto@wheelhouse.test', 'Gamma risk into the close');
  await db.eventRefusal.create({ data: { strategyId: 'beta', state: 'WAITING', eventType: 'operator.recover', eventPayload: {}, actor: 'otto@wheelhouse.test', reason: 'not in ERROR', marketTime: MARKET } });
  await db.strategyError.create({ data: { strategyId: 'beta', state: 'WAITING', type: 'BROKER', message: 'venue unreachable', context: { attempt: 1 }, marketTime: MARKET } });
  await repositories.commands.createOnce({ type: 'EMERGENCY_HALT', strategyId: null, actor: 'otto@wheelhouse.test', reason: 'VIX spike', actorId: 'u-otto' }, randomUUID());
  const claimed = await repositories.commands.claimNext({ executor: 'engine', leased: false });
  await repositories.commands.complete(claimed!.id, 'engine', 'done', 'halted: 2 strategies exiting');
  await repositories.accessEvents.record({ kind: 'sign-in', userId: 'u-otto', actor: 'otto@wheelhouse.test', ip: '10.0.0.7', userAgent: 'test', method: 'POST', path: '/api/auth/sign-in/email', detail: null });
  await repositories.accessEvents.record({ kind: 'denied', userId: null, actor: 'anonymous', ip: '10.0.0.9', userAgent: 'test', method: 'POST', path: '/api/system/halt', detail: '401: sign in first' });
}

beforeEach(async () => {
  await resetDatabase(db);
  await writeTrail();
});

afterAll(async () => {
  await server.hub.close();
  await db.$disconnect();
});

describe('the audit trail', () => {
  it('holds every kind of row, newest first, each with the name of who acted (system actions: system)', async () => {
    const { rows, nextCursor } = await readAuditPage(query());
    expect(nextCursor).toBeNull();
    expect(rows.map((row) => [row.kind, row.actor])).toEqual([
      ['denied', 'anonymous'],
      ['sign-in', 'otto@wheelhouse.test'],
      ['command-settled', 'otto@wheelhouse.test'],
      ['command', 'otto@wheelhouse.test'],
      ['error', 'system'],
      ['refusal', 'otto@wheelhouse.test'],
      ['transition', 'otto@wheelhouse.test'],
      ['transition', 'system'],
      ['transition', 'system'],
      ['transition', 'system'],
    ]);
    expect(rows[2]).toMatchObject({ eventType: 'EMERGENCY_HALT', state: 'done', detail: 'halted: 2 strategies exiting' });
    expect(rows[6]).toMatchObject({ strategyId: 'alpha', fromState: 'VALIDATION', state: 'DEFENSIVE_EXIT', detail: 'Gamma risk into the close' });
    expect(rows[0]).toMatchObject({ eventType: 'POST /api/system/halt', detail: '401: sign in first' });
  });

  it('pages by cursor without skipping or repeating a row', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await readAuditPage(query({ limit: '3', ...(cursor ? { cursor } : {}) }));
      expect(page.rows.length).toBeLessThanOrEqual(3);
      seen.push(...page.rows.map((row) => row.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await readAuditPage(query())).rows.map((row) => row.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(10);
  });

  it('filters by strategy, actor, kind, state, time and text, all together', async () => {
    const ids = async (params: Record<string, string>) => (await readAuditPage(query(params))).rows.map((row) => `${row.kind}:${row.strategyId ?? '-'}:${row.state ?? '-'}`);
    expect(await ids({ strategy: 'beta' })).toEqual(['error:beta:WAITING', 'refusal:beta:WAITING', 'transition:beta:WAITING']);
    expect(await ids({ actor: 'anonymous' })).toEqual(['denied:-:-']);
    expect(await ids({ kind: 'transition', strategy: 'alpha' })).toHaveLength(3);
    // A state filter matches rows moving into or out of it.
    expect(await ids({ state: 'VALIDATION' })).toEqual(['transition:alpha:DEFENSIVE_EXIT', 'transition:alpha:VALIDATION']);
    expect(await ids({ q: 'gamma RISK' })).toEqual(['transition:alpha:DEFENSIVE_EXIT']);
    expect(await ids({ q: 'emergency_halt' })).toEqual(['command-settled:-:done', 'command:-:-']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ids({ from: future })).toEqual([]);
    expect(await ids({ to: future, kind: 'sign-in' })).toEqual(['sign-in:-:-']);
  });

  it('exports exactly the filtered rows, as CSV and as JSON, formulas defused', async () => {
    await repositories.accessEvents.record({ kind: 'sign-in-failed', userId: null, actor: '=HYPERLINK("x")', ip: null, userAgent: null, method: 'POST', path: '/api/auth/sign-in/email', detail: 'INVALID_EMAIL_OR_PASSWORD' });
    const text = async (format: 'csv' | 'json', params: Record<string, string>) => {
      let all = '';
      for await (const chunk of exportAudit(query(params), format)) all += chunk;
      return all;
    };
    const shown = (await readAuditPage(query({ strategy: 'alpha' }))).rows;
    const json = JSON.parse(await text('json', { strategy: 'alpha' })) as AuditRow[];
    expect(json).toEqual(shown);
    const csv = (await text('csv', { strategy: 'alpha' })).trimEnd().split('\r\n');
    expect(csv[0]).toBe('id,at,kind,strategyId,actor,fromState,state,eventType,detail,marketTime,hash');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(shown.map((row) => row.id));
    const failed = await text('csv', { kind: 'sign-in-failed' });
    expect(failed).toContain(`,"'=HYPERLINK(""x"")",`);
  });

  it('verifies as intact, and names the first row altered or removed behind the application’s back', async () => {
    expect(await verifyAudit()).toEqual({ checked: 10, intact: true, brokenId: null, problem: null });
    const target = (await readAuditPage(query({ q: 'Gamma risk' }))).rows[0]!;
    // Someone with the database's owner rights, triggers off, edits a transition's reason.
    await db.$transaction([
      db.$executeRawUnsafe('SET LOCAL session_replication_role = replica'),
      db.$executeRawUnsafe(`UPDATE transition SET reason = 'routine exit' WHERE reason = 'Gamma risk into the close'`),
    ]);
    expect(await verifyAudit()).toMatchObject({ intact: false, brokenId: target.id, problem: expect.stringMatching(/altered/) });
    await db.$transaction([
      db.$executeRawUnsafe('SET LOCAL session_replication_role = replica'),
      db.$executeRawUnsafe(`UPDATE transition SET reason = 'Gamma risk into the close' WHERE reason = 'routine exit'`),
    ]);
    expect((await verifyAudit()).intact).toBe(true);
    // ... or deletes an audit row: the next row of its chain no longer links to the one before it.
    const refusal = (await readAuditPage(query({ kind: 'refusal' }))).rows[0]!;
    const error = (await readAuditPage(query({ kind: 'error' }))).rows[0]!;
    await db.$transaction([
      db.$executeRawUnsafe('SET LOCAL session_replication_role = replica'),
      db.$executeRawUnsafe(`DELETE FROM audit_event WHERE id = ${BigInt(refusal.id)}`),
    ]);
    expect(await verifyAudit()).toMatchObject({ intact: false, brokenId: error.id, problem: expect.stringMatching(/previous hash/) });
  });

  it('refuses to change or delete a row of the trail', async () => {
    await expect(db.$executeRawUnsafe(`UPDATE audit_event SET actor = 'nobody'`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`UPDATE operator_command SET reason = 'other'`)).rejects.toThrow(/may change only its status/);
    expect((await verifyAudit()).intact).toBe(true);
  });
});

describe('the application role', () => {
  it('may append to the trail but, where the server has the role, not change or remove a row by its rights', async () => {
    await db.$executeRawUnsafe(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wheelhouse_app') THEN CREATE ROLE wheelhouse_app LOGIN; END IF; END $$`);
    // A password of its own, for servers that ask for one (the embedded PostgreSQL does; the machine's trusts).
    const password = randomUUID();
    await db.$executeRawUnsafe(`ALTER ROLE wheelhouse_app PASSWORD '${password}'`);
    // The migration grants what it finds the role in need of; run it again now that the role exists.
    const grants = await readFile(path.resolve(import.meta.dirname, '../../prisma/migrations/20261202131000_app_role_grants/migration.sql'), 'utf8');
    await db.$executeRawUnsafe(grants);
    const url = new URL(TEST_DATABASE_URL);
    url.username = 'wheelhouse_app';
    url.password = password;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      await app.query(`INSERT INTO access_event (kind, actor) VALUES ('sign-out', 'app@wheelhouse.test')`);
      for (const statement of [`UPDATE access_event SET actor = 'x'`, 'DELETE FROM transition', 'TRUNCATE audit_event', `UPDATE audit_event SET actor = 'x'`]) {
        await expect(app.query(statement), statement).rejects.toThrow(/permission denied/);
      }
      await expect(app.query('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    expect((await verifyAudit()).intact).toBe(true);
  });
});
