/**
 * `norms`: the notebook's set of metrics, entry by entry, with no alignment of the
 * components (`aligned.ts` has the comparison up to permutation and scale), and its report.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { overflow, type Result } from '../core/errors.ts'
import { valuesOf, type Matrix } from '../core/matrix.ts'
import { largestOf, meanOf } from '../core/matrix-shared.ts'
import { euclideanNorm } from '../core/scaled.ts'
import { optionsCodec } from './comparator-options.ts'
import {
  checkFiniteFactors,
  checkSameShapes,
  type Comparator,
  type FactorPair,
} from './comparator.ts'

/** Max, min, mean and Frobenius norm of one factor. */
export interface FactorSummary {
  readonly max: number
  readonly min: number
  readonly mean: number
  readonly frobeniusNorm: number
}

/** The notebook's metrics for one factor of a and of b. */
export interface DifferenceMetrics {
  /** ‖A − B‖_F / (rows·cols), as the notebook scales it. */
  readonly frobeniusPerEntry: number
  /** max |A − B|. */
  readonly maxAbsDifference: number
  /** mean |A − B|. */
  readonly meanAbsDifference: number
  readonly a: FactorSummary
  readonly b: FactorSummary
}

/** The report of `norms`. */
export interface NormsReport {
  readonly comparator: 'norms'
  readonly W: DifferenceMetrics
  readonly H: DifferenceMetrics
}

// Means and norms are the plain formulas, bit for bit, wherever they neither overflow nor
// underflow, and scaled where they would (factors near 1e-160 or 1e155 and beyond).
const summarize = (matrix: Matrix): FactorSummary => ({
  max: matrix.max(),
  min: matrix.min(),
  mean: matrix.mean(),
  frobeniusNorm: matrix.frobeniusNorm(),
})

const differences = (a: Matrix, b: Matrix): DifferenceMetrics => {
  const y = valuesOf(b)
  const difference = valuesOf(a).map((x, q) => Math.abs(x - y[q]))
  // Finite entries whose difference is beyond the largest double (1e308 − (−1e308)): the
  // metrics from the halves' differences, doubled last, so that only a metric whose value
  // is out of range comes out infinite.
  const halved = !difference.every(Number.isFinite)
  const d = halved ? valuesOf(a).map((x, q) => Math.abs(x / 2 - y[q] / 2)) : difference
  const scale = halved ? 2 : 1
  return {
    frobeniusPerEntry: scale * (euclideanNorm(d) / d.length),
    maxAbsDifference: scale * largestOf(d, 0),
    meanAbsDifference: scale * meanOf(d, d.length),
    a: summarize(a),
    b: summarize(b),
  }
}

/** The path of the first number in `value` that is not finite, e.g. `W.a.frobeniusNorm`. */
export const firstNonFinite = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const found = firstNonFinite(inner, path === '' ? key : `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** The report of `norms` for factors of the same shapes, all finite; no checks. */
export const normsReport = (a: FactorPair, b: FactorPair): NormsReport => ({
  comparator: 'norms',
  W: differences(a.W, b.W),
  H: differences(a.H, b.H),
})

/**
 * The report of `norms`, or the refusal of its first metric beyond the largest double,
 * which `named` names (a report of Infinity would not be JSON).
 */
export const finiteNormsReport = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  named: (metric: string) => string,
): Result<NormsReport> => {
  const report = normsReport(a, b)
  const beyond = firstNonFinite(report, '')
  return beyond === undefined
    ? E.right(report)
    : E.left(
        overflow(operation, named(beyond), Infinity, 'it is beyond the largest double (1.80e308)'),
      )
}

/**
 * The notebook's comparison: norms and elementwise differences of W and of H.
 * It takes no options. Factors with an entry that is not finite are a `NonFiniteInput`,
 * and so is a metric beyond the largest double (a norm or a difference of entries near it).
 */
export const norms: Comparator<NormsReport, object> = {
  name: 'norms',
  options: optionsCodec('norms options', {}, {}),
  compare: (a, b) =>
    pipe(
      checkSameShapes('compare', a, b),
      E.chain(() => checkFiniteFactors('compare', a, b)),
      E.chain(() => finiteNormsReport('compare', a, b, (metric) => `the norms metric ${metric}`)),
    ),
}

/** True for a `NormsReport`, e.g. one of the `reports` of `compare`. */
export const isNormsReport = (report: unknown): report is NormsReport =>
  typeof report === 'object' &&
  report !== null &&
  (report as { comparator?: unknown }).comparator === 'norms'
