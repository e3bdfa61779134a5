/** A small seeded PRNG (mulberry32): the same seed gives the same company on every machine. */
export interface Random {
  next(): number; // [0, 1)
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** An index in [0, n) skewed towards 0 (Zipf-like), for group sizes: most small, a few large. */
  skewed(n: number, exponent?: number): number;
}

export function createRandom(seed: number): Random {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    skewed: (n, exponent = 2.2) => Math.min(n - 1, Math.floor(n * next() ** exponent)),
  };
}
