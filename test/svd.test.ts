import { describe, expect, it } from 'vitest'
import { CsrMatrix } from '../core/csr.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import { createRng, type Rng } from '../core/rng.ts'
import {
  exactTruncatedSvd,
  randomizedTruncatedSvd,
  truncatedSvd,
  type TruncatedSvd,
} from '../core/svd.ts'

const dense = (rows: number, cols: number, data: ArrayLike<number>): Matrix =>
  Matrix.unsafeWrap(rows, cols, Float64Array.from(data))

const gaussian = (rows: number, cols: number, rng: Rng, scale = 1): Matrix =>
  dense(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => scale * rng.normal()),
  )

/** ‖X − U·diag(S)·V‖_F / ‖X‖_F. */
const reconstructionError = (X: Matrix, { U, S, V, k }: TruncatedSvd): number => {
  const x = valuesOf(X)
  let diff = 0
  let norm = 0
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      let sum = 0
      for (let t = 0; t < k; t++) sum += U[i * k + t] * S[t] * V[t * X.cols + j]
      diff += (x[i * X.cols + j] - sum) ** 2
      norm += x[i * X.cols + j] ** 2
    }
  }
  return Math.sqrt(diff / norm)
}

/**
 * max |G − I| for G the Gram matrix of k vectors of length len; entry t of vector r
 * is at r·vectorStride + t·entryStride.
 */
const orthonormalityError = (
  values: Float64Array,
  k: number,
  len: number,
  vectorStride: number,
  entryStride: number,
): number => {
  let worst = 0
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let sum = 0
      for (let t = 0; t < len; t++) {
        sum +=
          values[r * vectorStride + t * entryStride] * values[c * vectorStride + t * entryStride]
      }
      worst = Math.max(worst, Math.abs(sum - (r === c ? 1 : 0)))
    }
  }
  return worst
}

const uError = (svd: TruncatedSvd, n: number) => orthonormalityError(svd.U, svd.k, n, 1, svd.k)
const vError = (svd: TruncatedSvd, m: number) => orthonormalityError(svd.V, svd.k, m, m, 1)

const expectFinite = (svd: TruncatedSvd) => {
  for (const a of [svd.U, svd.S, svd.V]) expect(a.every(Number.isFinite)).toBe(true)
}

const expectDescending = (S: Float64Array) => {
  for (let t = 1; t < S.length; t++) expect(S[t]).toBeLessThanOrEqual(S[t - 1])
  expect(S[S.length - 1]).toBeGreaterThanOrEqual(0)
}

describe('truncatedSvd, exact path', () => {
  it.each([
    [40, 25],
    [25, 40],
    [30, 30],
    [301, 7],
  ])('reconstructs a random %i×%i matrix with orthonormal factors', (n, m) => {
    const X = gaussian(n, m, createRng(n * 1000 + m))
    const svd = truncatedSvd(X, Math.min(n, m), createRng(1))
    expect(svd.U.length).toBe(n * svd.k)
    expect(svd.V.length).toBe(svd.k * m)
    expect(reconstructionError(X, svd)).toBeLessThan(1e-12)
    expect(uError(svd, n)).toBeLessThan(1e-12)
    expect(vError(svd, m)).toBeLessThan(1e-12)
    expectDescending(svd.S)
  })

  it('finds the singular values of a diagonal matrix', () => {
    const X = dense(4, 4, [3, 0, 0, 0, 0, -5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
    const { S, U, V } = truncatedSvd(X, 4, createRng(0))
    expect(Array.from(S)).toEqual([5, 3, 1, 0])
    // The leading pair is ±e₂ on the left; the sign rule makes U's largest entry positive.
    expect(U[1 * 4 + 0]).toBe(1)
    expect(V[0 * 4 + 1]).toBe(-1)
  })

  it('finds a hand-built rank-2 matrix 4·a·bᵀ + 2·c·dᵀ and its vectors', () => {
    const a = [0.5, 0.5, 0.5, 0.5]
    const c = [0.5, -0.5, 0.5, -0.5]
    const b = [1 / 3, 2 / 3, 2 / 3]
    const d = [2 / 3, 1 / 3, -2 / 3]
    const X = dense(
      4,
      3,
      a.flatMap((ai, i) => b.map((bj, j) => 4 * ai * bj + 2 * c[i] * d[j])),
    )
    for (const input of [X, X.transpose()]) {
      const { S } = truncatedSvd(input, 3, createRng(0))
      expect(S[0]).toBeCloseTo(4, 14)
      expect(S[1]).toBeCloseTo(2, 14)
      expect(Math.abs(S[2])).toBeLessThan(1e-14)
    }
    const { U, V } = truncatedSvd(X, 2, createRng(0))
    // a has equal entries, so its first entry is the largest and is made positive.
    for (let i = 0; i < 4; i++) expect(U[i * 2]).toBeCloseTo(a[i], 14)
    for (let j = 0; j < 3; j++) expect(V[j]).toBeCloseTo(b[j], 14)
    for (let i = 0; i < 4; i++) expect(Math.abs(U[i * 2 + 1])).toBeCloseTo(0.5, 14)
  })

  it('keeps small singular values of a graded matrix accurate to rounding of ‖X‖', () => {
    // X = H₁·diag(σ)·H₂ with Householder reflections H = I − 2·v·vᵀ/‖v‖²,
    // σ from 1 to 1e-12.
    const [n, m] = [30, 20]
    const sigma = Array.from({ length: m }, (_, t) => 10 ** ((-12 * t) / (m - 1)))
    const reflect = (size: number, seed: number) => {
      const v = Array.from({ length: size }, (_, i) => Math.cos(seed * (i + 1)))
      const norm2 = v.reduce((sum, x) => sum + x * x, 0)
      return (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / norm2
    }
    const [h1, h2] = [reflect(n, 1), reflect(m, 2)]
    const data = Array.from({ length: n * m }, (_, q) => {
      const [i, j] = [Math.floor(q / m), q % m]
      return sigma.reduce((sum, s, t) => sum + h1(i, t) * s * h2(t, j), 0)
    })
    for (const X of [dense(n, m, data), dense(n, m, data).transpose()]) {
      const { S } = truncatedSvd(X, m, createRng(0))
      S.forEach((s, t) => expect(Math.abs(s - sigma[t])).toBeLessThan(1e-14))
    }
  })

  it('gives finite, orthonormal output for a zero matrix and a zero column', () => {
    const withZeroColumn = gaussian(12, 5, createRng(3)).map((x, _, j) => (j === 2 ? 0 : x))
    const inputs: Array<Matrix | CsrMatrix> = [
      Matrix.zeros(6, 4),
      Matrix.zeros(4, 6),
      CsrMatrix.fromDense(Matrix.zeros(5, 5)),
      withZeroColumn,
      withZeroColumn.transpose(),
    ]
    for (const X of inputs) {
      const k = Math.min(X.rows, X.cols)
      for (const svd of [exactTruncatedSvd(X, k), randomizedTruncatedSvd(X, k, createRng(4))]) {
        expectFinite(svd)
        expect(uError(svd, X.rows)).toBeLessThan(1e-12)
        expect(vError(svd, X.cols)).toBeLessThan(1e-12)
        expect(svd.S[k - 1]).toBeLessThan(1e-12)
      }
    }
  })

  it('is deterministic and throws a RangeError for k outside 1..min(n, m)', () => {
    const X = gaussian(10, 8, createRng(5))
    expect(truncatedSvd(X, 3, createRng(0))).toEqual(truncatedSvd(X, 3, createRng(9)))
    expect(() => truncatedSvd(X, 0, createRng(0))).toThrow(RangeError)
    expect(() => truncatedSvd(X, 9, createRng(0))).toThrow(RangeError)
  })
})

describe('truncatedSvd, randomized path', () => {
  /** A rank-12 400×350 matrix with singular values 100..45, plus noise entries of size ~1e-5. */
  const planted = (): Matrix => {
    const rng = createRng(11)
    const A = gaussian(400, 12, rng)
    const B = gaussian(12, 350, rng)
    const a = valuesOf(A)
    const noise = valuesOf(gaussian(400, 350, rng, 1e-5))
    const out = new Float64Array(400 * 350)
    for (let i = 0; i < 400; i++) {
      for (let t = 0; t < 12; t++) {
        const w = (a[i * 12 + t] * (100 - 5 * t)) / Math.sqrt(400 * 350)
        for (let j = 0; j < 350; j++) out[i * 350 + j] += w * valuesOf(B)[t * 350 + j]
      }
    }
    return dense(
      400,
      350,
      out.map((x, q) => x + noise[q]),
    )
  }

  it('agrees with the exact path on a matrix with a spectral gap, dense and CSR', () => {
    const X = planted()
    const k = 10
    const exact = exactTruncatedSvd(X, k)
    const fromDense = truncatedSvd(X, k, createRng(7))
    const fromCsr = truncatedSvd(CsrMatrix.fromDense(X), k, createRng(7))
    for (const svd of [fromDense, fromCsr]) {
      for (let t = 0; t < k; t++) {
        expect(Math.abs(svd.S[t] - exact.S[t]) / exact.S[t]).toBeLessThan(1e-8)
      }
      expect(uError(svd, 400)).toBeLessThan(1e-12)
      expect(vError(svd, 350)).toBeLessThan(1e-12)
    }
    for (const key of ['U', 'S', 'V'] as const) {
      fromDense[key].forEach((x, q) => expect(Math.abs(x - fromCsr[key][q])).toBeLessThan(1e-10))
    }
    // Singular vectors match the exact ones up to the gap-limited error.
    fromDense.U.forEach((x, q) => expect(Math.abs(x - exact.U[q])).toBeLessThan(1e-8))
  })
})

describe('truncatedSvd inputs', () => {
  it('leaves dense and CSR inputs unchanged on both paths', () => {
    const rng = createRng(13)
    const small = gaussian(20, 15, rng).map((x) => (x > 0.5 ? x : 0))
    const large = gaussian(320, 310, rng).map((x) => (x > 1 ? x : 0))
    for (const X of [small, large]) {
      const csr = CsrMatrix.fromDense(X)
      const before = [
        valuesOf(X).slice(),
        csr.indptr.slice(),
        csr.indices.slice(),
        csr.data.slice(),
      ]
      truncatedSvd(X, 5, createRng(0))
      truncatedSvd(csr, 5, createRng(0))
      const after = [valuesOf(X), csr.indptr, csr.indices, csr.data]
      after.forEach((a, q) => expect(a).toEqual(before[q]))
    }
  })
})
