/**
 * The multiplicative updates: scikit-learn's numbers for every loss, the
 * exponent γ, the stopping rule every 10 iterations, the loss checks, and the
 * edge cases users of other libraries reported.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  betaDivergence,
  CsrMatrix,
  createRng,
  factorPenalty,
  frobeniusError,
  Matrix,
  mu,
  nmf,
  solvers,
  transform,
  type Factorization,
  type NmfError,
  type AnySolver,
  type NmfOptions,
  type Rng,
} from 'nmfkit'
import { gammaOf } from '../solvers/mu-rows.ts'
import { divergenceError } from '../core/beta-divergence.ts'
import { exactError } from './exact-error.ts'
import {
  fitOptions,
  matrixOf,
  onPath,
  readFixture,
  relativeDifference,
  unwrap,
} from './fixture-helpers.ts'

/** Agreement with scikit-learn (largest difference over the largest entry). */
const TOLERANCE = 1e-9

const fitOf = (X: unknown, options: NmfOptions): Factorization => unwrap(nmf(X as Matrix, options))

const failure = (result: E.Either<NmfError, unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

/** A rows×cols matrix of `scale` times uniform draws of `rng`. */
const uniformMatrix = (rng: Rng, rows: number, cols: number, scale = 1): Matrix =>
  unwrap(
    Matrix.fromData(
      rows,
      cols,
      Array.from({ length: rows * cols }, () => scale * rng.uniform()),
    ),
  )

const finite = (fit: Factorization): boolean =>
  [...fit.W.toFloat64Array(), ...fit.H.toFloat64Array(), fit.reconstructionError].every(
    Number.isFinite,
  )

describe('mu reproduces scikit-learn', () => {
  it.each([
    'mu_frobenius_60x30_k3',
    'mu_kl_60x30_k3',
    'mu_kl_reg_60x30_k3',
    'mu_is_60x30_k3',
    'mu_beta0.5_60x30_k3',
    'mu_beta1.5_60x30_k3',
    'mu_beta3_60x30_k3',
    'mu_kl_sparse_200x150_k6',
  ])('%s', (name) => {
    const fixture = readFixture(name)
    const { params, expected } = fixture
    const fit = fitOf(matrixOf(fixture.X), fitOptions(fixture))
    expect(fit.nIter).toBe(expected.n_iter)
    expect(fit.converged).toBe(expected.n_iter < params.max_iter)
    expect(relativeDifference(fit.W.toFloat64Array(), expected.W.data)).toBeLessThan(TOLERANCE)
    expect(relativeDifference(fit.H.toFloat64Array(), expected.H.data)).toBeLessThan(TOLERANCE)
    expect(Math.abs(fit.reconstructionError - expected.reconstruction_err)).toBeLessThan(
      TOLERANCE * expected.reconstruction_err,
    )
  })
})

const X = [
  [1, 0, 2, 1],
  [0, 3, 1, 0],
  [2, 1, 0, 4],
  [1, 1, 1, 1],
  [0, 2, 3, 1],
]
const positive = X.map((row) => row.map((value) => value + 0.5))

describe('the update', () => {
  it("for β = 1 on a CSR X is the TypeScript pass's, bit for bit, on the module", () => {
    // klCsr (the module's row pass, then H's update from the new W's column sums) does the
    // same operations in the same order as `update`'s TypeScript pass and H update. The
    // checks' divergences differ (other logarithms); with tol 0 they stop nothing.
    let state = 17
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state / 2147483648
    }
    for (const [n, m, k, alphaW] of [
      [23, 17, 3, 0],
      [40, 9, 1, 0.2],
      [6, 31, 4, 0.05],
    ]) {
      const dense = unwrap(
        Matrix.fromData(
          n,
          m,
          Array.from({ length: n * m }, () => (next() < 0.5 ? 0 : 5 * next())),
        ),
      )
      const X = CsrMatrix.fromDense(dense)
      const options = {
        components: k,
        solver: 'mu',
        betaLoss: 'kullback-leibler',
        maxIter: 30,
        tol: 0,
        seed: n,
        alphaW,
        l1Ratio: 0.5,
      } as const
      const [fast, slow] = (['wasm', 'reference'] as const).map((path) =>
        onPath(path, () => unwrap(nmf(X, options))),
      )
      expect(fast.W.toFloat64Array()).toEqual(slow.W.toFloat64Array())
      expect(fast.H.toFloat64Array()).toEqual(slow.H.toFloat64Array())
      const H = slow.H
      const [kept, refit] = (['wasm', 'reference'] as const).map((path) =>
        onPath(path, () =>
          unwrap(
            transform(X, H, { solver: 'mu', betaLoss: 'kullback-leibler', maxIter: 20, tol: 0 }),
          ),
        ),
      )
      expect(kept.W.toFloat64Array()).toEqual(refit.W.toFloat64Array())
    }
  })

  it.each([
    [0, 1 / 2],
    [0.5, 1 / 1.5],
    [1, 1],
    [1.5, 1],
    [2, 1],
    [3, 1 / 2],
    [5, 1 / 4],
    [-1, 1 / 3],
  ])('γ for β = %s is %s', (beta, gamma) => {
    expect(gammaOf(beta)).toBe(gamma)
  })

  it('is listed among the solvers, and the plugin value works as its name does', () => {
    expect(solvers.map((solver) => solver.name)).toContain('mu')
    const byName = fitOf(X, { components: 2, solver: 'mu', betaLoss: 'kullback-leibler' })
    const byValue = fitOf(X, { components: 2, solver: mu, betaLoss: 'kullback-leibler' })
    expect(byValue.W.toFloat64Array()).toEqual(byName.W.toFloat64Array())
    expect(byValue.options.betaLoss).toBe('kullback-leibler')
  })

  it('checks convergence every 10 iterations, on the error relative to its value at init', () => {
    const fit = fitOf(X, { components: 2, solver: 'mu', betaLoss: 1, init: 'random', tol: 1e-3 })
    expect(fit.converged).toBe(true)
    expect(fit.nIter % 10).toBe(0)
    for (const entry of fit.history) {
      const checked = entry.iteration % 10 === 0
      expect(entry.objective !== undefined).toBe(checked)
      if (entry.iteration < 10) expect(entry.measure).toBe(Infinity)
    }
    const last = fit.history[fit.history.length - 1]
    expect(last.measure).toBeLessThan(1e-3)
    expect(last.details?.reconstructionError).toBe(fit.reconstructionError)
  })

  it('runs every iteration with tol 0', () => {
    const fit = fitOf(X, { components: 2, solver: 'mu', tol: 0, maxIter: 37 })
    expect(fit.nIter).toBe(37)
    expect(fit.converged).toBe(false)
  })

  it.each(['frobenius', 'kullback-leibler', 1.5, 0.5, 3] as const)(
    'reconstructionError is sqrt(2·d) for betaLoss %s',
    (betaLoss) => {
      const fit = fitOf(X, { components: 2, solver: 'mu', betaLoss, init: 'nndsvdar' })
      const d = unwrap(betaDivergence(unwrap(Matrix.fromArrays(X)), fit.W, fit.H, betaLoss))
      expect(fit.reconstructionError).toBe(Math.sqrt(2 * d))
    },
  )

  test.prop([
    fc.constantFrom(3, 2, 1.5, 1, 0.5, 0),
    fc.constantFrom(0, 0.05),
    fc.constantFrom(0, 0.5, 1),
    fc.integer({ min: 0, max: 1000 }),
  ])('the objective (divergence and penalties) never increases', (beta, alpha, l1Ratio, seed) => {
    const fit = fitOf(beta <= 0 ? positive : X, {
      components: 3,
      solver: 'mu',
      betaLoss: beta,
      alphaW: alpha,
      l1Ratio,
      init: 'random',
      seed,
      tol: 0,
      maxIter: 100,
    })
    const objectives = fit.history.flatMap((entry) => entry.objective ?? [])
    expect(objectives).toHaveLength(10)
    for (let i = 1; i < objectives.length; i++)
      expect(objectives[i]).toBeLessThanOrEqual(objectives[i - 1] * (1 + 1e-12))
  })
})

describe('losses and solvers', () => {
  it.each([
    ['cd', 'kullback-leibler', "solver 'cd' handles only betaLoss 'frobenius', found "],
    ['moving-average', 0.5, "solver 'moving-average' handles only betaLoss 'frobenius', found "],
  ] as const)('%s with betaLoss %s is Unsupported', (solver, betaLoss, message) => {
    const error = failure(nmf(X, { components: 2, solver, betaLoss }))
    expect(error._tag).toBe('Unsupported')
    expect(error.message).toContain(`nmf: ${message}`)
    expect(error.message).toContain("use solver 'mu' for other losses")
  })

  it('shows a β near a named loss with every digit, not rounded onto it', () => {
    const error = failure(nmf(X, { components: 2, betaLoss: 2.0000001 }))
    expect(error.message).toContain("handles only betaLoss 'frobenius', found β = 2.0000001;")
    const near = failure(nmf(X, { components: 2, betaLoss: 1 + 2 ** -40 }))
    expect(near.message).toContain(`found β = ${1 + 2 ** -40};`)
  })

  it('cd takes betaLoss frobenius, by name or as β = 2', () => {
    const byDefault = fitOf(X, { components: 2 })
    for (const betaLoss of ['frobenius', 2] as const) {
      const fit = fitOf(X, { components: 2, betaLoss })
      expect(fit.W.toFloat64Array()).toEqual(byDefault.W.toFloat64Array())
    }
  })

  it.each([
    [
      'kl',
      "nmf: option 'betaLoss': expected 'frobenius', 'kullback-leibler', 'itakura-saito' " +
        'or a finite number, found "kl"',
    ],
    [NaN, "nmf: option 'betaLoss': expected"],
    [Infinity, "nmf: option 'betaLoss': expected"],
  ])('betaLoss %s is an InvalidOption', (betaLoss, message) => {
    const error = failure(nmf(X, { components: 2, solver: 'mu', betaLoss: betaLoss as never }))
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toContain(message)
  })

  it.each([
    ['itakura-saito', "betaLoss 'itakura-saito' (β = 0)"],
    [-0.5, 'betaLoss β = -0.5'],
  ] as const)('betaLoss %s with zeros in X says why and what to do', (betaLoss, shown) => {
    for (const input of [
      unwrap(Matrix.fromArrays(X)),
      CsrMatrix.fromDense(unwrap(Matrix.fromArrays(X))),
    ]) {
      const error = failure(nmf(input, { components: 2, solver: 'mu', betaLoss }))
      expect(error._tag).toBe('Unsupported')
      // The place and the option, as fields too: a program need not read the message.
      expect(error).toMatchObject({ option: 'betaLoss', row: 0, col: 1, input: 'X' })
      expect(error.message).toBe(
        `nmf: ${shown} needs X without zeros, found 0 at row 0, column 1: for β ≤ 0 the ` +
          'divergence of a zero entry is infinite, and the multiplicative updates raise W·H to ' +
          'the power β − 2 < 0, dividing by a reconstruction that goes to zero there. Add a ' +
          'small positive constant to X (for example 1e-9), ' +
          "or use a betaLoss > 0 such as 'kullback-leibler'",
      )
    }
    expect(finite(fitOf(positive, { components: 2, solver: 'mu', betaLoss }))).toBe(true)
  })
})

describe('an X of entries at or below EPSILON alone', () => {
  // Uniform draws scaled by 1e-20: the divergence counts every entry as a zero, and mu's
  // floor of W·H at EPSILON shrank such factors to zero (KL) or to nothing like X's (β = 1.5).
  const X = Array.from({ length: 6 }, (_, i) =>
    Array.from({ length: 5 }, (_, j) => ((i * 5 + j + 1) / 31) * 1e-20),
  )
  it.each([
    ['kullback-leibler', "betaLoss 'kullback-leibler' (β = 1)"],
    [1.5, 'betaLoss β = 1.5'],
    [0, "betaLoss 'itakura-saito' (β = 0)"],
  ] as const)(
    'is refused under betaLoss %s, by nmf and transform, saying to scale X up',
    (betaLoss, shown) => {
      const message = (operation: string) =>
        `${operation}: every entry of X is at or below EPSILON (2.2e-16; its largest is ` +
        `9.67742e-21): the loss, ${shown}, counts such entries as zeros, so there is nothing ` +
        'to fit; scale X up (W and H scale by the square root of the factor)'
      for (const input of [
        unwrap(Matrix.fromArrays(X)),
        CsrMatrix.fromDense(unwrap(Matrix.fromArrays(X))),
      ]) {
        const error = failure(nmf(input, { components: 2, solver: 'mu', betaLoss }))
        expect(error._tag).toBe('Unsupported')
        // About X, which the command names by its file.
        expect(error.input).toBe('X')
        expect(error.message).toBe(message('nmf'))
        const H = unwrap(Matrix.fromArrays([[1, 1, 1, 1, 1]]))
        expect(failure(transform(input, H, { solver: 'mu', betaLoss })).message).toBe(
          message('transform'),
        )
      }
      // Scaled up, it fits; under Frobenius it fits as it is, and an all-zero X gives zeros.
      const up = X.map((row) => row.map((x) => x * 1e20))
      expect(finite(fitOf(up, { components: 2, solver: 'mu', betaLoss }))).toBe(true)
      expect(finite(fitOf(X, { components: 2, solver: 'mu' }))).toBe(true)
      const zeros = X.map((row) => row.map(() => 0))
      if (betaLoss !== 0) {
        expect(finite(fitOf(zeros, { components: 2, solver: 'mu', betaLoss }))).toBe(true)
      }
    },
  )
})

describe('edge cases', () => {
  it('a β a hair from 0 or 1 fits as the limit does (its error once came out 0 at 1e-15)', () => {
    const positive = [
      [1, 0.5, 2],
      [0.1, 3, 1],
      [2, 1, 0.2],
    ]
    for (const [limit, near] of [
      [0, 1e-15],
      [0, -1e-15],
      [1, 1 + 1e-13],
      [1, 1 - 1e-13],
    ]) {
      const atLimit = fitOf(positive, { components: 2, solver: 'mu', betaLoss: limit })
      const fit = fitOf(positive, { components: 2, solver: 'mu', betaLoss: near })
      expect(fit.nIter).toBe(atLimit.nIter)
      expect(
        Math.abs(fit.reconstructionError - atLimit.reconstructionError) /
          atLimit.reconstructionError,
      ).toBeLessThan(1e-11)
    }
  })

  it('an entry of 1e-323 in X under KL fits like a 0 (no −Infinity, no NaN)', () => {
    const tiny = X.map((row, i) => row.map((value, j) => (i === 0 && j === 1 ? 1e-323 : value)))
    const options: NmfOptions = { components: 2, solver: 'mu', betaLoss: 'kullback-leibler' }
    const withTiny = fitOf(tiny, options)
    const withZero = fitOf(X, options)
    expect(finite(withTiny)).toBe(true)
    expect(withTiny.reconstructionError).toBe(withZero.reconstructionError)
    expect(
      relativeDifference(withTiny.W.toFloat64Array(), withZero.W.toFloat64Array()),
    ).toBeLessThan(1e-12)
  })

  const withZeros = [
    [0, 0, 0, 0],
    [1, 2, 0, 3],
    [3, 1, 0, 1],
    [2, 2, 0, 0.5],
  ]
  it.each([2, 1, 1.5, 0.5, 3])(
    'a row and a column of zeros give finite factors, that row of W and column of H zero (β = %s)',
    (betaLoss) => {
      for (const init of ['random', 'nndsvd', 'nndsvda', 'nndsvdar'] as const) {
        const fit = fitOf(withZeros, { components: 2, solver: 'mu', betaLoss, init })
        expect(finite(fit)).toBe(true)
        expect(fit.W.row(0)).toEqual([0, 0])
        expect(fit.H.column(2)).toEqual([0, 0])
      }
    },
  )

  it.each(['kullback-leibler', 'frobenius', 0.5] as const)(
    'a component whose column sum is zero stays zero, without NaN (%s)',
    (betaLoss) => {
      const matrix = (rows: number[][]) => unwrap(Matrix.fromArrays(rows))
      const W = matrix(positive.map(() => [1, 0]))
      const H = matrix([
        [1, 1, 1, 1],
        [1, 2, 3, 4],
      ])
      const fit = fitOf(positive, { components: 2, solver: 'mu', betaLoss, init: { W, H } })
      expect(finite(fit)).toBe(true)
      expect(fit.W.column(1)).toEqual(positive.map(() => 0))
      expect(fit.H.row(1)).toEqual([0, 0, 0, 0])
    },
  )

  it.each([1, 0, 0.5, 1.5])(
    'W·H far below EPSILON is EPSILON in the updates: finite factors (β = %s)',
    (betaLoss) => {
      const matrix = (rows: number[][]) => unwrap(Matrix.fromArrays(rows))
      const W = matrix(positive.map((_, i) => [i === 0 ? 1e-300 : 1, 1e-200]))
      const H = matrix([
        [1e-30, 1, 1, 1],
        [1, 1, 1, 1],
      ])
      const fit = fitOf(positive, {
        components: 2,
        solver: 'mu',
        betaLoss,
        init: { W, H },
        tol: 0,
        maxIter: 50,
      })
      expect(finite(fit)).toBe(true)
      for (const entry of fit.history) expect(Number.isNaN(entry.measure)).toBe(false)
    },
  )
})

describe('factorPenalty', () => {
  const M = Matrix.fromArrays([
    [1, 2],
    [0, 3],
  ])
  it('is l1·ΣM + ½·l2·ΣM², and 0 without weights', () => {
    if (E.isLeft(M)) throw new Error(M.left.message)
    expect(factorPenalty(0.5, 2, M.right)).toBe(0.5 * 6 + 0.5 * 2 * 14)
    expect(factorPenalty(0, 0, M.right)).toBe(0)
    expect(factorPenalty(0, 1, M.right)).toBe(7)
  })
})

describe('the final error', () => {
  // A fit that stops at a check (every 10 iterations) takes the check's error as its
  // reconstructionError rather than computing it again: the same number, bit for bit. The
  // Frobenius check on a dense X in the module forms it from ‖X‖² − 2⟨X, W·H⟩ + ‖W·H‖²
  // where the fit is not close (solvers/mu-module.ts), and divergenceError from W·H.
  const X = unwrap(
    Matrix.fromData(
      30,
      12,
      Array.from({ length: 360 }, (_, q) => (1 + ((q * 7919) % 97)) / 97),
    ),
  )
  it.each([
    ['kullback-leibler', 20, 0],
    ['frobenius', 20, 0],
    ['frobenius', 23, 0],
    ['frobenius', 500, 1e-3],
    ['itakura-saito', 30, 0],
  ] as const)(
    '%s, maxIter %i, tol %s: the error of the factors returned',
    (betaLoss, maxIter, tol) => {
      const fit = unwrap(nmf(X, { components: 3, solver: 'mu', betaLoss, maxIter, tol, seed: 4 }))
      const beta = { frobenius: 2, 'kullback-leibler': 1, 'itakura-saito': 0 }[betaLoss]
      const recomputed = divergenceError(X, fit.W, fit.H, beta)
      if (betaLoss === 'frobenius' && fit.nIter % 10 === 0) {
        // 12 and 30 long sums: within 8·30·ε of the exact error, far closer in practice.
        const exact = exactError(X, fit.W, fit.H)
        expect(Math.abs(fit.reconstructionError - exact) / exact).toBeLessThan(1e-14)
        expect(Math.abs(recomputed - exact) / exact).toBeLessThan(1e-14)
      } else expect(fit.reconstructionError).toBe(recomputed)
      if (fit.nIter % 10 === 0) {
        expect(fit.history[fit.nIter - 1].details?.reconstructionError).toBe(
          fit.reconstructionError,
        )
      }
    },
  )

  it("transform's checks take ⟨X, W·H⟩ from W's update, H kept", () => {
    // W alone is updated: the terms come from X·Hᵀ and the new W, with H's Gram.
    const H = unwrap(nmf(X, { components: 3, solver: 'mu', maxIter: 30, tol: 0, seed: 1 })).H
    const kept = unwrap(transform(X, H, { solver: 'mu', maxIter: 20, tol: 0 }))
    const exact = exactError(X, kept.W, H)
    expect(Math.abs(kept.reconstructionError - exact) / exact).toBeLessThan(1e-14)
    expect(kept.history[19].details?.reconstructionError).toBe(kept.reconstructionError)
  })

  it('forms W·H for the error of a close fit, where the terms would cancel', () => {
    // X = W·H plus 1e-6 of noise, from a start 1e-3 away: ‖X − W·H‖² is far below 2⁻⁸ of
    // ‖X‖² + ‖W·H‖², and the check's error is divergenceError's, bit for bit.
    const rng = createRng(11)
    const W = uniformMatrix(rng, 30, 3)
    const H = uniformMatrix(rng, 3, 12)
    const product = unwrap(W.times(H)).toFloat64Array()
    const close = unwrap(
      Matrix.fromData(
        30,
        12,
        product.map((x) => x + 1e-6 * rng.uniform()),
      ),
    )
    const nudged = (M: Matrix) => M.map((x) => x * (1 + 1e-3 * rng.uniform()))
    const init = { W: nudged(W), H: nudged(H) }
    const fit = unwrap(nmf(close, { components: 3, solver: 'mu', init, maxIter: 20, tol: 0 }))
    expect(fit.reconstructionError).toBeLessThan(1e-2)
    expect(fit.reconstructionError).toBe(divergenceError(close, fit.W, fit.H, 2))
    const exact = exactError(close, fit.W, fit.H)
    expect(Math.abs(fit.reconstructionError - exact) / exact).toBeLessThan(1e-12)
  })

  it('forms W·H for the error of factors of far-apart scales, whose Grams underflow', () => {
    // W near 1e-160 and H near 1e140 for an X near 1e-20: WᵀW's entries are subnormal, and
    // ‖W·H‖² = ⟨WᵀW, H·Hᵀ⟩ put the check's error 2.5e-4 off (transform's, 7.7e-5).
    const rng = createRng(5)
    const uniform = (rows: number, cols: number, scale: number) =>
      uniformMatrix(rng, rows, cols, scale)
    const X = uniform(40, 30, 1e-20)
    const init = { W: uniform(40, 3, 1e-160), H: uniform(3, 30, 1e140) }
    const fit = unwrap(nmf(X, { components: 3, solver: 'mu', init, maxIter: 20, tol: 0 }))
    const exact = exactError(X, fit.W, fit.H)
    expect(Math.abs(fit.reconstructionError - exact) / exact).toBeLessThan(1e-14)
    const H = uniform(3, 30, 1e140)
    const kept = unwrap(transform(X, H, { solver: 'mu', maxIter: 20, tol: 0 }))
    const exactKept = exactError(X, kept.W, H)
    expect(Math.abs(kept.reconstructionError - exactKept) / exactKept).toBeLessThan(1e-14)
  })

  it("on a CSR X is frobeniusError's, bit for bit, from the check in place or not", () => {
    // The Frobenius check on a CSR X runs in the module on the factors in place
    // (csrSquaredErrorAt), the same sums as frobeniusError; a close fit (summed again in
    // double-double) and factors of far-apart scales (rescaled) take frobeniusError itself.
    const rng = createRng(13)
    const sparse = (rows: number, cols: number, scale: number) =>
      CsrMatrix.fromDense(
        unwrap(
          Matrix.fromData(
            rows,
            cols,
            Array.from({ length: rows * cols }, () =>
              rng.uniform() < 0.5 ? 0 : scale * rng.uniform(),
            ),
          ),
        ),
      )
    const X = sparse(40, 30, 1)
    const W = uniformMatrix(rng, 40, 3)
    const H = uniformMatrix(rng, 3, 30)
    // X = W·H plus up to 1e-6, every entry stored, from a start 1e-3 away.
    const close = CsrMatrix.fromDense(unwrap(W.times(H)).map((x) => x + 1e-6 * rng.uniform()))
    const nudged = (M: Matrix) => M.map((x) => x * (1 + 1e-3 * rng.uniform()))
    const tiny = sparse(40, 30, 1e-20)
    const cases = [
      [X, { W: uniformMatrix(rng, 40, 3), H: uniformMatrix(rng, 3, 30) }],
      [close, { W: nudged(W), H: nudged(H) }],
      [tiny, { W: uniformMatrix(rng, 40, 3, 1e-160), H: uniformMatrix(rng, 3, 30, 1e140) }],
    ] as const
    for (const path of ['wasm', 'reference', 'auto'] as const) {
      for (const [Y, init] of cases) {
        for (const maxIter of [10, 20]) {
          const options = { components: 3, solver: 'mu', init, maxIter, tol: 0 } as const
          const fit = onPath(path, () => unwrap(nmf(Y, options)))
          expect(fit.reconstructionError).toBe(frobeniusError(Y, fit.W, fit.H))
          const stepped = onPath(path, () => unwrap(nmf(Y, { ...options, onIteration: () => {} })))
          expect(stepped.reconstructionError).toBe(fit.reconstructionError)
          expect(stepped.history).toEqual(fit.history)
        }
        const kept = onPath(path, () =>
          unwrap(transform(Y, init.H, { solver: 'mu', maxIter: 20, tol: 0 })),
        )
        expect(kept.reconstructionError).toBe(frobeniusError(Y, kept.W, init.H))
      }
    }
  })

  it("does not take a plugin's reported error", () => {
    // A copy of mu is a plugin: what it says the error is, the driver computes instead.
    const liar: AnySolver = {
      ...mu,
      name: 'liar',
      step: (state: Parameters<typeof mu.step>[0], problem: Parameters<typeof mu.step>[1]) => {
        const result = mu.step(state, problem, {})
        return result.details === undefined
          ? result
          : { ...result, details: { reconstructionError: 0 } }
      },
    }
    const fit = unwrap(nmf(X, { components: 3, solver: liar, maxIter: 10, tol: 0, seed: 4 }))
    expect(fit.history[9].details?.reconstructionError).toBe(0)
    expect(fit.reconstructionError).toBe(divergenceError(X, fit.W, fit.H, 2))
    expect(fit.reconstructionError).toBeGreaterThan(0)
  })
})
