/**
 * Batches of iterations (solvers/batch.ts): where nothing of the caller's runs between
 * iterations, the built-in solvers whose whole iteration runs in the module run several
 * without copying their factors out in between. A fit that runs batches must be the fit
 * that steps, bit for bit: the factors, the history, the iteration it converged at, and
 * the errors it stops with. An `onIteration` callback makes the driver step, so each fit
 * here runs twice, with and without one.
 */
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  CsrMatrix,
  Matrix,
  cd,
  createRng,
  movingAverage,
  mu,
  nmf,
  transform,
  type AnySolver,
  type NmfOptions,
} from 'nmfkit'
import type { AnyMatrix } from '../core/csr.ts'
import { valuesOf } from '../core/matrix.ts'
import { batchOf } from '../solvers/batch.ts'
import { onPath, SOLVER_CASES } from './fixture-helpers.ts'
import { squaredFrobeniusNorm } from '../core/divergence.ts'

const uniform = (length: number, seed: number, scale = 1, zeros = 0): number[] => {
  let state = seed
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648
    const u = state / 2147483648
    return u < zeros ? 0 : u * scale
  })
}

const dense = (rows: number, cols: number, data: readonly number[]): Matrix => {
  const matrix = Matrix.fromData(rows, cols, data)
  if (E.isLeft(matrix)) throw new Error(matrix.left.message)
  return matrix.right
}

/** The fit on the module's path, run in batches (no callback) and step by step. */
const bothWays = (X: AnyMatrix, options: NmfOptions, path: 'wasm' | 'auto' = 'wasm') =>
  onPath(path, () => {
    let called = 0
    const batched = nmf(X, options)
    const stepped = nmf(X, { ...options, onIteration: () => void called++ })
    return { batched, stepped, called }
  })

const sameFits = (X: AnyMatrix, options: NmfOptions, path: 'wasm' | 'auto' = 'wasm') => {
  const { batched, stepped, called } = bothWays(X, options, path)
  if (E.isLeft(batched) || E.isLeft(stepped)) throw new Error('expected two fits')
  const [a, b] = [batched.right, stepped.right]
  expect(called).toBe(b.nIter)
  expect(valuesOf(a.W)).toEqual(valuesOf(b.W))
  expect(valuesOf(a.H)).toEqual(valuesOf(b.H))
  expect(a.history).toEqual(b.history)
  expect([a.nIter, a.converged]).toEqual([b.nIter, b.converged])
  expect(a.reconstructionError).toBe(b.reconstructionError)
  return a
}

const solvers: readonly (readonly [string, Partial<NmfOptions>])[] = [
  ...SOLVER_CASES,
  // Other β batch on a dense X (their weights in loops of their own for β = 0.5 and 1.5);
  // a CSR X's row pass runs step by step. Near β = 1 a check's divergence is summed in
  // TypeScript, and ends a batch.
  ['mu, β = 1.5', { solver: 'mu', betaLoss: 1.5 }],
  ['mu, β = 0.5, penalized', { solver: 'mu', betaLoss: 0.5, alphaW: 0.05, l1Ratio: 0.5 }],
  ['mu, β = 3', { solver: 'mu', betaLoss: 3 }],
  ['mu, β = 1.1', { solver: 'mu', betaLoss: 1.1 }],
]

describe('a fit in batches is the fit step by step', () => {
  const X = dense(40, 12, uniform(480, 21, 1, 0.2))
  const cases = solvers.flatMap(([name, options]) =>
    [false, true].map((sparse) => [name, sparse, options] as const),
  )

  it.each(cases)('%s, CSR %s: to maxIter', (_name, sparse, solverOptions) => {
    const options = { components: 4, maxIter: 37, tol: 0, seed: 5, ...solverOptions }
    const fit = sameFits(sparse ? CsrMatrix.fromDense(X) : X, options as NmfOptions)
    expect(fit.nIter).toBe(37)
  })

  it.each(cases)('%s, CSR %s: converging', (_name, sparse, solverOptions) => {
    // mu stops at one of its checks; cd and moving-average at any iteration, in mid-batch.
    const tol = solverOptions.solver === 'mu' ? 1e-3 : 1e-2
    const options = { components: 3, maxIter: 400, tol, seed: 2, ...solverOptions }
    const fit = sameFits(sparse ? CsrMatrix.fromDense(X) : X, options as NmfOptions)
    expect(fit.converged).toBe(true)
    expect(fit.nIter).toBeLessThan(400)
    if (solverOptions.solver !== 'mu') expect(fit.nIter % 10).not.toBe(0)
  })

  it.each([1.5, 0.5, 3])('mu, β = %s: a CSR X gives the factors of its dense form', (beta) => {
    // muBeta writes each block of a CSR X's rows out dense: the same numbers, bit for bit.
    const options = { components: 3, solver: 'mu', betaLoss: beta, maxIter: 25, tol: 0, seed: 3 }
    const [fromDense, fromCsr] = onPath('wasm', () => [
      nmf(X, options as NmfOptions),
      nmf(CsrMatrix.fromDense(X), options as NmfOptions),
    ])
    if (E.isLeft(fromDense) || E.isLeft(fromCsr)) throw new Error('expected two fits')
    expect(valuesOf(fromCsr.right.W)).toEqual(valuesOf(fromDense.right.W))
    expect(valuesOf(fromCsr.right.H)).toEqual(valuesOf(fromDense.right.H))
  })

  it('mu, Itakura-Saito (X without zeros)', () => {
    const positive = dense(
      40,
      12,
      uniform(480, 22, 1).map((x) => x + 0.05),
    )
    const options = { components: 3, solver: 'mu', betaLoss: 'itakura-saito', seed: 2 } as const
    expect(sameFits(positive, { ...options, maxIter: 37, tol: 0 }).nIter).toBe(37)
    expect(sameFits(positive, { ...options, maxIter: 400, tol: 1e-3 }).converged).toBe(true)
  })

  it.each([false, true])('transform: W alone, H the caller’s (CSR %s)', (sparse) => {
    const fit = sameFits(X, { components: 3, maxIter: 20, tol: 0, seed: 1 })
    const Y = sparse ? CsrMatrix.fromDense(X) : X
    for (const [solver, betaLoss] of [
      ['mu', 'frobenius'],
      ['mu', 'kullback-leibler'],
      ['mu', 1.5],
      ['cd', 'frobenius'],
    ] as const) {
      const options = { solver, betaLoss, maxIter: 23, tol: 0 } as const
      const [batched, stepped] = onPath('wasm', () => [
        transform(Y, fit.H, options),
        transform(Y, fit.H, { ...options, onIteration: () => undefined }),
      ])
      if (E.isLeft(batched) || E.isLeft(stepped)) throw new Error('expected two fits')
      expect(valuesOf(batched.right.W)).toEqual(valuesOf(stepped.right.W))
      expect(batched.right.history).toEqual(stepped.right.history)
      expect(batched.right.H).toBe(fit.H)
    }
  })

  it.each([
    [7, 9, 2],
    [30, 17, 3],
  ])(
    "mu's checks under 'auto' (%i×%i, k %i): in TypeScript below 1 024 multiply-adds",
    (n, m, k) => {
      // Below the threshold the check's divergence is computed in TypeScript (another
      // logarithm): the batch must end there rather than compute it in the module.
      const Y = dense(n, m, uniform(n * m, 31, 1, 0.3))
      for (const betaLoss of ['frobenius', 'kullback-leibler', 1.5] as const) {
        for (const Z of [Y, CsrMatrix.fromDense(Y)]) {
          const options = { components: k, solver: 'mu', betaLoss, maxIter: 35, tol: 0, seed: 4 }
          sameFits(Z, options as NmfOptions, 'auto')
        }
      }
    },
  )

  it("mu's Frobenius check where the squared error underflows: on copies, rescaled", () => {
    // X near 1e-160: Σ (x − y)² underflows below the plain range, and the error is taken on
    // rescaled copies of X and W, outside the batch.
    const tiny = dense(30, 12, uniform(360, 6, 1e-160))
    const fit = sameFits(tiny, { components: 3, solver: 'mu', maxIter: 25, tol: 0, seed: 2 })
    expect(fit.history[9].objective).toBeLessThan(1e-300)
    expect(fit.history[9].objective).toBeGreaterThan(0)
  })

  it('stops where a factor stops being finite, in mid-batch, with the same error', () => {
    // X near 1e150 from a start near 1e-150: W's update makes W near 1e300, and H's update
    // after the second iteration's is not finite.
    const large = dense(30, 12, uniform(360, 3, 1e150))
    for (const [betaLoss, W0, Y] of [
      ['frobenius', 1e-150, large],
      ['frobenius', 1e-150, CsrMatrix.fromDense(large)],
      ['kullback-leibler', 1, large],
      ['kullback-leibler', 1, CsrMatrix.fromDense(large)],
    ] as const) {
      const init = { W: dense(30, 3, uniform(90, 4, W0)), H: dense(3, 12, uniform(36, 5, 1e-150)) }
      const options = { components: 3, solver: 'mu', betaLoss, maxIter: 40, tol: 0, init }
      const { batched, stepped } = bothWays(Y, options as NmfOptions)
      if (E.isRight(batched)) throw new Error('expected the fit to fail')
      expect(batched.left.message).toMatch(/^nmf: expected H after iteration 2 to be finite/)
      expect(batched).toEqual(stepped)
    }
  })

  it("keeps the fields a plugin's start adds around mu's state", () => {
    // mu makes its own states field by field; one a plugin made is spread, its fields kept.
    const seen: unknown[] = []
    const tagged = {
      ...mu,
      start: (...args: Parameters<typeof mu.start>) => ({ ...mu.start(...args), tag: 'mine' }),
      converged: (...args: Parameters<typeof mu.converged>) => {
        seen.push((args[0].state as { tag?: string }).tag)
        return mu.converged(...args)
      },
    }
    for (const sparse of [false, true]) {
      seen.length = 0
      const Y = sparse ? CsrMatrix.fromDense(X) : X
      const fit = onPath('wasm', () =>
        nmf(Y, { components: 2, solver: tagged, maxIter: 12, tol: 0 }),
      )
      if (E.isLeft(fit)) throw new Error(fit.left.message)
      expect(seen).toEqual(Array.from({ length: 12 }, () => 'mine'))
    }
  })

  it.each([
    ['cd, CSR', cd, {}, 2, true],
    ['moving-average, CSR', movingAverage, { gamma: 0.5, nonnegative: true }, 2, true],
    // mu's checks (iteration 10) compute the error in place, on a dense X and on a CSR X.
    ['mu', mu, {}, 2, false],
    ['mu, KL', mu, {}, 1, false],
    ['mu, CSR', mu, {}, 2, true],
    ['mu, KL, CSR', mu, {}, 1, true],
    ['mu, β = 1.5', mu, {}, 1.5, false],
    ['mu, β = 1.5, CSR', mu, {}, 1.5, true],
  ] as const)(
    "%s hands over each iteration's factors: W and H as the fit step by step makes them",
    (_name, solver, options, beta, sparse) => {
      // A sweep's H is made in the module as Hᵀ, and transposed only when it is read.
      const Y = sparse ? CsrMatrix.fromDense(X) : X
      const problem = {
        X: Y,
        components: 3,
        squaredNormX: squaredFrobeniusNorm(Y),
        beta,
        penalties: { l1W: 0, l2W: 0, l1H: 0, l2H: 0 },
        shuffle: false,
        rng: createRng(0),
      }
      const start = {
        W: dense(40, 3, uniform(120, 8)) as Matrix<string, 'components'>,
        H: dense(3, 12, uniform(36, 9)) as Matrix<'components', string>,
      }
      const initial = solver.start(problem, start, options as never)
      const batch = batchOf(solver as AnySolver)
      if (batch === undefined) throw new Error('expected a batch')
      const seen: [number[], number[], number | undefined][] = []
      onPath('wasm', () =>
        batch(initial, problem, options, 13, (result) => {
          const { W, H } = result.state
          seen.push([Array.from(valuesOf(W)), Array.from(valuesOf(H)), result.objective])
          return true
        }),
      )
      // Twelve iterations pass, the 13th is the batch's result (mu's Frobenius check on a
      // CSR X, at the 10th, ended the batch there until it ran in place).
      expect(seen.length).toBe(12)
      seen.forEach(([W, H, objective], index) => {
        // The same fit step by step (a callback), stopped at that iteration.
        const { stepped } = bothWays(Y, {
          components: 3,
          solver: solver as AnySolver,
          betaLoss: beta === 1 ? 'kullback-leibler' : beta === 2 ? 'frobenius' : beta,
          init: start,
          maxIter: index + 1,
          tol: 0,
          ...options,
        })
        if (E.isLeft(stepped)) throw new Error(stepped.left.message)
        expect(W).toEqual(Array.from(valuesOf(stepped.right.W)))
        expect(H).toEqual(Array.from(valuesOf(stepped.right.H)))
        expect(objective).toBe(stepped.right.history[index].objective)
      })
    },
  )

  it('runs only where the solver is a built-in one, unchanged', () => {
    for (const solver of [cd, movingAverage, mu] as readonly AnySolver[]) {
      expect(batchOf(solver)).toBeTypeOf('function')
      // A copy, or one with another stopping rule, steps.
      expect(batchOf({ ...solver })).toBeUndefined()
    }
    // A copy of cd with a stopping rule that reads the first step's state: the factors it
    // finds are those the first iteration made, which a batch would not have kept.
    const firsts: number[][] = []
    const reading = {
      ...cd,
      converged: (current: { measure: number }, first: { state: { W: Matrix } }) => {
        firsts.push(Array.from(valuesOf(first.state.W)))
        return current.measure < 0
      },
    }
    const fit = onPath('wasm', () => nmf(X, { components: 2, solver: reading, maxIter: 6 }))
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(new Set(firsts.map((values) => values.join())).size).toBe(1)
  })
})
