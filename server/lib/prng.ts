/**
 * mulberry32: a small, well-mixed 32-bit pseudo-random generator. Deterministic from its seed,
 * so the demo data, benchmarks and randomised tests are the same on every run (and a failure
 * can be replayed). Not for anything secret.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
