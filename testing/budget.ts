/**
 * How many cases each law runs, and from which seed. A fixed seed makes every
 * run of the suite draw the same cases; fast-check prints the seed and the
 * path of a failing case, and both can be given back to replay it:
 *
 *   NMFKIT_FUZZ_RUNS   cases per law (default: the `numRuns` of the settings, else 20)
 *   NMFKIT_FUZZ_SEED   the seed of every law (default DEFAULT_SEED)
 *   NMFKIT_FUZZ_PATH   replay one failing case: the path fast-check printed
 *                      (use with `-t` to run only the law that failed)
 */

/** The seed every law starts from unless told otherwise. */
export const DEFAULT_SEED = 0x6e6d66

/** Cases per law when neither the settings nor NMFKIT_FUZZ_RUNS say. */
export const DEFAULT_RUNS = 20

/** The parameters of one property, as fast-check takes them. */
export interface Budget {
  readonly numRuns: number
  readonly seed: number
  readonly path?: string
  /** Stop at the first failure when replaying a path. */
  readonly endOnFailure?: boolean
}

/** A variable of the environment, where there is one (not in a browser). */
const environment = (name: string): string | undefined =>
  typeof process === 'undefined' ? undefined : process.env[name]

/** A positive integer from the environment, or a clear error. */
const integerFrom = (name: string, value: string): number => {
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`nmfkit/testing: expected ${name} to be an integer, found '${value}'`)
  }
  return parsed
}

/**
 * The budget of one law: `runs` cases (NMFKIT_FUZZ_RUNS times `weight`, when set)
 * from the fixed or given seed.
 *
 * @example
 * budget(20, 0.25) // { numRuns: 5, seed: DEFAULT_SEED } in CI
 */
export const budget = (runs: number, weight = 1, seed?: number): Budget => {
  const fromEnvironment = environment('NMFKIT_FUZZ_RUNS')
  const base =
    fromEnvironment === undefined ? runs : integerFrom('NMFKIT_FUZZ_RUNS', fromEnvironment)
  const seedText = environment('NMFKIT_FUZZ_SEED')
  const path = environment('NMFKIT_FUZZ_PATH')
  return {
    numRuns: Math.max(1, Math.round(base * weight)),
    seed:
      seedText === undefined ? (seed ?? DEFAULT_SEED) : integerFrom('NMFKIT_FUZZ_SEED', seedText),
    ...(path === undefined || path === '' ? {} : { path, endOnFailure: true }),
  }
}
