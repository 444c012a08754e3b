/**
 * scikit-learn's numbers: every cd, moving-average and init fixture agrees to
 * 1e-9 (largest difference over the largest entry) with the same n_iter.
 */
import { describe, expect, it } from 'vitest'
import { initialize, nmf } from 'nmfkit'
import { fitOptions, matrixOf, readFixture, relativeDifference, unwrap } from './fixture-helpers.ts'

const TOLERANCE = 1e-9

const cdCases = [
  'cd_binary_100x20_k4',
  'cd_l1_60x30_k5',
  'cd_l2_60x30_k5',
  'cd_l1l2_60x30_k5',
  'cd_sparse_200x150_k6',
  'digits_cd_default_k10',
]

describe('cd reproduces scikit-learn', () => {
  it.each(cdCases)('%s', (name) => {
    const fixture = readFixture(name)
    const { expected } = fixture
    const fit = unwrap(nmf(matrixOf(fixture.X), fitOptions(fixture)))
    expect(fit.nIter).toBe(expected.n_iter)
    expect(relativeDifference(fit.W.toFloat64Array(), expected.W.data)).toBeLessThan(TOLERANCE)
    expect(relativeDifference(fit.H.toFloat64Array(), expected.H.data)).toBeLessThan(TOLERANCE)
    expect(Math.abs(fit.reconstructionError - expected.reconstruction_err)).toBeLessThan(
      TOLERANCE * expected.reconstruction_err,
    )
  })
})

describe('moving-average reproduces the notebook', () => {
  it('moving_average_binary_100x20_k4', () => {
    const fixture = readFixture('moving_average_binary_100x20_k4')
    const { expected } = fixture
    const fit = unwrap(nmf(matrixOf(fixture.X), fitOptions(fixture)))
    expect(fit.nIter).toBe(expected.n_iter)
    expect(relativeDifference(fit.W.toFloat64Array(), expected.W.data)).toBeLessThan(TOLERANCE)
    expect(relativeDifference(fit.H.toFloat64Array(), expected.H.data)).toBeLessThan(TOLERANCE)
    const last = fit.history[fit.history.length - 1]
    expect(last.details?.deltaW).toBeCloseTo(expected.delta_W, 12)
    expect(last.details?.deltaH).toBeCloseTo(expected.delta_H, 12)
    // The notebook's update has no projection: its result has negative entries.
    expect(fit.W.min()).toBeLessThan(0)
  })
})

describe('NNDSVD initializations reproduce scikit-learn', () => {
  it.each(['init_nndsvd_40x25_k5', 'init_nndsvda_40x25_k5'])('%s', (name) => {
    const fixture = readFixture(name)
    const start = unwrap(
      initialize(matrixOf(fixture.X), fixture.params.n_components, { init: fixture.params.init }),
    )
    expect(relativeDifference(start.W.toFloat64Array(), fixture.expected.W.data)).toBeLessThan(
      TOLERANCE,
    )
    expect(relativeDifference(start.H.toFloat64Array(), fixture.expected.H.data)).toBeLessThan(
      TOLERANCE,
    )
  })
})

describe('an NNDSVD start where k passes the rank of X', () => {
  // scikit-learn 1.2.1's `nndsvd` fills a column of W with NaN on this X (0/0 for a zero
  // singular vector), and its fits from either start return factors of NaN (checked with
  // NMF(2, init=...) on this X); nmfkit's column is 0
  // (README, "Where nmfkit and scikit-learn differ"), and a fit from it is exact.
  const X = [
    [0, 1.5],
    [0, 0],
    [0, 0.5],
  ]
  it.each(['nndsvd', 'nndsvda'] as const)(
    '%s: a finite start, and an exact fit from it',
    (init) => {
      const start = unwrap(initialize(X, 2, { init }))
      const W = start.W.toArray()
      expect(
        [...start.W.toFloat64Array(), ...start.H.toFloat64Array()].every(Number.isFinite),
      ).toBe(true)
      // The second component is zero in nndsvd, and mean(X) = 1/3 where nndsvda fills it.
      expect(W.map((row) => row[1])).toEqual(init === 'nndsvd' ? [0, 0, 0] : [1 / 3, 1 / 3, 1 / 3])
      const fit = unwrap(nmf(X, { components: 2, init }))
      expect(fit.reconstructionError).toBeLessThan(1e-12)
    },
  )
})
