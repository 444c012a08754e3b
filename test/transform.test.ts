/**
 * transform and inverseTransform: scikit-learn's W for new samples with H
 * fixed, the starting W of each solver, sparse input, and the errors.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  cd,
  inverseTransform,
  movingAverage,
  nmf,
  transform,
  type NmfError,
} from 'nmfkit'
import {
  denseOf,
  matrixOf,
  readFixture,
  relativeDifference,
  transformOptions,
  unwrap,
} from './fixture-helpers.ts'

/** Agreement with scikit-learn, and between two summation orders. */
const TOLERANCE = 1e-9

const failure = (result: E.Either<NmfError, unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

const matrix = (rows: number[][]): Matrix => unwrap(Matrix.fromArrays(rows))

describe('transform reproduces scikit-learn', () => {
  // n_iter is not in the fixtures; these are what scikit-learn 1.2.1's
  // _fit_transform(X, H=H, update_H=False) returns for them.
  it.each([
    ['transform_cd_25x30_k4', 22],
    ['transform_mu_kl_25x30_k4', 70],
  ])('%s', (name, nIter) => {
    const fixture = readFixture(name)
    const H = denseOf(fixture.H)
    for (const X of [matrixOf(fixture.X), CsrMatrix.fromDense(denseOf(fixture.X))]) {
      const result = unwrap(transform(X, H, transformOptions(fixture)))
      expect(result.nIter).toBe(nIter)
      expect(result.converged).toBe(true)
      expect(relativeDifference(result.W.toFloat64Array(), fixture.expected.W.data)).toBeLessThan(
        TOLERANCE,
      )
      // H is the one given, unchanged.
      expect(result.H.toFloat64Array()).toEqual(H.toFloat64Array())
    }
  })
})

const X = matrix([
  [1, 0, 2, 1],
  [0, 3, 1, 0],
  [2, 1, 0, 4],
  [1, 1, 1, 1],
  [0, 2, 3, 1],
])

describe('transform', () => {
  const H = matrix([
    [1, 0.5, 0, 2],
    [0, 1, 2, 0.5],
  ])

  it('starts cd at zeros: an all-zero X keeps W at zero and stops at once', () => {
    const result = unwrap(transform(Matrix.zeros(3, 4), H))
    expect(result.W.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
    expect(result.nIter).toBe(1)
  })

  it("keeps the caller's H in an aborted fit's partial result, as in a finished one", () => {
    const X = matrix([
      [1, 2, 0, 3],
      [0, 1, 4, 1],
      [2, 0, 1, 1],
    ])
    for (const solver of ['cd', 'mu'] as const) {
      const controller = new AbortController()
      const options = {
        solver,
        maxIter: 50,
        tol: 0,
        signal: controller.signal,
        onIteration: ({ iteration }: { iteration: number }) => {
          if (iteration === 3) controller.abort()
        },
      }
      const error = failure(transform(X, H, options))
      if (error._tag !== 'Aborted') throw new Error(`expected Aborted, found ${error._tag}`)
      const partial = error.partial as { H: Matrix; nIter: number }
      expect(partial.nIter).toBe(3)
      expect(partial.H).toBe(H)
    }
  })

  it('starts mu at sqrt(mean(X)/k): one iteration is one update from there', () => {
    const result = unwrap(transform(X, H, { solver: 'mu', maxIter: 1 }))
    const start = Math.sqrt(X.mean() / 2)
    const W0 = Matrix.fill(5, 2, start)
    const numerator = unwrap(X.timesTransposed(H))
    const denominator = unwrap(W0.times(unwrap(H.timesTransposed(H))))
    const expected = W0.map((w, i, t) => (w * numerator.get(i, t)) / denominator.get(i, t))
    expect(relativeDifference(result.W.toFloat64Array(), expected.toFloat64Array())).toBeLessThan(
      1e-15,
    )
  })

  it.each([
    ['cd', 'frobenius'],
    ['mu', 'frobenius'],
    ['mu', 'kullback-leibler'],
  ] as const)('%s, %s: W for the training X is about the fit’s W', (solver, betaLoss) => {
    const fit = unwrap(
      nmf(X, { components: 2, solver, betaLoss, init: 'nndsvda', tol: 0, maxIter: 3000 }),
    )
    const result = unwrap(transform(X, fit.H, { solver, betaLoss, tol: 0, maxIter: 3000 }))
    expect(relativeDifference(result.W.toFloat64Array(), fit.W.toFloat64Array())).toBeLessThan(1e-3)
    expect(result.reconstructionError).toBeLessThanOrEqual(fit.reconstructionError * (1 + 1e-6))
  })

  it('records its options and reports the loss’s error', () => {
    const result = unwrap(transform(X, H, { solver: 'mu', betaLoss: 'kullback-leibler' }))
    expect(result.options).toMatchObject({
      solver: 'mu',
      betaLoss: 'kullback-leibler',
      components: 2,
      maxIter: 200,
    })
    expect(result.solver.name).toBe('mu')
  })

  it.each([
    [
      'X with other features than H (the model)',
      () => transform(X, matrix([[1, 2, 3]])),
      'ShapeMismatch',
      'transform: expected X to have 3 columns (the features of H, 1×3), found shape 5×4',
    ],
    [
      'X with other features than an H of one feature',
      () => transform(X, matrix([[1]])),
      'ShapeMismatch',
      'transform: expected X to have 1 column (the features of H, 1×1), found shape 5×4',
    ],
    [
      'a solver that is null (it was called an object)',
      () => transform(X, matrix([[1, 2, 3, 1]]), { solver: null as never }),
      'Unsupported',
      "transform: expected solver 'cd' or 'mu' (the name, or nmfkit's own cd or mu value), " +
        'found null, which has no transform',
    ],
    [
      'a negative H',
      () => transform(X, matrix([[1, 2, -3, 1]])),
      'NegativeInput',
      'transform: expected H to be non-negative, found -3 at row 0, column 2',
    ],
    [
      'a solver without a transform',
      () => transform(X, H, { solver: 'moving-average' as never }),
      'Unsupported',
      "transform: expected solver 'cd' or 'mu' (the name, or nmfkit's own cd or mu value), " +
        "found 'moving-average', which has no transform",
    ],
    [
      'a solver plugin without a transform',
      // The type takes cd and mu alone: a JavaScript caller can pass any plugin.
      () => transform(X, H, { solver: movingAverage as never }),
      'Unsupported',
      "found a plugin named 'moving-average', which has no transform",
    ],
    [
      'a copy of cd, which is a plugin',
      () => transform(X, H, { solver: { ...cd } }),
      'Unsupported',
      "found a plugin named 'cd', which has no transform",
    ],
    [
      'cd with KL',
      () => transform(X, H, { betaLoss: 'kullback-leibler' }),
      'Unsupported',
      "transform: solver 'cd' handles only betaLoss 'frobenius', found 'kullback-leibler' (β = 1)",
    ],
    [
      'Itakura–Saito with zeros in X',
      () => transform(X, H, { solver: 'mu', betaLoss: 'itakura-saito' }),
      'Unsupported',
      "transform: betaLoss 'itakura-saito' (β = 0) needs X without zeros, " +
        'found 0 at row 0, column 1',
    ],
    [
      'an option of nmf that transform does not take',
      () => transform(X, H, { components: 2 } as never),
      'InvalidOption',
      "transform: option 'components': not a known option",
    ],
    [
      'an all-zero H (W would be undetermined)',
      () => transform(X, Matrix.zeros(H.rows, H.cols)),
      'InvalidMatrix',
      'transform: expected H to have a non-zero entry, found only zeros',
    ],
    [
      'an all-zero H with mu',
      () => transform(X, Matrix.zeros(H.rows, H.cols), { solver: 'mu' }),
      'InvalidMatrix',
      'transform: expected H to have a non-zero entry, found only zeros',
    ],
    [
      'a negative X',
      () => transform([[1, -1, 0, 0]], H),
      'NegativeInput',
      'transform: expected X to be non-negative, found -1 at row 0, column 1',
    ],
  ])('%s', (_label, run, tag, message) => {
    const error = failure(run())
    expect(error._tag).toBe(tag)
    expect(error.message).toContain(message)
  })
})

describe('transform refuses a W that underflowed to zero, not a W that is zero', () => {
  // X of about 1e-250 on H of about 1e-100: W would be about 1e-150, but underflows first.
  const X = unwrap(
    Matrix.fromArrays([
      [1, 2, 3],
      [2, 1, 0.5],
    ]),
  ).scale(1e-250)
  const H = unwrap(
    Matrix.fromArrays([
      [1, 0.5, 0],
      [0, 1, 2],
    ]),
  ).scale(1e-100)

  it('for cd and mu, naming both scales', () => {
    for (const [solver, iterations] of [
      ['cd', '1 iteration'],
      ['mu', '20 iterations'],
    ] as const) {
      const error = failure(transform(X, H, { solver }))
      expect(error._tag).toBe('Unsupported')
      expect(error.message).toBe(
        `transform: the fit converged after ${iterations} to a W·H that is zero ` +
          "in every entry, though X has entries in columns where H does (X's largest entry " +
          "is 3e-250, H's 2e-100): the fit's products (X·Hᵀ, H·Hᵀ) underflowed; scale H's " +
          "entries toward 1 (W scales inversely) and X's so that X·Hᵀ stays within the " +
          'doubles (W scales with X)',
      )
      // The same X and H scaled into range fit.
      expect(E.isRight(transform(X.scale(1e250), H.scale(1e100), { solver }))).toBe(true)
    }
  })

  it('returns W = 0 where it is the answer: no column of X meets a non-zero of H', () => {
    const disjoint = matrix([
      [0, 5],
      [0, 3],
    ])
    for (const solver of ['cd', 'mu'] as const) {
      const fit = unwrap(transform(disjoint, matrix([[1, 0]]), { solver }))
      expect(fit.converged).toBe(true)
      expect(fit.W.max()).toBe(0)
    }
  })
})

describe('inverseTransform', () => {
  it('is W·H', () => {
    const W = matrix([
      [1, 2],
      [0, 1],
    ])
    const H = matrix([
      [1, 0, 1],
      [2, 1, 0],
    ])
    expect(unwrap(inverseTransform(W, H)).toArray()).toEqual([
      [5, 2, 1],
      [2, 1, 0],
    ])
  })

  it('rebuilds X from a transform on the fit’s components', () => {
    const fit = unwrap(nmf(X, { components: 3, solver: 'mu', betaLoss: 'kullback-leibler' }))
    const W = unwrap(transform(X, fit.H, { solver: 'mu', betaLoss: 'kullback-leibler' })).W
    const rebuilt = unwrap(inverseTransform(W, fit.H))
    expect(rebuilt.shape).toEqual(X.shape)
    const residual = unwrap(rebuilt.minus(X)).frobeniusNorm() / X.frobeniusNorm()
    expect(residual).toBeLessThan(0.5)
  })

  it('needs the inner dimension names to agree', () => {
    const W = Matrix.zeros<'samples', 'components'>(2, 2)
    const H = Matrix.zeros<'topics', 'words'>(2, 3)
    // @ts-expect-error: W's columns are 'components', H's rows are 'topics'
    expect(E.isRight(inverseTransform(W, H))).toBe(true)
  })

  it('a W and an H that do not fit together are a ShapeMismatch', () => {
    const error = failure(inverseTransform(Matrix.zeros(2, 2), Matrix.zeros(3, 4)))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(
      "inverseTransform: expected H to have 2 rows (W's columns), found shape 3×4",
    )
  })

  it('refuses factors no fit makes (NaN, ±Infinity, negative) and a W·H beyond the doubles', () => {
    const H2 = [
      [1, 1, 1],
      [1, 1, 1],
    ]
    const nan = failure(inverseTransform([[1, NaN]] as never, H2 as never))
    expect(nan).toMatchObject({ _tag: 'NonFiniteInput', input: 'W', row: 0, col: 1 })
    expect(nan.message).toBe(
      'inverseTransform: expected W to be finite, found NaN at row 0, column 1',
    )
    const negative = failure(inverseTransform([[1, -1]] as never, H2 as never))
    expect(negative).toMatchObject({ _tag: 'NegativeInput', input: 'W', row: 0, col: 1 })
    const infinite = failure(inverseTransform([[1]] as never, [[Infinity]] as never))
    expect(infinite).toMatchObject({ _tag: 'NonFiniteInput', input: 'H', row: 0, col: 0 })
    const overflowed = failure(inverseTransform([[1e200]] as never, [[1e200]] as never))
    expect(overflowed).toMatchObject({ _tag: 'NonFiniteInput', row: -1, col: -1 })
    expect(overflowed.message).toBe(
      'inverseTransform: expected W·H to be finite, found Infinity; its sums passed the ' +
        'largest double (1.80e308); scale W or H down',
    )
  })
})
