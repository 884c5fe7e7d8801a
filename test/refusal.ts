import { expect } from 'vitest';
import { AppError } from '../lib/errors';

/** The AppError `promise` fails with; the test fails if it succeeds or fails with anything else. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
