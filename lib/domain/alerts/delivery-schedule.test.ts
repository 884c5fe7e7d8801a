import { describe, expect, it } from 'vitest';
import { deliveryOutcome, isAccepted, RETRY_DELAYS_MS } from './delivery-schedule';

const failed = { statusCode: 500, error: '500 Internal Server Error' };
const noAnswer = { statusCode: null, error: 'timed out after 5000 ms' };

describe('the delivery schedule', () => {
  it('waits 5 s, 30 s, 2 min, 10 min and 30 min between attempts', () => {
    expect(RETRY_DELAYS_MS).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000]);
  });

  it('is delivered on any 2xx, whatever the attempt', () => {
    for (const statusCode of [200, 201, 202, 204, 299]) expect(deliveryOutcome(6, { statusCode, error: null })).toEqual({ status: 'delivered' });
  });

  it('is retried after the next wait on a failure or no answer, and failed after the sixth attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempts) => deliveryOutcome(attempts, failed))).toEqual(RETRY_DELAYS_MS.map((retryInMs) => ({ status: 'pending', retryInMs })));
    expect(deliveryOutcome(1, noAnswer)).toEqual({ status: 'pending', retryInMs: 5_000 });
    expect(deliveryOutcome(6, failed)).toEqual({ status: 'failed' });
    expect(deliveryOutcome(7, noAnswer)).toEqual({ status: 'failed' });
  });

  it('takes a shorter schedule (tests)', () => {
    expect(deliveryOutcome(1, failed, [10])).toEqual({ status: 'pending', retryInMs: 10 });
    expect(deliveryOutcome(2, failed, [10])).toEqual({ status: 'failed' });
  });

  it('counts only 2xx as accepted: not a redirect, a client error or no answer', () => {
    expect([199, 200, 299, 300, 301, 404, 500, null].map(isAccepted)).toEqual([false, true, true, false, false, false, false, false]);
  });
});
