/**
 * Comparators: plugins that take two factorizations of the same X and report
 * how they differ; `compare` (solvers/compare.ts) runs them.
 *
 * The contract: a comparator is a plain value with a name, an options codec
 * (io-ts, from what the user gives to complete options, defaults filled in)
 * and a function of two factorizations, the context (X when known) and the
 * decoded options to a report. A report is plain JSON-serializable data whose
 * `comparator` field names the comparator that made it (`compare` refuses one that does
 * not, and a `Left` that holds no `NmfError`).
 *
 * The checks of what a comparator is given: factors of matching shapes, an X of the shape
 * of W·H, and finite entries; `compare` runs the checks every comparator needs first.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as t from 'io-ts'
import { concerning, shapeMismatch, type Result } from '../core/errors.ts'
import type { Matrix } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import type { AnyMatrix } from '../core/csr.ts'
import { checkFinite, checkNonNegative } from '../core/validate.ts'
import { counted } from '../core/show.ts'

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

/**
 * A comparator plugin: a name, an options codec, and a function of two
 * factorizations (and the context, X when known) to a report. `Report` is the
 * type of its report, plain JSON-serializable data; `Options` the type of its
 * decoded options.
 *
 * @example
 * const identical: Comparator<{ comparator: 'identical'; same: boolean }, object> = {
 *   name: 'identical',
 *   options: optionsCodec('identical options', {}, {}),
 *   compare: (a, b) =>
 *     E.right({ comparator: 'identical', same: a.W === b.W && a.H === b.H }),
 * }
 */
export interface Comparator<Report = unknown, Options = unknown> {
  readonly name: string
  /**
   * Decodes the options a user gives (`undefined` when none) into complete
   * options, defaults filled in; `compare` turns a failure into an `InvalidOption`.
   */
  readonly options: t.Decoder<unknown, Options>
  // A method, not a function-valued field, so that a Comparator<R, O> is also a
  // Comparator<unknown, unknown>: one list can hold comparators with different options.
  /**
   * Compares a with b. Must not change them; returns a `Left` for inputs it
   * cannot compare (e.g. shapes that differ). Run by `compare`, it is given
   * factors of the same shapes whose entries are all finite, and a finite, non-negative X.
   */
  compare(a: FactorPair, b: FactorPair, context: CompareContext, options: Options): Result<Report>
}

/** A comparator with options of any type, as lists hold them. */
export type AnyComparator = Comparator<unknown, unknown>

/** A comparator with the options to run it with, as `compare` takes it. */
export interface ConfiguredComparator {
  readonly comparator: AnyComparator
  /** Decoded by the comparator's options codec when `compare` runs. */
  readonly options: unknown
}

/**
 * A comparator paired with options, type-checked against its options type.
 *
 * @example
 * compare(a, b, { comparators: [withOptions(aligned, { tolerance: 1e-3 })] })
 */
export const withOptions = <R, O>(
  comparator: Comparator<R, O>,
  options: Partial<O>,
): ConfiguredComparator => ({ comparator, options })

/**
 * Checks that a and b have factors of the same shapes; a factor of b that differs is the
 * error's `input` (`'b.W'`, `'b.H'`: a is the reference), unless a's own W and H do not fit
 * together: then a is no reference, and its H is named (`checkFits`). Factors that match
 * a's but do not fit together pass: `norms` compares them entry by entry.
 */
export const checkSameShapes = (operation: string, a: FactorPair, b: FactorPair): Result<void> => {
  for (const name of ['W', 'H'] as const) {
    if (a[name].rows !== b[name].rows || a[name].cols !== b[name].cols) {
      const fits = checkFits(operation, 'a', a)
      if (E.isLeft(fits)) return fits
      // Where the number of components is what differs, say so: a fit with another k.
      const k = a.W.cols
      const components = (name === 'W' ? b.W.cols : b.H.rows) !== k
      return E.left(
        concerning(`b.${name}`)(
          shapeMismatch(
            operation,
            `${name} of the second factorization`,
            `shape ${showShape(a[name].rows, a[name].cols)}` +
              (components ? ` (${counted(k, 'component', 'components')}, as the first has)` : ''),
            showShape(b[name].rows, b[name].cols),
          ),
        ),
      )
    }
  }
  return E.right(undefined)
}

/**
 * Checks that every entry of the four factors, and of X when given, is finite: a NaN or
 * ±Infinity has no difference, norm, cosine or error a report could hold as JSON. X must
 * be non-negative too, as `nmf` takes it (the factors need not be: `moving-average` with
 * `nonnegative: false` makes negative ones). The error's `input` names the matrix: `'a.W'`,
 * `'a.H'`, `'b.W'`, `'b.H'` or `'X'`.
 */
export const checkFiniteFactors = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  X?: AnyMatrix,
): Result<void> => {
  for (const [side, which, pair] of [
    ['a', 'first', a],
    ['b', 'second', b],
  ] as const) {
    for (const name of ['W', 'H'] as const) {
      const finite = checkFinite(operation, `${name} of the ${which} factorization`, pair[name])
      if (E.isLeft(finite)) return E.left(concerning(`${side}.${name}`)(finite.left))
    }
  }
  return X === undefined
    ? E.right(undefined)
    : E.bimap(concerning('X'), () => undefined)(checkNonNegative(operation, 'X', X))
}

/** Checks that X, when given, is samples×features: the shape of W·H (`input` `'X'`). */
export const checkData = (
  operation: string,
  a: FactorPair,
  X: AnyMatrix | undefined,
): Result<void> =>
  X !== undefined && (X.rows !== a.W.rows || X.cols !== a.H.cols)
    ? E.left(
        concerning('X')(
          shapeMismatch(
            operation,
            'X',
            `shape ${showShape(a.W.rows, a.H.cols)} (rows of W × columns of H)`,
            showShape(X.rows, X.cols),
          ),
        ),
      )
    : E.right(undefined)

/**
 * Checks what a comparator that forms W·H needs, in this order: within each of a and b the
 * columns of W match the rows of H, a and b have factors of the same shapes, and X (when
 * given) has the shape of W·H. The error's `input` names the matrix that does not fit:
 * `'a.H'` or `'b.H'` (W is the basis), `'b.W'` or `'b.H'` (a is the reference), or `'X'`.
 */
export const checkComparable = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  X: AnyMatrix | undefined,
): Result<void> =>
  pipe(
    checkFits(operation, 'a', a),
    E.chain(() => checkFits(operation, 'b', b)),
    E.chain(() => checkSameShapes(operation, a, b)),
    E.chain(() => checkData(operation, a, X)),
  )

/**
 * Checks that one factorization's W and H fit together, the columns of W matching the rows
 * of H; else a `ShapeMismatch` on its H (`'a.H'`, `'b.H'`: W is the basis).
 */
export const checkFits = (operation: string, side: 'a' | 'b', pair: FactorPair): Result<void> =>
  pair.H.rows === pair.W.cols
    ? E.right(undefined)
    : E.left(
        concerning(`${side}.H`)(
          shapeMismatch(
            operation,
            `H of the ${side === 'a' ? 'first' : 'second'} factorization`,
            `${counted(pair.W.cols, 'row', 'rows')} ` +
              `(as W has ${counted(pair.W.cols, 'column', 'columns')})`,
            showShape(pair.H.rows, pair.H.cols),
          ),
        ),
      )
