import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';

const envOf = (settings: Record<string, string>) => loadEnv({ NODE_ENV: 'test', ...settings });

describe('the metrics settings', () => {
  it('listen on 127.0.0.1:9464 by default, with no token for the app port', () => {
    expect(envOf({}).METRICS_PORT).toBe(9464);
    expect(envOf({}).METRICS_TOKEN).toBeUndefined();
    expect(envOf({ METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });

  it('refuse a token shorter than 32 characters, and a port that is not one, naming the setting', () => {
    expect(() => envOf({ METRICS_TOKEN: 'too-short' })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(() => envOf({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(envOf({ METRICS_TOKEN: 'x'.repeat(32) }).METRICS_TOKEN).toHaveLength(32);
  });
});
