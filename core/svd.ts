/**
 * Truncated singular value decomposition for the NNDSVD initialization.
 *
 * Small problems (min(n, m) ≤ `EXACT_LIMIT`) get an exact SVD: the columns are
 * orthonormalized (modified Gram–Schmidt, twice), and the small factor R = QᵀA
 * is diagonalized by one-sided Jacobi (Hestenes) rotations. Larger problems use
 * a randomized range finder with power iterations (Halko, Martinsson & Tropp)
 * and the same exact SVD on the projected matrix. Internally a set of vectors
 * is stored contiguously, one vector per row of a row-major `Float64Array`.
 * An X with entries so large (or small) that their squares overflow (or
 * underflow) is decomposed scaled by a power of two, which is exact.
 */
import { storedValues, withStoredValues, type AnyMatrix } from './csr.ts'
import { csrTimesDenseT, csrTransposeTimesDense, gemm, gemmNT, transpose } from './kernels.ts'
import { valuesOf } from './matrix.ts'
import type { Rng } from './rng.ts'
import { largestMagnitude, timesPowerOfTwo } from './scaled.ts'

/** The largest min(n, m) decomposed exactly; larger inputs use the randomized path. */
export const EXACT_LIMIT = 300
/** Extra columns drawn by the randomized range finder beyond k. */
export const OVERSAMPLES = 10
/** Power iterations of the randomized range finder. */
export const POWER_ITERATIONS = 7
/** The most Jacobi sweeps before giving up on further orthogonality. */
const MAX_SWEEPS = 60
/** Two columns count as orthogonal when |aᵢ·aⱼ| ≤ TOLERANCE·‖aᵢ‖·‖aⱼ‖. */
const TOLERANCE = 1e-15
/**
 * X whose largest |entry| lies outside [2^-SAFE_EXPONENT, 2^SAFE_EXPONENT] is
 * decomposed scaled by a power of two (exact), since its squared norms would
 * overflow to Infinity (then NaN) or underflow to zero; S is scaled back.
 */
const SAFE_EXPONENT = 400

/** A rank-k SVD, X ≈ U·diag(S)·V. */
export interface TruncatedSvd {
  /** n×k row-major, orthonormal columns (the left singular vectors). */
  readonly U: Float64Array
  /** The k largest singular values, descending. */
  readonly S: Float64Array
  /** k×m row-major; its rows are the right singular vectors (like numpy's Vt). */
  readonly V: Float64Array
  /** The number of singular triplets kept. */
  readonly k: number
}

/** Singular values with their left and right vectors, one vector per row. */
interface Factors {
  readonly s: Float64Array
  readonly left: Float64Array
  readonly right: Float64Array
}

/** The dot product of a[i..i+len) and b[j..j+len). */
const dotRows = (a: Float64Array, i: number, b: Float64Array, j: number, len: number): number => {
  let sum = 0
  for (let t = 0; t < len; t++) sum += a[i + t] * b[j + t]
  return sum
}

/**
 * Orthonormalizes `count` vectors of length `len` in place by modified Gram–Schmidt
 * applied twice. When the second pass removes more than half of what the first left,
 * the vector lies in the span of the earlier ones to working precision; it is then
 * replaced by the standard basis vector farthest from that span, orthogonalized, so
 * the result is always orthonormal and never NaN.
 */
const orthonormalize = (vecs: Float64Array, count: number, len: number): Float64Array => {
  for (let t = 0; t < count; t++) {
    const o = t * len
    const pass = () => {
      for (let r = 0; r < t; r++) {
        const c = dotRows(vecs, r * len, vecs, o, len)
        for (let i = 0; i < len; i++) vecs[o + i] -= c * vecs[r * len + i]
      }
      return Math.sqrt(dotRows(vecs, o, vecs, o, len))
    }
    const first = pass()
    let norm = pass()
    if (!(norm > 0.5 * first)) {
      let [best, most] = [0, -1]
      for (let e = 0; e < len; e++) {
        let residual = 1
        for (let r = 0; r < t; r++) residual -= vecs[r * len + e] ** 2
        if (residual > most) [best, most] = [e, residual]
      }
      vecs.fill(0, o, o + len)
      vecs[o + best] = 1
      pass()
      norm = pass()
    }
    for (let i = 0; i < len; i++) vecs[o + i] /= norm
  }
  return vecs
}

/** Rotates rows i and j of `a` (row length `len`) by the plane rotation (cos, sin). */
const rotate = (a: Float64Array, i: number, j: number, len: number, cos: number, sin: number) => {
  for (let t = 0; t < len; t++) {
    const x = a[i * len + t]
    const y = a[j * len + t]
    a[i * len + t] = cos * x - sin * y
    a[j * len + t] = sin * x + cos * y
  }
}

/**
 * One-sided Jacobi on the p×p matrix whose columns are the rows of `cols` (mutated).
 * Returns σ, the left vectors (normalized columns) and the right vectors (the
 * accumulated rotations), unsorted. Squared norms are updated after each rotation
 * and recomputed at the start of each sweep.
 */
const jacobi = (cols: Float64Array, p: number): Factors => {
  const right = new Float64Array(p * p)
  for (let i = 0; i < p; i++) right[i * p + i] = 1
  const norms = new Float64Array(p)
  for (let sweep = 0, rotated = true; rotated && sweep < MAX_SWEEPS; sweep++) {
    rotated = false
    for (let i = 0; i < p; i++) norms[i] = dotRows(cols, i * p, cols, i * p, p)
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const [alpha, beta] = [norms[i], norms[j]]
        const gamma = dotRows(cols, i * p, cols, j * p, p)
        if (!(Math.abs(gamma) > TOLERANCE * Math.sqrt(alpha) * Math.sqrt(beta))) continue
        rotated = true
        const zeta = (beta - alpha) / (2 * gamma)
        const tan = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta))
        const cos = 1 / Math.sqrt(1 + tan * tan)
        rotate(cols, i, j, p, cos, cos * tan)
        rotate(right, i, j, p, cos, cos * tan)
        norms[i] = Math.max(0, alpha - tan * gamma)
        norms[j] = Math.max(0, beta + tan * gamma)
      }
    }
  }
  const s = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    s[i] = Math.sqrt(dotRows(cols, i * p, cols, i * p, p))
    for (let t = 0; t < p; t++) cols[i * p + t] = s[i] > 0 ? cols[i * p + t] / s[i] : 0
  }
  return { s, left: cols, right }
}

/** Copies rows `order[0..k)` of a `rows×len` row-major array. */
const pickRows = (a: Float64Array, len: number, order: ArrayLike<number>, k: number) => {
  const out = new Float64Array(k * len)
  for (let r = 0; r < k; r++) out.set(a.subarray(order[r] * len, (order[r] + 1) * len), r * len)
  return out
}

/**
 * The k leading singular triplets of the q×p matrix A (k ≤ p ≤ q) whose p columns are
 * the rows of `vecs` (mutated): A = Q·R with orthonormal Q, Jacobi on R, left vectors
 * Q·U_R. The left vectors come out orthonormal even when A is rank deficient.
 */
const exactSvd = (vecs: Float64Array, p: number, q: number, k: number): Factors => {
  const original = vecs.slice()
  const basis = orthonormalize(vecs, p, q)
  const rCols = gemmNT(original, p, q, basis, p)
  const { s, left, right } = jacobi(rCols, p)
  const order = Array.from({ length: p }, (_, i) => i).sort((a, b) => s[b] - s[a] || a - b)
  const leftR = orthonormalize(pickRows(left, p, order, k), k, p)
  return {
    s: Float64Array.from(order.slice(0, k), (i) => s[i]),
    left: gemm(leftR, k, p, basis, q),
    right: pickRows(right, p, order, k),
  }
}

/** The vectors of X, one per row: its columns when `byColumn`, else its rows (copied). */
const vectorsOf = (X: AnyMatrix, byColumn: boolean): Float64Array => {
  const { rows: n, cols: m } = X
  if (X.format === 'dense') return byColumn ? transpose(valuesOf(X), n, m) : valuesOf(X).slice()
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      out[byColumn ? X.indices[q] * n + i : i * m + X.indices[q]] = X.data[q]
    }
  }
  return out
}

/** The rows of Bᵀ·X (l×m) for l vectors B of length n, without densifying a CSR X. */
const timesX = (X: AnyMatrix, b: Float64Array, l: number): Float64Array =>
  X.format === 'dense'
    ? gemm(b, l, X.rows, valuesOf(X), X.cols)
    : transpose(csrTransposeTimesDense(X, transpose(b, l, X.rows), l), X.cols, l)

/** The rows of (X·Z)ᵀ (l×n) for l vectors Z of length m. */
const timesXt = (X: AnyMatrix, z: Float64Array, l: number): Float64Array =>
  X.format === 'dense'
    ? gemmNT(z, l, X.cols, valuesOf(X), X.rows)
    : transpose(csrTimesDenseT(X, z, l), X.rows, l)

/** Flips each pair so that the largest |entry| of each column of U is positive. */
const fixSigns = (U: Float64Array, V: Float64Array, n: number, m: number, k: number) => {
  for (let t = 0; t < k; t++) {
    let best = 0
    for (let i = 1; i < n; i++) if (Math.abs(U[i * k + t]) > Math.abs(U[best * k + t])) best = i
    if (U[best * k + t] >= 0) continue
    for (let i = 0; i < n; i++) U[i * k + t] = -U[i * k + t]
    for (let j = 0; j < m; j++) V[t * m + j] = -V[t * m + j]
  }
}

/**
 * `decompose(X)`, or, when X's largest |entry| is outside the safe range,
 * `decompose(X·2^e)` with S scaled back by 2^-e: U and V are unchanged by the scale.
 */
const rescaled = (X: AnyMatrix, decompose: (Y: AnyMatrix) => TruncatedSvd): TruncatedSvd => {
  const values = storedValues(X)
  const largest = largestMagnitude(values)
  const exponent = largest === 0 ? 0 : Math.round(Math.log2(largest))
  if (Math.abs(exponent) <= SAFE_EXPONENT) return decompose(X)
  const svd = decompose(
    withStoredValues(
      X,
      values.map((value) => timesPowerOfTwo(value, -exponent)),
    ),
  )
  return { ...svd, S: svd.S.map((value) => timesPowerOfTwo(value, exponent)) }
}

/** Throws on a k outside 1..min(n, m): callers check it, so this is a programming error. */
const checkRank = (X: AnyMatrix, k: number, operation: string) => {
  const small = Math.min(X.rows, X.cols)
  if (!Number.isInteger(k) || k < 1 || k > small) {
    throw new RangeError(`${operation}: expected k in 1..${small}, found ${k}`)
  }
}

/**
 * The k largest singular triplets of X by an exact SVD (one-sided Jacobi on the
 * smaller side), whatever the size. Signs as in `truncatedSvd`; X is not modified.
 *
 * @throws RangeError when k is not an integer in 1..min(n, m) (a programming error).
 */
export const exactTruncatedSvd = (X: AnyMatrix, k: number): TruncatedSvd => {
  checkRank(X, k, 'exactTruncatedSvd')
  return rescaled(X, (Y) => exactUnscaled(Y, k))
}

const exactUnscaled = (X: AnyMatrix, k: number): TruncatedSvd => {
  const { rows: n, cols: m } = X
  const tall = m <= n
  const { s, left, right } = exactSvd(vectorsOf(X, tall), Math.min(n, m), tall ? n : m, k)
  const [u, v] = tall ? [left, right] : [right, left]
  const U = transpose(u, k, n)
  fixSigns(U, v, n, m, k)
  return { U, S: s, V: v, k }
}

/**
 * The k largest singular triplets of X by a randomized range finder: k + `OVERSAMPLES`
 * Gaussian test vectors drawn from `rng`, `POWER_ITERATIONS` power iterations with
 * re-orthonormalization, then an exact SVD of the projection QᵀX. A sparse X is never
 * densified. Signs as in `truncatedSvd`; X is not modified.
 *
 * @throws RangeError when k is not an integer in 1..min(n, m) (a programming error).
 */
export const randomizedTruncatedSvd = (X: AnyMatrix, k: number, rng: Rng): TruncatedSvd => {
  checkRank(X, k, 'randomizedTruncatedSvd')
  return rescaled(X, (Y) => randomizedUnscaled(Y, k, rng))
}

const randomizedUnscaled = (X: AnyMatrix, k: number, rng: Rng): TruncatedSvd => {
  const { rows: n, cols: m } = X
  const l = Math.min(k + OVERSAMPLES, n, m)
  const omega = new Float64Array(m * l)
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal()
  let Q = orthonormalize(timesXt(X, transpose(omega, m, l), l), l, n)
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const Z = orthonormalize(timesX(X, Q, l), l, m)
    Q = orthonormalize(timesXt(X, Z, l), l, n)
  }
  const { s, left, right } = exactSvd(timesX(X, Q, l), l, m, k)
  const U = transpose(gemm(right, k, l, Q, n), k, n)
  fixSigns(U, left, n, m, k)
  return { U, S: s, V: left, k }
}

/**
 * The k largest singular triplets of X (n×m): X ≈ U·diag(S)·V with U n×k and V k×m.
 *
 * Exact (`exactTruncatedSvd`) when min(n, m) ≤ `EXACT_LIMIT`, otherwise randomized
 * (`randomizedTruncatedSvd`, drawing from `rng`). Signs are fixed so that the largest
 * |entry| of each column of U is positive, with the matching row of V. X is not modified.
 *
 * @throws RangeError when k is not an integer in 1..min(n, m) (a programming error).
 * @example
 * const { U, S, V } = truncatedSvd(X, 5, createRng(0))
 */
export const truncatedSvd = (X: AnyMatrix, k: number, rng: Rng): TruncatedSvd =>
  Math.min(X.rows, X.cols) <= EXACT_LIMIT
    ? exactTruncatedSvd(X, k)
    : randomizedTruncatedSvd(X, k, rng)
