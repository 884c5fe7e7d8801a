import { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { Command } from '@/lib/api/contract';
import { AppError, type AppErrorCode } from '@/lib/errors';
import { reportUnexpectedFailure } from '@/lib/use-cases/report-failure';

const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  REAUTHENTICATION_REQUIRED: 403,
  TOO_MANY_REQUESTS: 429,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  NOT_FOUND: 404,
  STALE_VERSION: 409,
  FENCED: 409,
  COMMAND_REJECTED: 409,
  PREVIEW_CHANGED: 409,
  COMMAND_FAILED: 500,
  ENGINE_UNAVAILABLE: 503,
};

export function errorResponse(code: string, message: string, status: number): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status });
}

/** Runs a handler and maps expected failures to the one error shape; anything else is a 500 with its cause logged. */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error.code, error.message, STATUS_BY_CODE[error.code]);
    reportUnexpectedFailure(error);
    return errorResponse('INTERNAL', 'internal error', 500);
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The `Idempotency-Key` header every operator action carries (the dialog makes a fresh one each time it
 * opens): 8-128 letters, digits or `.-_:`. Missing or malformed is a 400.
 */
export function idempotencyKeyOf(request: Request): string {
  const key = request.headers.get('idempotency-key');
  if (key === null) throw new AppError('VALIDATION_FAILED', 'an Idempotency-Key header is required: a fresh key (e.g. a UUID) for each action');
  if (!IDEMPOTENCY_KEY.test(key)) throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key must be 8-128 letters, digits or .-_:');
  return key;
}

/** Request bodies are small: an operator's reason, a few fault settings. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The body's text, refusing (413) one over `limit` bytes without reading it whole: a declared length is
 * checked first, and a streamed body is cut off as soon as it passes the limit.
 */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `the request body may be at most ${limit} bytes`);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

/**
 * Parses a JSON body with `schema`: a body that is not declared `application/json` is a 415 (so a plain HTML
 * form can never be one), an oversized one a 413, and malformed JSON or a body that does not fit a 400
 * naming the problem.
 */
export async function parseBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be JSON, sent as Content-Type: application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(request));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('VALIDATION_FAILED', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    throw new AppError('VALIDATION_FAILED', message);
  }
  return parsed.data;
}

/**
 * 200 when the engine carried the command out, 409 when it refused (with its reason), 202 while still pending.
 * `extra`: what the command's own answer adds beside it (a halt's unconfirmed cancels).
 */
export function commandResponse(command: Command, extra: Record<string, unknown> = {}): NextResponse {
  if (command.status === 'rejected' && command.outcomeCode === 'PREVIEW_CHANGED') return errorResponse('PREVIEW_CHANGED', command.outcome ?? 'the preview changed', 409);
  if (command.status === 'rejected') return errorResponse('COMMAND_REJECTED', command.outcome ?? 'rejected', 409);
  if (command.status === 'failed') return errorResponse('COMMAND_FAILED', command.outcome ?? 'failed', 500);
  return NextResponse.json({ command, ...extra }, { status: command.status === 'done' ? 200 : 202 });
}

/** A GET's query string parsed with `schema`: an unknown parameter or a bad value is a 400 naming it. */
export function parseSearchParams<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AppError('VALIDATION_FAILED', `${where}${issue?.message ?? 'invalid query'}`);
  }
  return parsed.data;
}

/**
 * A response streamed from text chunks as they are produced (an export of any size, never held whole). A
 * failure half-way is logged and ends the stream: the file is visibly cut short, never silently wrong.
 */
export function streamText(chunks: AsyncIterable<string>, headers: Record<string, string>): Response {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        reportUnexpectedFailure(error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, { headers: { ...headers, 'cache-control': 'no-store' } });
}
