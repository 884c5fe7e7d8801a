import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandResponse, MAX_BODY_BYTES, parseBody } from './http';

const schema = z.strictObject({ reason: z.string() });
const post = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://localhost/api/system/halt', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A body streamed in chunks, counting how many were pulled: an oversized one must not be read whole. */
function streamed(chunks: number, chunkBytes: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('a JSON request body', () => {
  it('is parsed with the route\'s schema', async () => {
    await expect(parseBody(post(JSON.stringify({ reason: 'risk off' })), schema)).resolves.toEqual({ reason: 'risk off' });
    await expect(parseBody(post(JSON.stringify({ reason: 'ok' }), { 'content-type': 'application/json; charset=utf-8' }), schema)).resolves.toEqual({ reason: 'ok' });
  });

  it.each([
    ['text/plain (a cross-site HTML form)', { 'content-type': 'text/plain' }],
    ['a urlencoded form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type at all', {} as Record<string, string>],
  ])('must be declared application/json: %s is a 415', async (_what, headers) => {
    await expect(parseBody(post('{"reason":"risk off"}', headers), schema)).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('over the limit by its declared length is a 413 before any of it is read', async () => {
    const body = streamed(1_000, 20_000);
    const request = post(body.stream, { 'content-type': 'application/json', 'content-length': String(20_000_000) });
    await expect(parseBody(request, schema)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(body.pulled()).toBeLessThanOrEqual(1);
  });

  it('streamed past the limit without a length is a 413, cut off as soon as it passes', async () => {
    const body = streamed(1_000, 4_096);
    await expect(parseBody(post(body.stream), schema)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(body.pulled()).toBeLessThanOrEqual(Math.ceil(MAX_BODY_BYTES / 4_096) + 2);
  });

  it('that is not JSON, not UTF-8, or not of the schema is a 400 naming the problem', async () => {
    await expect(parseBody(post('{"reason":'), schema)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'the request body is not valid JSON' });
    await expect(parseBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), schema)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(parseBody(post('{"reason":"x","force":true}'), schema)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('force') });
  });
});

describe('a command as the answer', () => {
  const command = { id: '7', type: 'RECOVER', strategyId: 'lt112', actor: 'carol', reason: 'venue fixed', outcomeCode: null };

  it('rejected because its preview changed is a 409 PREVIEW_CHANGED with what it would do now, other refusals COMMAND_REJECTED', async () => {
    const changed = commandResponse({ ...command, status: 'rejected', outcome: 'not sent: now: cancel x', outcomeCode: 'PREVIEW_CHANGED' });
    expect(changed.status).toBe(409);
    expect(await changed.json()).toEqual({ error: { code: 'PREVIEW_CHANGED', message: 'not sent: now: cancel x' } });
    const refused = commandResponse({ ...command, status: 'rejected', outcome: 'WAITING does not accept operator.recover' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'COMMAND_REJECTED' } });
  });

  it('done is a 200, still pending a 202', () => {
    expect(commandResponse({ ...command, status: 'done', outcome: 'ok' }).status).toBe(200);
    expect(commandResponse({ ...command, status: 'pending', outcome: null }).status).toBe(202);
  });
});
