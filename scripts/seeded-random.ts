// Deterministic randomness for generated demo data and benchmark query mixes: the same
// seed always gives the same sequence (pure-rand's xoroshiro128+).
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/** A function returning numbers in [0, 1), reproducible from `seed`. */
export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}
