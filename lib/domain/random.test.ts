import { describe, it, expect } from 'vitest';
import { nextNormal, nextUniform, seedState } from './random';

function draws(next: typeof nextUniform, seed: number, count: number): number[] {
  let state = seedState(seed);
  const values: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const draw = next(state);
    values.push(draw.value);
    state = draw.state;
  }
  return values;
}

describe('seedState', () => {
  it('gives an unsigned 32-bit integer', () => {
    for (const seed of [0, 1, -1, 2 ** 40 + 3, 123.9]) {
      const state = seedState(seed);
      expect(Number.isInteger(state)).toBe(true);
      expect(state).toBeGreaterThanOrEqual(0);
      expect(state).toBeLessThan(2 ** 32);
    }
  });

  it('spreads neighbouring seeds apart', () => {
    expect(draws(nextUniform, 1, 3)).not.toEqual(draws(nextUniform, 2, 3));
    expect(Math.abs(seedState(1) - seedState(2))).toBeGreaterThan(1000);
  });

  it('rejects a non-finite seed', () => {
    expect(() => seedState(Number.NaN)).toThrow(RangeError);
  });
});

describe('nextUniform', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(nextUniform, 42, 100)).toEqual(draws(nextUniform, 42, 100));
  });

  it('resumes exactly from a state that went through JSON', () => {
    const { state } = nextUniform(seedState(7));
    const restored = JSON.parse(JSON.stringify({ state })) as { state: number };
    expect(nextUniform(restored.state)).toEqual(nextUniform(state));
  });

  it('stays in [0, 1) with a mean near one half', () => {
    const values = draws(nextUniform, 3, 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

describe('nextNormal', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(nextNormal, 9, 100)).toEqual(draws(nextNormal, 9, 100));
  });

  it('consumes exactly two uniforms per normal', () => {
    const start = seedState(5);
    const afterTwo = nextUniform(nextUniform(start).state).state;
    expect(nextNormal(start).state).toBe(afterTwo);
  });

  it('has mean about 0 and variance about 1 over 10k draws', () => {
    const values = draws(nextNormal, 2024, 10_000);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
