/**
 * The built-in cd and moving-average are the DSL solvers (test/fixtures.test.ts
 * checks them against every scikit-learn and notebook fixture); here the DSL cd
 * is also checked step by step against the hand-written loop kept in bench/.
 */
import { describe, expect, it } from 'vitest'
import { cd, movingAverage, nmf, solvers } from 'nmfkit'
import { handWrittenCd } from '../bench/hand-written-cd.ts'
import { denseOf, matrixOf, readFixture, unwrap } from './fixture-helpers.ts'

describe('the DSL cd against the hand-written loop', () => {
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

describe('the DSL moving-average', () => {
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
