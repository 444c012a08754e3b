/**
 * Comparators: plugins that take two factorizations of the same X and report
 * how they differ. `compare(a, b)` runs them; `norms` is the notebook's set of
 * metrics, entry by entry, with no alignment of the components.
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { showShape, valuesOf, type Matrix } from '../core/matrix.ts'
import type { AnyMatrix } from '../core/csr.ts'

/** The two factors a comparator reads; a `Factorization` is one. */
export interface FactorPair {
  readonly W: Matrix
  readonly H: Matrix
}

/** What a comparator may use besides the two factorizations. */
export interface CompareContext {
  /** The data both were fitted to, when known. */
  readonly X?: AnyMatrix
}

/** A comparator plugin: a name and a function of two factorizations to a report. */
export interface Comparator<Report = unknown> {
  readonly name: string
  readonly compare: (a: FactorPair, b: FactorPair, context: CompareContext) => Result<Report>
}

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

const summarize = (matrix: Matrix): FactorSummary => ({
  max: matrix.max(),
  min: matrix.min(),
  mean: matrix.mean(),
  frobeniusNorm: matrix.frobeniusNorm(),
})

const differences = (a: Matrix, b: Matrix): DifferenceMetrics => {
  const x = valuesOf(a)
  const y = valuesOf(b)
  let squares = 0
  let largest = 0
  let total = 0
  for (let q = 0; q < x.length; q++) {
    const diff = Math.abs(x[q] - y[q])
    squares += diff * diff
    total += diff
    if (diff > largest) largest = diff
  }
  return {
    frobeniusPerEntry: Math.sqrt(squares) / x.length,
    maxAbsDifference: largest,
    meanAbsDifference: total / x.length,
    a: summarize(a),
    b: summarize(b),
  }
}

/** Checks that a and b have factors of the same shapes. */
export const checkSameShapes = (operation: string, a: FactorPair, b: FactorPair): Result<void> => {
  for (const name of ['W', 'H'] as const) {
    if (a[name].rows !== b[name].rows || a[name].cols !== b[name].cols) {
      return E.left(
        shapeMismatch(
          operation,
          `${name} of the second factorization`,
          `shape ${showShape(a[name].rows, a[name].cols)}`,
          showShape(b[name].rows, b[name].cols),
        ),
      )
    }
  }
  return E.right(undefined)
}

/** The notebook's comparison: norms and elementwise differences of W and of H. */
export const norms: Comparator<NormsReport> = {
  name: 'norms',
  compare: (a, b) =>
    E.map(() => ({
      comparator: 'norms' as const,
      W: differences(a.W, b.W),
      H: differences(a.H, b.H),
    }))(checkSameShapes('compare', a, b)),
}

/** Options of `compare`. */
export interface CompareOptions {
  /** The comparators to run, in order. @default [norms] */
  readonly comparators?: readonly Comparator[]
  readonly X?: AnyMatrix
}

/** The reports of the comparators, in the order they ran. */
export interface Report {
  readonly reports: readonly unknown[]
}

/**
 * Compares two factorizations of the same X with each comparator.
 *
 * @example
 * const report = compare(fitA, fitB) // Right({ reports: [NormsReport] })
 */
export const compare = (
  a: FactorPair,
  b: FactorPair,
  options: CompareOptions = {},
): Result<Report> => {
  const comparators = options.comparators ?? [norms]
  const context: CompareContext = options.X === undefined ? {} : { X: options.X }
  return E.map((reports: readonly unknown[]) => ({ reports }))(
    E.sequenceArray(comparators.map((comparator) => comparator.compare(a, b, context))),
  )
}
