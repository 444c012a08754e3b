/** `maximumAssignment`: against brute force over all permutations, ties, k = 1, errors. */
import * as E from 'fp-ts/lib/Either.js'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { maximumAssignment, type Assignment } from '../core/assignment.ts'
import { Matrix } from '../core/matrix.ts'

const RUNS = { numRuns: 300 }

/** Totals may differ from brute force by rounding only: a few ulps of the largest sum. */
const TOTAL_TOLERANCE = 1e-12

const matrix = (rows: number[][]): Matrix => {
  const result = Matrix.fromArrays(rows)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const solve = (weights: number[][]): Assignment => {
  const result = maximumAssignment(matrix(weights))
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** Every permutation of 0..k-1 (k! of them). */
const permutations = (k: number): number[][] => {
  if (k === 0) return [[]]
  const out: number[][] = []
  for (const rest of permutations(k - 1)) {
    for (let slot = 0; slot <= rest.length; slot++) {
      out.push([...rest.slice(0, slot), k - 1, ...rest.slice(slot)])
    }
  }
  return out
}

const totalOf = (weights: number[][], columnOfRow: readonly number[]): number =>
  columnOfRow.reduce((sum, column, row) => sum + weights[row][column], 0)

const bruteForceBest = (weights: number[][]): number =>
  Math.max(...permutations(weights.length).map((p) => totalOf(weights, p)))

const isPermutation = (columns: readonly number[], k: number): boolean =>
  columns.length === k && [...columns].sort((x, y) => x - y).every((c, i) => c === i)

const square = (entry: fc.Arbitrary<number>): fc.Arbitrary<number[][]> =>
  fc
    .integer({ min: 1, max: 7 })
    .chain((k) =>
      fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
    )

const checkOptimal = (weights: number[][]): void => {
  const { columnOfRow, total } = solve(weights)
  expect(isPermutation(columnOfRow, weights.length)).toBe(true)
  expect(total).toBe(totalOf(weights, columnOfRow))
  const best = bruteForceBest(weights)
  const scale = Math.max(1, ...weights.flat().map(Math.abs)) * weights.length
  expect(Math.abs(total - best)).toBeLessThanOrEqual(TOTAL_TOLERANCE * scale)
}

describe('maximumAssignment', () => {
  test.prop([square(fc.double({ min: -100, max: 100, noNaN: true }))], RUNS)(
    'reaches the brute-force maximum for real weights, k ≤ 7',
    checkOptimal,
  )

  // Few distinct values: many assignments tie, and the method must still find a best one.
  test.prop([square(fc.integer({ min: -2, max: 2 }))], RUNS)(
    'reaches the brute-force maximum with many ties, k ≤ 7',
    checkOptimal,
  )

  test.prop([square(fc.double({ min: -1, max: 1, noNaN: true }))], RUNS)(
    'on cosine-like weights in [-1, 1], k ≤ 7',
    checkOptimal,
  )

  it('solves the 2×2 case of its documentation', () => {
    expect(
      solve([
        [1, 9],
        [8, 2],
      ]),
    ).toEqual({ columnOfRow: [1, 0], total: 17 })
  })

  it('solves a known 3×3 case', () => {
    expect(
      solve([
        [4, 1, 3],
        [2, 0, 5],
        [3, 2, 2],
      ]),
    ).toEqual({ columnOfRow: [0, 2, 1], total: 11 })
  })

  it('recovers a permutation from a permuted identity', () => {
    const hidden = [3, 0, 4, 1, 2]
    const weights = hidden.map((column) => hidden.map((_, j) => (j === column ? 1 : 0.1)))
    expect(solve(weights).columnOfRow).toEqual(hidden)
  })

  it('k = 1: the only assignment', () => {
    expect(solve([[-3.5]])).toEqual({ columnOfRow: [0], total: -3.5 })
  })

  it('all weights equal: any permutation, total k times the weight', () => {
    const { columnOfRow, total } = solve([
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ])
    expect(isPermutation(columnOfRow, 4)).toBe(true)
    expect(total).toBe(8)
  })

  it('all weights zero', () => {
    const { columnOfRow, total } = solve([
      [0, 0],
      [0, 0],
    ])
    expect(isPermutation(columnOfRow, 2)).toBe(true)
    expect(total).toBe(0)
  })

  it('the same weights give the same assignment', () => {
    const weights = [
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]
    expect(solve(weights)).toEqual(solve(weights))
  })

  it('weights near the largest double neither overflow nor give NaN', () => {
    const big = 1e307
    const { columnOfRow, total } = solve([
      [big, -big, 0],
      [-big, 0, big],
      [0, big, -big],
    ])
    expect(columnOfRow).toEqual([0, 2, 1])
    expect(total).toBe(3 * big)
  })

  // Regression: scaling tiny weights up once overflowed to Infinity, and 0·Infinity = NaN
  // kept the search from ever reaching a free column.
  it('subnormal weights: terminates with the best assignment', () => {
    const tiny = Number.MIN_VALUE
    expect(
      solve([
        [0, tiny],
        [tiny, 0],
      ]),
    ).toEqual({ columnOfRow: [1, 0], total: 2 * tiny })
  })

  it('rejects a matrix that is not square, naming its shape', () => {
    const result = maximumAssignment(matrix([[1, 2, 3]]))
    expect(E.isLeft(result) && result.left.message).toBe(
      'maximumAssignment: expected the weights to have a square shape, found 1×3',
    )
  })

  it('rejects a non-finite weight, naming its position', () => {
    const result = maximumAssignment(
      matrix([
        [1, 2],
        [NaN, 0],
      ]),
    )
    expect(E.isLeft(result) && result.left.message).toBe(
      'maximumAssignment: expected the weights to be finite, found NaN at row 1, column 0',
    )
  })
})
