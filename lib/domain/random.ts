/**
 * A seeded generator (mulberry32) whose whole state is one unsigned 32-bit integer, so it can be
 * stored as JSON next to whatever it drives and resumed exactly.
 */

export interface Draw {
  readonly value: number;
  readonly state: number;
}

const GOLDEN_GAMMA = 0x6d2b79f5;
const TWO_POW_32 = 4_294_967_296;

/**
 * Initial state for a seed. The seed is scrambled (murmur3's finalizer) so nearby seeds such as 1
 * and 2 start far apart. Any finite number works; only its integer part's low 32 bits matter.
 */
export function seedState(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number, got ${seed}`);
  let h = Math.trunc(seed) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform number in [0, 1) and the state to use for the next draw. */
export function nextUniform(state: number): Draw {
  const next = (state + GOLDEN_GAMMA) >>> 0;
  let t = Math.imul(next ^ (next >>> 15), next | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32, state: next };
}

/**
 * A standard normal number (Box–Muller, two uniforms per draw). The second normal Box–Muller could
 * give is discarded so the state alone determines the sequence.
 */
export function nextNormal(state: number): Draw {
  const first = nextUniform(state);
  const second = nextUniform(first.state);
  // 1 - u lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - first.value));
  return { value: radius * Math.cos(2 * Math.PI * second.value), state: second.state };
}
