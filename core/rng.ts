/**
 * A seeded random number generator. All randomness in nmfkit flows from one
 * of these, so that a seed reproduces a fit.
 */
import seedrandom from 'seedrandom'

/** A stream of random numbers from a seed. Drawing advances the stream. */
export interface Rng {
  /** The seed this stream started from. */
  readonly seed: number
  /** A uniform draw in [0, 1) with 53 random bits. */
  uniform(): number
  /** A standard normal draw, N(0, 1). */
  normal(): number
  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array
}

/**
 * Creates an `Rng` from an integer seed.
 *
 * @example
 * const rng = createRng(42)
 * const first = rng.uniform() // the same number for every run with seed 42
 */
export const createRng = (seed: number): Rng => {
  // seedrandom's ARC4 key schedule repeats its key, so the keys '10' and '1010' give
  // the same stream; a length prefix makes no seed's key a repetition of another's.
  const key = String(seed)
  // Made at the first draw: its key schedule takes several microseconds, and most fits
  // with a given start (and no shuffle) draw nothing.
  let source: seedrandom.PRNG | undefined
  let spare: number | undefined
  const uniform = (): number => (source ??= seedrandom(`${key.length}:${key}`)).double()
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare
      spare = undefined
      return value
    }
    // Marsaglia's polar method: two normals from one accepted point in the unit disc.
    for (;;) {
      const u = 2 * uniform() - 1
      const v = 2 * uniform() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s)
        spare = v * factor
        return u * factor
      }
    }
  }
  const permutation = (n: number): Int32Array => {
    const out = new Int32Array(n)
    for (let i = 0; i < n; i++) out[i] = i
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1))
      const tmp = out[i]
      out[i] = out[j]
      out[j] = tmp
    }
    return out
  }
  return { seed, uniform, normal, permutation }
}
