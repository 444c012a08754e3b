/**
 * The built-in cd and moving-average, written in the DSL, against every cd and
 * moving-average fixture: 1e-9 (largest difference over the largest entry),
 * same n_iter; and against the hand-written cd loop kept in bench/.
 */
import { describe, expect, it } from 'vitest'
import { cd, movingAverage, nmf, solvers } from 'nmfkit'
import { handWrittenCd } from '../bench/hand-written-cd.ts'
import { denseOf, matrixOf, readFixture, relativeDifference, unwrap } from './fixture-helpers.ts'

const TOLERANCE = 1e-9

const cdCases = [
  'cd_binary_100x20_k4',
  'cd_l1_60x30_k5',
  'cd_l2_60x30_k5',
  'cd_l1l2_60x30_k5',
  'cd_sparse_200x150_k6',
  'digits_cd_default_k10',
]

describe('the DSL cd reproduces scikit-learn', () => {
  it.each(cdCases)('%s', (name) => {
    const fixture = readFixture(name)
    const { params, expected } = fixture
    const fit = unwrap(
      nmf(matrixOf(fixture.X), {
        components: params.n_components,
        solver: cd,
        maxIter: params.max_iter,
        tol: params.tol,
        alphaW: params.alpha_W,
        alphaH: params.alpha_H,
        l1Ratio: params.l1_ratio,
        ...(fixture.W0 === undefined
          ? {}
          : { init: { W: denseOf(fixture.W0), H: denseOf(fixture.H0) } }),
      }),
    )
    expect(fit.nIter).toBe(expected.n_iter)
    expect(relativeDifference(fit.W.toFloat64Array(), expected.W.data)).toBeLessThan(TOLERANCE)
    expect(relativeDifference(fit.H.toFloat64Array(), expected.H.data)).toBeLessThan(TOLERANCE)
    expect(Math.abs(fit.reconstructionError - expected.reconstruction_err)).toBeLessThan(
      TOLERANCE * expected.reconstruction_err,
    )
  })

  it('reports the same objective and measure as the hand-written cd', () => {
    const fixture = readFixture('cd_l1l2_60x30_k5')
    const options = {
      components: 5,
      maxIter: 5,
      tol: 0,
      alphaW: fixture.params.alpha_W,
      l1Ratio: fixture.params.l1_ratio,
    }
    const dsl = unwrap(nmf(matrixOf(fixture.X), { ...options, solver: cd }))
    const loop = unwrap(nmf(matrixOf(fixture.X), { ...options, solver: handWrittenCd }))
    dsl.history.forEach((entry, index) => {
      expect(entry.measure).toBeCloseTo(loop.history[index].measure, 9)
      expect(entry.objective).toBeCloseTo(loop.history[index].objective ?? NaN, 9)
    })
  })
})

describe('the DSL moving-average reproduces the notebook', () => {
  it('moving_average_binary_100x20_k4', () => {
    const fixture = readFixture('moving_average_binary_100x20_k4')
    const { params, expected } = fixture
    const fit = unwrap(
      nmf(matrixOf(fixture.X), {
        components: params.n_components,
        solver: movingAverage,
        gamma: params.gamma,
        nonnegative: false,
        maxIter: params.max_iter,
        tol: params.tol,
        init: { W: denseOf(fixture.W0), H: denseOf(fixture.H0) },
      }),
    )
    expect(fit.nIter).toBe(expected.n_iter)
    expect(relativeDifference(fit.W.toFloat64Array(), expected.W.data)).toBeLessThan(TOLERANCE)
    expect(relativeDifference(fit.H.toFloat64Array(), expected.H.data)).toBeLessThan(TOLERANCE)
    const last = fit.history[fit.history.length - 1]
    expect(last.details?.deltaW).toBeCloseTo(expected.delta_W, 12)
    expect(last.details?.deltaH).toBeCloseTo(expected.delta_H, 12)
    expect(fit.W.min()).toBeLessThan(0)
  })

  it('clips at 0 by default', () => {
    const fixture = readFixture('moving_average_binary_100x20_k4')
    const fit = unwrap(
      nmf(matrixOf(fixture.X), {
        components: 4,
        solver: 'moving-average',
        maxIter: 30,
        tol: 0,
        init: { W: denseOf(fixture.W0), H: denseOf(fixture.H0) },
      }),
    )
    expect(fit.W.min()).toBeGreaterThanOrEqual(0)
    expect(fit.H.min()).toBeGreaterThanOrEqual(0)
  })
})

describe('the built-in solvers are the DSL ones', () => {
  it("'cd' and 'moving-average' name the DSL solvers", () => {
    expect(solvers.find((s) => s.name === 'cd')).toBe(cd)
    expect(solvers.find((s) => s.name === 'moving-average')).toBe(movingAverage)
  })
})
