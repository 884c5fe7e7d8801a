import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../env';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { authorizeMetricsScrape, isSameToken } from './authorize-metrics-scrape';

const TOKEN = 'a-metrics-token-of-at-least-32-characters';
const context = (token: string | undefined) => ({ env: { METRICS_TOKEN: token } as Env, log: { warn: vi.fn() } as unknown as Logger });
const scrape = (authorization?: string) =>
  new Request('http://localhost:3000/api/metrics', { headers: authorization === undefined ? {} : { authorization } });

function refusalOf(request: Request, token: string | undefined): AppError | null {
  try {
    authorizeMetricsScrape(request, context(token));
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
}

describe('a metrics scrape on the app port', () => {
  it('is let through with the configured bearer token', () => {
    expect(refusalOf(scrape(`Bearer ${TOKEN}`), TOKEN)).toBeNull();
    expect(refusalOf(scrape(`bearer ${TOKEN}`), TOKEN)).toBeNull();
  });

  it('is not served at all (404) while no token is configured, whatever it sends', () => {
    expect(refusalOf(scrape(`Bearer ${TOKEN}`), undefined)?.code).toBe('NOT_FOUND');
    expect(refusalOf(scrape(), undefined)?.code).toBe('NOT_FOUND');
  });

  it('is refused with 401 without an Authorization header, and 403 with a wrong or malformed one', () => {
    expect(refusalOf(scrape(), TOKEN)?.code).toBe('UNAUTHENTICATED');
    expect(refusalOf(scrape(`Bearer ${TOKEN}x`), TOKEN)?.code).toBe('FORBIDDEN');
    expect(refusalOf(scrape(`Bearer ${TOKEN.slice(1)}`), TOKEN)?.code).toBe('FORBIDDEN');
    expect(refusalOf(scrape(`Basic ${TOKEN}`), TOKEN)?.code).toBe('FORBIDDEN');
    expect(refusalOf(scrape(TOKEN), TOKEN)?.code).toBe('FORBIDDEN');
    expect(refusalOf(scrape('Bearer '), TOKEN)?.code).toBe('FORBIDDEN');
  });
});

describe('tokens are compared', () => {
  it('exactly, whatever their lengths', () => {
    expect(isSameToken(TOKEN, TOKEN)).toBe(true);
    expect(isSameToken(TOKEN.toUpperCase(), TOKEN)).toBe(false);
    expect(isSameToken('', TOKEN)).toBe(false);
    expect(isSameToken(`${TOKEN} `, TOKEN)).toBe(false);
  });
});
