/**
 * The immutable dense matrix. Its type carries the names of its two
 * dimensions, `Matrix<'samples', 'features'>`, so that a product whose inner
 * names differ does not compile; sizes are checked again at run time.
 */
import * as E from 'fp-ts/lib/Either.js'
import { DIMENSIONS } from './dimensions.ts'
import { invalidMatrix, shapeMismatch, showEntries, type Result } from './errors.ts'
import { gemm, gemmNT, gemmTN, transpose } from './kernels.ts'
import {
  checkPosition,
  isArrayLike,
  largestOf,
  meanOf,
  nonNumberEntry,
  notAMatrix,
  readGuarded,
  showShape,
  smallestOf,
  sumOf,
} from './matrix-shared.ts'
import { euclideanNorm } from './scaled.ts'
import { describeValue, showFound } from './describe.ts'

// Described here before describe.ts held them; importers still find them here.
export { describeValue, showFound }

/** What the constructors ask of a shape. */
const POSITIVE_SIZES = 'expected positive integer rows and cols'

/** A shape's two sizes as a message shows what it found: a string quoted, "2" and 2. */
export const foundSizes = (rows: unknown, cols: unknown): string =>
  `found ${showFound(rows)} and ${showFound(cols)}`

/** The key under which a matrix keeps its storage; not part of the public API. */
export const VALUES: unique symbol = Symbol('nmfkit.values')

/**
 * A dense matrix of float64 values, row-major, that never changes.
 *
 * `R` and `C` name the row and column dimensions, so a `Matrix<'samples', 'k'>`
 * is never mistaken for a `Matrix<'samples', 'features'>`.
 *
 * @example
 * const X = Matrix.fromArrays<'samples', 'features'>([[1, 2], [3, 4]])
 */
export class Matrix<R extends string = string, C extends string = string> {
  /**
   * A phantom field that carries the dimension names; it holds nothing at run
   * time. Free functions that infer names from two operands must mark the
   * second use `NoInfer`, or TypeScript widens the name to a union.
   */
  declare readonly [DIMENSIONS]: readonly [R, C]

  readonly format = 'dense' as const
  readonly [VALUES]: Float64Array

  private constructor(
    readonly rows: number,
    readonly cols: number,
    values: Float64Array,
  ) {
    this[VALUES] = values
    Object.freeze(this)
  }

  /** Wraps storage that nobody else holds. Internal: the caller gives up `values`. */
  static unsafeWrap<R extends string, C extends string>(
    rows: number,
    cols: number,
    values: Float64Array,
  ): Matrix<R, C> {
    return new Matrix<R, C>(rows, cols, values)
  }

  /**
   * A matrix from nested arrays, one inner array per row. Ragged or empty input is a `Left`.
   *
   * @example
   * Matrix.fromArrays([[0, 1], [1, 0]]) // Right(2×2)
   */
  static fromArrays<R extends string = string, C extends string = string>(
    arrays: ReadonlyArray<ArrayLike<number>>,
  ): Result<Matrix<R, C>> {
    return readGuarded('Matrix.fromArrays', 'an array of rows of numbers', () =>
      matrixOfArrays<R, C>(arrays),
    )
  }

  /**
   * A matrix from its shape and its entries in row-major order (copied).
   *
   * @example
   * Matrix.fromData(2, 3, [1, 2, 3, 4, 5, 6]) // Right(2×3)
   */
  static fromData<R extends string = string, C extends string = string>(
    rows: number,
    cols: number,
    data: ArrayLike<number>,
  ): Result<Matrix<R, C>> {
    return readGuarded('Matrix.fromData', 'data as an array of numbers', () =>
      matrixOfData<R, C>(rows, cols, data),
    )
  }

  /**
   * A matrix of zeros.
   *
   * @throws RangeError when rows or cols is not a positive integer.
   */
  static zeros<R extends string = string, C extends string = string>(
    rows: number,
    cols: number,
  ): Matrix<R, C> {
    return filled<R, C>('Matrix.zeros', rows, cols, 0)
  }

  /**
   * A matrix whose every entry is `value`.
   *
   * @throws RangeError when rows or cols is not a positive integer.
   */
  static fill<R extends string = string, C extends string = string>(
    rows: number,
    cols: number,
    value: number,
  ): Matrix<R, C> {
    return filled<R, C>('Matrix.fill', rows, cols, value)
  }

  /** `rows×cols`. */
  get shape(): readonly [number, number] {
    return [this.rows, this.cols]
  }

  /**
   * The entry at (row, col).
   *
   * @throws RangeError when the position is outside the matrix.
   */
  get(row: number, col: number): number {
    checkPosition('Matrix.get', row, col, this.rows, this.cols)
    return this[VALUES][row * this.cols + col]
  }

  /**
   * A copy of row `i` as a plain array.
   *
   * @throws RangeError when `i` is not a row index.
   */
  row(i: number): number[] {
    checkIndex('Matrix.row', 'row', i, this.rows)
    return Array.from(this[VALUES].subarray(i * this.cols, (i + 1) * this.cols))
  }

  /**
   * A copy of column `j` as a plain array.
   *
   * @throws RangeError when `j` is not a column index.
   */
  column(j: number): number[] {
    checkIndex('Matrix.column', 'column', j, this.cols)
    const out = new Array<number>(this.rows)
    for (let i = 0; i < this.rows; i++) out[i] = this[VALUES][i * this.cols + j]
    return out
  }

  /** The entries as nested arrays, one per row. */
  toArray(): number[][] {
    const out: number[][] = []
    for (let i = 0; i < this.rows; i++) out.push(this.row(i))
    return out
  }

  /** A copy of the entries in row-major order. */
  toFloat64Array(): Float64Array {
    return this[VALUES].slice()
  }

  /** The fixtures' JSON form: `{ format: 'dense', rows, cols, data }`. */
  toJSON(): { format: 'dense'; rows: number; cols: number; data: number[] } {
    return { format: 'dense', rows: this.rows, cols: this.cols, data: Array.from(this[VALUES]) }
  }

  /** Aᵀ. */
  transpose(): Matrix<C, R> {
    return new Matrix<C, R>(this.cols, this.rows, transpose(this[VALUES], this.rows, this.cols))
  }

  /**
   * The product A·B. The inner dimension names must agree at compile time, and
   * the inner sizes at run time.
   */
  times<K extends string>(other: Matrix<C, K>): Result<Matrix<R, K>> {
    if (!(other instanceof Matrix)) return notAMatrix('Matrix.times', 'the right factor', other)
    if (other.rows !== this.cols) {
      return E.left(
        shapeMismatch(
          'Matrix.times',
          `the right factor of a ${showShape(this.rows, this.cols)} matrix`,
          `shape ${this.cols}×n`,
          showShape(other.rows, other.cols),
        ),
      )
    }
    return E.right(
      new Matrix<R, K>(
        this.rows,
        other.cols,
        gemm(this[VALUES], this.rows, this.cols, other[VALUES], other.cols),
      ),
    )
  }

  /** The product A·Bᵀ for B with the same column dimension. */
  timesTransposed<K extends string>(other: Matrix<K, C>): Result<Matrix<R, K>> {
    if (!(other instanceof Matrix)) {
      return notAMatrix('Matrix.timesTransposed', 'the right factor', other)
    }
    if (other.cols !== this.cols) {
      return E.left(
        shapeMismatch(
          'Matrix.timesTransposed',
          `the right factor of a ${showShape(this.rows, this.cols)} matrix`,
          `shape n×${this.cols}`,
          showShape(other.rows, other.cols),
        ),
      )
    }
    return E.right(
      new Matrix<R, K>(
        this.rows,
        other.rows,
        gemmNT(this[VALUES], this.rows, this.cols, other[VALUES], other.rows),
      ),
    )
  }

  /** The product Aᵀ·B for B with the same row dimension. */
  transposeTimes<K extends string>(other: Matrix<R, K>): Result<Matrix<C, K>> {
    if (!(other instanceof Matrix)) {
      return notAMatrix('Matrix.transposeTimes', 'the right factor', other)
    }
    if (other.rows !== this.rows) {
      return E.left(
        shapeMismatch(
          'Matrix.transposeTimes',
          `the right factor of a ${showShape(this.rows, this.cols)} matrix`,
          `shape ${this.rows}×n`,
          showShape(other.rows, other.cols),
        ),
      )
    }
    return E.right(
      new Matrix<C, K>(
        this.cols,
        other.cols,
        gemmTN(this[VALUES], this.rows, this.cols, other[VALUES], other.cols),
      ),
    )
  }

  /** Applies `f` to every entry. */
  map(f: (value: number, row: number, col: number) => number): Matrix<R, C> {
    const source = this[VALUES]
    const out = new Float64Array(source.length)
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++)
        out[i * this.cols + j] = f(source[i * this.cols + j], i, j)
    }
    return new Matrix<R, C>(this.rows, this.cols, out)
  }

  /** Combines two matrices of one shape entry by entry. */
  zipWith(
    other: Matrix<R, C>,
    f: (a: number, b: number) => number,
    operation = 'Matrix.zipWith',
  ): Result<Matrix<R, C>> {
    if (!(other instanceof Matrix)) return notAMatrix(operation, 'the other matrix', other)
    if (other.rows !== this.rows || other.cols !== this.cols) {
      return E.left(
        shapeMismatch(
          operation,
          'the other matrix',
          `shape ${showShape(this.rows, this.cols)}`,
          showShape(other.rows, other.cols),
        ),
      )
    }
    const a = this[VALUES]
    const b = other[VALUES]
    const out = new Float64Array(a.length)
    for (let i = 0; i < a.length; i++) out[i] = f(a[i], b[i])
    return E.right(new Matrix<R, C>(this.rows, this.cols, out))
  }

  /** A + B. */
  plus(other: Matrix<R, C>): Result<Matrix<R, C>> {
    return this.zipWith(other, (a, b) => a + b, 'Matrix.plus')
  }

  /** A − B. */
  minus(other: Matrix<R, C>): Result<Matrix<R, C>> {
    return this.zipWith(other, (a, b) => a - b, 'Matrix.minus')
  }

  /** s·A. */
  scale(factor: number): Matrix<R, C> {
    return this.map((value) => value * factor)
  }

  /** Σ a_ij. */
  sum(): number {
    return sumOf(this[VALUES])
  }

  /** The mean of all entries. */
  mean(): number {
    return meanOf(this[VALUES], this.rows * this.cols)
  }

  /** The largest entry. */
  max(): number {
    return largestOf(this[VALUES], -Infinity)
  }

  /** The smallest entry. */
  min(): number {
    return smallestOf(this[VALUES], Infinity)
  }

  /** ‖A‖_F, the square root of the sum of squares (scaled where the squares would not fit). */
  frobeniusNorm(): number {
    return euclideanNorm(this[VALUES])
  }
}

/** The getter behind every typed array's `Symbol.toStringTag`: it reads no Proxy trap. */
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Float64Array.prototype) as object,
  Symbol.toStringTag,
)?.get

/**
 * A value that passed `instanceof Matrix`, read once: its shape and storage, checked, in a
 * Matrix of nmfkit's own over the same (never written) storage, so that nothing reads the
 * caller's object again; else what it is instead, for a message (`found …`, see
 * `matrixFlaw`). A Proxy of a Matrix passes `instanceof`, and its traps may throw at any
 * read; an object made with `Object.create(Matrix.prototype)` has no shape. Reads that
 * throw are let through: the caller guards them (`readGuarded`, `attempt`).
 */
export const ownMatrix = <R extends string, C extends string>(
  value: Matrix<R, C>,
): E.Either<string, Matrix<R, C>> => {
  const { rows, cols } = value
  const values: unknown = value[VALUES]
  const flaw = flawOf(rows, cols, values)
  return flaw === undefined
    ? E.right(Matrix.unsafeWrap<R, C>(rows, cols, values as Float64Array))
    : E.left(flaw)
}

/**
 * What a value that passed `instanceof Matrix` is, for a message (`found …`), when it is
 * not a matrix as nmfkit makes them (a shape of positive integers over a Float64Array of
 * rows×cols entries): an object made with `Object.create(Matrix.prototype)`, or a Matrix
 * that `Matrix.unsafeWrap` made over an array of another length; undefined when it is one.
 * It reads the shape and the storage once, builds nothing when the matrix is sound (a
 * check of a solver's state, every iteration), and lets a read that throws through.
 */
export const matrixFlaw = (value: Matrix): string | undefined =>
  flawOf(value.rows, value.cols, value[VALUES])

const flawOf = (rows: number, cols: number, values: unknown): string | undefined => {
  const shaped = Number.isSafeInteger(rows) && Number.isSafeInteger(cols) && rows >= 1 && cols >= 1
  const stored = shaped && typedArrayTag?.call(values) === 'Float64Array'
  if (stored && (values as Float64Array).length === rows * cols) return undefined
  const show = (size: unknown) => (typeof size === 'number' ? String(size) : describeValue(size))
  const what = stored
    ? `a ${showShape(rows, cols)} Matrix whose storage holds ` +
      `${showEntries((values as Float64Array).length)}, not ${rows * cols}`
    : `an object that passes instanceof Matrix but is not one (${
        shaped
          ? `a ${showShape(rows, cols)} shape without its ${showEntries(rows * cols)}`
          : `rows ${show(rows)}, cols ${show(cols)}`
      })`
  return `${what}: make matrices with Matrix.fromArrays or Matrix.fromData`
}

/**
 * `Matrix.fromArrays` without its guard: a getter or Proxy trap of the caller's that
 * throws is let through, for a caller that guards a larger read (core/input.ts).
 */
export const matrixOfArrays = <R extends string = string, C extends string = string>(
  arrays: ReadonlyArray<ArrayLike<number>>,
): Result<Matrix<R, C>> => {
  if (!isArrayLike(arrays)) {
    return E.left(
      invalidMatrix(
        'Matrix.fromArrays',
        `expected an array of rows, found ${describeValue(arrays)}`,
      ),
    )
  }
  // Every row an array before any is read: [1, 2, 3] is one row too few levels deep.
  const notRow = Array.prototype.findIndex.call(arrays, (row: unknown) => !isArrayLike(row))
  if (notRow >= 0) {
    return E.left(
      invalidMatrix(
        'Matrix.fromArrays',
        `expected row ${notRow} to be an array of numbers, found ` +
          `${describeValue(arrays[notRow])} (a matrix is an array of rows, e.g. [[1, 2, 3]])`,
      ),
    )
  }
  const rows = arrays.length
  const cols = rows > 0 ? arrays[0].length : 0
  if (rows === 0 || cols === 0) {
    return E.left(
      invalidMatrix(
        'Matrix.fromArrays',
        `expected at least one row and one column, found ${showShape(rows, cols)}`,
      ),
    )
  }
  const values = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    const row = arrays[i]
    if (row.length !== cols) {
      return E.left(
        shapeMismatch(
          'Matrix.fromArrays',
          `row ${i}`,
          `${showEntries(cols)} (as row 0)`,
          `${row.length}`,
        ),
      )
    }
    for (let j = 0; j < cols; j++) {
      const value: unknown = row[j]
      // A string, boolean or null would otherwise be coerced to a number without a word.
      if (typeof value !== 'number') {
        const found = showFound(value)
        return E.left(
          invalidMatrix(
            'Matrix.fromArrays',
            `expected a number at row ${i}, column ${j}, found ${found}`,
          ),
        )
      }
      values[i * cols + j] = value
    }
  }
  return E.right(Matrix.unsafeWrap<R, C>(rows, cols, values))
}

/** `Matrix.fromData` without its guard, as `matrixOfArrays` is `fromArrays`'s. */
export const matrixOfData = <R extends string = string, C extends string = string>(
  rows: number,
  cols: number,
  data: ArrayLike<number>,
): Result<Matrix<R, C>> => {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    return E.left(invalidMatrix('Matrix.fromData', `${POSITIVE_SIZES}, ${foundSizes(rows, cols)}`))
  }
  if (!isArrayLike(data)) {
    return E.left(
      invalidMatrix(
        'Matrix.fromData',
        `expected data as an array of numbers, found ${describeValue(data)}`,
      ),
    )
  }
  const notNumber = nonNumberEntry('Matrix.fromData', 'data', data)
  if (notNumber !== undefined) return E.left(notNumber)
  if (data.length !== rows * cols) {
    return E.left(
      shapeMismatch(
        'Matrix.fromData',
        'data',
        `${showEntries(rows * cols)} (${showShape(rows, cols)})`,
        `${data.length}`,
      ),
    )
  }
  return E.right(Matrix.unsafeWrap<R, C>(rows, cols, Float64Array.from(data)))
}

/** Throws a RangeError unless `index` is an integer in 0..size-1. */
const checkIndex = (operation: string, what: string, index: number, size: number): void => {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${operation}: expected a ${what} index in 0..${size - 1}, found ${index}`)
  }
}

/** A rows×cols matrix of `value`; a RangeError naming `operation` for a bad shape. */
const filled = <R extends string, C extends string>(
  operation: string,
  rows: number,
  cols: number,
  value: number,
): Matrix<R, C> => {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`${operation}: ${POSITIVE_SIZES}, ${foundSizes(rows, cols)}`)
  }
  return Matrix.unsafeWrap<R, C>(rows, cols, new Float64Array(rows * cols).fill(value))
}

/** The storage of a matrix, for kernels. Internal: never write into it. */
export const valuesOf = (matrix: Matrix): Float64Array => matrix[VALUES]
