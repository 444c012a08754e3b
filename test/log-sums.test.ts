/**
 * The module's sums of the β-divergence for β ∈ {0, 1} (wasm/kernels.ts's logSums): their
 * logarithms, two at a time (logPair), within an ulp of the host's Math.log; ratios that
 * are not positive normal numbers through the module's scalar logarithm, without changing
 * the other lane's; a dense X and its CSR form summed bit for bit the same; and the same
 * sums on one thread or two. Every other β keeps the TypeScript loop's sums and order, with
 * the module's own powers.
 */
import { availableParallelism } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { betaDivergence, CsrMatrix, Matrix, setKernelThreads } from 'nmfkit'
import { EPSILON } from '../core/beta-divergence.ts'
import { createRng } from '../core/rng.ts'
import { workerRunning } from '../core/threads.ts'
import { F64, fastModule, layout, viewOf } from '../core/wasm.ts'
import { onPath, unwrap } from './fixture-helpers.ts'

/**
 * The kernel's sums over a row of entries, straight from it: X = xs (1×m), W = [1], Hᵀ = ys
 * (m×1). β = 0's second sum is Σ ln(x/max(y, ε)), β = 1's first Σ x·ln(x/max(y, ε)).
 */
const sums = (xs: readonly number[], ys: readonly number[], beta: 0 | 1): Float64Array => {
  const wasm = fastModule(1, 0)
  if (wasm === undefined) throw new Error('expected the module')
  const m = xs.length
  const at = layout(
    wasm,
    [Float64Array.from(xs), Float64Array.of(1), Float64Array.from(ys)],
    [8 * F64],
  )
  if (at === undefined) throw new Error('expected a layout')
  const [x, w, ht, out] = at
  wasm.betaSums(x, 0, 0, 1, m, w, ht, 1, beta, EPSILON, out)
  return viewOf(wasm, out, 4).slice()
}

const logSum = (xs: readonly number[], ys: readonly number[]): number => sums(xs, ys, 0)[2]

const klSum = (xs: readonly number[], ys: readonly number[]): number => sums(xs, ys, 1)[1]

/** The distance between two doubles in units of the last place of `expected`. */
const ulps = (actual: number, expected: number): number => {
  if (Object.is(actual, expected)) return 0
  const magnitude = Math.abs(expected)
  const next = new Float64Array([magnitude])
  new BigInt64Array(next.buffer)[0] += 1n
  return Math.abs(actual - expected) / (next[0] - magnitude)
}

const dense = (rows: number, cols: number, data: ArrayLike<number>): Matrix =>
  unwrap(Matrix.fromData(rows, cols, data))

describe("the module's logarithms", () => {
  it('are within an ulp of Math.log in either lane, alone or paired', () => {
    const rng = createRng(11)
    // Ratios over the whole normal range, near 1, near √2 (where the reduction switches)
    // and near powers of two.
    const draws = [
      () => Math.exp((rng.uniform() - 0.5) * 1400),
      () => 1 + (rng.uniform() - 0.5) * 1e-6,
      () => Math.SQRT2 * (1 + (rng.uniform() - 0.5) * 1e-9),
      () => 2 ** Math.floor((rng.uniform() - 0.5) * 2000) * (1 + (rng.uniform() - 0.5) * 1e-12),
    ]
    let worst = 0
    for (const draw of draws) {
      for (let c = 0; c < 2_000; c++) {
        // x/y as the kernel forms it, y ≥ ε: x above ε, as every counted entry is.
        const ratio = draw()
        const [x, y] = ratio > 1e-10 ? [ratio, 1] : [1, 1 / ratio]
        const expected = Math.log(x / Math.max(y, EPSILON))
        // Alone (lane 0), then as lane 0 and lane 1 of a pair beside a ratio of 1.
        for (const value of [logSum([x], [y]), logSum([x, 1], [y, 1]), logSum([1, x], [1, y])]) {
          worst = Math.max(worst, ulps(value, expected))
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1)
    expect(logSum([1], [1])).toBe(0)
    expect(Object.is(logSum([1, 1], [1, 1]), 0)).toBe(true)
  })

  it('take ratios that are not positive normal numbers one by one, the neighbour unchanged', () => {
    expect(logSum([1e-10], [1e300])).toBe(Math.log(1e-10 / 1e300)) // subnormal
    expect(logSum([1e300], [1e-300])).toBe(Infinity) // x/ε overflows
    expect(logSum([1], [NaN])).toBeNaN()
    // Beside a subnormal ratio, a ratio whose logPair and scalar logarithm differ in the
    // last place keeps logPair's: x·ln(x/y) of the subnormal one is small (x = 1e-10).
    const [x, y] = [1.3151, 0.9]
    expect(klSum([1e-10, x], [1e300, y])).toBe(klSum([1e-10], [1e300]) + klSum([x], [y]))
    expect(klSum([x, 1e-10], [y, 1e300])).toBe(klSum([x], [y]) + klSum([1e-10], [1e300]))
    for (const [oddX, oddY] of [
      [1e300, 1e-300],
      [1, NaN],
    ]) {
      expect(logSum([oddX, x], [oddY, y])).toEqual(logSum([oddX], [oddY]) + logSum([x], [y]))
    }
  })
})

describe("the module's powers", () => {
  // β = −0.5 takes x^−0.5 (first), x·y^−1.5 (second) and y^−0.5 (yBeta): the two exponents
  // the module takes by square roots rather than pow.
  // β = 1.5 takes x^1.5 (first) and y^1.5 (yBeta) by a square root too.
  const powers = (x: number, y: number, beta = -0.5): Float64Array => {
    const wasm = fastModule(1, 0)
    if (wasm === undefined) throw new Error('expected the module')
    const at = layout(wasm, [Float64Array.of(x), Float64Array.of(1), Float64Array.of(y)], [8 * F64])
    if (at === undefined) throw new Error('expected a layout')
    const [xAt, w, ht, out] = at
    wasm.betaSums(xAt, 0, 0, 1, 1, w, ht, 1, beta, EPSILON, out)
    return viewOf(wasm, out, 4).slice()
  }

  it('x^−0.5 and x^−1.5 are within two ulps of Math.pow', () => {
    const rng = createRng(5)
    let worst = 0
    for (let c = 0; c < 20_000; c++) {
      // Both above ε (the sums floor y there and leave out x), products within the doubles.
      const draw = () => Math.exp(-34 + rng.uniform() * 330)
      const [x, y] = [draw(), draw()]
      const [, first, , yBeta] = powers(x, y)
      // With x = 1 the second sum is y^−1.5 itself, not a product rounded once more.
      const second = powers(1, y)[2]
      worst = Math.max(
        worst,
        ulps(first, x ** -0.5),
        ulps(second, y ** -1.5),
        ulps(yBeta, y ** -0.5),
      )
    }
    expect(worst).toBeLessThanOrEqual(2)
    // y^−1.5 subnormal (about 1e−315), as pow gives it, not 0.
    expect(powers(1, 1e210)[2]).toBeGreaterThan(0)
    expect(ulps(powers(1, 1e210)[2], 1e210 ** -1.5)).toBeLessThanOrEqual(2)
  })

  it('x^1.5 is within two ulps of Math.pow, and overflows where pow does', () => {
    const rng = createRng(6)
    let worst = 0
    for (let c = 0; c < 20_000; c++) {
      // x above ε (the sums leave out smaller x); y^1.5 down to subnormal results.
      const x = Math.exp(-34 + rng.uniform() * 504)
      const y = Math.exp(-700 + rng.uniform() * 1170)
      const [, first, , yBeta] = powers(x, y, 1.5)
      worst = Math.max(worst, ulps(first, x ** 1.5), ulps(yBeta, y ** 1.5))
    }
    expect(worst).toBeLessThanOrEqual(2)
    // Past about 3e205, x^1.5 is beyond the doubles either way.
    for (const x of [3.2e205, 3.3e205, 1e300]) {
      expect(powers(x, 1, 1.5)[1]).toBe(x ** 1.5)
    }
  })
})

describe("the module's sums over X", () => {
  afterEach(() => setKernelThreads(true))

  const problem = (rows: number, cols: number, k: number, seed: number, zeros: number) => {
    const rng = createRng(seed)
    const entry = () => (rng.uniform() < zeros ? 0 : rng.uniform() * 3)
    return {
      X: dense(rows, cols, Array.from({ length: rows * cols }, entry)),
      W: dense(
        rows,
        k,
        Array.from({ length: rows * k }, () => rng.uniform() + 0.1),
      ),
      H: dense(
        k,
        cols,
        Array.from({ length: k * cols }, () => rng.uniform() + 0.1),
      ),
    }
  }

  it.each([
    [7, 9, 2, 0.5],
    [12, 16, 3, 0.3],
    [5, 1, 1, 0.4],
    [1, 13, 4, 0.6],
    [20, 31, 5, 0.9],
  ])('%i×%i, k %i, zeros %s: a dense X and its CSR form give the same bits', (n, m, k, zeros) => {
    for (let seed = 0; seed < 10; seed++) {
      const { X, W, H } = problem(n, m, k, seed, zeros)
      const Xs = CsrMatrix.fromDense(X)
      // The same matrix with some zeros stored, and entries at or below ε: not counted.
      const values = X.toFloat64Array().map((v, q) => (q % 5 === 0 && v === 0 ? 1e-300 : v))
      const Xt = dense(n, m, values)
      const stored = CsrMatrix.fromDense(Xt)
      onPath('wasm', () => {
        const d = unwrap(betaDivergence(X, W, H, 'kullback-leibler'))
        expect(unwrap(betaDivergence(Xs, W, H, 'kullback-leibler'))).toBe(d)
        expect(unwrap(betaDivergence(stored, W, H, 'kullback-leibler'))).toBe(
          unwrap(betaDivergence(Xt, W, H, 'kullback-leibler')),
        )
        // Itakura-Saito: X without zeros.
        const positive = dense(
          n,
          m,
          X.toFloat64Array().map((v) => v + 0.5),
        )
        expect(unwrap(betaDivergence(CsrMatrix.fromDense(positive), W, H, 'itakura-saito'))).toBe(
          unwrap(betaDivergence(positive, W, H, 'itakura-saito')),
        )
        const reference = onPath('reference', () =>
          unwrap(betaDivergence(X, W, H, 'kullback-leibler')),
        )
        expect(Math.abs(d - reference)).toBeLessThanOrEqual(1e-13 * reference)
      })
    }
  })

  it.each([0.5, 1.5, 3, -1])(
    "for β = %s: entry by entry in the loop's order, with the module's powers",
    (beta) => {
      // Only β ∈ {0, 1} sum in two lanes and two halves; the others keep the loop's order,
      // and differ from it only by the powers (the module's own, within an ulp of the host's).
      for (const [n, m, k, zeros] of [
        [9, 7, 2, 0.3],
        [60, 40, 3, 0.3],
        // Fewer than 1 024 multiply-adds at the stored entries, more at all of them.
        [30, 20, 3, 0.6],
      ]) {
        for (let seed = 0; seed < 5; seed++) {
          const { X, W, H } = problem(n, m, k, seed, beta < 0 ? 0 : zeros)
          const Y =
            beta < 0
              ? dense(
                  n,
                  m,
                  X.toFloat64Array().map((v) => v + 0.5),
                )
              : X
          const fast = onPath('wasm', () => unwrap(betaDivergence(Y, W, H, beta)))
          const loop = onPath('reference', () => unwrap(betaDivergence(Y, W, H, beta)))
          expect(Math.abs(fast - loop)).toBeLessThanOrEqual(1e-14 * loop)
          // A CSR X at these β: every entry in the same order, its zeros too, on either path.
          const csr = CsrMatrix.fromDense(Y)
          expect(onPath('wasm', () => unwrap(betaDivergence(csr, W, H, beta)))).toBe(fast)
          expect(onPath('reference', () => unwrap(betaDivergence(csr, W, H, beta)))).toBe(loop)
          // Under 'auto' both forms take the same path: their work counts every entry.
          expect(unwrap(betaDivergence(csr, W, H, beta))).toBe(
            unwrap(betaDivergence(Y, W, H, beta)),
          )
        }
      }
    },
  )

  it('are the same on one thread or two', () => {
    // 300×220, k 5: 330 000 multiply-adds, above the threads' threshold.
    const { X, W, H } = problem(300, 220, 5, 3, 0.4)
    for (const Y of [X, CsrMatrix.fromDense(X)]) {
      for (const loss of ['kullback-leibler', 'itakura-saito'] as const) {
        const Z =
          loss === 'itakura-saito'
            ? dense(
                300,
                220,
                X.toFloat64Array().map((v) => v + 1),
              )
            : Y
        const Zf =
          Y instanceof CsrMatrix && loss === 'itakura-saito' ? CsrMatrix.fromDense(Z as Matrix) : Z
        setKernelThreads(false)
        const one = onPath('auto', () => unwrap(betaDivergence(Zf, W, H, loss)))
        setKernelThreads(true)
        const two = onPath('auto', () => unwrap(betaDivergence(Zf, W, H, loss)))
        expect(two).toBe(one)
      }
    }
    expect(workerRunning()).toBe(availableParallelism() >= 2)
  })
})
