/**
 * Checks on input values: finite, non-negative, not all zero. Each returns the
 * value unchanged or a `Left` that names the first bad entry.
 */
import * as E from 'fp-ts/lib/Either.js'
import { invalidMatrix, negativeInput, nonFiniteInput, type Result } from './errors.ts'
import { storedValues, type AnyMatrix } from './csr.ts'
import { valuesOf } from './matrix.ts'
import { takeFoundFinite } from './found-finite.ts'

/** Calls `visit(row, col, value)` for every stored entry until it returns false. */
const everyEntry = (
  matrix: AnyMatrix,
  visit: (row: number, col: number, value: number) => boolean,
): void => {
  if (matrix.format === 'dense') {
    const values = valuesOf(matrix)
    for (let i = 0; i < matrix.rows; i++) {
      for (let j = 0; j < matrix.cols; j++) if (!visit(i, j, values[i * matrix.cols + j])) return
    }
    return
  }
  for (let i = 0; i < matrix.rows; i++) {
    for (let q = matrix.indptr[i]; q < matrix.indptr[i + 1]; q++) {
      if (!visit(i, matrix.indices[q], matrix.data[q])) return
    }
  }
}

/**
 * Whether every entry of a dense matrix is finite: one pass without branches
 * (0·x is NaN exactly when x is NaN or ±Infinity), for checks that run every
 * iteration; checkFinite then says where a failure is.
 */
export const allFinite = (values: Float64Array): boolean => {
  // A kernel's scan of these very entries, just made (core/found-finite.ts).
  if (takeFoundFinite(values)) return true
  // Four sums, so that the additions do not wait on one another; any NaN or ±Infinity
  // makes its sum NaN.
  const length = values.length
  const last = length - (length % 4)
  let [a, b, c, d] = [0, 0, 0, 0]
  for (let q = 0; q < last; q += 4) {
    a += 0 * values[q]
    b += 0 * values[q + 1]
    c += 0 * values[q + 2]
    d += 0 * values[q + 3]
  }
  for (let q = last; q < length; q++) a += 0 * values[q]
  return a + b + c + d === 0
}

/**
 * The stored entries: a dense matrix's values, a CSR matrix's non-zeros; undefined for a
 * dense matrix whose storage does not hold rows×cols entries (only `unsafeWrap` can make
 * one), which the entry-by-entry search then reports.
 */
const storedOf = (matrix: AnyMatrix): Float64Array | undefined => {
  const values = storedValues(matrix)
  return matrix.format === 'csr' || values.length === matrix.rows * matrix.cols ? values : undefined
}

/**
 * Whether every entry is finite and ≥ 0 (-0 included): one plain pass, for the common case.
 * Four entries a step, their signs compared (a branch never taken) and their finiteness in
 * four sums of 0·x as `allFinite` takes it: twice as fast as two comparisons an entry.
 */
const allNonNegative = (values: Float64Array): boolean => {
  const length = values.length
  const last = length - (length % 4)
  let [a, b, c, d] = [0, 0, 0, 0]
  for (let q = 0; q < last; q += 4) {
    // Four consts rather than a destructured array, which V8 built anew every step (as
    // slow as the loop this replaced).
    const x0 = values[q]
    const x1 = values[q + 1]
    const x2 = values[q + 2]
    const x3 = values[q + 3]
    if (x0 < 0 || x1 < 0 || x2 < 0 || x3 < 0) return false
    a += 0 * x0
    b += 0 * x1
    c += 0 * x2
    d += 0 * x3
  }
  for (let q = last; q < length; q++) {
    if (values[q] < 0) return false
    a += 0 * values[q]
  }
  return a + b + c + d === 0
}

/** Every entry finite (neither NaN nor ±Infinity). */
export const checkFinite = <M extends AnyMatrix>(
  operation: string,
  what: string,
  matrix: M,
): Result<M> => {
  // A pass without the per-entry callback first; the slow one below finds the bad entry.
  const stored = storedOf(matrix)
  if (stored !== undefined && allFinite(stored)) return E.right(matrix)
  let error: Result<M> = E.right(matrix)
  everyEntry(matrix, (row, col, value) => {
    if (Number.isFinite(value)) return true
    error = E.left(nonFiniteInput(operation, what, row, col, value))
    return false
  })
  return error
}

/** Every entry finite and ≥ 0. */
export const checkNonNegative = <M extends AnyMatrix>(
  operation: string,
  what: string,
  matrix: M,
): Result<M> => {
  const stored = storedOf(matrix)
  if (stored !== undefined && allNonNegative(stored)) return E.right(matrix)
  let error: Result<M> = E.right(matrix)
  everyEntry(matrix, (row, col, value) => {
    if (!Number.isFinite(value)) error = E.left(nonFiniteInput(operation, what, row, col, value))
    else if (value < 0) error = E.left(negativeInput(operation, what, row, col, value))
    else return true
    return false
  })
  return error
}

/**
 * checkNonNegative for a caller's X, a dense one passed once: a Matrix's entries never
 * change, and a caller who fits one X many times (other seeds, other k) or compares fits
 * of it pays for its pass once. Known by its stored values, not by the Matrix object:
 * nmf and transform read a caller's dense Matrix into a new one over the same storage
 * every call (core/input.ts). A CsrMatrix is checked every time: its parts are arrays a
 * caller holds and could write (the pass is over its stored entries only). Not for
 * matrices over storage that does change (the module's views of factors during a fit,
 * core/wasm.ts), which never reach it.
 */
export const checkNonNegativeInput = <M extends AnyMatrix>(
  operation: string,
  what: string,
  matrix: M,
): Result<M> => {
  if (matrix.format !== 'dense') return checkNonNegative(operation, what, matrix)
  const stored = storedValues(matrix)
  if (nonNegativeInputs.has(stored)) return E.right(matrix)
  const checked = checkNonNegative(operation, what, matrix)
  if (E.isRight(checked)) nonNegativeInputs.add(stored)
  return checked
}

const nonNegativeInputs = new WeakSet<Float64Array>()

/** At least one entry different from zero. */
export const checkNotAllZero = <M extends AnyMatrix>(
  operation: string,
  what: string,
  matrix: M,
): Result<M> => {
  let nonZero = false
  everyEntry(matrix, (_row, _col, value) => {
    nonZero = value !== 0
    return !nonZero
  })
  return nonZero
    ? E.right(matrix)
    : E.left(
        invalidMatrix(operation, `expected ${what} to have a non-zero entry, found only zeros`),
      )
}
