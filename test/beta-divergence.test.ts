/**
 * betaDivergence: scikit-learn's values, dense and CSR alike, its limits, and
 * the EPSILON conventions (a tiny x is a zero, a tiny W·H is EPSILON).
 */
import * as E from 'fp-ts/lib/Either.js'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  betaDivergence,
  CsrMatrix,
  EPSILON,
  frobeniusError,
  Matrix,
  type BetaLoss,
  type NmfError,
} from 'nmfkit'
import { denseOf, matrixOf, onPath, readFixture, unwrap } from './fixture-helpers.ts'

/** Agreement with scikit-learn, and between two summation orders. */
const TOLERANCE = 1e-9

const relative = (found: number, expected: number) =>
  Math.abs(found - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE)

const matrix = (rows: number[][]): Matrix => unwrap(Matrix.fromArrays(rows))

const failure = (result: E.Either<NmfError, unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

describe('reproduces scikit-learn', () => {
  const { cases } = readFixture('beta_divergence')
  it.each(Array.from({ length: cases.length }, (_, i) => i))('case %i', (i) => {
    const c = cases[i]
    const d = unwrap(betaDivergence(matrixOf(c.X), denseOf(c.W), denseOf(c.H), c.beta))
    expect(relative(d, c.divergence)).toBeLessThan(TOLERANCE)
    expect(relative(Math.sqrt(2 * d), c.divergence_sqrt)).toBeLessThan(TOLERANCE)
  })
})

/** X (rows×cols) with about half its entries zero, and factors W, H of rank k. */
const problems = fc
  .record({
    rows: fc.integer({ min: 1, max: 7 }),
    cols: fc.integer({ min: 1, max: 7 }),
    k: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ rows, cols, k }) => {
    const entries = (length: number, zeros: boolean) =>
      fc.array(
        zeros
          ? fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true }))
          : fc.double({ min: 0.01, max: 10, noNaN: true }),
        { minLength: length, maxLength: length },
      )
    return fc.record({
      X: entries(rows * cols, true).map((data) => unwrap(Matrix.fromData(rows, cols, data))),
      W: entries(rows * k, false).map((data) => unwrap(Matrix.fromData(rows, k, data))),
      H: entries(k * cols, false).map((data) => unwrap(Matrix.fromData(k, cols, data))),
    })
  })

describe('laws', () => {
  test.prop([problems, fc.constantFrom(3, 2, 1.5, 1, 0.5, -0.5)])(
    'dense and CSR X give the same divergence, never negative',
    ({ X, W, H }, beta) => {
      const dense = betaDivergence(X, W, H, beta)
      const sparse = betaDivergence(CsrMatrix.fromDense(X), W, H, beta)
      if (beta <= 0 && X.min() === 0) {
        expect(failure(dense)._tag).toBe('Unsupported')
        expect(failure(sparse)._tag).toBe('Unsupported')
        return
      }
      const d = unwrap(dense)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(Math.abs(unwrap(sparse) - d)).toBeLessThanOrEqual(TOLERANCE * Math.max(d, 1))
    },
  )

  test.prop([problems])('β = 2 is ½‖X − W·H‖²_F', ({ X, W, H }) => {
    const d = unwrap(betaDivergence(X, W, H, 'frobenius'))
    const half = 0.5 * frobeniusError(X, W, H) ** 2
    expect(Math.abs(d - half)).toBeLessThanOrEqual(TOLERANCE * Math.max(half, 1))
  })

  const losses = fc.constantFrom<BetaLoss>(3, 'frobenius', 1.5, 'kullback-leibler', 0.5, 0)
  test.prop([problems, losses])('zero for an exact factorization', ({ W, H }, beta) => {
    const X = unwrap(W.times(H))
    const d = unwrap(betaDivergence(X, W, H, beta))
    expect(d).toBeLessThanOrEqual(TOLERANCE * Math.max(1, X.frobeniusNorm() ** 2))
  })

  it('names the losses by their β', () => {
    const X = matrix([
      [1, 2],
      [3, 4],
    ])
    const W = matrix([[1], [2]])
    const H = matrix([[1, 1.5]])
    for (const [name, beta] of [
      ['frobenius', 2],
      ['kullback-leibler', 1],
      ['itakura-saito', 0],
    ] as const) {
      expect(unwrap(betaDivergence(X, W, H, name))).toBe(unwrap(betaDivergence(X, W, H, beta)))
    }
    // Hand-computed: KL = Σ x·log(x/y) − x + y over y = [[1, 1.5], [2, 3]].
    const kl =
      2 * Math.log(2 / 1.5) + 3 * Math.log(3 / 2) + 4 * Math.log(4 / 3) - (1 + 2 + 3 + 4) + 7.5
    expect(relative(unwrap(betaDivergence(X, W, H, 'kullback-leibler')), kl)).toBeLessThan(1e-15)
  })
})

describe('β near 0 and near 1', () => {
  // X positive (β ≤ 0 refuses zeros), with zeros of W·H's neighbourhood far away.
  const X = matrix([
    [1, 0.5, 2],
    [0.1, 3, 1],
    [2, 1, 0.2],
  ])
  const W = matrix([
    [0.5, 0.2],
    [0.3, 1],
    [0.8, 0.1],
  ])
  const H = matrix([
    [1, 0.4, 0.9],
    [0.2, 1.1, 0.5],
  ])
  const d = (beta: number, x: Matrix | CsrMatrix = X) => unwrap(betaDivergence(x, W, H, beta))

  it('tends to Itakura–Saito and to KL: no digits lost to the division by β(β − 1)', () => {
    // d_β is smooth in β: within |β − limit| of the limit's value, times its slope (below 1
    // here). The three sums' combination gave 5.33 at β = 10⁻¹⁵ (IS: 4.64), 0 at 10⁻³⁰⁰,
    // and 3.6612 at 1 + 10⁻¹² (KL: 3.6626).
    for (const [limit, offsets] of [
      [0, [1e-300, -1e-300, 1e-15, -1e-15, 1e-12, 1e-9]],
      [1, [1e-15, -1e-15, 1e-12, -1e-12, 1e-9]],
    ] as const) {
      const atLimit = d(limit)
      for (const offset of offsets) {
        const near = d(limit + offset)
        expect(relative(near, atLimit)).toBeLessThanOrEqual(Math.abs(offset) + 1e-14)
      }
    }
  })

  it('is continuous where the entry-by-entry sum takes over, dense and CSR alike', () => {
    // Just inside and just outside 1/8 of 0 and of 1: the two ways of summing agree.
    for (const edge of [0.125, -0.125, 0.875, 1.125]) {
      const inside = d(edge - Math.sign(edge - (edge > 0.5 ? 1 : 0)) * 1e-12)
      const outside = d(edge + Math.sign(edge - (edge > 0.5 ? 1 : 0)) * 1e-12)
      expect(relative(inside, outside)).toBeLessThan(1e-12)
    }
    for (const beta of [1e-6, 0.1, 0.9, 1.0001, -0.01]) {
      expect(relative(d(beta, CsrMatrix.fromDense(X)), d(beta))).toBeLessThan(1e-14)
    }
  })

  it('stays finite where x/y overflows: a huge x over a W·H floored at EPSILON', () => {
    // Y = [[0, 1]]: the first entry's y is floored at EPSILON, and x/EPSILON is beyond the
    // largest double. The textbook terms do not cancel there: they are the reference.
    for (const [x, beta] of [
      [1e300, 0.9],
      [1e300, 0.95],
      [1e293, 0.1],
      [1e290, -0.05],
    ]) {
      const y = EPSILON
      const textbook =
        x ** beta / (beta * (beta - 1)) + y ** beta / beta - (x * y ** (beta - 1)) / (beta - 1)
      const found = unwrap(betaDivergence(matrix([[x, 1]]), matrix([[1]]), matrix([[0, 1]]), beta))
      expect(relative(found, textbook)).toBeLessThan(1e-12)
    }
  })

  it('stays finite where y is huge: x/y or y^β beyond the doubles', () => {
    const single = (x: number, y: number, beta: number) =>
      unwrap(betaDivergence(matrix([[x]]), matrix([[1]]), matrix([[y]]), beta))
    // x/y of 1e-310 (subnormal): the textbook terms, far apart, are the reference.
    const [x, y, beta] = [1e-10, 1e300, -0.1]
    const textbook =
      x ** beta / (beta * (beta - 1)) + y ** beta / beta - (x * y ** (beta - 1)) / (beta - 1)
    expect(relative(single(x, y, beta), textbook)).toBeLessThan(1e-13)
    // y^1.1 of 1e330 against a bracket of 0: an exact fit of a huge entry is 0, not NaN.
    expect(single(1e300, 1e300, 1.1)).toBe(0)
    // y^1.05 of 1e315 is beyond the doubles, its product with the small
    // bracket of a near fit is not: d_β(c·x | c·y) = c^β·d_β(x | y) gives the reference.
    const ratio = 1 - 1e-6
    const large = single(1e300, 1e300 * ratio, 1.05)
    const unit = single(1, ratio, 1.05)
    expect(Math.abs(Math.log(large) - 1.05 * Math.log(1e300) - Math.log(unit))).toBeLessThan(1e-9)
  })

  it('a zero of X adds y^β/β near 0 and 1 too, the other entries their own divergence', () => {
    const withZero = matrix([
      [1, 0, 2],
      [0.1, 3, 1],
      [2, 1, 0.2],
    ])
    const Y = unwrap(W.times(H)).toArray()
    const x = withZero.toArray()
    // Entry by entry, the textbook formula: at β = 0.05 or 0.95 one entry's three terms lose
    // a digit or two to their combination, not the 15 of a sum over many entries near 0.
    for (const beta of [0.05, 0.95, 1.05]) {
      let expected = 0
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const [a, y] = [x[i][j], Y[i][j]]
          expected +=
            a === 0
              ? y ** beta / beta
              : (a ** beta + (beta - 1) * y ** beta - beta * a * y ** (beta - 1)) /
                (beta * (beta - 1))
        }
      }
      expect(relative(d(beta, withZero), expected)).toBeLessThan(1e-12)
      expect(relative(d(beta, CsrMatrix.fromDense(withZero)), expected)).toBeLessThan(1e-12)
    }
  })
})

describe('EPSILON conventions', () => {
  const W = matrix([[1], [1]])
  const H = matrix([[1, 2]])

  it('EPSILON is float64 machine epsilon', () => {
    expect(EPSILON).toBe(2.220446049250313e-16)
  })

  it('an entry of 1e-323 under KL gives the same loss as 0 (no −Infinity)', () => {
    const tiny = unwrap(
      betaDivergence(
        matrix([
          [1e-323, 3],
          [2, 0],
        ]),
        W,
        H,
        'kullback-leibler',
      ),
    )
    const zero = unwrap(
      betaDivergence(
        matrix([
          [0, 3],
          [2, 0],
        ]),
        W,
        H,
        'kullback-leibler',
      ),
    )
    expect(Number.isFinite(tiny)).toBe(true)
    expect(tiny).toBe(zero)
  })

  it.each([1, 0, 0.5, 0.95, -1])(
    'with β = %s, W·H below EPSILON counts as EPSILON: the loss is monotone in it',
    (beta) => {
      const X = matrix([[1]])
      const H1 = matrix([[1]])
      const loss = (y: number) => unwrap(betaDivergence(X, matrix([[y]]), H1, beta))
      const ys = [0.5, 1e-5, 1e-10, 1e-15, EPSILON, 1e-17, 1e-100, 1e-300, 5e-324, 0]
      const losses = ys.map(loss)
      for (const value of losses) expect(Number.isFinite(value)).toBe(true)
      for (let i = 1; i < losses.length; i++)
        expect(losses[i]).toBeGreaterThanOrEqual(losses[i - 1])
      for (const value of losses.slice(ys.indexOf(EPSILON))) expect(value).toBe(loss(EPSILON))
    },
  )

  it.each([1.05, 1.2, 1.5, 2.5, 3])(
    'with β = %s, W·H counts as it is down to 0, where the loss is x^β/(β(β − 1))',
    (beta) => {
      // For β > 1 the loss of an entry stays finite as y goes to 0: there is nothing to guard.
      const H1 = matrix([[1, 1]])
      // Dense X on the module's sums and on the loop, and CSR X (the loop).
      const cases = [
        ['wasm', 'dense'],
        ['reference', 'dense'],
        ['wasm', 'csr'],
      ] as const
      for (const x of [1, 3e-5, 1e40]) {
        for (const [path, format] of cases) {
          const X = format === 'csr' ? CsrMatrix.fromDense(matrix([[x, x]])) : matrix([[x, x]])
          const loss = (Y: Matrix | CsrMatrix, y: number) =>
            onPath(path, () => unwrap(betaDivergence(Y, matrix([[y]]), H1, beta)))
          const atZero = (2 * x ** beta) / (beta * (beta - 1))
          expect(relative(loss(X, 0), atZero)).toBeLessThan(1e-14)
          const ys = [0.5, 1e-5, 1e-10, 1e-15, EPSILON, 1e-17, 1e-100, 1e-300, 5e-324, 0]
          const losses = ys.map((y) => loss(X, y * x))
          // Monotone up to rounding (near β = 1 the entry-by-entry form rounds differently).
          for (let i = 1; i < losses.length; i++)
            expect(losses[i]).toBeGreaterThanOrEqual(losses[i - 1] * (1 - 1e-13))
          // Below EPSILON the loss still moves toward its value at 0, as the textbook has it
          // (visibly where x·y^(β−1) at 1e-17 is not lost in rounding: β < 2).
          const y = 1e-17 * x
          const textbook =
            (2 * (x ** beta + (beta - 1) * y ** beta - beta * x * y ** (beta - 1))) /
            (beta * (beta - 1))
          expect(relative(loss(X, y), textbook)).toBeLessThan(1e-12)
          if (beta < 2) expect(relative(loss(X, y), loss(X, EPSILON * x))).toBeGreaterThan(1e-9)
        }
      }
    },
  )
})

describe('errors', () => {
  const X = matrix([
    [1, 0],
    [2, 3],
  ])
  const W = matrix([[1], [1]])
  const H = matrix([[1, 1]])

  it.each([
    [
      'W with the wrong number of rows',
      () => betaDivergence(X, matrix([[1]]), H, 1),
      'ShapeMismatch',
      "betaDivergence: expected W to have 2 rows (X's samples), found 1×1",
    ],
    [
      'W of two rows for X of one',
      () => betaDivergence(matrix([[1, 2]]), W, H, 1),
      'ShapeMismatch',
      "betaDivergence: expected W to have 1 row (X's samples), found 2×1",
    ],
    [
      'H with the wrong number of columns',
      () => betaDivergence(X, W, matrix([[1, 1, 1]]), 1),
      'ShapeMismatch',
      "betaDivergence: expected H to have 2 columns (X's features), found 1×3",
    ],
    [
      'a negative W',
      () => betaDivergence(X, matrix([[1], [-1]]), H, 1),
      'NegativeInput',
      'betaDivergence: expected W to be non-negative, found -1 at row 1, column 0',
    ],
    [
      'an unknown loss',
      () => betaDivergence(X, W, H, 'kl' as never),
      'InvalidOption',
      "betaDivergence: option 'betaLoss': expected 'frobenius', 'kullback-leibler', " +
        '\'itakura-saito\' or a finite number, found "kl"',
    ],
    [
      'a loss of NaN (worded as nmf words it)',
      () => betaDivergence(X, W, H, NaN),
      'InvalidOption',
      "betaDivergence: option 'betaLoss': expected 'frobenius', 'kullback-leibler', " +
        "'itakura-saito' or a finite number, found NaN",
    ],
    [
      'W and H swapped',
      () => betaDivergence(X, H, W, 1),
      'ShapeMismatch',
      "betaDivergence: expected W to have 2 rows (X's samples), found 1×2",
    ],
    [
      'H with as many rows as W has columns, or not',
      () =>
        betaDivergence(
          X,
          W,
          matrix([
            [1, 1],
            [1, 1],
          ]),
          1,
        ),
      'ShapeMismatch',
      "betaDivergence: expected H to have 1 row (W's columns), found 2×2",
    ],
    [
      'a ragged nested array for W',
      () => betaDivergence(X, [[1], [1, 2]] as never, H, 1),
      'InvalidMatrix',
      'betaDivergence: W: Matrix.fromArrays: expected row 1 to have 1 entry',
    ],
    [
      'Itakura–Saito with a zero in X',
      () => betaDivergence(X, W, H, 'itakura-saito'),
      'Unsupported',
      "betaDivergence: betaLoss 'itakura-saito' (β = 0) needs X without zeros, found 0 at " +
        'row 0, column 1: for β ≤ 0 the divergence of a zero entry is infinite',
    ],
  ])('%s', (_label, run, tag, message) => {
    const error = failure(run())
    expect(error._tag).toBe(tag)
    expect(error.message).toContain(message)
  })

  it('refuses a divergence beyond the doubles (NaN from ∞ − ∞ too) instead of returning it', () => {
    // x^β and y^β both overflow: their difference was returned as Right(NaN).
    const nan = failure(betaDivergence([[2]], [[1]], [[3]], 1000))
    expect(nan).toMatchObject({ _tag: 'NonFiniteInput', row: -1, col: -1 })
    expect(nan.message).toBe(
      'betaDivergence: expected the divergence to be finite, found NaN; its sums for β = 1000 ' +
        'passed the largest double (1.80e308): scale X, W and H toward 1, or use a betaLoss ' +
        'in [0, 2]',
    )
    expect(Number.isNaN((nan as { value: number }).value)).toBe(true)
    expect(failure(betaDivergence([[1e200]], [[1e100]], [[2e100]], 3)).message).toContain(
      'found NaN',
    )
    // Beyond the doubles without cancelling: Infinity, refused as well.
    const infinite = failure(betaDivergence([[1e200]], [[1]], [[1]], 'frobenius'))
    expect(infinite.message).toBe(
      "betaDivergence: expected the divergence to be finite, found Infinity; its sums for 'frobenius' " +
        '(β = 2) passed the largest double (1.80e308): scale X, W and H toward 1',
    )
    // Large but within range: returned.
    const large = unwrap(betaDivergence([[1e200]], [[1]], [[1]], 'kullback-leibler'))
    expect(Math.abs(large / 4.595170185988092e202 - 1)).toBeLessThan(1e-12)
  })

  it('takes nested arrays, as nmf does', () => {
    const fromArrays = betaDivergence(X.toArray(), [[1], [1]], [[1, 1]], 'kullback-leibler')
    expect(fromArrays).toEqual(betaDivergence(X, W, H, 'kullback-leibler'))
  })

  it('finds the first zero of a CSR X, stored or not', () => {
    const stored = unwrap(CsrMatrix.fromParts(2, 2, [0, 2, 4], [0, 1, 0, 1], [1, 2, 0, 3]))
    expect(failure(betaDivergence(stored, W, H, -1)).message).toContain(
      'found 0 at row 1, column 0',
    )
    const implicit = unwrap(CsrMatrix.fromParts(2, 2, [0, 2, 3], [0, 1, 0], [1, 2, 4]))
    expect(failure(betaDivergence(implicit, W, H, 0)).message).toContain(
      'found 0 at row 1, column 1',
    )
  })
})
