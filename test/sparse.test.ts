/**
 * Sparse input end to end: every solver and every init accepts a CsrMatrix
 * and gives the factors the dense matrix gives, and a CSR X is never
 * densified (a matrix whose dense form could not be allocated fits fine).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  cd,
  createRng,
  frobeniusError,
  nmf,
  solvers,
  transform,
  type AnySolver,
  type Factorization,
  type NmfOptions,
} from 'nmfkit'
import { plainMu } from '../examples/plugins/solver-plugin.ts'
import { denseOf, matrixOf, readFixture, relativeDifference, unwrap } from './fixture-helpers.ts'
import { exactError } from './exact-error.ts'

/** Dense and CSR fits differ only in the order of a few sums. */
const TOLERANCE = 1e-9

/** A 12×9 X, about 60% zeros, with one zero row and one zero column. */
const data = (() => {
  const rng = createRng(4)
  const rows = Array.from({ length: 12 }, () =>
    Array.from({ length: 9 }, () => (rng.uniform() < 0.6 ? 0 : 5 * rng.uniform())),
  )
  rows[3] = rows[3].map(() => 0)
  for (const row of rows) row[7] = 0
  return unwrap(Matrix.fromArrays(rows))
})()

const fitOf = (X: Matrix | CsrMatrix, options: NmfOptions): Factorization => unwrap(nmf(X, options))

const expectSameFit = (sparse: Factorization, dense: Factorization) => {
  expect(sparse.nIter).toBe(dense.nIter)
  expect(relativeDifference(sparse.W.toFloat64Array(), dense.W.toFloat64Array())).toBeLessThan(
    TOLERANCE,
  )
  expect(relativeDifference(sparse.H.toFloat64Array(), dense.H.toFloat64Array())).toBeLessThan(
    TOLERANCE,
  )
  expect(Math.abs(sparse.reconstructionError - dense.reconstructionError)).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, dense.reconstructionError),
  )
}

const solverCases: ReadonlyArray<readonly [string, NmfOptions]> = [
  ['cd', { components: 3, solver: 'cd' }],
  ['cd with penalties', { components: 3, solver: 'cd', alphaW: 0.01, l1Ratio: 0.5 }],
  ['moving-average', { components: 3, solver: 'moving-average' }],
  ['mu frobenius', { components: 3, solver: 'mu' }],
  ['mu kullback-leibler', { components: 3, solver: 'mu', betaLoss: 'kullback-leibler' }],
  ['mu β = 0.5', { components: 3, solver: 'mu', betaLoss: 0.5 }],
  ['mu β = 1.5', { components: 3, solver: 'mu', betaLoss: 1.5 }],
  ['mu β = 3', { components: 3, solver: 'mu', betaLoss: 3 }],
  ['mu KL with penalties', { components: 3, solver: 'mu', betaLoss: 1, alphaW: 0.01 }],
]

describe('dense and CSR inputs give the same factors', () => {
  for (const init of ['random', 'nndsvd', 'nndsvda', 'nndsvdar'] as const) {
    it.each(solverCases)(`%s, init ${init}`, (_label, options) => {
      const dense = fitOf(data, { ...options, init, maxIter: 100 })
      const sparse = fitOf(CsrMatrix.fromDense(data), { ...options, init, maxIter: 100 })
      expectSameFit(sparse, dense)
    })
  }

  it('Itakura–Saito on a CSR matrix with every entry stored', () => {
    const positive = data.map((value) => value + 0.25)
    const options: NmfOptions = { components: 3, solver: 'mu', betaLoss: 'itakura-saito' }
    expectSameFit(fitOf(CsrMatrix.fromDense(positive), options), fitOf(positive, options))
  })

  it('explicitly stored zeros change nothing', () => {
    const csr = CsrMatrix.fromDense(data)
    const explicit = unwrap(
      CsrMatrix.fromParts(
        data.rows,
        data.cols,
        Array.from({ length: data.rows + 1 }, (_, i) => i * data.cols),
        Array.from({ length: data.rows * data.cols }, (_, q) => q % data.cols),
        data.toFloat64Array(),
      ),
    )
    for (const options of solverCases.map(([, o]) => o)) {
      expectSameFit(
        fitOf(explicit, { ...options, maxIter: 50 }),
        fitOf(csr, { ...options, maxIter: 50 }),
      )
    }
  })

  it.each([
    ['cd_sparse_200x150_k6', 'cd'],
    ['mu_kl_sparse_200x150_k6', 'mu'],
  ])('the sparse fixture %s fits the same in dense form', (name, solver) => {
    const fixture = readFixture(name)
    const { params } = fixture
    const options: NmfOptions = {
      components: params.n_components,
      solver,
      betaLoss: params.beta_loss,
      maxIter: params.max_iter,
      tol: params.tol,
      init: { W: denseOf(fixture.W0), H: denseOf(fixture.H0) },
    }
    const X = matrixOf(fixture.X) as CsrMatrix
    expectSameFit(fitOf(X.toDense(), options), fitOf(X, options))
  })

  it.each([
    ['cd', 'frobenius'],
    ['mu', 'kullback-leibler'],
    ['mu', 1.5],
  ] as const)('transform with %s, %s', (solver, betaLoss) => {
    const H = fitOf(data, { components: 3 }).H
    const dense = unwrap(transform(data, H, { solver, betaLoss }))
    const sparse = unwrap(transform(CsrMatrix.fromDense(data), H, { solver, betaLoss }))
    expectSameFit(sparse, dense)
  })
})

describe('a CSR X is never densified', () => {
  // 200 000 × 100 000 would need 160 GB dense (and a W·H of the same size); 2 000 entries.
  const rows = 200_000
  const cols = 100_000
  const huge = (() => {
    const rng = createRng(9)
    const indptr = new Int32Array(rows + 1)
    const indices: number[] = []
    const values: number[] = []
    for (let i = 0; i < rows; i++) {
      if (i % 100 === 0) {
        indices.push(Math.floor(rng.uniform() * cols))
        values.push(1 + rng.uniform())
      }
      indptr[i + 1] = indices.length
    }
    return unwrap(CsrMatrix.fromParts(rows, cols, indptr, indices, values))
  })()

  it.each([
    ['cd', 'frobenius'],
    ['moving-average', 'frobenius'],
    ['mu', 'frobenius'],
    ['mu', 'kullback-leibler'],
  ] as const)('%s, %s', (solver, betaLoss) => {
    const fit = nmf(huge, { components: 2, solver, betaLoss, init: 'random', maxIter: 10 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(Number.isFinite(fit.right.reconstructionError)).toBe(true)
    expect(fit.right.W.shape).toEqual([rows, 2])
    // moving-average has no transform of its own; cd's stands in for it.
    const transformSolver = solver === 'moving-average' ? 'cd' : solver
    const W = unwrap(
      transform(huge, fit.right.H, { solver: transformSolver, betaLoss, maxIter: 10 }),
    )
    expect(Number.isFinite(W.reconstructionError)).toBe(true)
  })
})

describe('a solver that declares sparse: false', () => {
  it('is refused a CSR X with an Unsupported Left; a dense X fits', () => {
    const fit = nmf(CsrMatrix.fromDense(data), { components: 3, solver: plainMu })
    if (E.isRight(fit)) throw new Error('expected a Left, found a Right')
    expect(fit.left._tag).toBe('Unsupported')
    expect(fit.left.message).toBe(
      "nmf: expected a dense X for solver 'plain-mu' (its capabilities.sparse is false), " +
        'found a 12×9 CsrMatrix; pass a dense Matrix, e.g. X.toDense()',
    )
    expect(E.isRight(nmf(data, { components: 3, solver: plainMu }))).toBe(true)
  })

  it('never starts or steps on a CSR X', () => {
    let calls = 0
    const dense = {
      ...cd,
      name: 'dense-cd',
      capabilities: { ...cd.capabilities, sparse: false },
      start: (...args: Parameters<typeof cd.start>) => {
        calls++
        return cd.start(...args)
      },
      step: (...args: Parameters<typeof cd.step>) => {
        calls++
        return cd.step(...args)
      },
    } as AnySolver
    const fit = nmf(CsrMatrix.fromDense(data), { components: 3, solver: dense })
    expect(E.isLeft(fit) && fit.left._tag).toBe('Unsupported')
    expect(calls).toBe(0)
  })

  it('the built-in solvers all take a CSR X', () => {
    expect(solvers.map((solver) => [solver.name, solver.capabilities.sparse])).toEqual([
      ['cd', true],
      ['moving-average', true],
      ['mu', true],
    ])
  })
})

describe('the error of a CSR X with factors of far-apart scales', () => {
  const X = unwrap(
    Matrix.fromArrays([
      [1, 1],
      [1, 0],
    ]),
  )
  const of = (w: number, h: number) => ({
    W: unwrap(Matrix.fromArrays([[w], [w]])),
    H: unwrap(Matrix.fromArrays([[h, h]])),
  })

  // WᵀW and HHᵀ hold squares of each factor's scale: 1e-400 and 4e400 were NaN, 1e-320
  // and 4e320 Infinity, though W·H is 2.
  it.each([
    [1e-200, 2e200],
    [1e-160, 2e160],
    [2e200, 1e-200],
  ])('W at %d and H at %d give the dense error', (w, h) => {
    const { W, H } = of(w, h)
    const dense = frobeniusError(X, W, H)
    expect(dense).toBeCloseTo(Math.sqrt(7), 14)
    expect(frobeniusError(CsrMatrix.fromDense(X), W, H) / dense).toBeCloseTo(1, 14)
  })

  it('an X near the smallest doubles, with factors near their square roots', () => {
    const tiny = unwrap(
      Matrix.fromArrays([
        [1e-310, 1e-310],
        [1e-310, 0],
      ]),
    )
    const { W, H } = of(1e-155, 2e-155)
    const dense = frobeniusError(tiny, W, H)
    expect(frobeniusError(CsrMatrix.fromDense(tiny), W, H) / dense).toBeCloseTo(1, 12)
  })

  // The balancing multiplies by powers of two, which is exact here: the same factors with
  // component t's W column times 2^e_t and its H row times 2^-e_t, e_t within ±110 (about
  // the 2^200 at which a component is balanced) or ±1000, give the same error to the bit.
  it('is the same, bit for bit, however each component is rescaled by a power of two', () => {
    const rng = createRng(12)
    const entries = (count: number) =>
      Array.from({ length: count }, () => (rng.uniform() < 0.2 ? 0 : 0.5 + rng.uniform()))
    for (let trial = 0; trial < 40; trial++) {
      const W = unwrap(Matrix.fromData(7, 3, entries(21)))
      const H = unwrap(Matrix.fromData(3, 6, entries(18)))
      const X = CsrMatrix.fromDense(unwrap(Matrix.fromData(7, 6, entries(42))))
      const range = trial % 2 === 0 ? 110 : 1000
      const e = Array.from({ length: 3 }, () => Math.round((2 * rng.uniform() - 1) * range))
      const rescaledW = W.map((value, _i, t) => value * 2 ** e[t])
      const rescaledH = H.map((value, t) => value * 2 ** -e[t])
      expect(frobeniusError(X, rescaledW, rescaledH)).toBe(frobeniusError(X, W, H))
    }
  })

  // A fit of X at 1e140 (cd) reported 0.67 of the dense error, and moving-average 0, for
  // the same factors; at 1e-155 moving-average's CSR fit was refused as an overflow.
  it.each([
    ['cd', 1e140],
    ['moving-average', 1e140],
    ['moving-average', 1e-155],
  ] as const)('%s on X scaled by %d reports the error the dense X gives', (solver, scale) => {
    const rng = createRng(7)
    const values = Array.from({ length: 40 * 30 }, () =>
      rng.uniform() < 0.3 ? 0 : rng.uniform() * scale,
    )
    const dense = unwrap(Matrix.fromData(40, 30, values))
    const options = { components: 4, solver, maxIter: 50 } as NmfOptions
    const fit = fitOf(CsrMatrix.fromDense(dense), options)
    const expected = frobeniusError(dense, fit.W, fit.H)
    expect(fit.reconstructionError / expected).toBeCloseTo(1, 12)
    expect(fitOf(dense, options).reconstructionError / expected).toBeCloseTo(1, 12)
  })
})

describe('the error of a CSR X that W·H fits closely', () => {
  it('is measured against exactError, exact down to the smallest doubles', () => {
    const one = (value: number) => unwrap(Matrix.fromData(1, 1, [value]))
    for (const error of [1e-300, 2 ** -1000, Number.MIN_VALUE, 1e300]) {
      expect(exactError(one(error), one(0), one(0))).toBe(error)
    }
    expect(exactError(one(3 * 2 ** -1070), one(2 ** -535), one(2 ** -535))).toBe(2 ** -1069)
  })

  // ‖X‖² − 2⟨X, W·H⟩ + ‖W·H‖² in doubles keeps only rounding noise of about ε·‖X‖² when
  // the error is small: 1e-7 added to one entry of X = W·H came out as 2.4e-7 (or 5.8e-7,
  // with other factors), and 21 of 60 such fits were more than 1% off.
  // (3: an error the plain sums keep; the others are formed again in double-double.)
  it.each([3, 1e-3, 1e-5, 1e-7, 1e-9])(
    'is the exact error to 1e-10 with %d added to one entry',
    (delta) => {
      const rng = createRng(5)
      const W = unwrap(
        Matrix.fromData(
          30,
          3,
          Array.from({ length: 90 }, () => rng.uniform()),
        ),
      )
      // Zeros in H give W·H zero columns, which a sparse X does not store.
      const H = unwrap(
        Matrix.fromData(
          3,
          20,
          Array.from({ length: 60 }, (_, q) => (q % 20 < 4 ? 0 : rng.uniform())),
        ),
      )
      const x = unwrap(W.times(H)).toFloat64Array()
      x[45] += delta
      const X = unwrap(Matrix.fromData(30, 20, x))
      const sparse = CsrMatrix.fromDense(X)
      expect(sparse.nnz).toBe(30 * 16)
      const exact = exactError(X, W, H)
      expect(Math.abs(frobeniusError(sparse, W, H) - exact) / exact).toBeLessThan(1e-10)
    },
  )
})
