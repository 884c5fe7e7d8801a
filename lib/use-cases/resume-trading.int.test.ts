import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, TEST_DATABASE_URL } from '../../test/db';
import type { AppError } from '../errors';
import { serverContext } from '../server/context';
import type { Operator } from './authorize-request';
import { approveResume, requestResume } from './resume-trading';
import { refusal } from '../../test/refusal';

// The server's own context on the test database (DATABASE_URL, set by the suite's setup).
const server = serverContext();
if (server.env.DATABASE_URL !== TEST_DATABASE_URL) throw new Error(`refusing to run against ${server.env.DATABASE_URL}`);
const { db, hub, repositories } = server;
// No engine runs here: an approved resume's command stays pending, and the answer comes at once.
const context = { repositories, hub, env: { ...server.env, COMMAND_WAIT_MS: 0, RESUME_APPROVAL_MINUTES: 15 } };

const operator = (name: string, authenticatedMinutesAgo = 0): Operator => ({
  userId: `user-${name}`,
  name: `${name}@wheelhouse.test`,
  role: 'operator',
  signedInAt: new Date(Date.now() - 3_600_000),
  sessionId: `session-${name}`,
  authenticatedAt: new Date(Date.now() - authenticatedMinutesAgo * 60_000),
  hasTwoFactor: false,
});
const alice = operator('alice');
const bob = operator('bob');

const ask = (who: Operator, reason = 'limits reviewed, risk agrees') => requestResume({ operator: who, reason, idempotencyKey: randomUUID() }, context);
const approve = (id: string, who: Operator, idempotencyKey = randomUUID()) =>
  approveResume(BigInt(id), { operator: who, reason: 'checked the positions too', idempotencyKey }, context);

/** What a refused call leaves behind must be nothing: the rows a resume writes, counted. */
const written = async () => ({
  requests: await db.resumeRequest.count(),
  approvals: await db.resumeApproval.count(),
  resumeCommands: await db.operatorCommand.count({ where: { type: 'RESUME' } }),
});


beforeEach(async () => {
  await resetDatabase(db);
  await repositories.system.current();
  await repositories.system.setMode({ mode: 'HALTED', cause: 'operator', actor: 'carol@wheelhouse.test', reason: 'VIX spike', marketTime: null });
});

afterAll(async () => {
  await hub.close();
  await db.$disconnect();
});

describe('two people to resume', () => {
  it('refuses a request while the system is running: there is nothing to resume', async () => {
    await repositories.system.setMode({ mode: 'RUNNING', cause: 'operator', actor: 'system', reason: 'test', marketTime: null });
    const error = await refusal(ask(alice));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/RUNNING/);
    expect(await written()).toEqual({ requests: 0, approvals: 0, resumeCommands: 0 });
  });

  it('keeps one request open at a time, names who asked, and answers a repeated key with the same request', async () => {
    const key = randomUUID();
    const first = await requestResume({ operator: alice, reason: 'limits reviewed', idempotencyKey: key }, context);
    expect(first).toMatchObject({ requestedBy: 'alice@wheelhouse.test', reason: 'limits reviewed', approvedBy: null });
    expect(Date.parse(first.expiresAt) - Date.parse(first.requestedAt)).toBe(15 * 60_000);
    expect(await requestResume({ operator: alice, reason: 'limits reviewed', idempotencyKey: key }, context)).toEqual(first);
    const second = await refusal(ask(bob));
    expect(second.code).toBe('CONFLICT');
    expect(second.message).toMatch(/requested by alice@wheelhouse\.test is already waiting/);
    expect(await repositories.resumes.open()).toMatchObject({ id: BigInt(first.id) });
    expect(await written()).toMatchObject({ requests: 1 });
  });

  it('lets nobody approve their own request', async () => {
    const request = await ask(alice);
    const error = await refusal(approve(request.id, alice));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/own resume request/);
    expect(await written()).toEqual({ requests: 1, approvals: 0, resumeCommands: 0 });
  });

  it('asks an approver who has not proved who they are in the last five minutes to do so first', async () => {
    const request = await ask(alice);
    const error = await refusal(approve(request.id, operator('bob', 6)));
    expect(error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(await written()).toEqual({ requests: 1, approvals: 0, resumeCommands: 0 });
  });

  it("turns a different operator's approval into one RESUME command under the approver's name; the request is no longer open", async () => {
    const request = await ask(alice);
    const key = randomUUID();
    const command = await approve(request.id, bob, key);
    expect(command).toMatchObject({ type: 'RESUME', actor: 'bob@wheelhouse.test', reason: 'checked the positions too', status: 'pending' });
    expect(await repositories.resumes.open()).toBeNull();
    expect(await repositories.resumes.find(BigInt(request.id))).toMatchObject({ approvedBy: 'bob@wheelhouse.test' });
    // The approver's retry is the same approval; anyone else's is refused.
    expect(await approve(request.id, bob, key)).toEqual(command);
    const again = await refusal(approve(request.id, operator('dave')));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already approved by bob@wheelhouse\.test/);
    expect(await written()).toEqual({ requests: 1, approvals: 1, resumeCommands: 1 });
  });

  it('makes one approval and one command when ten operators approve at once', async () => {
    const request = await ask(alice);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => approve(request.id, operator(`approver-${index}`))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect((result.reason as AppError).code).toBe('CONFLICT');
    }
    expect(await written()).toEqual({ requests: 1, approvals: 1, resumeCommands: 1 });
  });

  it('refuses to approve a request that has expired, and lets a new one be made', async () => {
    const expired = await repositories.resumes.request({
      requestedBy: alice.name,
      requestedById: alice.userId,
      reason: 'asked long ago',
      idempotencyKey: randomUUID(),
      openForMinutes: 0,
    });
    expect(await repositories.resumes.open()).toBeNull();
    const error = await refusal(approve(expired.id.toString(), bob));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/expired/);
    expect(await ask(bob)).toMatchObject({ requestedBy: 'bob@wheelhouse.test' });
    expect(await written()).toEqual({ requests: 2, approvals: 0, resumeCommands: 0 });
  });

  it('answers 404 for a request that does not exist', async () => {
    expect((await refusal(approve('999999', bob))).code).toBe('NOT_FOUND');
  });
});

describe('the database holds the two-person rule by itself', () => {
  it('refuses an approval row by the operator who made the request, whatever the application does', async () => {
    const request = await ask(alice);
    const command = await db.operatorCommand.create({ data: { type: 'RESUME', actor: alice.name, reason: 'sneaky', status: 'pending' } });
    await expect(
      db.$executeRaw`INSERT INTO resume_approval (request_id, approved_by, approved_by_id, reason, command_id)
                     VALUES (${BigInt(request.id)}, ${alice.name}, ${alice.userId}, 'self', ${command.id})`,
    ).rejects.toThrow(/cannot be approved by the operator who made it/);
    expect(await db.resumeApproval.count()).toBe(0);
  });
});
