/**
 * The `aligned` comparator, the comparator contract's options, and
 * `formatReport`: permuted, rescaled copies match perfectly with the
 * permutation recovered; unrelated factorizations do not; empty components;
 * shape errors; JSON round trips; the text tables.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  aligned,
  compare,
  createRng,
  CsrMatrix,
  formatReport,
  frobeniusError,
  Matrix,
  nmf,
  norms,
  optionsCodec,
  withOptions,
  type AlignedReport,
  type Comparator,
  type CompareOptions,
  type FactorPair,
  type NormsReport,
  type Report,
} from 'nmfkit'
import { showCompact } from '../core/show.ts'

const RUNS = { numRuns: 200 }

/** A perfect match differs from exact agreement by rounding only. */
const ROUNDING = 1e-12

const matrix = (rows: number, cols: number, data: ArrayLike<number>): Matrix => {
  const result = Matrix.fromData(rows, cols, data)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** W (samples×k) and H (k×features) with uniform entries in [0, 1), from a seed. */
const randomPair = (seed: number, samples: number, k: number, features: number): FactorPair => {
  const rng = createRng(seed)
  return {
    W: matrix(samples, k, Float64Array.from({ length: samples * k }, rng.uniform)),
    H: matrix(k, features, Float64Array.from({ length: k * features }, rng.uniform)),
  }
}

/**
 * b with component permutation[t] = component t of a, its H row times
 * scales[t] and its W column divided by scales[t]: the same W·H.
 */
const permutedCopy = (
  a: FactorPair,
  permutation: readonly number[],
  scales: readonly number[],
): FactorPair => {
  const W = a.W.toArray()
  const H = a.H.toArray()
  const Wb = W.map((row) => row.slice())
  const Hb = H.map((row) => row.slice())
  permutation.forEach((u, t) => {
    W.forEach((row, i) => (Wb[i][u] = row[t] / scales[t]))
    Hb[u] = H[t].map((value) => value * scales[t])
  })
  return { W: matrix(a.W.rows, a.W.cols, Wb.flat()), H: matrix(a.H.rows, a.H.cols, Hb.flat()) }
}

const run = (a: FactorPair, b: FactorPair, options: CompareOptions): Report => {
  const result = compare(a, b, options)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const alignedReport = (a: FactorPair, b: FactorPair, options: CompareOptions = {}) =>
  run(a, b, { comparators: [aligned], ...options }).reports[0] as AlignedReport

const errorMessage = (a: FactorPair, b: FactorPair, options: CompareOptions): string => {
  const result = compare(a, b, options)
  if (E.isRight(result)) throw new Error('expected an error')
  return result.left.message
}

/** A problem size, a permutation of its components and a positive scale for each. */
const permutedCase = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    samples: fc.integer({ min: 2, max: 8 }),
    k: fc.integer({ min: 1, max: 6 }),
    features: fc.integer({ min: 2, max: 8 }),
    withX: fc.boolean(),
  })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      permutation: fc.shuffledSubarray(
        Array.from({ length: size.k }, (_, t) => t),
        { minLength: size.k, maxLength: size.k },
      ),
      scales: fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), {
        minLength: size.k,
        maxLength: size.k,
      }),
    }),
  )

describe('aligned', () => {
  test.prop([permutedCase], RUNS)(
    'a permuted, rescaled copy matches perfectly, permutation and scales recovered',
    ({ size, permutation, scales }) => {
      const a = randomPair(size.seed, size.samples, size.k, size.features)
      const b = permutedCopy(a, permutation, scales)
      const X = randomPair(size.seed + 1, size.samples, 1, size.features)
      const Xmatrix = matrix(
        size.samples,
        size.features,
        X.W.toArray().flatMap((row) => X.H.row(0).map((value) => value * row[0] + 0.5)),
      )
      const report = alignedReport(a, b, size.withX ? { X: Xmatrix } : {})
      expect(report.verdict.same).toBe(true)
      expect(report.verdict.differing).toEqual([])
      expect(report.permutation).toEqual(permutation)
      report.matches.forEach((match, t) => {
        expect(match.scale).not.toBeNull()
        expect(Math.abs((match.scale as number) / scales[t] - 1)).toBeLessThan(ROUNDING)
        expect(match.cosineW).toBeGreaterThan(1 - ROUNDING)
        expect(match.cosineH).toBeGreaterThan(1 - ROUNDING)
        expect(match.difference).toBeLessThan(ROUNDING)
      })
      expect(report.totalSimilarity).toBeCloseTo(size.k, 10)
      expect(report.reconstructionDifference.relativeTo).toBe(size.withX ? 'X' : 'a')
      expect(report.reconstructionDifference.relative).toBeLessThan(ROUNDING)
      if (size.withX) {
        expect(report.reconstructionErrors).not.toBeNull()
        const errors = report.reconstructionErrors as { a: number; b: number }
        expect(Math.abs(errors.a - errors.b)).toBeLessThan(ROUNDING * (1 + errors.a))
      } else {
        expect(report.reconstructionErrors).toBeNull()
      }
    },
  )

  test.prop([permutedCase, fc.integer({ min: 1, max: 1000 })], RUNS)(
    'an unrelated factorization does not match',
    ({ size }, offset) => {
      const a = randomPair(size.seed, size.samples, size.k, size.features)
      const b = randomPair(size.seed + offset, size.samples, size.k, size.features)
      const report = alignedReport(a, b)
      expect(report.verdict.same).toBe(false)
      expect(report.verdict.differing.length).toBeGreaterThan(0)
      expect(report.verdict.largestDifference).toBeGreaterThan(report.tolerance)
      expect(report.verdict.summary).toMatch(/^different: \d+ of \d+ component pairs?/)
    },
  )

  test.prop([permutedCase, fc.nat()], RUNS)(
    'names the one component that differs, and by how much',
    ({ size, permutation, scales }, pick) => {
      const a = randomPair(size.seed, size.samples, size.k, size.features)
      const copy = permutedCopy(a, permutation, scales)
      const changed = pick % size.k
      // Double one W column of b: the same direction, twice the term, relative difference 1/2.
      const W = copy.W.toArray()
      W.forEach((row) => (row[permutation[changed]] *= 2))
      const b = { W: matrix(copy.W.rows, copy.W.cols, W.flat()), H: copy.H }
      const report = alignedReport(a, b)
      expect(report.verdict.same).toBe(false)
      expect(report.verdict.differing).toEqual([changed])
      expect(report.matches[changed].difference).toBeCloseTo(0.5, 10)
      expect(report.matches[changed].cosineW).toBeCloseTo(1, 10)
      expect(report.verdict.summary).toContain(`a${changed}↔b${permutation[changed]} by 0.5 `)
    },
  )

  it('n = 1 or features = 1: one factor cannot tell the components apart, the other does', () => {
    for (const [samples, features] of [
      [1, 5],
      [5, 1],
    ]) {
      const a = randomPair(7, samples, 3, features)
      const report = alignedReport(a, permutedCopy(a, [1, 2, 0], [2, 3, 4]))
      expect(report.permutation).toEqual([1, 2, 0])
      expect(report.verdict.same).toBe(true)
    }
  })

  it('parallel components of different sizes: a permuted copy is matched by size', () => {
    // Every W column and every H row parallel, so every pair has cosine 1: only the sizes of
    // the terms (norms 1·√2 ... 4·√2) tell the components apart.
    const a = { W: matrix(2, 4, [1, 2, 3, 4, 0, 0, 0, 0]), H: matrix(4, 3, Array(12).fill(1)) }
    for (const permutation of [
      [1, 0, 2, 3],
      [3, 2, 1, 0],
      [2, 3, 0, 1],
    ]) {
      const report = alignedReport(a, permutedCopy(a, permutation, [1, 1, 1, 1]))
      expect(report.permutation).toEqual(permutation)
      expect(report.verdict.same).toBe(true)
    }
    // One sample and one feature: every term is a number; a rescaled, permuted copy.
    const one = { W: matrix(1, 3, [1, 5, 2]), H: matrix(3, 1, [3, 1, 7]) }
    const report = alignedReport(one, permutedCopy(one, [2, 0, 1], [0.5, 4, 2]))
    expect(report.permutation).toEqual([2, 0, 1])
    expect(report.verdict.same).toBe(true)
  })

  it('gives a factorization against itself cosines of exactly 1, which the tables show as 1', () => {
    // The plain dot of a unit vector with itself came out 1 − 2e-16, shown as 1.000000,
    // which the tables keep for a near miss.
    for (let seed = 0; seed < 20; seed++) {
      const pair = randomPair(seed, 5 + seed, 1 + (seed % 5), 3 + 2 * seed)
      for (const match of alignedReport(pair, pair).matches) {
        expect([match.cosineW, match.cosineH, match.difference]).toEqual([1, 1, 0])
      }
    }
  })

  it('pairs terms that point nearly the same way by their sizes, as the verdict measures them', () => {
    // a: a term of size 1 along (1, 0) and one of size 2 along (1, 0.001); b: size 2 along
    // (1, 0) and size 1 along (1, 0.001). W_a·H_a and W_b·H_b differ by about 1e-3 of
    // their size: paired by size the terms differ by about 1e-3 each, paired by direction
    // (as a match by cosines did) by a half each.
    const H = matrix(2, 2, [1, 0, 1, 0.001])
    const a = { W: matrix(2, 2, [1, 2, 0, 0]), H }
    const b = { W: matrix(2, 2, [2, 1, 0, 0]), H }
    const report = alignedReport(a, b)
    expect(report.permutation).toEqual([1, 0])
    for (const match of report.matches) {
      expect(match.difference).toBeGreaterThan(1e-4)
      expect(match.difference).toBeLessThan(1e-3)
    }
    expect(report.verdict.differing).toEqual([0, 1])
  })

  it('is the same when some matching has every pair within the tolerance, whatever the totals', () => {
    // Near-duplicate W columns e1 and (cos θ, sin θ, 0) against e1 and (cos θ, 0, sin θ):
    // matched straight, the pairs differ by 0 and 1.13e-6 (the least total); crossed, by
    // 0.8e-6 each, both within 1e-6. The verdict is about each pair: the same.
    const theta = 0.8e-6
    const [c, s] = [Math.cos(theta), Math.sin(theta)]
    const H = matrix(2, 1, [1, 1])
    const a = { W: matrix(3, 2, [1, c, 0, s, 0, 0]), H }
    const b = { W: matrix(3, 2, [1, c, 0, 0, 0, s]), H }
    const report = alignedReport(a, b)
    expect(report.permutation).toEqual([1, 0])
    expect(report.verdict.same).toBe(true)
    expect(report.verdict.largestDifference).toBeCloseTo(theta, 12)
    // With a tolerance none of the crossed pairs meets, the least total decides.
    const strict = run(a, b, { comparators: [withOptions(aligned, { tolerance: 1e-7 })] })
    const tight = strict.reports[0] as AlignedReport
    expect(tight.permutation).toEqual([0, 1])
    expect(tight.verdict.differing).toEqual([1])
  })

  it('keeps the pairs of two fits that agree within the tolerance when noise sways the cosines', () => {
    // W columns (1, 1) and (100, 101) with equal H rows: one entry of b's first column 1.1%
    // off turned it nearer in direction to a's second, and a match by cosines paired the
    // small term with the large one: "different by 0.99" for fits 8e-5 apart.
    const H = matrix(2, 2, [1, 1, 1, 1])
    const a = { W: matrix(2, 2, [1, 100, 1, 101]), H }
    const b = { W: matrix(2, 2, [1, 100, 1.011, 101]), H }
    const tolerance = { comparators: [withOptions(aligned, { tolerance: 0.01 })] }
    for (const [first, second] of [
      [a, b],
      [b, a],
    ]) {
      const report = run(first, second, tolerance).reports[0] as AlignedReport
      expect(report.permutation).toEqual([0, 1])
      expect(report.verdict.same).toBe(true)
      // 0.0077: 0.011 / ‖(1, 1.011)‖, the moved entry against its term.
      expect(report.verdict.largestDifference).toBeCloseTo(0.0077, 4)
    }
  })

  describe('empty components', () => {
    // Component 1 has an all-zero H row, component 2 an all-zero W column.
    const a = {
      W: matrix(3, 3, [1, 5, 0, 2, 6, 0, 3, 7, 0]),
      H: matrix(3, 4, [1, 0, 2, 1, 0, 0, 0, 0, 4, 1, 1, 2]),
    }

    it('are matched to empty components, never divided by', () => {
      const report = alignedReport(a, permutedCopy(a, [2, 0, 1], [3, 0.5, 2]))
      expect(report.verdict.same).toBe(true)
      expect(report.permutation[0]).toBe(2)
      for (const t of [1, 2]) {
        expect(report.matches[t]).toMatchObject({
          normA: 0,
          normB: 0,
          scale: null,
          cosineW: 1,
          cosineH: 1,
          difference: 0,
          same: true,
        })
      }
      expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/)
    })

    it('an empty component against a non-empty one differs by 1', () => {
      // Only component 1 of `one` is empty; in b it is not.
      const one = { W: matrix(3, 3, [1, 5, 1, 2, 6, 1, 3, 7, 1]), H: a.H }
      const b = { W: one.W, H: matrix(3, 4, [1, 0, 2, 1, 1, 1, 1, 1, 4, 1, 1, 2]) }
      const report = alignedReport(one, b)
      expect(report.permutation).toEqual([0, 1, 2])
      expect(report.verdict.differing).toEqual([1])
      expect(report.matches[1]).toMatchObject({ cosineW: 0, cosineH: 0, scale: null, normA: 0 })
      expect(report.matches[1].difference).toBeCloseTo(1, 12)
      // The summary gives the two terms' sizes (2·√110 for b's): a pair differs relative
      // to itself, so a term of any size against an empty one differs by 1.
      expect(report.verdict.summary).toMatch(
        /: a1↔b1 by 1 \(cos W 0\.000000, cos H 0\.000000, ‖w·hᵀ‖_F 0 and 20\.98\)$/,
      )
    })

    it('two all-zero factorizations are the same, with a relative difference of 0', () => {
      const zero = { W: Matrix.zeros(2, 2), H: Matrix.zeros(2, 3) }
      const report = alignedReport(zero, zero)
      expect(report.verdict.same).toBe(true)
      expect(report.reconstructionDifference).toEqual({
        absolute: 0,
        relative: 0,
        relativeTo: 'a',
      })
      expect(report.normsAfterAlignment.W.maxAbsDifference).toBe(0)
    })

    it('a zero reference with a non-zero difference gives a relative difference of null', () => {
      const zero = { W: Matrix.zeros(3, 3), H: Matrix.zeros(3, 4) }
      const report = alignedReport(zero, a)
      expect(report.reconstructionDifference.relative).toBeNull()
      expect(report.reconstructionDifference.absolute).toBeGreaterThan(0)
    })
  })

  it('two fits from the same start are the same, in the same order', () => {
    const X = randomPair(3, 12, 2, 8)
    const data = X.W.times(X.H)
    if (E.isLeft(data)) throw new Error(data.left.message)
    const start = randomPair(4, 12, 2, 8)
    const fit = nmf(data.right, { components: 2, init: start, maxIter: 50 })
    const again = nmf(data.right, { components: 2, init: start, maxIter: 50 })
    if (E.isLeft(fit) || E.isLeft(again)) throw new Error('fit failed')
    const report = alignedReport(fit.right, again.right, { X: data.right })
    expect(report.permutation).toEqual([0, 1])
    expect(report.verdict.same).toBe(true)
  })

  it('does not change its inputs', () => {
    const a = randomPair(1, 4, 2, 3)
    const b = randomPair(2, 4, 2, 3)
    const before = [a.W, a.H, b.W, b.H].map((m) => m.toFloat64Array())
    alignedReport(a, b)
    expect([a.W, a.H, b.W, b.H].map((m) => m.toFloat64Array())).toEqual(before)
  })
})

/** a with component t's W column times 2^wExponents[t] and its H row times 2^hExponents[t]. */
const spread = (
  a: FactorPair,
  wExponents: readonly number[],
  hExponents: readonly number[],
): FactorPair => ({
  W: a.W.map((value, _i, t) => value * 2 ** wExponents[t]),
  H: a.H.map((value, t) => value * 2 ** hExponents[t]),
})

describe('aligned at any scale of the factors', () => {
  const base = {
    W: matrix(2, 2, [1, 1, 1, 2]),
    H: matrix(2, 2, [1, 2, 3, 1]),
  }

  it.each([
    ['a W column of 1e-165', { W: [1e-165, 1], H: [1, 1] }],
    ['a W column of 1e155', { W: [1e155, 1], H: [1, 1] }],
    ['an H row of 1e-300', { W: [1, 1], H: [1e-300, 1] }],
    ['an H row of 1e300', { W: [1, 1], H: [1e300, 1] }],
    ['a term of 1e-320, a subnormal double', { W: [1e-160, 1], H: [1e-160, 1] }],
    ['a term of 1e-340, which shows as 0 but is not empty', { W: [1e-170, 1], H: [1e-170, 1] }],
    ['the smallest double in W and 1e300 in H', { W: [5e-324, 1], H: [1e300, 1] }],
  ])('compares a factorization with %s with itself: the same', (_name, factors) => {
    const f = {
      W: base.W.map((value, _i, t) => value * factors.W[t]),
      H: base.H.map((value, t) => value * factors.H[t]),
    }
    const report = alignedReport(f, f)
    expect(report.permutation).toEqual([0, 1])
    expect(report.verdict.same).toBe(true)
    for (const match of report.matches) {
      expect(match.cosineW).toBeGreaterThan(1 - ROUNDING)
      expect(match.cosineH).toBeGreaterThan(1 - ROUNDING)
      expect(match.difference).toBe(0)
      expect(match.scale).toBe(1)
    }
    expect(report.reconstructionDifference).toEqual({ absolute: 0, relative: 0, relativeTo: 'a' })
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/)
  })

  it('reports the sizes of tiny and huge components as they are', () => {
    const f = spread(base, [-600, 500], [-400, 400])
    const report = alignedReport(f, f)
    const [small, large] = report.matches
    // ‖(1, 1)‖·‖(1, 2)‖ = √10 and ‖(1, 2)‖·‖(3, 1)‖ = √50, times the powers of two.
    expect(small.normA / (Math.sqrt(10) * 2 ** -1000)).toBeCloseTo(1, 12)
    expect(large.normA / (Math.sqrt(50) * 2 ** 900)).toBeCloseTo(1, 12)
    expect(small.scaleA / (Math.sqrt(5) * 2 ** -400)).toBeCloseTo(1, 12)
    // The aligned W holds w·‖h‖, √5·2^-1000 in the small column, and its norms add up.
    const alignedW = report.normsAfterAlignment.W.a
    expect(alignedW.min / (Math.sqrt(5) * 2 ** -1000)).toBeCloseTo(1, 12)
    expect(alignedW.frobeniusNorm / large.normA).toBeCloseTo(1, 12)
    expect(report.normsAfterAlignment.H.a.frobeniusNorm).toBeCloseTo(Math.SQRT2, 12)
  })

  const extremeCase = permutedCase.chain((c) =>
    fc.record({
      c: fc.constant(c),
      // Per component: W column and H row exponents, and the copy's scale 2^r·m.
      w: fc.array(fc.integer({ min: -500, max: 500 }), {
        minLength: c.size.k,
        maxLength: c.size.k,
      }),
      h: fc.array(fc.integer({ min: -400, max: 400 }), {
        minLength: c.size.k,
        maxLength: c.size.k,
      }),
      r: fc.array(fc.integer({ min: -500, max: 500 }), {
        minLength: c.size.k,
        maxLength: c.size.k,
      }),
    }),
  )

  test.prop([extremeCase], RUNS)(
    'a permuted copy rescaled by up to 2^±500, of components from 2^-900 to 2^900, is the same',
    ({ c, w, h, r }) => {
      const { size, permutation } = c
      const a = spread(randomPair(size.seed, size.samples, size.k, size.features), w, h)
      const scales = c.scales.map((scale, t) => scale * 2 ** r[t])
      const b = permutedCopy(a, permutation, scales)
      const report = alignedReport(a, b)
      expect(report.verdict.same).toBe(true)
      expect(report.permutation).toEqual(permutation)
      report.matches.forEach((match, t) => {
        expect(Math.abs((match.scale as number) / scales[t] - 1)).toBeLessThan(ROUNDING)
        expect(match.cosineW).toBeGreaterThan(1 - ROUNDING)
        expect(match.cosineH).toBeGreaterThan(1 - ROUNDING)
        expect(match.difference).toBeLessThan(ROUNDING)
        expect(Math.abs(match.normB / match.normA - 1)).toBeLessThan(ROUNDING)
      })
      expect(report.reconstructionDifference.relative).toBeLessThan(ROUNDING)
      expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/)
    },
  )

  it('tells a tiny component that differs from one that does not', () => {
    const a = spread(base, [-1000, 0], [-60, 0])
    const b = { W: a.W.map((value, _i, t) => (t === 0 ? 2 * value : value)), H: a.H }
    const report = alignedReport(a, b)
    expect(report.verdict.differing).toEqual([0])
    expect(report.matches[0].difference).toBeCloseTo(0.5, 12)
    expect(report.matches[1].difference).toBe(0)
  })

  it('gives the error against X where its squares are beyond float64', () => {
    // W·H = [[2]] from two terms 1e300·1e-300 and 1e-300·1e300; X = 1e200.
    const f = { W: matrix(1, 2, [1e300, 1e-300]), H: matrix(2, 1, [1e-300, 1e300]) }
    const report = alignedReport(f, f, { X: matrix(1, 1, [1e200]) })
    const errors = report.reconstructionErrors as { a: number; b: number }
    expect(errors.a / 1e200).toBeCloseTo(1, 12)
    expect(errors.b).toBe(errors.a)
    expect(report.reconstructionDifference.relative).toBe(0)
  })

  it('gives the same error against a CSR X as against a dense one, however unbalanced', () => {
    // X = W·H plus 1e-3 at one entry (a CSR X's error is ‖X‖² − 2⟨X, W·H⟩ + ‖W·H‖², which
    // cancels: a smaller error would lose digits to rounding); component 0's W column times
    // 2^520, its H row times 2^-520.
    const pair = randomPair(7, 6, 3, 5)
    const product = pair.W.times(pair.H)
    if (E.isLeft(product)) throw new Error(product.left.message)
    const data = product.right.toFloat64Array()
    data[7] += 1e-3
    const X = matrix(6, 5, data)
    const unbalanced = {
      W: pair.W.map((value, _i, t) => (t === 0 ? value * 2 ** 520 : value)),
      H: pair.H.map((value, t) => (t === 0 ? value * 2 ** -520 : value)),
    }
    for (const f of [pair, unbalanced]) {
      const dense = alignedReport(f, f, { X }).reconstructionErrors as { a: number }
      const sparse = alignedReport(f, f, { X: CsrMatrix.fromDense(X) }).reconstructionErrors as {
        a: number
      }
      // The cancellation's rounding: about ε·‖X‖² / error² = 1e-16 · 30 / 1e-6 of error².
      expect(dense.a / 1e-3).toBeCloseTo(1, 7)
      expect(sparse.a / 1e-3).toBeCloseTo(1, 7)
    }
  })

  it("gives frobeniusError's bits against a CSR X, however each component is rescaled", () => {
    // The components are balanced by powers of two first, which is exact for these factors.
    const pair = randomPair(9, 6, 3, 5)
    const rng = createRng(10)
    const values = Array.from({ length: 30 }, () => (rng.uniform() < 0.4 ? 0 : rng.uniform()))
    const X = CsrMatrix.fromDense(matrix(6, 5, values))
    const expected = frobeniusError(X, pair.W, pair.H)
    for (const e of [
      [0, 0, 0],
      [900, -700, 40],
      [-150, 150, 0],
    ]) {
      const f = {
        W: pair.W.map((value, _i, t) => value * 2 ** e[t]),
        H: pair.H.map((value, t) => value * 2 ** -e[t]),
      }
      const errors = alignedReport(f, f, { X }).reconstructionErrors as { a: number; b: number }
      expect(errors.a).toBe(expected)
      expect(errors.b).toBe(expected)
    }
  })

  it('gives the error against a CSR X with an empty component next to a huge W column', () => {
    // Component 1 is empty (its H row is zero) with a W column at 2e159, component 0 is
    // 0.03·5e94. The CSR error's WᵀW overflows at 2e159², which meets the zero row in NaN;
    // its rescaled second try scales by the largest entries of W and of H, 2e159·5e94,
    // which leaves the square of component 0's term subnormal (the error 0.14% short),
    // unless the pair is balanced first: then H's largest entry is about 2^155, not 5e94.
    const f = { W: matrix(1, 2, [0.03, 2e159]), H: matrix(2, 1, [5e94, 0]) }
    const X = matrix(1, 1, [0])
    for (const x of [X, CsrMatrix.fromDense(X)]) {
      const errors = alignedReport(f, f, { X: x }).reconstructionErrors as { a: number; b: number }
      expect(errors.a / 1.5e93).toBeCloseTo(1, 14)
      expect(errors.b).toBe(errors.a)
    }
  })

  it('names the number it cannot report when it is beyond the largest double', () => {
    const huge = { W: matrix(1, 1, [1e200]), H: matrix(1, 1, [3e200]) }
    expect(errorMessage(huge, huge, { comparators: [aligned] })).toBe(
      "compare: expected aligned's norm ‖w·hᵀ‖_F of component 0 of the first factorization " +
        'to be finite, found Infinity; it is 3.00e400, beyond the largest double (1.80e308)',
    )
    const wide = { W: matrix(1, 1, [1]), H: matrix(1, 1, [1e300]) }
    const narrow = { W: matrix(1, 1, [1e300]), H: matrix(1, 1, [1e-300]) }
    expect(errorMessage(narrow, wide, { comparators: [aligned] })).toBe(
      "compare: expected aligned's scale ratio ‖row 0 of H_b‖₂ / ‖row 0 of H_a‖₂ to be " +
        'finite, found Infinity; it is 1.00e600, beyond the largest double (1.80e308)',
    )
    // A factorization's own number names it in `input`, as a refusal of its factors does
    // (the command named X's file, or no file).
    const refusal = (a: FactorPair, b: FactorPair) => {
      const result = compare(a, b, { comparators: [aligned] })
      return E.isLeft(result) ? result.left : undefined
    }
    const fine = { W: matrix(1, 1, [1]), H: matrix(1, 1, [1]) }
    expect(refusal(huge, fine)).toMatchObject({ _tag: 'NonFiniteInput', input: 'a' })
    expect(refusal(fine, huge)).toMatchObject({ _tag: 'NonFiniteInput', input: 'b' })
    // A scale ratio is the pair's, neither factorization's: it names none.
    const ratio = refusal(narrow, wide)
    expect(ratio).toMatchObject({ _tag: 'NonFiniteInput' })
    expect(ratio?.input).toBeUndefined()
  })
})

describe('compare: shapes, options and the contract', () => {
  const a = randomPair(1, 4, 3, 5)

  it('names the shapes when the factorizations differ in shape', () => {
    const b = randomPair(2, 4, 2, 5)
    expect(errorMessage(a, b, { comparators: [aligned] })).toBe(
      'compare: expected W of the second factorization to have shape 4×3 (3 components, as the ' +
        'first has), found 4×2',
    )
  })

  it('names the shapes when X is not the shape of W·H', () => {
    expect(errorMessage(a, a, { comparators: [aligned], X: Matrix.zeros(5, 4) })).toBe(
      'compare: expected X to have shape 4×5 (rows of W × columns of H), found 5×4',
    )
  })

  it('names the shapes when W and H of one factorization do not fit together', () => {
    const broken = { W: a.W, H: randomPair(3, 1, 2, 5).H }
    expect(errorMessage(broken, broken, { comparators: [aligned] })).toBe(
      'compare: expected H of the first factorization to have 3 rows ' +
        '(as W has 3 columns), found 2×5',
    )
  })

  it('rejects factors that are not finite', () => {
    const bad = { W: a.W.map((value, i, j) => (i === 1 && j === 2 ? NaN : value)), H: a.H }
    expect(errorMessage(a, bad, { comparators: [aligned] })).toBe(
      'compare: expected W of the second factorization to be finite, found NaN at row 1, column 2',
    )
  })

  it('reports the default tolerance, and takes another one', () => {
    expect(alignedReport(a, a).tolerance).toBe(1e-6)
    // Every term 1.001 times a's: each pair differs by 0.001 / 1.001.
    const b = { W: a.W.map((value) => value * 1.001), H: a.H }
    expect(alignedReport(a, b).verdict.same).toBe(false)
    const loose = run(a, b, { comparators: [withOptions(aligned, { tolerance: 0.01 })] })
    const report = loose.reports[0] as AlignedReport
    expect(report.tolerance).toBe(0.01)
    expect(report.verdict.same).toBe(true)
    expect(report.verdict.largestDifference).toBeCloseTo(0.001 / 1.001, 12)
    // A tolerance just below 1 is shown as it is, not rounded to the 1 that is refused.
    const near = run(a, b, { comparators: [withOptions(aligned, { tolerance: 0.9999999 })] })
    expect((near.reports[0] as AlignedReport).verdict.summary).toContain('tolerance 0.9999999 ')
  })

  it('rejects a tolerance out of range, an unknown option, and options that are no object', () => {
    const withTolerance = (options: unknown): CompareOptions => ({
      comparators: [{ comparator: aligned, options }],
    })
    expect(errorMessage(a, a, withTolerance({ tolerance: 2 }))).toBe(
      "compare: option 'aligned.tolerance': expected a number in [0, 1), found 2",
    )
    expect(errorMessage(a, a, withTolerance({ tolerance: NaN }))).toBe(
      "compare: option 'aligned.tolerance': expected a number in [0, 1), found NaN",
    )
    // At 1 a term would count as the same as an empty one, which differs from it by 1.
    expect(errorMessage(a, a, withTolerance({ tolerance: 1 }))).toBe(
      "compare: option 'aligned.tolerance': expected a number in [0, 1), found 1",
    )
    expect(errorMessage(a, a, withTolerance({ tol: 0.1 }))).toBe(
      "compare: option 'aligned.tol': not a known option; known options are tolerance",
    )
    expect(errorMessage(a, a, withTolerance('loose'))).toBe(
      "compare: option 'aligned': expected an object of options",
    )
    expect(errorMessage(a, a, { comparators: [{ comparator: norms, options: { x: 1 } }] })).toBe(
      "compare: option 'norms.x': not a known option; it takes none",
    )
  })

  it('runs a comparator plugin with its own options codec', () => {
    const count: Comparator<
      { comparator: 'count'; label: string; components: number },
      {
        label: string
      }
    > = {
      name: 'count',
      options: optionsCodec('count options', { label: t.string }, { label: 'k' }),
      compare: (x, _y, _context, options) =>
        E.right({ comparator: 'count', label: options.label, components: x.W.cols }),
    }
    const result = run(a, a, { comparators: [count, withOptions(count, { label: 'rank' })] })
    expect(result.reports).toEqual([
      { comparator: 'count', label: 'k', components: 3 },
      { comparator: 'count', label: 'rank', components: 3 },
    ])
    expect(formatReport(result.reports[1])).toContain('"label": "rank"')
  })
})

describe('reports are plain data', () => {
  const a = randomPair(5, 6, 3, 4)
  const X = matrix(
    6,
    4,
    Float64Array.from({ length: 24 }, (_, q) => q % 3),
  )

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.boolean()], { numRuns: 50 })(
    'survive JSON.stringify and JSON.parse, with and without X',
    (seed, withX) => {
      const b = randomPair(seed, 6, 3, 4)
      const report = run(a, b, { comparators: [norms, aligned], ...(withX ? { X } : {}) })
      expect(JSON.parse(JSON.stringify(report))).toEqual(report)
    },
  )

  it('survive the round trip with empty components (null scales)', () => {
    const empty = { W: a.W, H: a.H.map((value, i) => (i === 0 ? 0 : value)) }
    const report = run(a, empty, { comparators: [aligned], X })
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })
})

describe('formatReport', () => {
  const a = randomPair(11, 5, 3, 4)
  const b = permutedCopy(a, [2, 0, 1], [2, 0.5, 10])
  const X = matrix(
    5,
    4,
    Float64Array.from({ length: 20 }, (_, q) => (q * 7) % 5),
  )
  const result = run(a, b, { comparators: [norms, aligned], X })
  const [normsReport, alignedResult] = result.reports as [NormsReport, AlignedReport]
  const text = formatReport(result, { a: 'cd', b: 'moving-average' })

  it('renders both reports with their names, separated by a blank line', () => {
    expect(text).toContain(
      'comparator norms: entry by entry, components not aligned (a = cd, b = moving-average)',
    )
    expect(text).toContain(
      '\n\ncomparator aligned: up to permutation and scale (a = cd, b = moving-average)',
    )
  })

  it('labels the norms metrics and shows their numbers', () => {
    const lines = formatReport(normsReport).split('\n')
    const line = (label: string): string => lines.find((l) => l.trim().startsWith(label)) ?? ''
    expect(lines[1]).toMatch(/^ {2}metric +W +H$/)
    expect(line('max |a − b|')).toContain(showCompact(normsReport.W.maxAbsDifference))
    expect(line('max |a − b|')).toContain(showCompact(normsReport.H.maxAbsDifference))
    expect(line('Frobenius norm of b')).toContain(showCompact(normsReport.H.b.frobeniusNorm))
  })

  it('labels the aligned numbers: verdict, permutation, pairs, errors, differences', () => {
    const report = formatReport(alignedResult)
    expect(report).toContain(`verdict: ${alignedResult.verdict.summary}`)
    expect(report).toContain('verdict: same up to permutation and scale')
    expect(report).toContain('permutation (component of a → component of b): 0→2, 1→0, 2→1')
    expect(report).toMatch(/a +b +scale a +scale b +scale b\/a +cos W +cos H/)
    const errors = alignedResult.reconstructionErrors as { a: number; b: number }
    expect(report).toContain(
      `reconstruction error ‖X − W·H‖_F: ` +
        `a ${showCompact(errors.a)}, b ${showCompact(errors.b)}`,
    )
    expect(report).toContain('relative to ‖X‖_F')
    expect(report).toContain('norms after alignment (unit-norm rows of H, b in the order of a):')
    const pairLine = report.split('\n').find((l) => /^ {2}0 +2 /.test(l)) ?? ''
    expect(pairLine).toContain(showCompact(alignedResult.matches[0].scaleA))
    expect(pairLine).toContain(' 2 ')
    expect(pairLine).toMatch(/yes$/)
  })

  it('says when X was not given', () => {
    const report = formatReport(run(a, b, { comparators: [aligned] }).reports[0])
    expect(report).toContain('reconstruction error ‖X − W·H‖_F: not computed (no X given)')
    expect(report).toContain('relative to ‖W_a·H_a‖_F (no X given)')
  })

  it('throws a TypeError on something that is not a report (it printed "undefined")', () => {
    expect(() => formatReport(undefined)).toThrow(
      new TypeError(
        'formatReport: expected a report (the result of compare, or of a comparator: an ' +
          'object), found undefined',
      ),
    )
    expect(() => formatReport([1, 2])).toThrow(TypeError)
  })

  it('throws a TypeError naming what is wrong with its options, not a bare one', () => {
    const report = run(randomPair(5, 4, 2, 3), randomPair(6, 4, 2, 3), { comparators: [norms] })
    const call = (options: unknown) => () =>
      formatReport(report, options as Parameters<typeof formatReport>[1])
    expect(call(null)).toThrow(
      new TypeError('formatReport: expected options { a?, b? } (an object), found null'),
    )
    expect(call({ a: Symbol('x') })).toThrow(
      new TypeError(
        'formatReport: expected options.a to be a string or a number (a name), found a ' +
          'symbol (Symbol(x))',
      ),
    )
    expect(call({ b: true })).toThrow(/^formatReport: expected options\.b to be a string/)
    expect(formatReport(report, { a: 1, b: 2 })).toContain('a = 1, b = 2')
    const throwing = {
      get a(): string {
        throw new Error('boom')
      },
    }
    expect(call(throwing)).toThrow(
      new TypeError('formatReport: options.a could not be read: it threw Error: boom'),
    )
    expect(formatReport(report, { a: 'cd' })).toContain('a = cd, b = b')
  })
})

describe('formatReport on whatever a comparator plugin reports: readable, never a throw', () => {
  const pair = randomPair(21, 4, 2, 3)
  /**
   * A result of compare's shape with `report` in it, rendered: compare refuses a report that
   * does not name its comparator, but a result read back from JSON, or built by hand, may
   * hold anything.
   */
  const rendered = (report: unknown): string => formatReport({ reports: [report] })
  const boom = (): never => {
    throw new Error('boom')
  }

  it('a BigInt, a symbol, a function, NaN and ±Infinity, each as what it is', () => {
    const text = rendered({
      comparator: 'odd',
      count: 12n,
      tag: Symbol('k'),
      callback: () => 1,
      values: [NaN, Infinity, -Infinity, undefined],
    })
    expect(text).toBe(
      [
        'comparator odd:',
        '  {',
        '    "comparator": "odd",',
        '    "count": 12n,',
        '    "tag": Symbol(k),',
        '    "callback": [a function],',
        '    "values": [',
        '      NaN,',
        '      Infinity,',
        '      -Infinity,',
        '      undefined',
        '    ]',
        '  }',
      ].join('\n'),
    )
  })

  it('a circular reference, and nesting too deep for JSON.stringify', () => {
    const circular: Record<string, unknown> = { comparator: 'circle', list: [] }
    ;(circular.list as unknown[]).push(circular)
    expect(rendered(circular)).toContain('"list": [\n      [circular reference]\n    ]')
    // The same object twice, side by side, is no circle.
    const shared = { x: 1 }
    expect(rendered({ comparator: 'twice', a: shared, b: shared })).not.toContain('circular')
    let deep: unknown = 0
    for (let level = 0; level < 100_000; level++) deep = { d: deep }
    expect(() => JSON.stringify(deep)).toThrow(RangeError)
    const text = rendered({ comparator: 'deep', deep })
    expect(text).toContain('"d": [nested deeper than 64 levels]')
    expect(text.length).toBeLessThan(10_000)
  })

  it('a getter, a toJSON or a Proxy that throws, and a revoked Proxy', () => {
    const getter = Object.defineProperty({ comparator: 'getter' }, 'size', {
      get: boom,
      enumerable: true,
    })
    expect(rendered(getter)).toContain('"size": [unreadable: reading it threw Error: boom]')
    expect(rendered({ comparator: 'json', when: { toJSON: boom } })).toContain(
      '"when": [unreadable: its toJSON threw Error: boom]',
    )
    const trap = new Proxy({}, { get: boom, ownKeys: boom })
    expect(rendered(trap)).toBe(
      'comparator unknown:\n  [unreadable: reading its toJSON threw Error: boom]',
    )
    expect(formatReport(trap)).toBe(rendered(trap))
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(formatReport(proxy)).toMatch(/^comparator unknown:\n {2}\[unreadable: .*revoked\]$/)
    const named = Object.defineProperty({}, 'comparator', { get: boom, enumerable: true })
    expect(rendered(named)).toMatch(/^comparator \[unreadable: reading it threw Error: boom\]:/)
  })

  it('a name with a line break, ESC or a bidirectional override, escaped in its header', () => {
    const name = 'evil\nline\u001b[31mred\u202etxt.exe'
    const text = formatReport({ comparator: name, note: name })
    expect(text.split('\n')[0]).toBe('comparator evil\\nline\\u001b[31mred\\u202etxt.exe:')
    // The JSON body is JSON already: its string is escaped there as JSON escapes it.
    expect(text).toContain('"note": "evil\\nline\\u001b[31mred\u202etxt.exe"')
    const named = formatReport(run(pair, pair, {}), { a: 'cd\r\u2066x', b: 'mu' })
    expect(named.split('\n')[0]).toBe(
      'comparator norms: entry by entry, components not aligned (a = cd\\r\\u2066x, b = mu)',
    )
    // What shows as nothing is escaped too, as the command escapes it: 'cd\u200b' is not 'cd'.
    const hidden = formatReport(run(pair, pair, {}), { a: 'cd\u200b', b: 'mu\ufeff' })
    expect(hidden.split('\n')[0]).toContain('(a = cd\\u200b, b = mu\\ufeff)')
  })

  it('a report that is no object, or named norms or aligned without their fields', () => {
    expect(rendered(5)).toBe('comparator unknown:\n  5')
    expect(rendered(undefined)).toBe('comparator unknown:\n  undefined')
    expect(rendered({ comparator: 'norms', W: 1 })).toBe(
      'comparator norms:\n  {\n    "comparator": "norms",\n    "W": 1\n  }',
    )
    expect(rendered({ comparator: 'aligned' })).toBe(
      'comparator aligned:\n  {\n    "comparator": "aligned"\n  }',
    )
    // A comparator's name that is no string: shown as data, not as [object Object], on the
    // header's one line.
    expect(rendered({ comparator: { id: 7 } })).toMatch(/^comparator { "id": 7 }:\n/)
  })

  it('a report too large to show: its start, and how much is left out', () => {
    const text = rendered({ comparator: 'long', text: 'x'.repeat(12_000_000), after: 1 })
    expect(text).toMatch(/"text": "x+" \[… \d+ more characters\],\n {4}"…": \[1 more key\]/)
  })

  it('JSON data as JSON.stringify writes it, and the built-in reports as before', () => {
    const data = { comparator: 'count', label: 'rank', sizes: [1, 2.5, -0], nested: { ok: true } }
    expect(rendered(data)).toBe(
      [
        'comparator count:',
        ...JSON.stringify(data, null, 2)
          .split('\n')
          .map((l) => `  ${l}`),
      ].join('\n'),
    )
    const result = run(pair, pair, { comparators: [norms, aligned] })
    expect(formatReport(result)).toContain('comparator norms: entry by entry')
    expect(formatReport(result)).toContain('comparator aligned: up to permutation and scale')
  })
})
