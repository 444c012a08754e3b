/**
 * The immutable compressed-sparse-row matrix. Same dimension names and the same
 * read API as `Matrix` where it makes sense; kernels use it without ever
 * forming the dense matrix.
 *
 * Duplicate column indices within a row are summed and unsorted indices are
 * sorted when the matrix is built, so every `CsrMatrix` is canonical: indices
 * strictly increasing within each row.
 *
 * Known limit: `indptr`, `indices` and `data` are the matrix's own storage,
 * exposed so that kernels read them without copies. Typed arrays cannot be
 * frozen, so writing into them would change the matrix; treat them as
 * read-only (`toJSON()` gives copies).
 */
import * as E from 'fp-ts/lib/Either.js'
import { DIMENSIONS } from './dimensions.ts'
import { invalidMatrix, shapeMismatch, showEntries, type Result } from './errors.ts'
import { csrTimesDense, type CsrParts } from './kernels.ts'
import { describeValue, foundSizes, Matrix, showFound, valuesOf } from './matrix.ts'
import {
  checkPosition,
  isArrayLike,
  largestOf,
  meanOf,
  nonNumberEntry,
  notAMatrix,
  showShape,
  smallestOf,
  sumOf,
} from './matrix-shared.ts'
import { euclideanNorm } from './scaled.ts'

/**
 * A sparse matrix in CSR form that never changes. Its `indptr`, `indices` and `data` are
 * its own storage, which JavaScript cannot freeze: they are for reading only.
 *
 * @example
 * // [[1, 0], [0, 2]]
 * const X = CsrMatrix.fromParts(2, 2, [0, 1, 2], [0, 1], [1, 2])
 */
export class CsrMatrix<R extends string = string, C extends string = string> implements CsrParts {
  /** A phantom field that carries the dimension names; it holds nothing at run time. */
  declare readonly [DIMENSIONS]: readonly [R, C]

  readonly format = 'csr' as const

  private constructor(
    readonly rows: number,
    readonly cols: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly data: Float64Array,
  ) {
    Object.freeze(this)
  }

  /**
   * A CSR matrix from its parts (copied). `indptr` must have rows+1 entries,
   * start at 0, never decrease and end at the number of stored entries; every
   * index must lie in 0..cols-1, and every entry of `data` must be a number (nothing is
   * converted). Duplicates are summed, unsorted rows sorted.
   */
  static fromParts<R extends string = string, C extends string = string>(
    rows: number,
    cols: number,
    indptr: ArrayLike<number>,
    indices: ArrayLike<number>,
    data: ArrayLike<number>,
  ): Result<CsrMatrix<R, C>> {
    const op = 'CsrMatrix.fromParts'
    // Indices are stored as 32-bit integers, so neither size may exceed 2^31 − 1.
    if (
      !Number.isInteger(rows) ||
      !Number.isInteger(cols) ||
      rows < 1 ||
      cols < 1 ||
      rows > MAX_INDEX ||
      cols > MAX_INDEX
    ) {
      return E.left(
        invalidMatrix(
          op,
          `expected integer rows and cols in 1..${MAX_INDEX}, ${foundSizes(rows, cols)}`,
        ),
      )
    }
    for (const [name, part] of [
      ['indptr', indptr],
      ['indices', indices],
      ['data', data],
    ] as const) {
      if (!isArrayLike(part)) {
        return E.left(
          invalidMatrix(
            op,
            `expected ${name} as an array of numbers, found ${describeValue(part)}`,
          ),
        )
      }
    }
    if (indptr.length !== rows + 1) {
      return E.left(
        shapeMismatch(op, 'indptr', `${showEntries(rows + 1)} (rows + 1)`, `${indptr.length}`),
      )
    }
    if (indices.length !== data.length) {
      return E.left(
        shapeMismatch(op, 'indices', `${showEntries(data.length)} (as data)`, `${indices.length}`),
      )
    }
    // Entries that are not numbers are shown as what they are: a string '1' is not 1.
    if (indptr[0] !== 0)
      return E.left(invalidMatrix(op, `expected indptr[0] to be 0, found ${showFound(indptr[0])}`))
    for (let i = 0; i < rows; i++) {
      if (!Number.isInteger(indptr[i + 1]) || indptr[i + 1] < indptr[i]) {
        return E.left(
          invalidMatrix(
            op,
            'expected indptr to be non-decreasing integers, ' +
              `found indptr[${i + 1}] = ${showFound(indptr[i + 1])} after ${indptr[i]}`,
          ),
        )
      }
    }
    if (indptr[rows] !== data.length) {
      return E.left(
        shapeMismatch(
          op,
          'indptr[rows]',
          `the value ${data.length} (the number of entries)`,
          `${indptr[rows]}`,
        ),
      )
    }
    for (let q = 0; q < indices.length; q++) {
      const j = indices[q]
      if (!Number.isInteger(j) || j < 0 || j >= cols) {
        return E.left(
          invalidMatrix(
            op,
            `expected column indices in 0..${cols - 1}, found indices[${q}] = ${showFound(j)}`,
          ),
        )
      }
    }
    const notNumber = nonNumberEntry(op, 'data', data)
    if (notNumber !== undefined) return E.left(notNumber)
    return E.right(canonical<R, C>(rows, cols, indptr, indices, data))
  }

  /** The non-zero entries of a dense matrix, in CSR form. */
  static fromDense<R extends string, C extends string>(matrix: Matrix<R, C>): CsrMatrix<R, C> {
    const values = valuesOf(matrix)
    let nonZeros = 0
    for (let q = 0; q < values.length; q++) if (values[q] !== 0) nonZeros++
    const indptr = new Int32Array(matrix.rows + 1)
    const indices = new Int32Array(nonZeros)
    const data = new Float64Array(nonZeros)
    let count = 0
    for (let i = 0; i < matrix.rows; i++) {
      for (let j = 0; j < matrix.cols; j++) {
        const value = values[i * matrix.cols + j]
        if (value !== 0) {
          indices[count] = j
          data[count++] = value
        }
      }
      indptr[i + 1] = count
    }
    return new CsrMatrix<R, C>(matrix.rows, matrix.cols, indptr, indices, data)
  }

  /** Internal: wraps canonical parts that nobody else holds. */
  static unsafeWrap<R extends string, C extends string>(parts: CsrParts): CsrMatrix<R, C> {
    return new CsrMatrix<R, C>(parts.rows, parts.cols, parts.indptr, parts.indices, parts.data)
  }

  /** `rows×cols`. */
  get shape(): readonly [number, number] {
    return [this.rows, this.cols]
  }

  /** The number of stored entries. */
  get nnz(): number {
    return this.data.length
  }

  /**
   * The entry at (row, col); zero where nothing is stored.
   *
   * @throws RangeError when the position is outside the matrix.
   */
  get(row: number, col: number): number {
    checkPosition('CsrMatrix.get', row, col, this.rows, this.cols)
    for (let q = this.indptr[row]; q < this.indptr[row + 1]; q++)
      if (this.indices[q] === col) return this.data[q]
    return 0
  }

  /** The dense matrix with the same entries. */
  toDense(): Matrix<R, C> {
    const out = new Float64Array(this.rows * this.cols)
    for (let i = 0; i < this.rows; i++) {
      for (let q = this.indptr[i]; q < this.indptr[i + 1]; q++)
        out[i * this.cols + this.indices[q]] = this.data[q]
    }
    return Matrix.unsafeWrap<R, C>(this.rows, this.cols, out)
  }

  /** The entries as nested arrays, zeros included. */
  toArray(): number[][] {
    return this.toDense().toArray()
  }

  /** The fixtures' JSON form: `{ format: 'csr', rows, cols, indptr, indices, data }`. */
  toJSON(): {
    format: 'csr'
    rows: number
    cols: number
    indptr: number[]
    indices: number[]
    data: number[]
  } {
    return {
      format: 'csr',
      rows: this.rows,
      cols: this.cols,
      indptr: Array.from(this.indptr),
      indices: Array.from(this.indices),
      data: Array.from(this.data),
    }
  }

  /** Aᵀ, again in CSR form. */
  transpose(): CsrMatrix<C, R> {
    const counts = new Int32Array(this.cols + 1)
    for (const j of this.indices) counts[j + 1]++
    for (let j = 0; j < this.cols; j++) counts[j + 1] += counts[j]
    const next = counts.slice(0, this.cols)
    const indices = new Int32Array(this.nnz)
    const data = new Float64Array(this.nnz)
    for (let i = 0; i < this.rows; i++) {
      for (let q = this.indptr[i]; q < this.indptr[i + 1]; q++) {
        const slot = next[this.indices[q]]++
        indices[slot] = i
        data[slot] = this.data[q]
      }
    }
    return new CsrMatrix<C, R>(this.cols, this.rows, counts, indices, data)
  }

  /** The product X·B with a dense B; the result is dense. */
  times<K extends string>(other: Matrix<C, K>): Result<Matrix<R, K>> {
    if (!(other instanceof Matrix)) return notAMatrix('CsrMatrix.times', 'the right factor', other)
    if (other.rows !== this.cols) {
      return E.left(
        shapeMismatch(
          'CsrMatrix.times',
          `the right factor of a ${showShape(this.rows, this.cols)} matrix`,
          `shape ${this.cols}×n`,
          showShape(other.rows, other.cols),
        ),
      )
    }
    return E.right(
      Matrix.unsafeWrap<R, K>(
        this.rows,
        other.cols,
        csrTimesDense(this, valuesOf(other), other.cols),
      ),
    )
  }

  /** Σ x_ij. */
  sum(): number {
    return sumOf(this.data)
  }

  /** The mean of all entries, zeros included. */
  mean(): number {
    return meanOf(this.data, this.rows * this.cols)
  }

  /** The largest entry, zeros included. */
  max(): number {
    return largestOf(this.data, this.nnz < this.rows * this.cols ? 0 : -Infinity)
  }

  /** The smallest entry, zeros included. */
  min(): number {
    return smallestOf(this.data, this.nnz < this.rows * this.cols ? 0 : Infinity)
  }

  /** ‖X‖_F. */
  frobeniusNorm(): number {
    return euclideanNorm(this.data)
  }
}

/** Sorts each row's indices and sums duplicates; copies everything it keeps. */
const canonical = <R extends string, C extends string>(
  rows: number,
  cols: number,
  indptr: ArrayLike<number>,
  indices: ArrayLike<number>,
  data: ArrayLike<number>,
): CsrMatrix<R, C> => {
  // Typed arrays of the input's length, cut at the end if duplicates were merged: plain
  // arrays grown entry by entry would leave tens of MB of garbage for a large X.
  const outPtr = new Int32Array(rows + 1)
  const outIndices = new Int32Array(data.length)
  const outData = new Float64Array(data.length)
  let count = 0
  const order: number[] = []
  for (let i = 0; i < rows; i++) {
    const start = indptr[i]
    const end = indptr[i + 1]
    let increasing = true
    for (let q = start + 1; q < end && increasing; q++) increasing = indices[q] > indices[q - 1]
    if (increasing) {
      for (let q = start; q < end; q++, count++) {
        outIndices[count] = indices[q]
        outData[count] = data[q]
      }
    } else {
      // Sorted by column (a stable sort: duplicates are added in the order given).
      order.length = 0
      for (let q = start; q < end; q++) order.push(q)
      order.sort((a, b) => indices[a] - indices[b])
      for (const q of order) {
        if (count > outPtr[i] && outIndices[count - 1] === indices[q]) outData[count - 1] += data[q]
        else {
          outIndices[count] = indices[q]
          outData[count] = data[q]
          count++
        }
      }
    }
    outPtr[i + 1] = count
  }
  return CsrMatrix.unsafeWrap<R, C>({
    rows,
    cols,
    indptr: outPtr,
    indices: count === outIndices.length ? outIndices : outIndices.slice(0, count),
    data: count === outData.length ? outData : outData.slice(0, count),
  })
}

/** The largest row or column count a CSR matrix can index with its 32-bit indices. */
export const MAX_INDEX = 2 ** 31 - 1

/** Either kind of matrix: the input X of a fit may be dense or sparse. */
export type AnyMatrix<R extends string = string, C extends string = string> =
  Matrix<R, C> | CsrMatrix<R, C>

/** The stored entries: all of a dense matrix's (row-major), a CSR matrix's non-zeros. */
export const storedValues = (X: AnyMatrix): Float64Array =>
  X.format === 'dense' ? valuesOf(X) : X.data

/** X of the same kind and shape with `values` (one per stored entry of X) in their place. */
export const withStoredValues = <R extends string, C extends string>(
  X: AnyMatrix<R, C>,
  values: Float64Array,
): AnyMatrix<R, C> =>
  X.format === 'dense'
    ? Matrix.unsafeWrap<R, C>(X.rows, X.cols, values)
    : CsrMatrix.unsafeWrap<R, C>({ ...X, data: values })
