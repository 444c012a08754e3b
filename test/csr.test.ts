/**
 * Tests of core/csr.ts: validation of the parts, canonical form (duplicates
 * summed, indices sorted), agreement with the dense matrix, and immutability.
 *
 * Tolerance, stated once: a product is compared entry by entry as
 * |x − y| ≤ REL_TOL · (|X|·|B|)_ij; with at most 7 terms per sum the rounding
 * bound is about 7·2⁻⁵³ ≈ 8e-16, so 1e-12 is a wide margin that still catches
 * any wrong term. Everything else (conversions, transposes, sums of duplicates
 * in input order) is exact and compared with ===.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { CsrMatrix, Matrix, type NmfError, type Result } from 'nmfkit'
import { valuesOf } from '../core/matrix.ts'

const REL_TOL = 1e-12
const RUNS = { numRuns: 150 }

const unwrap = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, found Left: ${result.left.message}`)
  return result.right
}

const errorOf = <A>(result: Result<A>): NmfError => {
  if (E.isRight(result)) throw new Error('expected Left, found Right')
  return result.left
}

const dense = (arrays: number[][]): Matrix => unwrap(Matrix.fromArrays(arrays))

/** Mostly zeros, otherwise values in [-10, 10] with five decimals. */
const sparseEntry = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 100_000), weight: 2 },
)
const size = fc.integer({ min: 1, max: 7 })
const denseOf = (rows: number, cols: number): fc.Arbitrary<Matrix> =>
  fc
    .array(sparseEntry, { minLength: rows * cols, maxLength: rows * cols })
    .map((data) => unwrap(Matrix.fromData(rows, cols, data)))
const anyDense = fc.tuple(size, size).chain(([rows, cols]) => denseOf(rows, cols))

interface Parts {
  readonly rows: number
  readonly cols: number
  readonly indptr: number[]
  readonly indices: number[]
  readonly data: number[]
}

/** Raw parts whose rows may hold repeated and unsorted column indices. */
const rawParts: fc.Arbitrary<Parts> = fc.tuple(size, size).chain(([rows, cols]) =>
  fc
    .array(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: cols - 1 }),
          fc.integer({ min: -100, max: 100 }).map((k) => k / 8),
        ),
        { maxLength: 6 },
      ),
      { minLength: rows, maxLength: rows },
    )
    .map((perRow) => {
      const indptr = [0]
      const indices: number[] = []
      const data: number[] = []
      for (const row of perRow) {
        for (const [j, value] of row) {
          indices.push(j)
          data.push(value)
        }
        indptr.push(indices.length)
      }
      return { rows, cols, indptr, indices, data }
    }),
)

const fromRaw = (parts: Parts): CsrMatrix =>
  unwrap(CsrMatrix.fromParts(parts.rows, parts.cols, parts.indptr, parts.indices, parts.data))

/** The dense matrix the raw parts describe, duplicates summed in input order. */
const denseOfParts = (parts: Parts): number[][] => {
  const out = Array.from({ length: parts.rows }, () => new Array<number>(parts.cols).fill(0))
  for (let i = 0; i < parts.rows; i++) {
    const seen = new Set<number>()
    for (let q = parts.indptr[i]; q < parts.indptr[i + 1]; q++) {
      const j = parts.indices[q]
      out[i][j] = seen.has(j) ? out[i][j] + parts.data[q] : parts.data[q]
      seen.add(j)
    }
  }
  return out
}

/** Equal shapes and entries equal under === (so 0 and -0 agree). */
const expectSame = (actual: Matrix, expected: Matrix): void => {
  expect(actual.shape).toEqual(expected.shape)
  const a = actual.toFloat64Array()
  const b = expected.toFloat64Array()
  for (let q = 0; q < a.length; q++) {
    if (a[q] !== b[q]) throw new Error(`entry ${q}: ${a[q]} !== ${b[q]}`)
  }
}

/** Indices strictly increasing within every row. */
const expectCanonical = (X: CsrMatrix): void => {
  expect(X.indptr[0]).toBe(0)
  expect(X.indptr[X.rows]).toBe(X.nnz)
  for (let i = 0; i < X.rows; i++) {
    for (let q = X.indptr[i] + 1; q < X.indptr[i + 1]; q++) {
      expect(X.indices[q]).toBeGreaterThan(X.indices[q - 1])
    }
  }
}

describe('fromParts', () => {
  it('builds the documented example', () => {
    // [[1, 0, 2], [0, 0, 3]]
    const X = unwrap(CsrMatrix.fromParts(2, 3, [0, 2, 3], [0, 2, 2], [1, 2, 3]))
    expect(X.format).toBe('csr')
    expect(X.shape).toEqual([2, 3])
    expect(X.nnz).toBe(3)
    expect(X.toArray()).toEqual([
      [1, 0, 2],
      [0, 0, 3],
    ])
    expect(X.get(0, 1)).toBe(0)
    expect(X.get(1, 2)).toBe(3)
    expect(X.toJSON()).toEqual({
      format: 'csr',
      rows: 2,
      cols: 3,
      indptr: [0, 2, 3],
      indices: [0, 2, 2],
      data: [1, 2, 3],
    })
  })

  it('accepts empty rows and a matrix with no stored entries', () => {
    const X = unwrap(CsrMatrix.fromParts(3, 2, [0, 0, 0, 0], [], []))
    expect(X.nnz).toBe(0)
    expect(X.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
  })

  const op = 'CsrMatrix.fromParts'
  it.each([
    [
      'rows not a positive integer',
      [0, 3, [0], [], []],
      'InvalidMatrix',
      `${op}: expected integer rows and cols in 1..2147483647, found 0 and 3`,
    ],
    [
      'indptr of the wrong length',
      [2, 3, [0, 2], [0, 1], [1, 1]],
      'ShapeMismatch',
      `${op}: expected indptr to have 3 entries (rows + 1), found 2`,
    ],
    [
      'indices and data of different lengths',
      [2, 3, [0, 1, 2], [0, 1, 2], [1, 1]],
      'ShapeMismatch',
      `${op}: expected indices to have 2 entries (as data), found 3`,
    ],
    [
      'indptr[0] not 0',
      [2, 3, [1, 1, 2], [0, 1], [1, 1]],
      'InvalidMatrix',
      `${op}: expected indptr[0] to be 0, found 1`,
    ],
    [
      'indptr decreasing',
      [2, 3, [0, 2, 1], [0, 1], [1, 1]],
      'InvalidMatrix',
      `${op}: expected indptr to be non-decreasing integers, found indptr[2] = 1 after 2`,
    ],
    [
      'indptr not integer',
      [2, 3, [0, 0.5, 2], [0, 1], [1, 1]],
      'InvalidMatrix',
      `${op}: expected indptr to be non-decreasing integers, found indptr[1] = 0.5 after 0`,
    ],
    [
      'indptr[rows] below the number of entries',
      [2, 3, [0, 1, 1], [0, 1], [1, 1]],
      'ShapeMismatch',
      `${op}: expected indptr[rows] to have the value 2 (the number of entries), found 1`,
    ],
    [
      'indptr[rows] above the number of entries',
      [2, 3, [0, 1, 3], [0, 1], [1, 1]],
      'ShapeMismatch',
      `${op}: expected indptr[rows] to have the value 2 (the number of entries), found 3`,
    ],
    [
      'a column index too large',
      [2, 3, [0, 1, 2], [0, 3], [1, 1]],
      'InvalidMatrix',
      `${op}: expected column indices in 0..2, found indices[1] = 3`,
    ],
    [
      'a negative column index',
      [2, 3, [0, 1, 2], [-1, 0], [1, 1]],
      'InvalidMatrix',
      `${op}: expected column indices in 0..2, found indices[0] = -1`,
    ],
    [
      'a fractional column index',
      [2, 3, [0, 1, 2], [0, 1.5], [1, 1]],
      'InvalidMatrix',
      `${op}: expected column indices in 0..2, found indices[1] = 1.5`,
    ],
  ] as const)('%s is a Left', (_name, [rows, cols, indptr, indices, data], tag, message) => {
    const error = errorOf(CsrMatrix.fromParts(rows, cols, indptr, indices, data))
    expect(error._tag).toBe(tag)
    expect(error.message).toBe(message)
  })

  // As Matrix.fromData does: a string, null, boolean or array would be coerced without a
  // word (null to 0, '3' to 3, [5] to 5), and a BigInt would throw.
  it.each([
    ['null in data', [0, 1], [0], [null], `${op}: expected a number at data[0], found null`],
    ['true in data', [0, 1], [0], [true], `${op}: expected a number at data[0], found true`],
    ['"" in data', [0, 1], [0], [''], `${op}: expected a number at data[0], found ""`],
    ['"3" in data', [0, 2], [0, 1], [1, '3'], `${op}: expected a number at data[1], found "3"`],
    ['[5] in data', [0, 1], [0], [[5]], `${op}: expected a number at data[0], found [5]`],
    [
      'a BigInt in data',
      [0, 1],
      [0],
      [1n],
      `${op}: expected a number at data[0], found 1n (a BigInt)`,
    ],
    [
      'a BigInt64Array as data',
      [0, 1],
      [0],
      BigInt64Array.of(1n),
      `${op}: expected a number at data[0], found 1n (a BigInt)`,
    ],
    ['"0" in indptr', ['0', 1], [0], [1], `${op}: expected indptr[0] to be 0, found "0"`],
    [
      '"1" in indptr',
      [0, '1'],
      [0],
      [1],
      `${op}: expected indptr to be non-decreasing integers, found indptr[1] = "1" after 0`,
    ],
    [
      'a BigInt in indptr',
      [0, 1n],
      [0],
      [1],
      `${op}: expected indptr to be non-decreasing integers, found indptr[1] = 1n (a BigInt) after 0`,
    ],
    [
      '"1" in indices',
      [0, 1],
      ['1'],
      [1],
      `${op}: expected column indices in 0..1, found indices[0] = "1"`,
    ],
    [
      'null in indices',
      [0, 1],
      [null],
      [1],
      `${op}: expected column indices in 0..1, found indices[0] = null`,
    ],
  ] as const)('%s is a Left, not a coercion', (_name, indptr, indices, data, message) => {
    const error = errorOf(
      CsrMatrix.fromParts(1, 2, indptr as never, indices as never, data as never),
    )
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe(message)
  })

  it('typed arrays of any number type are taken as they are', () => {
    const X = unwrap(
      CsrMatrix.fromParts(2, 2, Uint8Array.of(0, 1, 2), Int32Array.of(1, 0), Float32Array.of(2, 3)),
    )
    expect(X.toArray()).toEqual([
      [0, 2],
      [3, 0],
    ])
  })

  it('sums duplicates and sorts indices within a row (documented canonical form)', () => {
    // Row 0 lists column 2 twice and out of order; row 1 repeats column 0 of row 0.
    const X = unwrap(CsrMatrix.fromParts(2, 3, [0, 3, 4], [2, 0, 2, 0], [1, 5, 10, 7]))
    expect(Array.from(X.indptr)).toEqual([0, 2, 3])
    expect(Array.from(X.indices)).toEqual([0, 2, 0])
    expect(Array.from(X.data)).toEqual([5, 11, 7])
    expect(X.toArray()).toEqual([
      [5, 0, 11],
      [7, 0, 0],
    ])
  })

  it('copies its inputs and leaves them unchanged', () => {
    const indptr = [0, 3, 4]
    const indices = [2, 0, 2, 0]
    const data = [1, 5, 10, 7]
    const X = unwrap(CsrMatrix.fromParts(2, 3, indptr, indices, data))
    expect(indptr).toEqual([0, 3, 4])
    expect(indices).toEqual([2, 0, 2, 0])
    expect(data).toEqual([1, 5, 10, 7])
    const before = X.toJSON()
    indptr[1] = 0
    indices[0] = 1
    data.fill(-1)
    expect(X.toJSON()).toEqual(before)
  })

  test.prop([rawParts], RUNS)('any valid parts give the canonical form of their sum', (parts) => {
    const X = fromRaw(parts)
    expectCanonical(X)
    expectSame(X.toDense(), dense(denseOfParts(parts)))
    for (let i = 0; i < X.rows; i++) {
      const distinct = new Set(parts.indices.slice(parts.indptr[i], parts.indptr[i + 1]))
      expect(X.indptr[i + 1] - X.indptr[i]).toBe(distinct.size)
    }
  })
})

describe('reads and summaries', () => {
  const X = unwrap(CsrMatrix.fromParts(2, 3, [0, 2, 3], [0, 2, 1], [1, -2, 3]))

  it.each([
    [2, 0],
    [0, 3],
    [-1, 0],
  ])('get(%s, %s) throws a RangeError', (row, col) => {
    expect(() => X.get(row, col)).toThrow(
      new RangeError(`CsrMatrix.get: position (${row}, ${col}) is outside a 2×3 matrix`),
    )
  })

  it('get(0, 0.5) names a position that is not whole numbers', () => {
    expect(() => X.get(0, 0.5)).toThrow(
      new RangeError(
        'CsrMatrix.get: position (0, 0.5) is not a place in a 2×3 matrix: expected whole ' +
          'numbers from 0',
      ),
    )
  })

  it('sum, mean, max, min, frobeniusNorm count the zeros', () => {
    expect(X.sum()).toBe(2)
    expect(X.mean()).toBe(2 / 6)
    expect(X.max()).toBe(3)
    expect(X.min()).toBe(-2)
    expect(X.frobeniusNorm()).toBe(Math.sqrt(14))
    const positive = unwrap(CsrMatrix.fromParts(1, 2, [0, 1], [1], [4]))
    expect(positive.min()).toBe(0) // the unstored zero
    const full = unwrap(CsrMatrix.fromParts(1, 2, [0, 2], [0, 1], [-4, -3]))
    expect(full.max()).toBe(-3) // every entry stored, so no zero
  })

  test.prop([anyDense], RUNS)('reads and summaries agree with the dense matrix', (A) => {
    const X = CsrMatrix.fromDense(A)
    expect(X.shape).toEqual(A.shape)
    for (let i = 0; i < A.rows; i++) {
      for (let j = 0; j < A.cols; j++) expect(X.get(i, j)).toBe(A.get(i, j))
    }
    expect(X.toArray()).toEqual(A.toArray())
    expect(X.sum()).toBe(A.sum())
    expect(X.mean()).toBe(A.mean())
    expect(X.max()).toBe(A.max())
    expect(X.min()).toBe(A.min())
    expect(X.frobeniusNorm()).toBe(A.frobeniusNorm())
  })
})

describe('conversions and products', () => {
  it('fromDense stores exactly the non-zeros', () => {
    const X = CsrMatrix.fromDense(
      dense([
        [0, 1.5, 0],
        [0, 0, 0],
        [-2, 0, 4],
      ]),
    )
    expect(X.toJSON()).toEqual({
      format: 'csr',
      rows: 3,
      cols: 3,
      indptr: [0, 1, 1, 3],
      indices: [1, 0, 2],
      data: [1.5, -2, 4],
    })
  })

  it('transpose by hand', () => {
    // [[1, 0, 2], [0, 0, 3]]ᵀ = [[1, 0], [0, 0], [2, 3]]
    const X = unwrap(CsrMatrix.fromParts(2, 3, [0, 2, 3], [0, 2, 2], [1, 2, 3]))
    const T = X.transpose()
    expect(T.toJSON()).toEqual({
      format: 'csr',
      rows: 3,
      cols: 2,
      indptr: [0, 1, 1, 3],
      indices: [0, 0, 1],
      data: [1, 2, 3],
    })
  })

  it('times by hand, and a ShapeMismatch Left for a wrong inner size', () => {
    const X = unwrap(CsrMatrix.fromParts(2, 3, [0, 2, 3], [0, 2, 2], [1, 2, 3]))
    const B = dense([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(unwrap(X.times(B)).toArray()).toEqual([
      [11, 14],
      [15, 18],
    ])
    const error = errorOf(X.times(dense([[1], [2]])))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      'CsrMatrix.times: expected the right factor of a 2×3 matrix to have shape 3×n, found 2×1',
    )
  })

  test.prop([anyDense], RUNS)('fromDense then toDense is the identity', (A) => {
    const X = CsrMatrix.fromDense(A)
    expectSame(X.toDense(), A)
    expectCanonical(X)
    const nonZeros = Array.from(A.toFloat64Array()).filter((value) => value !== 0).length
    expect(X.nnz).toBe(nonZeros)
    for (const value of X.data) expect(value).not.toBe(0)
  })

  const productPair = fc
    .tuple(size, size, size)
    .chain(([n, p, m]) => fc.tuple(denseOf(n, p), denseOf(p, m)))

  test.prop([productPair], RUNS)('CSR times dense = dense times dense', ([A, B]) => {
    const fromSparse = unwrap(CsrMatrix.fromDense(A).times(B))
    const fromDense = unwrap(A.times(B))
    const scale = unwrap(A.map(Math.abs).times(B.map(Math.abs)))
    expect(fromSparse.shape).toEqual(fromDense.shape)
    for (let i = 0; i < fromDense.rows; i++) {
      for (let j = 0; j < fromDense.cols; j++) {
        const gap = Math.abs(fromSparse.get(i, j) - fromDense.get(i, j))
        expect(gap).toBeLessThanOrEqual(REL_TOL * scale.get(i, j))
      }
    }
  })

  test.prop([rawParts], RUNS)('transpose agrees with the dense transpose', (parts) => {
    const X = fromRaw(parts)
    const T = X.transpose()
    expect(T.shape).toEqual([X.cols, X.rows])
    expectCanonical(T)
    expectSame(T.toDense(), X.toDense().transpose())
    expect(T.transpose().toJSON()).toEqual(X.toJSON())
  })
})

describe('immutability', () => {
  const operands = fc
    .tuple(size, size, size)
    .chain(([n, p, m]) => fc.tuple(denseOf(n, p), denseOf(p, m)))

  test.prop([operands], RUNS)('no function changes its inputs', ([A, B]) => {
    const denseBefore = [A.toFloat64Array(), B.toFloat64Array()]
    const X = CsrMatrix.fromDense(A)
    const before = X.toJSON()
    X.get(0, 0)
    X.toArray()
    X.sum()
    X.mean()
    X.max()
    X.min()
    X.frobeniusNorm()
    const T = X.transpose()
    const D = X.toDense()
    const P = unwrap(X.times(B))
    expect(X.toJSON()).toEqual(before)
    expect(A.toFloat64Array()).toEqual(denseBefore[0])
    expect(B.toFloat64Array()).toEqual(denseBefore[1])

    // No result shares storage with X or with the dense inputs.
    T.data.fill(Number.NaN)
    T.indices.fill(0)
    valuesOf(D).fill(Number.NaN)
    valuesOf(P).fill(Number.NaN)
    X.toJSON().data.fill(Number.NaN)
    expect(X.toJSON()).toEqual(before)
    expect(A.toFloat64Array()).toEqual(denseBefore[0])
    expect(B.toFloat64Array()).toEqual(denseBefore[1])
  })
})
