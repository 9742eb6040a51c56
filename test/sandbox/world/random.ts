/**
 * A seeded PRNG (mulberry32) so that traffic splits, error injection and pod names are the same
 * on every run with the same seed: tests can state tolerances that never flake.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A child generator whose sequence depends on the parent seed and a name (one per pod, per load). */
export function forkRandom(seed: number, name: string): Random {
  return seededRandom(seed ^ fnv32a(name));
}

/** FNV-1a, 32 bits: the hash the real controller uses for pod-template-hash. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The alphabet of Kubernetes' rand.String and SafeEncodeString: no vowels, no confusable digits. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters as generateName appends them (`myapp-7c9f8d5b4-x2k9q`). */
export function randomSuffix(random: Random, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[Math.floor(random() * ALPHANUMS.length)];
  return out;
}

/** Kubernetes' SafeEncodeString: each character of `s` mapped into the alphabet above. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** Picks an index with probability proportional to its weight; -1 when all weights are zero. */
export function pickWeighted(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (total <= 0) return -1;
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    const w = Math.max(0, weights[i]!);
    if (r < w) return i;
    r -= w;
  }
  // Floating point rounding can leave r a hair above the last bucket.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return -1;
}
