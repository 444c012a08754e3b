/**
 * Failures as values. Every fallible function of nmfkit returns
 * `Either<NmfError, A>`; `NmfError` is a union tagged by `_tag`, and each
 * message names the operation, what was expected, what was found and, for bad
 * entries, the position of the first one.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describeValue } from './describe.ts'
import { counted } from './show.ts'

/** Fields shared by every error. */
interface ErrorBase {
  /** The public operation that failed, e.g. `nmf` or `fromJSON`. */
  readonly operation: string
  /** A full sentence: what was expected, what was found, and where. */
  readonly message: string
  /**
   * Which of the operation's matrices a refusal of a matrix is about, where it takes more
   * than one: `'X'`, `'W'`, `'H'`, or `'init.W'` and `'init.H'` for `nmf`'s custom start;
   * for `compare(a, b, { X })`, `'a.W'`, `'a.H'`, `'b.W'`, `'b.H'`, `'X'`, or `'a'` and
   * `'b'` for an argument that is not a factorization at all. On an `Unsupported`, `'X'`
   * where X's format or scale rules the fit out (a CSR X for a dense-only solver, entries
   * all at or below EPSILON, a fit or a start that under- or overflowed at X's scale).
   * Set on `NegativeInput`, `NonFiniteInput`, `ShapeMismatch` and `InvalidMatrix` by `nmf`,
   * `initialize`, `transform`, `inverseTransform`, `betaDivergence` and `compare` (and by
   * `checkComparable`, `checkSameShapes` and `checkData`, for comparator plugins); absent
   * elsewhere.
   */
  readonly input?: string
}

/**
 * A negative entry where only non-negative values are allowed. `row` and `col` are its
 * position in the input, or -1 for an entry of W or H that a solver plugin declaring
 * `capabilities.nonnegative` made during a fit (the message gives its place).
 */
export interface NegativeInput extends ErrorBase {
  readonly _tag: 'NegativeInput'
  readonly row: number
  readonly col: number
  readonly value: number
}

/**
 * NaN or ±Infinity in an input, or an overflow during a fit. `row` and `col`
 * are the first bad entry's position in the input, or -1 when the value is not
 * an entry of an input: an objective or an error that overflowed, or an entry
 * of W or H during a fit (the message gives its place).
 */
export interface NonFiniteInput extends ErrorBase {
  readonly _tag: 'NonFiniteInput'
  readonly row: number
  readonly col: number
  readonly value: number
  /** The option whose value made the fit overflow (`betaLoss`), where one did. */
  readonly option?: string
}

/** Two shapes that do not fit together. */
export interface ShapeMismatch extends ErrorBase {
  readonly _tag: 'ShapeMismatch'
  readonly expected: string
  readonly found: string
}

/** A matrix with no rows or no columns, or a structurally broken one. */
export interface InvalidMatrix extends ErrorBase {
  readonly _tag: 'InvalidMatrix'
}

/** An option with a value out of its domain, or an option nobody knows. */
export interface InvalidOption extends ErrorBase {
  readonly _tag: 'InvalidOption'
  readonly option: string
}

/** A combination of inputs and options that nmfkit does not support. */
export interface Unsupported extends ErrorBase {
  readonly _tag: 'Unsupported'
  /** The option whose value the solver or X cannot take (e.g. `betaLoss`), where one is. */
  readonly option?: string
  /** The entry of X that rules the option out (a zero, for β ≤ 0), where one does. */
  readonly row?: number
  readonly col?: number
}

/**
 * A fit stopped by its `AbortSignal` before its last iteration; `partial` is the fit as it
 * stood when it stopped (at `iteration` 0, the start, with `nIter` 0), or undefined when
 * its factors give a reconstruction error that is not finite.
 */
export interface Aborted<P = unknown> extends ErrorBase {
  readonly _tag: 'Aborted'
  readonly iteration: number
  readonly partial: P | undefined
}

export type NmfError =
  | NegativeInput
  | NonFiniteInput
  | ShapeMismatch
  | InvalidMatrix
  | InvalidOption
  | Unsupported
  | Aborted

/** The tags of refusals of a matrix, which `concerning` marks with the matrix's name. */
const MATRIX_REFUSALS: ReadonlySet<NmfError['_tag']> = new Set([
  'NegativeInput',
  'NonFiniteInput',
  'ShapeMismatch',
  'InvalidMatrix',
])

/** Every tag of `NmfError` (a record, so that a new kind of error must be added here). */
const ERROR_TAGS: Readonly<Record<NmfError['_tag'], true>> = {
  NegativeInput: true,
  NonFiniteInput: true,
  ShapeMismatch: true,
  InvalidMatrix: true,
  InvalidOption: true,
  Unsupported: true,
  Aborted: true,
}

/**
 * Whether a value a plugin gave as its error (in a `Left`) is an `NmfError`: an object with
 * one of its tags and a string `operation` and `message`. Reading it runs the plugin's code
 * (a getter or Proxy may throw): the caller guards the call.
 */
export const isNmfError = (value: unknown): value is NmfError => {
  if (typeof value !== 'object' || value === null) return false
  const { _tag, operation, message } = value as Record<string, unknown>
  return (
    typeof _tag === 'string' &&
    Object.hasOwn(ERROR_TAGS, _tag) &&
    typeof operation === 'string' &&
    typeof message === 'string'
  )
}

/**
 * What a plugin gave in a `Left` that is no `NmfError`, for a message: a string quoted, else
 * as `describeValue` says, with its `_tag` where it has a string one. Its reads may throw
 * (a getter or Proxy): the caller guards the call.
 *
 * @example
 * describeNotNmfError('oops') // "'oops'"
 * describeNotNmfError({ _tag: 'Weird' }) // "an object with _tag 'Weird'"
 */
export const describeNotNmfError = (value: unknown): string => {
  if (typeof value === 'string') return `'${value}'`
  const tag =
    typeof value === 'object' && value !== null ? (value as { _tag?: unknown })._tag : undefined
  return typeof tag === 'string'
    ? `${describeValue(value)} with _tag '${tag}'`
    : describeValue(value)
}

/** Marks a refusal of a matrix with the name of the argument it is about (`input`). */
export const concerning =
  (input: string) =>
  (error: NmfError): NmfError =>
    MATRIX_REFUSALS.has(error._tag) ? { ...error, input } : error

/** `1 entry`, `3 entries`: a count of entries for messages. */
export const showEntries = (count: number): string =>
  `${count} ${count === 1 ? 'entry' : 'entries'}`

/** `1 iteration`, `3 iterations`: a count of iterations for messages. */
export const showIterations = (count: number): string => counted(count, 'iteration', 'iterations')

/** Formats a number for a message: integers plainly, others with 6 significant digits. */
export const showNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))

export const negativeInput = (
  operation: string,
  what: string,
  row: number,
  col: number,
  value: number,
): NmfError => ({
  _tag: 'NegativeInput',
  operation,
  row,
  col,
  value,
  message:
    `${operation}: expected ${what} to be non-negative, ` +
    `found ${showNumber(value)} at row ${row}, column ${col}`,
})

export const nonFiniteInput = (
  operation: string,
  what: string,
  row: number,
  col: number,
  value: number,
): NmfError => ({
  _tag: 'NonFiniteInput',
  operation,
  row,
  col,
  value,
  message:
    `${operation}: expected ${what} to be finite, ` +
    `found ${String(value)} at row ${row}, column ${col}`,
})

/** A number computed during a fit (not an entry) that overflowed or became NaN. */
export const overflow = (
  operation: string,
  what: string,
  value: number,
  hint: string,
): NmfError => ({
  _tag: 'NonFiniteInput',
  operation,
  row: -1,
  col: -1,
  value,
  message: `${operation}: expected ${what} to be finite, found ${String(value)}; ${hint}`,
})

export const shapeMismatch = (
  operation: string,
  what: string,
  expected: string,
  found: string,
): NmfError => ({
  _tag: 'ShapeMismatch',
  operation,
  expected,
  found,
  message: `${operation}: expected ${what} to have ${expected}, found ${found}`,
})

export const invalidMatrix = (operation: string, message: string): NmfError => ({
  _tag: 'InvalidMatrix',
  operation,
  message: `${operation}: ${message}`,
})

export const invalidOption = (operation: string, option: string, message: string): NmfError => ({
  _tag: 'InvalidOption',
  operation,
  option,
  message: `${operation}: option '${option}': ${message}`,
})

export const unsupported = (
  operation: string,
  message: string,
  about: {
    readonly option?: string
    readonly row?: number
    readonly col?: number
    readonly input?: string
  } = {},
): NmfError => ({
  _tag: 'Unsupported',
  operation,
  ...about,
  message: `${operation}: ${message}`,
})

export const aborted = <P>(
  operation: string,
  iteration: number,
  partial: P | undefined,
): NmfError => ({
  _tag: 'Aborted',
  operation,
  iteration,
  partial,
  message: `${operation}: aborted by its signal after ${showIterations(iteration)}`,
})

export type Result<A> = E.Either<NmfError, A>
