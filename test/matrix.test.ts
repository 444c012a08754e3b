/**
 * Tests of core/matrix.ts: constructors and their errors, reads, hand-computed
 * products, algebraic laws (fast-check) and immutability.
 *
 * Tolerance, stated once: floating-point results are compared entry by entry as
 * |x − y| ≤ REL_TOL · s, where s is the entry of the matching product of
 * absolute values (e.g. (|A|·|B|·|C|)_ij). The standard error bound of a sum of
 * p products is γ_p·s with γ_p ≈ p·2⁻⁵³ ≈ 1.1e-15 for p ≤ 6, so 1e-12 leaves a
 * margin of 1000 while still failing on any real error. Results that are exact
 * in IEEE arithmetic (transposes, reorderings of one sum) are compared with ===.
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

/** Entries in [-10, 10] with five decimals (so products round), and exact zeros. */
const entry = fc.oneof(
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 100_000), weight: 5 },
  { arbitrary: fc.constant(0), weight: 1 },
)
const size = fc.integer({ min: 1, max: 6 })
const matrixOf = (rows: number, cols: number): fc.Arbitrary<Matrix> =>
  fc
    .array(entry, { minLength: rows * cols, maxLength: rows * cols })
    .map((data) => unwrap(Matrix.fromData(rows, cols, data)))
const anyMatrix = fc.tuple(size, size).chain(([rows, cols]) => matrixOf(rows, cols))

/** A (n×p), B (p×m), C (m×q) with random sizes. */
const chain3 = fc
  .tuple(size, size, size, size)
  .chain(([n, p, m, q]) => fc.tuple(matrixOf(n, p), matrixOf(p, m), matrixOf(m, q)))

/** Two matrices of one shape. */
const samePair = fc
  .tuple(size, size)
  .chain(([rows, cols]) => fc.tuple(matrixOf(rows, cols), matrixOf(rows, cols)))

const absolute = (matrix: Matrix): Matrix => matrix.map(Math.abs)

/** Asserts |x − y| ≤ REL_TOL · scale entrywise, and equal shapes. */
const expectClose = (actual: Matrix, expected: Matrix, scale: Matrix): void => {
  expect(actual.shape).toEqual(expected.shape)
  for (let i = 0; i < actual.rows; i++) {
    for (let j = 0; j < actual.cols; j++) {
      const gap = Math.abs(actual.get(i, j) - expected.get(i, j))
      if (gap > REL_TOL * scale.get(i, j)) {
        throw new Error(
          `entry (${i}, ${j}): ${actual.get(i, j)} vs ${expected.get(i, j)}, gap ${gap}`,
        )
      }
    }
  }
}

/** Asserts equal shapes and entries equal under === (so 0 and -0 agree). */
const expectSame = (actual: Matrix, expected: Matrix): void => {
  expect(actual.shape).toEqual(expected.shape)
  const a = actual.toFloat64Array()
  const b = expected.toFloat64Array()
  for (let q = 0; q < a.length; q++) {
    if (a[q] !== b[q]) throw new Error(`entry ${q}: ${a[q]} !== ${b[q]}`)
  }
}

describe('constructors', () => {
  it('fromArrays reads rows in order', () => {
    const A = dense([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(A.format).toBe('dense')
    expect(A.shape).toEqual([2, 3])
    expect(A.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(A.get(1, 2)).toBe(6)
  })

  it('fromArrays accepts typed-array rows and copies them', () => {
    const row = Float64Array.from([1, 2])
    const A = unwrap(Matrix.fromArrays([row, [3, 4]]))
    row[0] = 99
    expect(A.get(0, 0)).toBe(1)
  })

  it('fromArrays of no rows is an InvalidMatrix Left', () => {
    const error = errorOf(Matrix.fromArrays([]))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe(
      'Matrix.fromArrays: expected at least one row and one column, found 0×0',
    )
  })

  it('fromArrays of empty rows is an InvalidMatrix Left', () => {
    const error = errorOf(Matrix.fromArrays([[], []]))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe(
      'Matrix.fromArrays: expected at least one row and one column, found 2×0',
    )
  })

  it('fromArrays of ragged rows is a ShapeMismatch Left naming the row', () => {
    const error = errorOf(Matrix.fromArrays([[1, 2], [3, 4], [5]]))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      'Matrix.fromArrays: expected row 2 to have 2 entries (as row 0), found 1',
    )
    // One entry is an entry, not "1 entries".
    expect(errorOf(Matrix.fromArrays([[1], [2, 3]])).message).toBe(
      'Matrix.fromArrays: expected row 1 to have 1 entry (as row 0), found 2',
    )
    expect(errorOf(Matrix.fromData(1, 1, [1, 2])).message).toBe(
      'Matrix.fromData: expected data to have 1 entry (1×1), found 2',
    )
  })

  it('fromData is row-major and copies its input', () => {
    const data = [1, 2, 3, 4, 5, 6]
    const A = unwrap(Matrix.fromData(2, 3, data))
    data[0] = 99
    expect(A.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
  })

  it('fromData with the wrong number of entries is a ShapeMismatch Left', () => {
    const error = errorOf(Matrix.fromData(2, 3, [1, 2, 3, 4, 5]))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe('Matrix.fromData: expected data to have 6 entries (2×3), found 5')
  })

  it.each([
    [0, 3, 'found 0 and 3'],
    [2, 0, 'found 2 and 0'],
    [-1, 2, 'found -1 and 2'],
    [1.5, 2, 'found 1.5 and 2'],
    [Number.NaN, 2, 'found NaN and 2'],
  ])('fromData(%s, %s) is an InvalidMatrix Left', (rows, cols, found) => {
    const error = errorOf(Matrix.fromData(rows, cols, []))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe(`Matrix.fromData: expected positive integer rows and cols, ${found}`)
  })

  it('zeros and fill', () => {
    expect(Matrix.zeros(2, 3).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(Matrix.fill(3, 1, 7).toArray()).toEqual([[7], [7], [7]])
    // A bad shape is a RangeError naming the function called.
    expect(() => Matrix.zeros(0, 2)).toThrow(
      new RangeError('Matrix.zeros: expected positive integer rows and cols, found 0 and 2'),
    )
    expect(() => Matrix.fill(2, 1.5, 1)).toThrow(
      new RangeError('Matrix.fill: expected positive integer rows and cols, found 2 and 1.5'),
    )
    // A string is quoted: '2' read as 2 made the message seem to refuse a good size.
    expect(() => Matrix.zeros('2' as never, 2)).toThrow(
      new RangeError('Matrix.zeros: expected positive integer rows and cols, found "2" and 2'),
    )
  })

  it("toEqual compares two matrices' entries (a test's expect(W).toEqual(...) means it)", () => {
    expect(dense([[1, 2]])).not.toEqual(dense([[3, 4]]))
    expect(dense([[1, 2]])).toEqual(dense([[1, 2]]))
  })

  it('a matrix is frozen', () => {
    const A = dense([[1]])
    expect(Object.isFrozen(A)).toBe(true)
    expect(() => {
      ;(A as unknown as { rows: number }).rows = 5
    }).toThrow(TypeError)
  })
})

describe('reads', () => {
  const A = dense([
    [1, 2, 3],
    [4, 5, 6],
  ])

  it.each([
    [2, 0],
    [0, 3],
    [-1, 0],
    [0, -1],
  ])('get(%s, %s) throws a RangeError', (row, col) => {
    expect(() => A.get(row, col)).toThrow(
      new RangeError(`Matrix.get: position (${row}, ${col}) is outside a 2×3 matrix`),
    )
  })

  it.each([
    [0.5, 0, '0.5'],
    [Number.NaN, 0, 'NaN'],
    ['0', 0, '"0"'],
  ])('get(%s, %s): not a place, not "outside"', (row, col, shown) => {
    expect(() => A.get(row as number, col)).toThrow(
      new RangeError(
        `Matrix.get: position (${shown}, 0) is not a place in a 2×3 matrix: expected whole ` +
          'numbers from 0',
      ),
    )
  })

  it('row, column, toFloat64Array and toJSON', () => {
    expect(A.row(1)).toEqual([4, 5, 6])
    expect(A.column(2)).toEqual([3, 6])
    expect(Array.from(A.toFloat64Array())).toEqual([1, 2, 3, 4, 5, 6])
    expect(A.toJSON()).toEqual({ format: 'dense', rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] })
  })

  test.prop([anyMatrix], RUNS)('every read agrees with get', (M) => {
    const byGet = Array.from({ length: M.rows }, (_, i) =>
      Array.from({ length: M.cols }, (_, j) => M.get(i, j)),
    )
    const byColumn = Array.from({ length: M.cols }, (_, j) => M.column(j))
    expect(M.toArray()).toEqual(byGet)
    expect(byGet.map((_, i) => M.row(i))).toEqual(byGet)
    expect(byGet.map((_, i) => byColumn.map((column) => column[i]))).toEqual(byGet)
    expect(Array.from(M.toFloat64Array())).toEqual(byGet.flat())
    expect(M.toJSON()).toEqual({ format: 'dense', rows: M.rows, cols: M.cols, data: byGet.flat() })
  })
})

describe('products by hand', () => {
  const A = dense([
    [1, 2, 3],
    [4, 5, 6],
  ])

  it('transpose', () => {
    expect(A.transpose().toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
  })

  it('times', () => {
    const P = dense([
      [1, 2],
      [3, 4],
    ])
    const Q = dense([
      [5, 6],
      [7, 8],
    ])
    expect(unwrap(P.times(Q)).toArray()).toEqual([
      [19, 22],
      [43, 50],
    ])
    expect(unwrap(A.times(dense([[1], [0], [-1]]))).toArray()).toEqual([[-2], [-2]])
  })

  it('timesTransposed: A·Bᵀ', () => {
    const B = dense([
      [1, 0, 1],
      [0, 1, 0],
    ])
    expect(unwrap(A.timesTransposed(B)).toArray()).toEqual([
      [4, 2],
      [10, 5],
    ])
  })

  it('transposeTimes: Aᵀ·B', () => {
    const B = dense([
      [1, 0],
      [0, 2],
    ])
    expect(unwrap(A.transposeTimes(B)).toArray()).toEqual([
      [1, 8],
      [2, 10],
      [3, 12],
    ])
  })

  it('map passes row and column', () => {
    expect(A.map((_value, i, j) => 10 * i + j).toArray()).toEqual([
      [0, 1, 2],
      [10, 11, 12],
    ])
  })

  it('plus, minus, scale, zipWith', () => {
    const B = dense([
      [6, 5, 4],
      [3, 2, 1],
    ])
    expect(unwrap(A.plus(B)).toArray()).toEqual([
      [7, 7, 7],
      [7, 7, 7],
    ])
    expect(unwrap(A.minus(B)).toArray()).toEqual([
      [-5, -3, -1],
      [1, 3, 5],
    ])
    expect(A.scale(-2).toArray()).toEqual([
      [-2, -4, -6],
      [-8, -10, -12],
    ])
    expect(unwrap(A.zipWith(B, Math.max)).toArray()).toEqual([
      [6, 5, 4],
      [4, 5, 6],
    ])
  })

  it('sum, mean, max, min, frobeniusNorm', () => {
    const M = dense([
      [1, -2],
      [3, -4],
    ])
    expect(M.sum()).toBe(-2)
    expect(M.mean()).toBe(-0.5)
    expect(M.max()).toBe(3)
    expect(M.min()).toBe(-4)
    expect(M.frobeniusNorm()).toBe(Math.sqrt(30))
    // All-negative and all-positive: the extremes are not seeded with 0.
    expect(dense([[-1, -2]]).max()).toBe(-1)
    expect(dense([[1, 2]]).min()).toBe(1)
  })

  it('mean and frobeniusNorm where the plain sums overflow or underflow', () => {
    // Σ x overflows for two entries near the largest double; Σ x² for entries of 1e200
    // (overflow) and 1e-200 (underflow), while the mean and the norm are representable.
    expect(dense([[1.5e308, 1.5e308]]).mean()).toBe(1.5e308)
    const huge = dense([[3e200, 4e200]]).frobeniusNorm()
    expect(Math.abs(huge - 5e200)).toBeLessThanOrEqual(1e-15 * 5e200)
    const tiny = dense([[3e-200, 4e-200]]).frobeniusNorm()
    expect(Math.abs(tiny - 5e-200)).toBeLessThanOrEqual(1e-15 * 5e-200)
    const sparse = CsrMatrix.fromDense(dense([[3e200, 0, 4e200]]))
    expect(Math.abs(sparse.frobeniusNorm() - 5e200)).toBeLessThanOrEqual(1e-15 * 5e200)
    expect(CsrMatrix.fromDense(dense([[1.5e308, 0, 1.5e308]])).mean()).toBe(1e308)
  })
})

describe('run-time shape mismatches', () => {
  const A = dense([
    [1, 2, 3],
    [4, 5, 6],
  ])
  const square = dense([
    [1, 2],
    [3, 4],
  ])

  it('times is a ShapeMismatch Left naming the expected and found shapes', () => {
    const error = errorOf(A.times(square))
    expect(error).toMatchObject({ _tag: 'ShapeMismatch', expected: 'shape 3×n', found: '2×2' })
    expect(error.message).toBe(
      'Matrix.times: expected the right factor of a 2×3 matrix to have shape 3×n, found 2×2',
    )
  })

  it('times names both operands’ full shapes in its message', () => {
    const error = errorOf(A.times(square))
    expect(error.message).toContain('2×3')
    expect(error.message).toContain('2×2')
  })

  it('timesTransposed is a ShapeMismatch Left', () => {
    const error = errorOf(A.timesTransposed(square))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      'Matrix.timesTransposed: expected the right factor of a 2×3 matrix ' +
        'to have shape n×3, found 2×2',
    )
  })

  it('transposeTimes is a ShapeMismatch Left', () => {
    const error = errorOf(A.transposeTimes(A.transpose()))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      'Matrix.transposeTimes: expected the right factor of a 2×3 matrix ' +
        'to have shape 2×n, found 3×2',
    )
  })

  it.each([
    ['plus', (a: Matrix, b: Matrix) => a.plus(b)],
    ['minus', (a: Matrix, b: Matrix) => a.minus(b)],
    ['zipWith', (a: Matrix, b: Matrix) => a.zipWith(b, (x, y) => x * y)],
  ] as const)('%s with another shape is a ShapeMismatch Left', (name, combine) => {
    const error = errorOf(combine(A, A.transpose()))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      `Matrix.${name}: expected the other matrix to have shape 2×3, found 3×2`,
    )
  })
})

describe('laws', () => {
  test.prop([anyMatrix], RUNS)('transpose is an involution', (A) => {
    expect(A.transpose().shape).toEqual([A.cols, A.rows])
    expectSame(A.transpose().transpose(), A)
  })

  test.prop([chain3], RUNS)('(A·B)ᵀ = Bᵀ·Aᵀ', ([A, B]) => {
    const left = unwrap(A.times(B)).transpose()
    const right = unwrap(B.transpose().times(A.transpose()))
    const scale = unwrap(absolute(A).times(absolute(B))).transpose()
    expectClose(left, right, scale)
  })

  test.prop([chain3], RUNS)('(A·B)·C = A·(B·C)', ([A, B, C]) => {
    const left = unwrap(unwrap(A.times(B)).times(C))
    const right = unwrap(A.times(unwrap(B.times(C))))
    const scale = unwrap(unwrap(absolute(A).times(absolute(B))).times(absolute(C)))
    expectClose(left, right, scale)
  })

  test.prop([chain3], RUNS)('A·Bᵀ by timesTransposed = A·(Bᵀ) by times', ([A, B]) => {
    const Bt = B.transpose() // m×p, so A (n×p) · Btᵀ is defined
    const scale = unwrap(absolute(A).times(absolute(B)))
    expectClose(unwrap(A.timesTransposed(Bt)), unwrap(A.times(B)), scale)
  })

  test.prop([chain3], RUNS)('Aᵀ·B by transposeTimes = (Aᵀ)·B by times', ([A, B]) => {
    const At = A.transpose() // p×n, so Atᵀ·B is A·B
    const scale = unwrap(absolute(A).times(absolute(B)))
    expectClose(unwrap(At.transposeTimes(B)), unwrap(A.times(B)), scale)
  })

  test.prop([samePair], RUNS)('(A + B) − B = A, and A + B = B + A', ([A, B]) => {
    const sum = unwrap(A.plus(B))
    const scale = unwrap(absolute(A).plus(absolute(B)))
    expectClose(unwrap(sum.minus(B)), A, scale)
    expectSame(sum, unwrap(B.plus(A)))
    expectSame(unwrap(A.minus(A)), Matrix.zeros(A.rows, A.cols))
  })

  test.prop([anyMatrix], RUNS)('2·A = A + A exactly', (A) => {
    expectSame(A.scale(2), unwrap(A.plus(A)))
  })

  test.prop([anyMatrix], RUNS)('‖A‖_F² = Σ a_ij², and ‖Aᵀ‖_F = ‖A‖_F', (A) => {
    const squares = A.map((value) => value * value).sum()
    const norm = A.frobeniusNorm()
    expect(Math.abs(norm * norm - squares)).toBeLessThanOrEqual(REL_TOL * squares)
    expect(Math.abs(A.transpose().frobeniusNorm() - norm)).toBeLessThanOrEqual(REL_TOL * norm)
  })

  test.prop([anyMatrix], RUNS)('mean, max and min agree with the entries', (A) => {
    const entries = Array.from(A.toFloat64Array())
    expect(A.mean()).toBe(A.sum() / entries.length)
    expect(A.max()).toBe(Math.max(...entries))
    expect(A.min()).toBe(Math.min(...entries))
  })
})

describe('immutability', () => {
  /** A, B of one shape n×p; C of p×m; D of n×m; F of m×p. */
  const operands = fc
    .tuple(size, size, size)
    .chain(([n, p, m]) =>
      fc.tuple(matrixOf(n, p), matrixOf(n, p), matrixOf(p, m), matrixOf(n, m), matrixOf(m, p)),
    )

  test.prop([operands], RUNS)('no method changes its inputs', ([A, B, C, D, F]) => {
    const inputs = [A, B, C, D, F]
    const before = inputs.map((matrix) => matrix.toFloat64Array())
    const results: Matrix[] = [
      A.transpose(),
      unwrap(A.times(C)),
      unwrap(A.timesTransposed(F)),
      unwrap(A.transposeTimes(D)),
      A.map((value) => value + 1),
      unwrap(A.zipWith(B, (a, b) => a * b)),
      unwrap(A.plus(B)),
      unwrap(A.minus(B)),
      A.scale(3),
    ]
    A.get(0, 0)
    A.row(0)
    A.column(0)
    A.toArray()
    A.toJSON()
    A.sum()
    A.mean()
    A.max()
    A.min()
    A.frobeniusNorm()
    inputs.forEach((matrix, q) => expect(matrix.toFloat64Array()).toEqual(before[q]))

    // No result shares storage with an input: overwrite every result's storage.
    for (const result of results) valuesOf(result).fill(Number.NaN)
    inputs.forEach((matrix, q) => expect(matrix.toFloat64Array()).toEqual(before[q]))
  })

  test.prop([anyMatrix], RUNS)('copies handed out do not alias the matrix', (A) => {
    const before = A.toFloat64Array()
    A.toFloat64Array().fill(Number.NaN)
    A.toArray()[0][0] = Number.NaN
    A.row(0)[0] = Number.NaN
    A.column(0)[0] = Number.NaN
    A.toJSON().data[0] = Number.NaN
    expect(A.toFloat64Array()).toEqual(before)
  })
})
