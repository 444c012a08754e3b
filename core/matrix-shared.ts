/**
 * What Matrix and CsrMatrix share: how a message writes a shape, the checks of what a
 * JavaScript caller passes (a position, entries that are not numbers, an array-like, a
 * value that is not a Matrix, reads that throw), and the passes over stored values.
 */
import * as E from 'fp-ts/lib/Either.js'
import { invalidMatrix, type NmfError, type Result } from './errors.ts'
import { describeValue, showFound } from './describe.ts'
import { attempt } from './guarded.ts'

/** `rows×cols`, the way every message writes a shape. */
export const showShape = (rows: number, cols: number): string => `${rows}×${cols}`

/**
 * Throws a RangeError unless (row, col) is a place in a rows×cols matrix: whole numbers,
 * counted from 0 (a JavaScript caller can pass 0.5 or '0').
 */
export const checkPosition = (
  operation: string,
  row: number,
  col: number,
  rows: number,
  cols: number,
): void => {
  if (Number.isInteger(row) && Number.isInteger(col)) {
    if (row >= 0 && col >= 0 && row < rows && col < cols) return
    throw new RangeError(
      `${operation}: position (${row}, ${col}) is outside a ${showShape(rows, cols)} matrix`,
    )
  }
  throw new RangeError(
    `${operation}: position (${showFound(row)}, ${showFound(col)}) is not a place in a ` +
      `${showShape(rows, cols)} matrix: expected whole numbers from 0`,
  )
}

/**
 * The error for the first entry of `values` (named `name` in the message) that is not a
 * number, if one is: a string, null or a boolean would otherwise be coerced without a word,
 * and a BigInt would throw. A typed array of floats or integers holds numbers only and is
 * not read entry by entry.
 */
export const nonNumberEntry = (
  operation: string,
  name: string,
  values: ArrayLike<unknown>,
): NmfError | undefined => {
  const numbersOnly =
    ArrayBuffer.isView(values) &&
    !(values instanceof BigInt64Array) &&
    !(values instanceof BigUint64Array)
  if (numbersOnly) return undefined
  for (let q = 0; q < values.length; q++) {
    const value = values[q]
    if (typeof value !== 'number') {
      return invalidMatrix(
        operation,
        `expected a number at ${name}[${q}], found ${showFound(value)}`,
      )
    }
  }
  return undefined
}

/**
 * Whether `value` has entries 0..length−1: an array, a typed array or another object with
 * a whole-number `length` (not a string, whose characters are not numbers).
 */
export const isArrayLike = (value: unknown): value is ArrayLike<unknown> => {
  if (Array.isArray(value)) return true
  if (typeof value !== 'object' || value === null || value instanceof DataView) return false
  const length = (value as { length?: unknown }).length
  return typeof length === 'number' && Number.isSafeInteger(length) && length >= 0
}

/** An error for an argument that should be a `Matrix` and is something else. */
export const notAMatrix = (operation: string, what: string, value: unknown): Result<never> =>
  E.left(
    invalidMatrix(
      operation,
      `expected ${what} to be a Matrix, found ${describeValue(value)}` +
        (isArrayLike(value) ? ' (Matrix.fromArrays makes one of nested arrays)' : ''),
    ),
  )

/**
 * `decode()`, or, when reading the caller's value threw (a getter or a Proxy trap), the
 * `InvalidMatrix` that says so: `expected <expected>, found one that threw Error: … when read`.
 */
export const readGuarded = <A>(
  operation: string,
  expected: string,
  decode: () => Result<A>,
): Result<A> => {
  const decoded = attempt(decode)
  return E.isRight(decoded)
    ? decoded.right
    : E.left(
        invalidMatrix(
          operation,
          `expected ${expected}, found one that threw ${decoded.left} when read`,
        ),
      )
}

// The passes over stored values that Matrix and CsrMatrix share: indexed loops, several
// times faster over a typed array than `for…of`.

/** Σ values, in order. */
export const sumOf = (values: Float64Array): number => {
  let total = 0
  for (let q = 0; q < values.length; q++) total += values[q]
  return total
}

/**
 * Σ values / count (`count` at least the number of values: a CSR matrix's zeros count):
 * the plain sum over the count, or, where that sum overflows (entries near the largest
 * double), the sum of each value over the count.
 */
export const meanOf = (values: Float64Array, count: number): number => {
  const total = sumOf(values)
  if (Number.isFinite(total)) return total / count
  let mean = 0
  for (let q = 0; q < values.length; q++) mean += values[q] / count
  return mean
}

/** The largest of `start` and `values`. */
export const largestOf = (values: Float64Array, start: number): number => {
  let best = start
  for (let q = 0; q < values.length; q++) if (values[q] > best) best = values[q]
  return best
}

/** The smallest of `start` and `values`. */
export const smallestOf = (values: Float64Array, start: number): number => {
  let best = start
  for (let q = 0; q < values.length; q++) if (values[q] < best) best = values[q]
  return best
}
