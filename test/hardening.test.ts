/**
 * Hardening: the inputs that break NMF libraries in practice, for every built-in
 * solver. Each ends in a tagged error whose message is checked, or in a correct,
 * finite fit: never NaN, a throw from deep inside, or a hang. The plain
 * rejections (negative X, bad options, custom init of the wrong shape) are in
 * nmf-errors.test.ts; this file takes each listed input to its edges.
 *
 * Tolerances, stated once: a fit that can be exact (1×1, a single non-zero,
 * k = min(n, m)) comes within EXACT_FIT of X relative to ‖X‖_F after
 * LONG_RUN iterations; a rank-one fit comes within EXACT_FIT of the best
 * rank-one error, √(‖X‖²_F − σ₁²).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  createRng,
  frobeniusError,
  initStrategies,
  initialize,
  nmf,
  transform,
  solvers,
  type Factorization,
  type HistoryEntry,
  type NmfError,
  type NmfOptions,
  type Result,
} from 'nmfkit'
import { firstNegative, nonFiniteParts } from 'nmfkit/testing'

const EXACT_FIT = 1e-6
const LONG_RUN = { maxIter: 2000, tol: 0 }
const solverNames = solvers.map((solver) => solver.name)

const unwrap = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, found ${result.left.message}`)
  return result.right
}

const failure = (result: Result<unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

const matrix = (arrays: number[][]): Matrix => unwrap(Matrix.fromArrays(arrays))

const csr = (
  rows: number,
  cols: number,
  indptr: number[],
  indices: number[],
  data: number[],
): CsrMatrix => unwrap(CsrMatrix.fromParts(rows, cols, indptr, indices, data))

/** Finite everywhere (factors, error, history) and non-negative factors. */
const expectSound = (fit: Factorization): void => {
  expect(nonFiniteParts(fit)).toEqual([])
  expect(firstNegative(fit)).toBeUndefined()
}

/** ‖X − W·H‖_F / ‖X‖_F. */
const relativeError = (X: Matrix, fit: Factorization): number =>
  fit.reconstructionError / X.frobeniusNorm()

/** x·2^e in two steps, so that 2^e itself never overflows. */
const timesPowerOfTwo = (x: number, e: number): number => {
  const half = Math.trunc(e / 2)
  return x * 2 ** half * 2 ** (e - half)
}

/** The exponent of a matrix's largest |entry| (-Infinity for a zero matrix). */
const exponentOf = (values: Float64Array): number => {
  const largest = values.reduce((most, value) => Math.max(most, Math.abs(value)), 0)
  return largest === 0 ? -Infinity : Math.round(Math.log2(largest))
}

/**
 * ‖X − W·H‖_F computed with X, W and H scaled by powers of two (exact), so that
 * neither the products nor the squares under- or overflow; only the final
 * result is scaled back.
 */
const scaledError = (X: Matrix, W: Matrix, H: Matrix): number => {
  const [x, w, h] = [X.toFloat64Array(), W.toFloat64Array(), H.toFloat64Array()]
  const [eX, eW, eH] = [exponentOf(x), exponentOf(w), exponentOf(h)]
  const e = Math.max(eX, eW + eH)
  if (e === -Infinity) return 0
  // A zero factor makes W·H zero: scale nothing by an infinite power.
  const zeroProduct = eW + eH === -Infinity
  const k = W.cols
  let total = 0
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      let product = 0
      for (let t = 0; t < k && !zeroProduct; t++) {
        product += timesPowerOfTwo(w[i * k + t], -eW) * timesPowerOfTwo(h[t * X.cols + j], -eH)
      }
      const difference =
        timesPowerOfTwo(x[i * X.cols + j], -e) -
        (zeroProduct ? 0 : timesPowerOfTwo(product, eW + eH - e))
      total += difference * difference
    }
  }
  return timesPowerOfTwo(Math.sqrt(total), e)
}

/** σ₁ of X by power iteration on XᵀX (enough iterations for a well-separated σ₁). */
const largestSingularValue = (X: Matrix): number => {
  let v = new Array<number>(X.cols).fill(1)
  for (let it = 0; it < 500; it++) {
    const Xv = unwrap(X.times(matrix(v.map((value) => [value]))))
    const next = unwrap(X.transposeTimes(Xv)).column(0)
    const norm = Math.hypot(...next)
    v = next.map((value) => value / norm)
  }
  return unwrap(X.times(matrix(v.map((value) => [value])))).frobeniusNorm()
}

/** A fixed, generic 6×5 X (no structure, full rank). */
const generic = matrix([
  [3.1, 0.4, 2.2, 0, 1.7],
  [0.9, 4.6, 0.3, 2.8, 0],
  [2.5, 1.1, 3.9, 0.6, 2.4],
  [0, 2.7, 1.4, 3.3, 0.8],
  [1.8, 0.2, 0, 1.5, 4.1],
  [4.4, 3.6, 2.9, 0.7, 1.2],
])

describe('degenerate X: a correct, finite fit', () => {
  it.each(solverNames)('%s: an all-zero X gives W·H = 0, dense and CSR', (solver) => {
    const zero = Matrix.zeros(4, 3)
    const inputs = [zero, CsrMatrix.fromDense(zero), csr(4, 3, [0, 1, 1, 2, 2], [2, 0], [0, 0])]
    for (const X of inputs) {
      for (const init of ['random', 'nndsvd', 'nndsvda', 'nndsvdar'] as const) {
        const fit = unwrap(nmf(X, { components: 2, solver, init }))
        expectSound(fit)
        expect(fit.reconstructionError).toBe(0)
        expect(unwrap(fit.W.times(fit.H)).toArray()).toEqual(zero.toArray())
      }
    }
  })

  it.each(solverNames)('%s: a single non-zero entry is fitted exactly', (solver) => {
    const X = matrix([
      [0, 0, 0, 0],
      [0, 0, 5, 0],
      [0, 0, 0, 0],
    ])
    for (const components of [1, 2]) {
      const fit = unwrap(nmf(X, { components, solver, ...LONG_RUN }))
      expectSound(fit)
      expect(relativeError(X, fit)).toBeLessThanOrEqual(EXACT_FIT)
      expect(unwrap(fit.W.times(fit.H)).get(1, 2)).toBeCloseTo(5, 6)
    }
  })

  it.each(solverNames)('%s: a 1×1 X is fitted exactly, with k = 1 and k > 1', (solver) => {
    const X = matrix([[3]])
    for (const components of [1, 3]) {
      const fit = unwrap(nmf(X, { components, solver, ...LONG_RUN }))
      expectSound(fit)
      expect(fit.W.shape).toEqual([1, components])
      expect(relativeError(X, fit)).toBeLessThanOrEqual(EXACT_FIT)
    }
  })

  it.each(solverNames)('%s: k = 1 reaches the best rank-one error', (solver) => {
    const best = Math.sqrt(generic.frobeniusNorm() ** 2 - largestSingularValue(generic) ** 2)
    const fit = unwrap(nmf(generic, { components: 1, solver, ...LONG_RUN }))
    expectSound(fit)
    expect(Math.abs(fit.reconstructionError - best) / best).toBeLessThanOrEqual(EXACT_FIT)
  })

  // An exact factorization exists (W = X, H = I), but from NNDSVDA every solver may stop in a
  // local minimum about 1% of ‖X‖ away; the fit must still explain far more than rank one.
  it.each(solverNames)('%s: k = min(samples, features) takes the NNDSVD inits', (solver) => {
    const bestRankOne = Math.sqrt(generic.frobeniusNorm() ** 2 - largestSingularValue(generic) ** 2)
    for (const X of [generic, generic.transpose()]) {
      for (const init of ['nndsvd', 'nndsvda', 'nndsvdar'] as const) {
        expectSound(unwrap(nmf(X, { components: 5, solver, init })))
      }
      const fit = unwrap(nmf(X, { components: 5, solver, ...LONG_RUN }))
      expectSound(fit)
      expect(fit.options.init).toBe('nndsvda')
      expect(fit.reconstructionError).toBeLessThanOrEqual(0.1 * bestRankOne)
    }
  })
})

describe('magnitudes', () => {
  // 2·MIN_VALUE ≈ 1e-323: subnormal entries, exact multiples of the smallest double.
  const tiny = matrix([
    [2, 1, 0],
    [0, 2, 4],
    [6, 2, 1],
  ]).scale(Number.MIN_VALUE)

  // From the default start every solver's W·H underflows to zero there, and nmf refuses the
  // fit; cd's and moving-average's from a random start keep a W·H that is not zero.
  const UNDERFLOWED =
    /^nmf: the fit converged after (1 iteration|\d+ iterations) to a W·H that is zero/
  it.each(solverNames)(
    '%s: entries near 1e-323: a W·H that underflows to zero is refused, other fits are sound',
    (solver) => {
      const refused = failure(nmf(tiny, { components: 2, solver }))
      expect(refused._tag).toBe('Unsupported')
      expect(refused.message).toMatch(UNDERFLOWED)
      const random = nmf(tiny, { components: 2, solver, init: 'random' })
      if (solver === 'mu') {
        expect(failure(random).message).toMatch(UNDERFLOWED)
        return
      }
      const fit = unwrap(random)
      expectSound(fit)
      const zero = scaledError(tiny, Matrix.zeros(3, 2), Matrix.zeros(2, 3))
      expect(zero).toBeGreaterThan(0)
      expect(scaledError(tiny, fit.W, fit.H)).toBeLessThanOrEqual(zero)
    },
  )

  // Every d² underflows to 0 when |d| < 1e-154, so sqrt(Σ d²) alone would report 0 for a
  // fit of X ≈ 1e-58 (or 1e-323) that explains little; frobeniusError rescales then.
  it('reconstructionError is right for X near 1e-58 and 1e-323', () => {
    let checked = 0
    for (const X of [tiny, tiny.scale(2 ** 880)]) {
      for (const solver of solverNames) {
        for (const init of [undefined, 'random'] as const) {
          const result = nmf(X, { components: 2, solver, init })
          if (E.isLeft(result) && UNDERFLOWED.test(result.left.message)) continue
          const fit = unwrap(result)
          const truth = scaledError(X, fit.W, fit.H)
          expect(Math.abs(fit.reconstructionError - truth)).toBeLessThanOrEqual(
            EXACT_FIT * truth + 4 * Number.MIN_VALUE,
          )
          checked++
        }
      }
    }
    // At 1e-323 cd's and moving-average's random starts; at 1e-58 all six fits.
    expect(checked).toBe(8)
  })

  it('frobeniusError is right where the factors have components of unequal scales', () => {
    // W·H and X near 1e-160, so every d² is subnormal; but one component has W near 1 and H
    // near 1e-161, the other the other way round, so max|W|·max|H| (0.2) is no measure of
    // W·H's entries. Scaled by it, the differences had stayed tiny: 9e-5 off here.
    const X = matrix([
      [5e-161, 1e-161],
      [3e-161, 6e-161],
    ])
    const W = matrix([
      [1, 1e-160],
      [0, 2e-160],
    ])
    const H = matrix([
      [3e-161, 0],
      [0.1, 0.2],
    ])
    // The same sum on copies scaled by exact powers of two, where nothing is subnormal.
    const p = 2 ** 270
    const truth = frobeniusError(X.scale(p * p), W.scale(p), H.scale(p)) / (p * p)
    expect(Math.abs(frobeniusError(X, W, H) / truth - 1)).toBeLessThan(1e-15)
  })

  const huge = (scale: number) =>
    matrix([
      [1, 0.5, 0, 2],
      [0, 1, 2, 0],
      [3, 1, 0.25, 1],
    ]).scale(scale)
  const inits = [undefined, 'random', 'nndsvd', 'nndsvdar'] as const
  /** The driver's report of a factor that overflowed in a step, or in the start (the init). */
  // The place is W's or H's, and the cause X's size (as for the sums below). An NNDSVD
  // start of X near 5e307 is infinite already.
  const FACTOR_OVERFLOW = new RegExp(
    /^nmf: expected [WH] (after iteration \d+|from the start) to be finite, /.source +
      /found (NaN|-?Infinity) at row \d+, column \d+; /.source +
      /X's entries \(largest [^)]+\) are too large for the fit's sums; scale X down$/.source,
  )

  /**
   * mu's (Frobenius) refusal of a start whose W·(H·Hᵀ), its first update's denominator,
   * overflows (solvers/nmf.ts): before any step, so no place in W or H.
   */
  const MU_START_OVERFLOW = new RegExp(
    /^nmf: expected the product W·\(H·Hᵀ\) of the start \(mu's first update divides W by /.source +
      /it\) to be finite, found Infinity; X's entries \(largest [^)]+\) are too large for /.source +
      /the fit's sums; scale X down \(W and H scale by the square root of the factor\)$/.source,
  )
  /** How `solver` reports X's overflow: mu at its start, the others in a step or the start. */
  const overflowOf = (solver: string) => (solver === 'mu' ? MU_START_OVERFLOW : FACTOR_OVERFLOW)

  it.each(solverNames)('%s: entries near 1e300 overflow and are reported', (solver) => {
    for (const scale of [1e250, 1e300, 5e307]) {
      for (const init of inits) {
        const error = failure(nmf(huge(scale), { components: 2, solver, init }))
        expect(error._tag).toBe('NonFiniteInput')
        expect(error.message).toMatch(overflowOf(solver))
        // Not an entry of X: no place of X in the error's fields.
        expect(error).toMatchObject({ row: -1, col: -1 })
      }
    }
  })

  it.each(solverNames)(
    '%s: an overflow of a custom start far beyond X names the start, not X',
    (solver) => {
      // X's entries are at most 3: scaling X down, as the X-blaming message says, cannot help.
      const X = huge(1)
      const init = { W: Matrix.fill(3, 2, 1e300), H: Matrix.fill(2, 4, 1e300) }
      const error = failure(nmf(X, { components: 2, solver, init }))
      expect(error._tag).toBe('NonFiniteInput')
      expect(error).toMatchObject({ row: -1, col: -1 })
      expect(error.message).toMatch(
        /; the custom start's entries \(largest 1e\+300\) are too large for the fit's sums, X's largest entry being 3; scale init\.W and init\.H toward X's scale \(W·H ≈ X\)$/,
      )
      // X that large is still X's fault, whatever the start.
      const large = failure(nmf(huge(1e300), { components: 2, solver, init }))
      expect(large.message).toMatch(overflowOf(solver))
    },
  )

  it.each(['cd', 'mu'] as const)(
    'transform with %s: an overflow of H far beyond X names H, not X',
    (solver) => {
      const error = failure(transform(huge(1), Matrix.fill(1, 4, 1e200), { solver }))
      expect(error._tag).toBe('NonFiniteInput')
      // mu refuses its start (its first update's W·(H·Hᵀ)), cd overflows in a step.
      const where =
        solver === 'mu'
          ? /^transform: expected the product W·\(H·Hᵀ\) of the start \(mu's first update divides W by it\) to be finite, found Infinity; /
          : /^transform: expected W after iteration \d+ to be finite, found NaN at row 0, column 0; /
      expect(error.message).toMatch(
        new RegExp(
          where.source +
            /H's entries \(largest 1e\+200\) are too large for the fit's sums, X's largest entry being 3; scale H down \(W scales inversely\)$/
              .source,
        ),
      )
    },
  )

  it('transform with mu: an H row whose W·(H·Hᵀ) overflows is refused, not a zero column of W', () => {
    // X near 1e10, mu's start W = sqrt(mean(X)/k) ≈ 5e4; H's first row 1e152 on X's first 10
    // columns, the others 1 on the rest: W·(H·Hᵀ) passes the largest double in column 0, the
    // first update set that column of W to zero for good, and a converged, poor fit came
    // back in a Right (its coefficient, near 1e-142, is a double).
    const rng = createRng(5)
    const X = Array.from({ length: 40 }, () =>
      Array.from({ length: 30 }, () => rng.uniform() * 1e10),
    )
    const H = [0, 1, 2].map((row) =>
      Array.from({ length: 30 }, (_, j) =>
        Math.floor(j / 10) !== row ? 0 : row === 0 ? 1e152 : 1,
      ),
    )
    const error = failure(transform(X, H, { solver: 'mu' }))
    expect(error._tag).toBe('NonFiniteInput')
    expect(error.message).toMatch(
      /^transform: expected the product W·\(H·Hᵀ\) of the start \(mu's first update divides W by it\) to be finite, found Infinity; H's entries \(largest 1e\+152\) are too large for the fit's sums, X's largest entry being 9\d{9}; scale H down \(W scales inversely\)$/,
    )
    // An H row of 1e150 is within the sums: every coefficient comes back positive.
    const within = H.map((row, i) => (i === 0 ? row.map((h) => h / 100) : row))
    const fit = transform(X, within, { solver: 'mu' })
    expect(E.isRight(fit) && fit.right.W.toFloat64Array().every((w) => w > 0)).toBe(true)
  })

  // The factors can stay finite while ‖X − W·H‖² overflows (X from about 1e77 with the
  // default init, from about 1e154 with 'random'); the driver then reports the objective,
  // the measure or the error as a NonFiniteInput Left instead of returning Infinity or NaN.
  it('large entries: either a NonFiniteInput Left or finite numbers throughout', () => {
    for (const scale of [1e80, 1e100, 1e120, 1e160, 1e200]) {
      for (const solver of solverNames) {
        for (const init of inits) {
          const result = nmf(huge(scale), { components: 2, solver, init })
          if (E.isRight(result)) {
            expect(nonFiniteParts(result.right), `${solver} ${init} ${scale}`).toEqual([])
            continue
          }
          expect(result.left._tag).toBe('NonFiniteInput')
          // Either an entry of W or H, or a sum (objective, measure, error) that overflowed.
          expect(result.left.message).toMatch(
            new RegExp(
              `${FACTOR_OVERFLOW.source}|${MU_START_OVERFLOW.source}|` +
                /^nmf: expected the .+ to be finite, found (NaN|-?Infinity); /.source +
                /X's entries \(largest [^)]+\) are too large for the fit's sums; /.source +
                /scale X down$/.source,
            ),
          )
        }
      }
    }
  })

  it('NNDSVD inits of X near 1e300 are finite (the SVD is scaled), dense and CSR', () => {
    for (const init of ['nndsvd', 'nndsvda', 'nndsvdar'] as const) {
      for (const X of [huge(1e300), CsrMatrix.fromDense(huge(1e300))]) {
        const { W, H } = unwrap(initialize(X, 2, { init }))
        for (const value of [...W.toFloat64Array(), ...H.toFloat64Array()])
          expect(Number.isFinite(value)).toBe(true)
        // The leading pair carries σ₁ ≈ ‖X‖: W·H is of X's size, not zero or Infinity.
        expect(unwrap(W.times(H)).max()).toBeGreaterThan(1e299)
      }
    }
  })

  it('NNDSVD inits of X near 5e307, beyond the doubles, are a Left of initialize, not Infinity', () => {
    for (const init of ['nndsvd', 'nndsvda', 'nndsvdar'] as const) {
      for (const X of [huge(5e307), CsrMatrix.fromDense(huge(5e307))]) {
        const error = failure(initialize(X, 2, { init }))
        expect(error._tag).toBe('NonFiniteInput')
        expect(error).toMatchObject({ row: -1, col: -1 })
        expect(error.message).toBe(
          'initialize: expected W to be finite, found Infinity at row 0, column 0; ' +
            "X's entries (largest 1.5e+308) are too large for the init's sums; scale X down",
        )
      }
    }
    // The random start scales with √mean(X), and stays finite there.
    expect(E.isRight(initialize(huge(5e307), 2, { init: 'random' }))).toBe(true)
  })

  it("'nndsvd' on X below its threshold is an error, not all-zero factors", () => {
    for (const init of ['nndsvd', 'nndsvdar'] as const) {
      const error = failure(nmf(tiny, { components: 2, init }))
      expect(error._tag).toBe('Unsupported')
      expect(error.message).toBe(
        `nmf: init '${init}' gave all-zero factors: every entry fell below 0.000001 ` +
          `for X whose largest entry is 3e-323; scale X up`,
      )
    }
    // 'nndsvda' fills the zeros with mean(X) instead.
    expect(E.isRight(initialize(tiny, 2, { init: 'nndsvda' }))).toBe(true)
  })

  it('an all-zero start suggests what works on that X, never the init that failed', () => {
    /** X times 2^e, its largest entry in [1, 2): in two steps, since 2^1074 is no double. */
    const toUnitScale = (X: Matrix): Matrix => {
      const half = -Math.floor(Math.log2(X.max()) / 2)
      return X.scale(2 ** half).scale(2 ** (-Math.floor(Math.log2(X.max())) - half))
    }
    const rng = createRng(5)
    const data = matrix(Array.from({ length: 8 }, () => Array.from({ length: 6 }, rng.uniform)))
    const cases = [
      // mean(X) underflows to 0: no built-in init has a non-zero start.
      matrix([
        [Number.MIN_VALUE, 0],
        [0, Number.MIN_VALUE],
      ]),
      tiny,
      data.scale(1e-13),
      data.scale(1e-150),
    ]
    for (const X of cases) {
      const unit = toUnitScale(X)
      for (const init of [undefined, 'nndsvd', 'nndsvda', 'nndsvdar'] as const) {
        for (const components of [1, 2]) {
          const result = nmf(X, { components, init })
          // A start that is not all zero may still underflow in the fit (the tests above).
          if (E.isRight(result) || UNDERFLOWED.test(result.left.message)) continue
          expect(result.left._tag).toBe('Unsupported')
          const advice = result.left.message.replace(/^.* for X whose largest entry is \S+; /, '')
          expect(advice).toMatch(/(^|, or |: )scale X up$/)
          const suggested = [...advice.matchAll(/'([a-z]+)'/g)].map((match) => match[1])
          expect(suggested).not.toContain(init ?? 'nndsvda')
          // What it names fits X as it fits X scaled up; and scaled up, the init that failed works.
          for (const other of suggested as Array<'random'>) {
            for (const solver of ['cd', 'mu'] as const) {
              const options = { components, init: other, solver }
              const ratio = X.max() / unit.max()
              const fit = unwrap(nmf(X, options)).reconstructionError
              const scaled = unwrap(nmf(unit, options)).reconstructionError * ratio
              expect(Math.abs(fit - scaled)).toBeLessThanOrEqual(1e-9 * scaled)
            }
          }
          expect(E.isRight(nmf(unit, { components, init }))).toBe(true)
        }
      }
    }
    expect(failure(nmf(cases[0], { components: 1 })).message).toBe(
      "nmf: init 'nndsvda' gave all-zero factors: every entry fell below 0.000001 for X whose " +
        'largest entry is 5e-324; mean(X) underflows to 0, so every built-in init gives ' +
        'all-zero factors: scale X up',
    )
    expect(failure(nmf(cases[2], { components: 2, init: 'nndsvd' })).message).toMatch(
      /; use init 'random', or scale X up$/,
    )
  })

  it("'random' whose scale underflows is an error, not all-zero factors, dense and CSR", () => {
    const MIN = Number.MIN_VALUE
    const cases = [
      // mean(X) = 5e-324, and mean(X)/2 rounds to 0.
      [matrix([[MIN, MIN]]), 2, ': mean(X)/k underflows to 0', 'scale X up'],
      // mean(X) itself underflows: said once, by the advice.
      [
        matrix([
          [MIN, 0],
          [0, MIN],
        ]),
        1,
        '',
        'mean(X) underflows to 0, so every built-in init gives all-zero factors: scale X up',
      ],
    ] as const
    for (const [dense, components, cause, advice] of cases) {
      for (const X of [dense, CsrMatrix.fromDense(dense)]) {
        for (const [operation, result] of [
          ['nmf', nmf(X, { components, init: 'random' })],
          ['initialize', initialize(X, components, { init: 'random' })],
        ] as const) {
          const error = failure(result)
          expect(error._tag).toBe('Unsupported')
          expect(error.message).toBe(
            `${operation}: init 'random' gave all-zero factors${cause} ` +
              `for X whose largest entry is 5e-324; ${advice}`,
          )
        }
      }
    }
    // An all-zero X is fitted by zeros, as before: there is nothing to start from.
    expect(E.isRight(nmf(matrix([[0, 0]]), { components: 1, init: 'random' }))).toBe(true)
  })

  it("'nndsvda' below NNDSVD's threshold starts every component at mean(X), which mu keeps", () => {
    const rng = createRng(5)
    const X = matrix(Array.from({ length: 8 }, () => Array.from({ length: 6 }, rng.uniform))).scale(
      1e-13,
    )
    const { W, H } = unwrap(initialize(X, 3, { init: 'nndsvda' }))
    expect(new Set([...W.toFloat64Array(), ...H.toFloat64Array()])).toEqual(new Set([X.mean()]))
    // mu's components stay equal, so its W·H is of rank 1: the error of the k = 1 fit.
    const fit = (components: number) =>
      unwrap(nmf(X, { components, init: 'nndsvda', solver: 'mu', maxIter: 1000 }))
    const [rank1, rank3] = [fit(1).reconstructionError, fit(3).reconstructionError]
    expect(Math.abs(rank3 - rank1)).toBeLessThanOrEqual(1e-6 * rank1)
    expect(
      unwrap(nmf(X, { components: 3, init: 'random', solver: 'mu' })).reconstructionError,
    ).toBeLessThan(0.6 * rank1)
  })
})

describe('CSR data', () => {
  it.each([
    [
      'NaN in one of two duplicates',
      csr(2, 3, [0, 2, 3], [1, 1, 0], [1, NaN, 2]),
      'NonFiniteInput',
      'nmf: expected X to be finite, found NaN at row 0, column 1',
    ],
    [
      'duplicates whose sum overflows',
      csr(2, 3, [0, 1, 3], [2, 0, 0], [1, 1e308, 1e308]),
      'NonFiniteInput',
      'nmf: expected X to be finite, found Infinity at row 1, column 0',
    ],
    [
      'NaN after unsorted indices (reported at its sorted place)',
      csr(2, 3, [0, 3, 3], [2, 0, 1], [1, 2, NaN]),
      'NonFiniteInput',
      'nmf: expected X to be finite, found NaN at row 0, column 1',
    ],
    [
      'duplicates whose sum is negative',
      csr(2, 3, [0, 2, 3], [2, 2, 0], [1, -3, 2]),
      'NegativeInput',
      'nmf: expected X to be non-negative, found -2 at row 0, column 2',
    ],
  ])('%s', (_label, X, tag, message) => {
    for (const solver of solverNames) {
      const error = failure(nmf(X, { components: 1, solver }))
      expect(error._tag).toBe(tag)
      expect(error.message).toBe(message)
    }
    expect(failure(initialize(X, 1)).message).toBe(message.replace(/^nmf/, 'initialize'))
  })

  it('NaN in a CSR given as JSON', () => {
    const json = {
      format: 'csr',
      rows: 2,
      cols: 2,
      indptr: [0, 1, 2],
      indices: [1, 0],
      data: [2, NaN],
    }
    expect(failure(nmf(json, { components: 1 })).message).toBe(
      'nmf: expected X to be finite, found NaN at row 1, column 0',
    )
  })

  it.each(solverNames)(
    '%s: duplicate and unsorted indices are summed and sorted (the fit is the same)',
    (solver) => {
      const untidy = csr(3, 4, [0, 4, 5, 8], [3, 1, 3, 0, 2, 2, 0, 2], [1, 2, 1, 4, 5, 1, 3, 1])
      const tidy = CsrMatrix.fromDense(
        matrix([
          [4, 2, 0, 2],
          [0, 0, 5, 0],
          [3, 0, 2, 0],
        ]),
      )
      expect(untidy.toArray()).toEqual(tidy.toArray())
      const options = { components: 2, solver, init: 'random' as const, maxIter: 50 }
      const a = unwrap(nmf(untidy, options))
      const b = unwrap(nmf(tidy, options))
      expect(a.W.toArray()).toEqual(b.W.toArray())
      expect(a.H.toArray()).toEqual(b.H.toArray())
      // Duplicates that cancel leave a zero, which is allowed.
      const cancelled = csr(2, 2, [0, 2, 3], [1, 1, 0], [2, -2, 1])
      expectSound(unwrap(nmf(cancelled, { components: 1, solver })))
    },
  )
})

describe('custom init', () => {
  const X = matrix([
    [1, 0, 2],
    [0, 3, 1],
    [1, 1, 1],
    [2, 0, 1],
  ])

  /** W (4×2) and H (2×3) of ones but for one entry of `factor`. */
  const startWith = (factor: 'W' | 'H', row: number, col: number, value: number) => {
    const ones = (rows: number, cols: number) =>
      Matrix.fill(rows, cols, 1).map((one, i, j) => (i === row && j === col ? value : one))
    return factor === 'W'
      ? { W: ones(4, 2), H: Matrix.fill(2, 3, 1) }
      : { W: Matrix.fill(4, 2, 1), H: ones(2, 3) }
  }

  it.each([
    ['H', 1, 2, NaN],
    ['W', 2, 1, Infinity],
    ['H', 0, 0, -Infinity],
  ] as const)(
    '%s with a non-finite entry at (%i, %i), %s, is rejected',
    (factor, row, col, value) => {
      const init = startWith(factor, row, col, value)
      const message =
        `expected custom ${factor} to be finite, ` + `found ${value} at row ${row}, column ${col}`
      for (const solver of solverNames) {
        const error = failure(nmf(X, { components: 2, solver, init }))
        expect(error._tag).toBe('NonFiniteInput')
        expect(error.message).toBe(`nmf: ${message}`)
      }
      expect(failure(initialize(X, 2, { init })).message).toBe(`initialize: ${message}`)
    },
  )

  it.each(solverNames)(
    '%s: a zero column of W, a zero row of H, or both, give a finite fit no worse than the start',
    (solver) => {
      const ones = (rows: number, cols: number) => Matrix.fill(rows, cols, 1)
      const starts = [
        {
          W: matrix([
            [1, 0],
            [1, 0],
            [1, 0],
            [1, 0],
          ]),
          H: ones(2, 3),
        },
        {
          W: ones(4, 2),
          H: matrix([
            [1, 1, 1],
            [0, 0, 0],
          ]),
        },
        {
          W: matrix([
            [1, 0],
            [1, 0],
            [1, 0],
            [1, 0],
          ]),
          H: matrix([
            [1, 1, 1],
            [0, 0, 0],
          ]),
        },
      ]
      const { monotone } = solvers.find((s) => s.name === solver)?.capabilities ?? {}
      for (const init of starts) {
        const fit = unwrap(nmf(X, { components: 2, solver, init }))
        expectSound(fit)
        if (monotone) {
          expect(fit.reconstructionError).toBeLessThanOrEqual(frobeniusError(X, init.W, init.H))
        }
      }
    },
  )
})

describe('options at their edges', () => {
  it.each(solverNames)('%s: maxIter 1 runs one iteration', (solver) => {
    const fit = unwrap(nmf(generic, { components: 2, solver, maxIter: 1 }))
    expectSound(fit)
    expect(fit.nIter).toBe(1)
    expect(fit.history).toHaveLength(1)
  })

  it.each(solverNames)('%s: tol 0 runs to maxIter', (solver) => {
    const fit = unwrap(nmf(generic, { components: 2, solver, maxIter: 60, tol: 0 }))
    expectSound(fit)
    expect(fit.nIter).toBe(60)
    expect(fit.converged).toBe(false)
  })

  it.each([
    [-0.5, '-0.5'],
    [1 + 1e-9, '1.000000001'],
    [2, '2'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['0.5', '"0.5"'],
  ])('moving-average rejects gamma %s', (gamma, shown) => {
    // A JavaScript caller can pass any value: a string does not compile from TypeScript.
    const error = failure(
      nmf(generic, { components: 2, solver: 'moving-average', gamma: gamma as number }),
    )
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toBe(`nmf: option 'gamma': expected a number in (0, 1], found ${shown}`)
  })

  it('moving-average accepts gamma 1 and a tiny gamma, with finite fits', () => {
    for (const gamma of [1, 1e-9]) {
      expectSound(unwrap(nmf(generic, { components: 2, solver: 'moving-average', gamma })))
    }
  })

  it.each(solverNames)('%s: k = 1000 for a 6×5 X gives a finite fit', (solver) => {
    const fit = unwrap(nmf(generic, { components: 1000, solver, maxIter: 3 }))
    expectSound(fit)
    expect(fit.W.shape).toEqual([6, 1000])
    expect(fit.options.init).toBe('random')
  })

  // A k whose factors or k×k Gram matrix cannot be allocated is an InvalidOption that
  // names the largest k X allows, not a RangeError from deep inside an allocation.
  it('a huge k is a tagged error, not a RangeError from an allocation', () => {
    for (const components of [100_000, 2 ** 31]) {
      const error = failure(nmf(generic, { components, maxIter: 1 }))
      expect(error._tag).toBe('InvalidOption')
      expect(error.message).toBe(
        "nmf: option 'components': expected at most 16384 for X of 6×5 (W, H and their " +
          `k×k Gram matrices must each fit in 268435456 entries), found ${components}`,
      )
    }
  })

  // A side longer than any factor may be: no k fits, and the error says so (X's fault), not
  // 'expected at most 0'. A CSR X of one row and 2^28 + 1 columns holds one entry.
  it('an X with a side longer than one component may be is refused whatever k', () => {
    const wide = unwrap(
      CsrMatrix.fromParts(
        1,
        2 ** 28 + 1,
        Int32Array.of(0, 1),
        Int32Array.of(5),
        Float64Array.of(1),
      ),
    )
    const message =
      'expected X with at most 268435456 rows and columns (W holds one entry per row for ' +
      'each component, H one per column, each in at most 268435456 entries), found X of ' +
      '1×268435457: no k fits'
    for (const [operation, result] of [
      ['nmf', nmf(wide, { components: 1, maxIter: 1 })],
      ['initialize', initialize(wide, 1, { init: 'random' })],
    ] as const) {
      const error = failure(result)
      expect(error).toMatchObject({ _tag: 'Unsupported', input: 'X' })
      expect(error.message).toBe(`${operation}: ${message}`)
    }
  })

  // initialize allocates the same factors: it refuses the same k, with the same words.
  it('initialize refuses a huge k as nmf does, for every init', () => {
    for (const init of [undefined, 'random', 'nndsvda'] as const) {
      for (const components of [100_000, 2 ** 31]) {
        const error = failure(initialize(generic, components, init === undefined ? {} : { init }))
        expect(error._tag).toBe('InvalidOption')
        expect(error.message).toBe(
          "initialize: option 'components': expected at most 16384 for X of 6×5 (W, H and " +
            `their k×k Gram matrices must each fit in 268435456 entries), found ${components}`,
        )
      }
    }
  })
})

describe('names', () => {
  const knownSolvers = solverNames.map((name) => `'${name}'`).join(', ')
  const knownInits = initStrategies.map((strategy) => `'${strategy.name}'`).join(', ')

  it.each(['als', 'CD', ''])('an unknown solver %j lists every known one', (name) => {
    const error = failure(nmf(generic, { components: 2, solver: name }))
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toBe(
      `nmf: option 'solver': expected one of ${knownSolvers} or a solver plugin, found '${name}'`,
    )
  })

  it('a solver that is neither a name nor a plugin', () => {
    const options = { components: 2, solver: 42 } as unknown as NmfOptions
    expect(failure(nmf(generic, options)).message).toBe(
      "nmf: option 'solver': expected a solver name or plugin, found a number (42)",
    )
  })

  it.each(['svd', 'NNDSVD', ''])('an unknown init %j lists every known one', (name) => {
    for (const [operation, result] of [
      ['nmf', nmf(generic, { components: 2, init: name as never })],
      ['initialize', initialize(generic, 2, { init: name as never })],
    ] as const) {
      const error = failure(result)
      expect(error._tag).toBe('InvalidOption')
      expect(error.message).toBe(
        `${operation}: option 'init': expected one of ${knownInits} or { W, H }, found '${name}'`,
      )
    }
  })

  it('an init that is neither a name nor { W, H }', () => {
    expect(failure(nmf(generic, { components: 2, init: 7 as never })).message).toBe(
      "nmf: option 'init': expected a strategy name or { W, H }, found a number (7)",
    )
    expect(failure(nmf(generic, { components: 2, init: { W: 1 } as never })).message).toBe(
      "nmf: option 'init': expected a strategy name or { W, H }, found an object",
    )
  })
})

describe('AbortSignal', () => {
  it.each(solverNames)(
    '%s: a signal fired mid-fit stops it after that iteration, with the partial fit',
    (solver) => {
      const controller = new AbortController()
      const seen: HistoryEntry[] = []
      const options = { components: 2, solver, init: 'random' as const, tol: 0 }
      const started = Date.now()
      const error = failure(
        nmf(generic, {
          ...options,
          maxIter: 1_000_000,
          signal: controller.signal,
          onIteration: (entry) => {
            seen.push(entry)
            if (entry.iteration === 3) controller.abort()
          },
        }),
      )
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(seen.map((entry) => entry.iteration)).toEqual([1, 2, 3])
      expect(error._tag).toBe('Aborted')
      expect(error.message).toBe('nmf: aborted by its signal after 3 iterations')
      if (error._tag !== 'Aborted') return
      expect(error.iteration).toBe(3)
      // The partial fit is the fit that stops at iteration 3.
      const partial = error.partial as Factorization
      const three = unwrap(nmf(generic, { ...options, maxIter: 3 }))
      expectSound(partial)
      expect(partial.nIter).toBe(3)
      expect(partial.W.toArray()).toEqual(three.W.toArray())
      expect(partial.H.toArray()).toEqual(three.H.toArray())
      expect(partial.history).toEqual(three.history)
    },
  )

  it.each(solverNames)(
    '%s: a signal that has already fired stops it before it starts, with the start',
    (solver) => {
      const error = failure(
        nmf(generic, { components: 2, solver, signal: AbortSignal.abort(new Error('stop')) }),
      )
      expect(error.message).toBe('nmf: aborted by its signal after 0 iterations')
      if (error._tag !== 'Aborted') throw new Error(`expected Aborted, found ${error._tag}`)
      const partial = error.partial as Factorization
      expectSound(partial)
      expect(partial).toMatchObject({ nIter: 0, converged: false, history: [] })
    },
  )
})
