/**
 * The custom variants in examples/variants: non-negative finite output, an
 * objective that never increases, the same result for the same seed, and a
 * stopping rule that a fit meets.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { initialize, nmf, type Factorization } from 'nmfkit'
import { unwrap } from './fixture-helpers.ts'
import { demoProblem } from '../examples/variants/demo.ts'
import { fixedComponents } from '../examples/variants/fixed.ts'
import { maskedNmf } from '../examples/variants/masked.ts'
import { sparseH } from '../examples/variants/sparse-h.ts'

/** Rounding slack for "never increases", relative to the objective. */
const SLACK = 1e-12

const nonNegativeFinite = (fit: Factorization): void => {
  for (const factor of [fit.W, fit.H]) {
    for (const value of factor.toFloat64Array()) {
      expect(Number.isFinite(value)).toBe(true)
      expect(value).toBeGreaterThanOrEqual(0)
    }
  }
}

const nonIncreasing = (values: readonly number[]): void => {
  for (let i = 1; i < values.length; i++)
    expect(values[i]).toBeLessThanOrEqual(values[i - 1] * (1 + SLACK))
}

const objectives = (fit: Factorization): number[] =>
  fit.history.map((entry) => entry.objective ?? NaN)

describe('masked NMF', () => {
  const { mask, fit } = demoProblem()
  const run = () => fit(maskedNmf(mask), { maxIter: 60 })

  it('is non-negative and finite, never increases its objective, and repeats', () => {
    const a = run()
    nonNegativeFinite(a)
    nonIncreasing(objectives(a))
    expect(run().W.toArray()).toEqual(a.W.toArray())
  })

  it('measures the relative decrease of its objective, and stops by it', () => {
    const { X, mask: M } = demoProblem()
    const result = nmf(X, { components: 3, solver: maskedNmf(M), maxIter: 2000 })
    if (E.isLeft(result)) throw new Error(result.left.message)
    const { history, nIter, converged, options } = result.right
    // With the default tol, 1e-4: it had run all 2000 iterations, measuring the objective itself.
    expect(converged).toBe(true)
    expect(nIter).toBeLessThan(2000)
    const tol = 1e-4
    expect(options.tol).toBe(tol)
    expect(history.at(-1)?.measure).toBeLessThan(tol)
    for (const entry of history.slice(0, -1)) expect(entry.measure).toBeGreaterThanOrEqual(tol)
    for (let i = 1; i < history.length; i++) {
      const [before, after] = [history[i - 1].objective ?? NaN, history[i].objective ?? NaN]
      expect(history[i].measure).toBeCloseTo((before - after) / before, 12)
    }
  })

  it('runs every iteration with tol 0', () => {
    const result = fit(maskedNmf(mask), { maxIter: 40, tol: 0 })
    expect(result.nIter).toBe(40)
    expect(result.converged).toBe(false)
  })

  it('ignores the missing entries', () => {
    const { X, mask: M, fitOther } = demoProblem()
    const changed = X.map((value, i, j) => (M.get(i, j) === 0 ? value + 100 : value))
    // One start for both: the default random start is scaled by X's mean.
    const init = unwrap(initialize(X, 3, { init: 'random', seed: 1 }))
    const a = fitOther(X, maskedNmf(M), { maxIter: 30, init })
    const b = fitOther(changed, maskedNmf(M), { maxIter: 30, init })
    expect(b.W.toArray()).toEqual(a.W.toArray())
  })
})

describe('fixed columns of W and rows of H', () => {
  const { fit } = demoProblem()
  const solver = fixedComponents([0], [1])

  it('keeps the fixed parts at their initial values', () => {
    const start = fit(solver, { maxIter: 1, tol: 0 })
    const later = fit(solver, { maxIter: 20 })
    expect(later.W.column(0)).toEqual(start.W.column(0))
    expect(later.H.row(1)).toEqual(start.H.row(1))
    nonNegativeFinite(later)
  })

  it('never increases the error and repeats', () => {
    const errors = Array.from(
      { length: 12 },
      (_, i) => fit(solver, { maxIter: i + 1 }).reconstructionError,
    )
    nonIncreasing(errors)
    expect(fit(solver, { maxIter: 12 }).H.toArray()).toEqual(
      fit(solver, { maxIter: 12 }).H.toArray(),
    )
  })
})

describe('sparseness on H only', () => {
  const { fit } = demoProblem()

  it('has more zeros in H than plain cd, never increases its objective, and repeats', () => {
    const sparse = fit(sparseH, { sparsity: 2, maxIter: 50 })
    const plain = fit('cd', { maxIter: 50 })
    const zeros = (f: Factorization) => f.H.toFloat64Array().filter((h) => h === 0).length
    expect(zeros(sparse)).toBeGreaterThan(zeros(plain))
    nonNegativeFinite(sparse)
    nonIncreasing(objectives(sparse))
    expect(fit(sparseH, { sparsity: 2, maxIter: 50 }).H.toArray()).toEqual(sparse.H.toArray())
  })

  it.each([-1, NaN, Infinity, -Infinity])(
    'refuses sparsity %s as an InvalidOption that names it',
    (sparsity) => {
      const { X } = demoProblem()
      const result = nmf(X, { components: 3, solver: sparseH, sparsity, init: 'random' })
      expect(E.isLeft(result) && result.left).toMatchObject({
        _tag: 'InvalidOption',
        option: 'sparsity',
        message: `nmf: option 'sparsity': expected a finite number ≥ 0, found ${sparsity}`,
      })
    },
  )
})
