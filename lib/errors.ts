/** The one error type for expected failures that cross a layer; route handlers map `code` to an HTTP status. */
export type AppErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'REAUTHENTICATION_REQUIRED'
  | 'TOO_MANY_REQUESTS'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'NOT_FOUND'
  | 'STALE_VERSION'
  /** A write under a lease this server no longer holds: another server runs that now. */
  | 'FENCED'
  | 'COMMAND_REJECTED'
  /** An override would no longer send what the operator was shown: nothing was sent; look at the new preview. */
  | 'PREVIEW_CHANGED'
  | 'COMMAND_FAILED'
  | 'ENGINE_UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** Why a strategy's transition was not written, as the engine is told: its lease is gone, or its version moved on. */
export function transitionRefused(write: { strategyId: string; expectedVersion: number }, refused: 'FENCED' | 'STALE_VERSION'): AppError {
  return refused === 'FENCED'
    ? new AppError('FENCED', `strategy ${write.strategyId}: this server no longer holds its lease; the transition was not written`)
    : new AppError('STALE_VERSION', `strategy ${write.strategyId} is no longer at version ${write.expectedVersion}; the transition was not written`);
}
