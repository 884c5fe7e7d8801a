import { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { Command } from '@/lib/api/contract';
import { AppError, type AppErrorCode } from '@/lib/errors';
import { reportUnexpectedFailure } from '@/lib/use-cases/report-failure';

const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  STALE_VERSION: 409,
  COMMAND_REJECTED: 409,
  COMMAND_FAILED: 500,
  ENGINE_UNAVAILABLE: 503,
};

export function errorResponse(code: string, message: string, status: number): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status });
}

/** Runs a handler and maps expected failures to the one error shape; anything else is a 500 with its cause logged. */
export async function respond(handler: () => Promise<NextResponse>): Promise<NextResponse> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof AppError) return errorResponse(error.code, error.message, STATUS_BY_CODE[error.code]);
    reportUnexpectedFailure(error);
    return errorResponse('INTERNAL', 'internal error', 500);
  }
}

/** Parses a JSON body with `schema`; malformed JSON or a body that does not fit is a 400 naming the problem. */
export async function parseBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
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

/** 200 when the engine carried the command out, 409 when it refused (with its reason), 202 while still pending. */
export function commandResponse(command: Command): NextResponse {
  if (command.status === 'rejected') return errorResponse('COMMAND_REJECTED', command.outcome ?? 'rejected', 409);
  if (command.status === 'failed') return errorResponse('COMMAND_FAILED', command.outcome ?? 'failed', 500);
  return NextResponse.json({ command }, { status: command.status === 'done' ? 200 : 202 });
}
