/**
 * The built-in cd and moving-average are the DSL solvers (test/fixtures.test.ts
 * checks them against every scikit-learn and notebook fixture); here the DSL cd
 * is also checked step by step against the hand-written loop kept in bench/, and
 * moving-average's absolute tolerance is pinned as its documentation states it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cd, createRng, Matrix, movingAverage, nmf, solvers } from 'nmfkit'
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

describe("moving-average's tol is absolute, as documented (the notebook's rule, kept)", () => {
  // README's X for the scale of X: a uniform 40×30 X, createRng(3), k = 4.
  const rng = createRng(3)
  const base = Float64Array.from({ length: 1200 }, () => rng.uniform())
  const scaled = (scale: number): Matrix => unwrap(Matrix.fromData(40, 30, base)).scale(scale)
  const fit = (scale: number, options: object = {}) =>
    unwrap(nmf(scaled(scale), { components: 4, solver: 'moving-average', ...options }))

  it('stops after 1 iteration at 1e-6, and is not converged after 200 at 1e4', () => {
    const tiny = fit(1e-6)
    expect([tiny.nIter, tiny.converged]).toEqual([1, true])
    expect(tiny.history[0].measure).toBeLessThan(1e-4)
    // 14% above the converged fit's error (7.9875 times the scale, after 6,775 iterations).
    expect(tiny.reconstructionError / 1e-6 / 7.9875).toBeCloseTo(1.137, 3)
    const large = fit(1e4)
    expect([large.nIter, large.converged]).toEqual([200, false])
    expect(large.history[199].measure).toBeGreaterThan(1)
  })

  it('runs X·s with tol·√s as it runs X with tol, from the random start', () => {
    const reference = fit(1, { init: 'random', tol: 1e-2 })
    expect([reference.nIter, reference.converged]).toEqual([162, true])
    // Powers of 4: X·s, √s and the factors' scaling are exact.
    for (const power of [-10, 7]) {
      const s = 4 ** power
      const other = fit(s, { init: 'random', tol: 1e-2 * Math.sqrt(s) })
      expect(other.nIter).toBe(reference.nIter)
      expect(other.W.toArray()).toEqual(reference.W.scale(2 ** power).toArray())
      expect(other.H.toArray()).toEqual(reference.H.scale(2 ** power).toArray())
    }
  })

  it('needs more than the default maxIter at scale 1 too; tol·√s from nndsvda differs', () => {
    const one = fit(1)
    expect([one.nIter, one.converged]).toEqual([200, false])
    // tol·√s, the default tol 1e-4 at scale 1, with maxIter enough to converge.
    const counts = (init: object) =>
      [1e-6, 1, 1e4].map((s) => {
        const run = fit(s, { ...init, tol: 1e-4 * Math.sqrt(s), maxIter: 20_000 })
        expect(run.converged).toBe(true)
        return run.nIter
      })
    const fromDefault = counts({})
    expect(fromDefault).toEqual([1924, 6775, 11494])
    expect(counts({ init: 'random' })).toEqual([5976, 5976, 5976])
    // The README says so, with these numbers, and that maxIter is needed as well.
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const paragraph = readme.slice(readme.indexOf("**`moving-average`'s `tol` is absolute.**"))
    const text = paragraph.slice(0, paragraph.indexOf('\n\n')).replace(/\s+/g, ' ')
    for (const count of [...fromDefault, 5976]) expect(text).toContain(count.toLocaleString('en'))
    expect(text).toContain('give a `maxIter` large enough as well')
    expect(text).toContain("exactly only from `init: 'random'`")
  })
})

describe('the built-in solvers are the DSL ones', () => {
  it("'cd' and 'moving-average' name the DSL solvers", () => {
    expect(solvers.find((s) => s.name === 'cd')).toBe(cd)
    expect(solvers.find((s) => s.name === 'moving-average')).toBe(movingAverage)
  })
})
