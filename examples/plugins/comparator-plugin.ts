/**
 * A comparator plugin, as docs/plugins.md walks through it: `reconstruction`
 * compares the two reconstructions W·H, which do not change when the
 * components are permuted or rescaled, and gives a verdict against a
 * tolerance read from its options.
 *
 * Run with `npx tsx examples/plugins/comparator-plugin.ts`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { pathToFileURL } from 'node:url'
import {
  checkComparable,
  compare,
  createRng,
  evaluateAll,
  isNormsReport,
  lift,
  Matrix,
  nmf,
  norms,
  optionsCodec,
  withOptions,
  type Comparator,
  type Factorization,
} from 'nmfkit'

/** The options of `reconstruction`. */
export interface ReconstructionOptions {
  /**
   * The largest relative difference ‖WₐHₐ − W_bH_b‖ / ‖WₐHₐ‖ still called `same`.
   */
  readonly tolerance: number
}

/** What `reconstruction` reports: plain JSON data, named by its `comparator` field. */
export interface ReconstructionReport {
  readonly comparator: 'reconstruction'
  readonly relativeDifference: number
  /** ‖X − W·H‖ of each, when a dense X was given. */
  readonly errors?: { readonly a: number; readonly b: number }
  readonly verdict: 'same' | 'different'
}

/** A number ≥ 0 (a tolerance). */
export const NonNegative = new t.Type<number, number, unknown>(
  'a number ≥ 0',
  (u): u is number => typeof u === 'number' && u >= 0,
  (u, c) => (typeof u === 'number' && u >= 0 ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** Compares W·H of two factorizations (and, given X, their errors). */
export const reconstruction: Comparator<ReconstructionReport, ReconstructionOptions> = {
  name: 'reconstruction',
  options: optionsCodec('reconstruction options', { tolerance: NonNegative }, { tolerance: 1e-3 }),
  compare: (a, b, context, options) =>
    E.flatMap(checkComparable('reconstruction', a, b, context.X), () => {
      const WHa = lift(a.W).times(lift(a.H))
      const WHb = lift(b.W).times(lift(b.H))
      // A CSR X is never densified, and X − W·H would need every entry: errors for dense X only.
      const X = context.X?.format === 'dense' ? lift(context.X) : undefined
      const norms = evaluateAll([
        WHa.minus(WHb).norm(),
        WHa.norm(),
        ...(X === undefined ? [] : [X.minus(WHa).norm(), X.minus(WHb).norm()]),
      ])
      return E.map((values: Matrix[]): ReconstructionReport => {
        const [difference, size, errorA, errorB] = values.map((m) => m.get(0, 0))
        const relativeDifference = size === 0 ? difference : difference / size
        return {
          comparator: 'reconstruction',
          relativeDifference,
          ...(X === undefined ? {} : { errors: { a: errorA, b: errorB } }),
          verdict: relativeDifference <= options.tolerance ? 'same' : 'different',
        }
      })(norms)
    }),
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rng = createRng(5)
  const data = Matrix.fromData(
    30,
    12,
    Float64Array.from({ length: 360 }, () => rng.uniform()),
  )
  if (E.isLeft(data)) throw new Error(data.left.message)
  const X = data.right
  const fit = (seed: number): Factorization => {
    const result = nmf(X, { components: 3, init: 'random', seed, maxIter: 500, tol: 1e-8 })
    if (E.isLeft(result)) throw new Error(result.left.message)
    return result.right
  }
  const [first, second] = [fit(1), fit(2)]

  const report = compare(first, second, {
    comparators: [norms, withOptions(reconstruction, { tolerance: 0.05 })],
    X,
  })
  if (E.isLeft(report)) throw new Error(report.left.message)
  for (const entry of report.right.reports) {
    if (isNormsReport(entry)) {
      console.log(
        `norms: max |W_a − W_b| ${entry.W.maxAbsDifference.toFixed(4)} (components not aligned)`,
      )
    } else {
      const r = entry as ReconstructionReport
      console.log(
        `reconstruction: relative difference ${r.relativeDifference.toFixed(4)} ` +
          `(tolerance 0.05): ${r.verdict}; ` +
          `errors ${r.errors?.a.toFixed(4)} and ${r.errors?.b.toFixed(4)}`,
      )
    }
  }

  const rejected = compare(first, second, {
    comparators: [withOptions(reconstruction, { tolerance: -1 })],
  })
  console.log(`tolerance -1 is rejected: ${E.isLeft(rejected) ? rejected.left.message : 'no'}`)
}
