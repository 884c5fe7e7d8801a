import { describe, expect, it } from 'vitest';
import { isFromOwnOrigin } from './authorize-request';

const ORIGIN = 'https://wheelhouse.example';
const post = (headers: Record<string, string>) => new Request(`${ORIGIN}/api/system/halt`, { method: 'POST', headers });

describe('a state change comes from the app\'s own pages only when', () => {
  it('its Origin is the public origin, exactly', () => {
    expect(isFromOwnOrigin(post({ origin: ORIGIN }), ORIGIN)).toBe(true);
    expect(isFromOwnOrigin(post({ origin: 'https://evil.example' }), ORIGIN)).toBe(false);
    expect(isFromOwnOrigin(post({ origin: 'https://wheelhouse.example.evil.example' }), ORIGIN)).toBe(false);
    expect(isFromOwnOrigin(post({ origin: 'http://wheelhouse.example' }), ORIGIN)).toBe(false);
    expect(isFromOwnOrigin(post({ origin: 'null' }), ORIGIN)).toBe(false);
  });

  it('a browser sent no Origin but says same-origin; a cross-site or header-less request is not', () => {
    expect(isFromOwnOrigin(post({ 'sec-fetch-site': 'same-origin' }), ORIGIN)).toBe(true);
    expect(isFromOwnOrigin(post({ 'sec-fetch-site': 'cross-site' }), ORIGIN)).toBe(false);
    expect(isFromOwnOrigin(post({ 'sec-fetch-site': 'same-site' }), ORIGIN)).toBe(false);
    expect(isFromOwnOrigin(post({}), ORIGIN)).toBe(false);
  });

  it('an Origin that disagrees wins over a Sec-Fetch-Site that claims same-origin', () => {
    expect(isFromOwnOrigin(post({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }), ORIGIN)).toBe(false);
  });
});
