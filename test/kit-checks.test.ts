/**
 * nmfkit/testing's comparisons and objectives (testing/checks.ts), on small cases worked out
 * by hand.
 */
import { describe, expect, it } from 'vitest'
import {
  createRng,
  CsrMatrix,
  Matrix,
  type Factorization,
  type Factors,
  type Problem,
} from 'nmfkit'
import {
  changeSince,
  componentDistance,
  fitDifference,
  nonFiniteParts,
  objectiveScale,
  penalizedDivergence,
  snapshot,
  weightedFactors,
} from 'nmfkit/testing'
import { unwrap } from './fixture-helpers.ts'

/** A problem for X with β and penalties; the other fields as nmf would set them. */
const problemOf = (
  X: number[][],
  beta: number,
  penalties = { l1W: 0, l2W: 0, l1H: 0, l2H: 0 },
): Problem => {
  const matrix = unwrap(Matrix.fromArrays(X))
  return {
    X: matrix,
    components: 1,
    squaredNormX: matrix.frobeniusNorm() ** 2,
    beta,
    penalties,
    shuffle: false,
    rng: createRng(0),
  }
}

const factors = (W: number[][], H: number[][]): Factors => ({
  W: unwrap(Matrix.fromArrays(W)) as Factors['W'],
  H: unwrap(Matrix.fromArrays(H)) as Factors['H'],
})

describe('penalizedDivergence', () => {
  it('is d_β plus the penalties for non-negative factors', () => {
    // W·H = [[2, 4]]: ½((3 − 2)² + (4 − 4)²) = 0.5; W's penalty 1·1 + ½·2·1 = 2, H's
    // 0.5·(2 + 4) + ½·0·… = 3.
    const problem = problemOf([[3, 4]], 2, { l1W: 1, l2W: 2, l1H: 0.5, l2H: 0 })
    expect(penalizedDivergence(problem, factors([[1]], [[2, 4]]))).toBe(5.5)
  })

  it('is ½‖X − W·H‖² plus the penalties, with Σ|M| for L1, for factors of any sign at β = 2', () => {
    // W·H = [[2, -4]]: ½((3 − 2)² + (4 + 4)²) = 32.5; W's penalty 1·1 + ½·2·1 = 2, H's
    // 0.5·(2 + 4) + ½·1·(4 + 16) = 13.
    const problem = problemOf([[3, 4]], 2, { l1W: 1, l2W: 2, l1H: 0.5, l2H: 1 })
    expect(penalizedDivergence(problem, factors([[-1]], [[-2, 4]]))).toBeCloseTo(47.5, 12)
  })

  it('refuses negative factors for β ≠ 2, naming the entry', () => {
    const problem = problemOf([[3, 4]], 1)
    expect(() => penalizedDivergence(problem, factors([[1]], [[2, -4]]))).toThrow(
      new RangeError(
        'penalizedDivergence: expected non-negative factors for β = 1, found H[0, 1] = -4: ' +
          'd_β(X | W·H) is defined for factors of any sign only for β = 2, ½‖X − W·H‖²',
      ),
    )
  })
})

describe('objectiveScale', () => {
  it('adds, for β = 2, the size of the products W·H sums, which cancel for factors of both signs', () => {
    const X = unwrap(Matrix.fromArrays([[3]]))
    // ½·3² alone; with W·H = 1·2, ½·2² more.
    expect(objectiveScale(X, 2)).toBe(4.5)
    expect(objectiveScale(X, 2, factors([[1]], [[2]]))).toBe(6.5)
    // W·H = 1·1 + (−1)·1 = 0, summed from products of size 1: ½·(1 + 1)².
    const zero = unwrap(Matrix.fromArrays([[0]]))
    expect(objectiveScale(zero, 2, factors([[1, -1]], [[1], [1]]))).toBe(2)
  })
})

/** A fit of 1×1 factors with `history`, the other fields of no concern. */
const fitWith = (history: Factorization['history']): Factorization => ({
  ...factors([[1]], [[1]]),
  nIter: history.length,
  converged: false,
  reconstructionError: 0,
  history,
  solver: { name: 'made up', measure: 'none' },
  options: {},
  seed: 0,
})

describe('nonFiniteParts', () => {
  it('names a history entry by its index in the array, as fitDifference does', () => {
    // Iteration 1 is history[0].
    const fit = fitWith([
      { iteration: 1, measure: 1, details: { change: NaN } },
      { iteration: 2, measure: NaN, objective: Infinity },
    ])
    expect(nonFiniteParts(fit)).toEqual([
      'history[0].details.change = NaN',
      'history[1].measure = NaN',
      'history[1].objective = Infinity',
    ])
  })
})

describe('fitDifference', () => {
  it.each([
    [
      'a measure of Infinity against -Infinity',
      [{ iteration: 1, measure: Infinity }],
      [{ iteration: 1, measure: -Infinity }],
      'history[0].measure is Infinity in the first fit and -Infinity in the second',
    ],
    [
      'a detail of 0 against -0',
      [
        { iteration: 1, measure: 1 },
        { iteration: 2, measure: 0, details: { change: 0 } },
      ],
      [
        { iteration: 1, measure: 1 },
        { iteration: 2, measure: 0, details: { change: -0 } },
      ],
      'history[1].details.change is 0 in the first fit and -0 in the second',
    ],
    [
      'an objective in one fit alone',
      [{ iteration: 1, measure: 1, objective: 2 }],
      [{ iteration: 1, measure: 1 }],
      'history[0].objective is 2 in the first fit and missing in the second',
    ],
    [
      'a detail in one fit alone',
      [{ iteration: 1, measure: 1, details: { a: 1 } }],
      [{ iteration: 1, measure: 1, details: { a: 1, b: -0 } }],
      'history[0].details.b is missing in the first fit and -0 in the second',
    ],
  ])(
    'compares history entries to the bit, naming the entry and the field: %s',
    (_what, a, b, message) => {
      expect(fitDifference(fitWith(a), fitWith(b))).toBe(message)
    },
  )

  it('finds the same history the same, NaN included', () => {
    const history = [{ iteration: 1, measure: NaN, objective: -0, details: { change: Infinity } }]
    expect(fitDifference(fitWith(history), fitWith([{ ...history[0] }]))).toBeUndefined()
  })
})

describe('snapshot and changeSince', () => {
  it('see every change of an entry to the bit: 0 to -0, NaN to ±Infinity', () => {
    const dense = (values: number[]) => unwrap(Matrix.fromData(1, values.length, values))
    for (const [was, is, said] of [
      [0, -0, '[0, 1] was 0, is -0'],
      [NaN, Infinity, '[0, 1] was NaN, is Infinity'],
      [Infinity, -Infinity, '[0, 1] was Infinity, is -Infinity'],
      [1, 1.0000000000000002, '[0, 1] was 1, is 1.0000000000000002'],
    ] as const) {
      const before = snapshot(dense([5, was]))
      expect(changeSince(before, dense([5, is]))).toBe(said)
      expect(changeSince(before, dense([5, was]))).toBeUndefined()
    }
    // A CSR matrix's stored entries too.
    const csr = (value: number) => unwrap(CsrMatrix.fromParts(1, 2, [0, 1], [1], [value]))
    expect(changeSince(snapshot(csr(0)), csr(-0))).toBe('data[0] was 0, is -0')
  })
})

describe('weightedFactors and componentDistance', () => {
  it('take factors of any size: a W of 300,000 samples does not overflow the call stack', () => {
    const rows = 300_000
    const W = Matrix.fill(rows, 2, 0.5)
    const H = unwrap(
      Matrix.fromArrays([
        [3, 4],
        [0, 1],
      ]),
    )
    const weighted = weightedFactors({ W, H })
    // Column t of W times ‖row t of H‖ (5 and 1); row t of H times ‖column t of W‖.
    const columnNorm = Math.sqrt(rows * 0.25)
    expect(weighted.W.get(rows - 1, 0)).toBeCloseTo(2.5, 12)
    expect(weighted.W.get(0, 1)).toBe(0.5)
    expect(weighted.H.get(0, 1) / (4 * columnNorm)).toBeCloseTo(1, 12)
    expect(componentDistance({ W, H }, { W, H })).toBe(0)
  })
})
