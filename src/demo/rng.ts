/** A small deterministic random source (mulberry32): the same seed gives the same data on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
    /** Log-uniform between lo and hi. */
    logUniform: (lo: number, hi: number) => Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo))),
    /** Index drawn with probability proportional to its weight. */
    weighted: (weights: readonly number[], total = weights.reduce((s, w) => s + w, 0)) => {
      let x = next() * total;
      for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) < 0) return i;
      return weights.length - 1;
    },
    /** Poisson-distributed count with mean `mean` (Knuth for small means, normal approximation above 50). */
    poisson: (mean: number): number => {
      if (mean <= 0) return 0;
      if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss()));
      const l = Math.exp(-mean);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= next();
      } while (p > l);
      return k - 1;
    },
    hex: (n: number) => {
      let s = '';
      for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
  };
  function gauss() {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return rng;
}
export type Rng = ReturnType<typeof prng>;
