/**
 * The beta-divergence between X and its reconstruction Y = W·H, the family of
 * losses the multiplicative updates minimize (Févotte & Idier, 2011):
 *
 *   d_β(X | Y) = Σ_ij [x^β + (β − 1)·y^β − β·x·y^(β−1)] / (β(β − 1))
 *
 * with its limits β = 1, the generalized Kullback–Leibler divergence
 * Σ x·log(x/y) − x + y, and β = 0, the Itakura–Saito divergence
 * Σ x/y − log(x/y) − 1; β = 2 is ½‖X − Y‖²_F.
 *
 * The sums follow scikit-learn 1.2's `_beta_divergence`: entries of X at or
 * below EPSILON count as zeros (so 0·log 0 is 0, not NaN), Σ y for KL comes
 * from the column sums of W and the row sums of H, and Itakura–Saito subtracts
 * one per entry of X. Three departures, all on purpose: EPSILON is float64's
 * machine epsilon (scikit-learn 1.2 uses float32's, 1.19e-7); for β ≤ 1, where
 * the loss is infinite at y = 0, a y below EPSILON at a non-zero x is raised to
 * EPSILON (scikit-learn raises only y = 0), so the loss never grows as y shrinks
 * below EPSILON; and for β > 1, where it is finite at y = 0, no y is raised
 * (scikit-learn raises y = 0 to its EPSILON for every β).
 *
 * For a CSR X, Y is formed only at X's non-zeros, plus one row of Y at a time
 * for β ∉ {0, 1, 2}, whose Σ y^β runs over every entry; β = 2 uses traces.
 *
 * Within NEAR_LIMIT of 0 or 1 (β itself neither), the three sums of the formula above
 * are each about β(β − 1) times larger than their combination, which loses as many
 * digits (at β = 10⁻¹⁵, every one). There the divergence is summed entry by entry
 * instead, each entry's term in a form without that cancellation (`nearLimitTerm`).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import type { AnyMatrix } from './csr.ts'
import { asDense, decodeMatrix } from './input.ts'
import { frobeniusError, frobeniusErrorOf, squaredFrobeniusError } from './divergence.ts'
import {
  concerning,
  invalidOption,
  overflow,
  shapeMismatch,
  showNumber,
  unsupported,
  type NmfError,
  type Result,
} from './errors.ts'
import { transpose } from './kernels.ts'
import {
  copyOut,
  F64,
  fastModule,
  int32ViewOf,
  layout,
  rowsInTwoParts,
  type KernelModule,
} from './wasm.ts'
import { Matrix, showFound, valuesOf } from './matrix.ts'
import { showShape } from './matrix-shared.ts'
import { MIN_NORMAL } from './scaled.ts'
import { counted } from './show.ts'
import { checkNonNegative } from './validate.ts'

/** float64's machine epsilon, 2⁻⁵²: the floor of W·H and of a zero denominator. */
export const EPSILON = Number.EPSILON

/** A loss by name, or the β of a beta-divergence (2 Frobenius, 1 KL, 0 Itakura–Saito). */
export type BetaLoss = 'frobenius' | 'kullback-leibler' | 'itakura-saito' | number

const NAMED_BETAS = { frobenius: 2, 'kullback-leibler': 1, 'itakura-saito': 0 } as const

const isBetaLoss = (u: unknown): u is BetaLoss =>
  (typeof u === 'number' && Number.isFinite(u)) || (typeof u === 'string' && u in NAMED_BETAS)

/** The codec of the `betaLoss` option. */
export const BetaLossCodec = new t.Type<BetaLoss, BetaLoss, unknown>(
  "'frobenius', 'kullback-leibler', 'itakura-saito' or a finite number",
  isBetaLoss,
  (u, c) => (isBetaLoss(u) ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** β of a loss: 2 for `'frobenius'`, 1 for `'kullback-leibler'`, 0 for `'itakura-saito'`. */
export const betaOf = (loss: BetaLoss): number =>
  typeof loss === 'number' ? loss : NAMED_BETAS[loss]

/**
 * The names a solver's `capabilities.losses` may hold: the named losses, and
 * `'beta-divergence'` for every β (`lossName`).
 */
export const LOSS_NAMES: readonly string[] = [...Object.keys(NAMED_BETAS), 'beta-divergence']

/** The name a solver's `capabilities.losses` uses for β; any other β is `'beta-divergence'`. */
export const lossName = (beta: number): string =>
  beta === 2
    ? 'frobenius'
    : beta === 1
      ? 'kullback-leibler'
      : beta === 0
        ? 'itakura-saito'
        : 'beta-divergence'

/** β for a message: `'kullback-leibler' (β = 1)` or `β = 0.5`. */
export const showBeta = (beta: number): string =>
  lossName(beta) === 'beta-divergence'
    ? `β = ${String(beta)}` // every digit: 2.0000001 is not β = 2
    : `'${lossName(beta)}' (β = ${beta})`

/**
 * x^e, taking the exact shortcuts NumPy takes for e ∈ {−1, 0.5, 1, 2} (a
 * reciprocal, a square root, x, a square), so that results agree to the last bit.
 */
export const power = (x: number, e: number): number =>
  e === 1 ? x : e === 2 ? x * x : e === 0.5 ? Math.sqrt(x) : e === -1 ? 1 / x : Math.pow(x, e)

/**
 * Σ_t a[a0 + t]·b[b0 + t] for t < k: an entry of W·H from a row of W and a row
 * of Hᵀ. Four running sums, for speed; every caller sums in this one order.
 */
export const dotRows = (
  a: Float64Array,
  a0: number,
  b: Float64Array,
  b0: number,
  k: number,
): number => {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let t = 0
  for (; t + 3 < k; t += 4) {
    s0 += a[a0 + t] * b[b0 + t]
    s1 += a[a0 + t + 1] * b[b0 + t + 1]
    s2 += a[a0 + t + 2] * b[b0 + t + 2]
    s3 += a[a0 + t + 3] * b[b0 + t + 3]
  }
  for (; t < k; t++) s0 += a[a0 + t] * b[b0 + t]
  return s0 + s1 + (s2 + s3)
}

/** out[o0 + t] += v·b[b0 + t] for t < k, in place: `out` is the caller's own array. */
export const addScaledRow = (
  v: number,
  b: Float64Array,
  b0: number,
  out: Float64Array,
  o0: number,
  k: number,
): void => {
  let t = 0
  for (; t + 3 < k; t += 4) {
    out[o0 + t] += v * b[b0 + t]
    out[o0 + t + 1] += v * b[b0 + t + 1]
    out[o0 + t + 2] += v * b[b0 + t + 2]
    out[o0 + t + 3] += v * b[b0 + t + 3]
  }
  for (; t < k; t++) out[o0 + t] += v * b[b0 + t]
}

/**
 * How close β may come to 0 or 1 before the divergence is summed entry by entry: at this
 * distance the sums' combination loses under a digit to the division by β(β − 1).
 */
const NEAR_LIMIT = 0.125

/** β within NEAR_LIMIT of 0 or of 1, and neither. */
const nearLimit = (beta: number): boolean =>
  beta !== 0 && beta !== 1 && (Math.abs(beta) < NEAR_LIMIT || Math.abs(beta - 1) < NEAR_LIMIT)

/**
 * One entry's d_β(x | y) for x > 0, y > 0: the formula's bracket divided by β(β − 1),
 * written as y^β·g/(β(β − 1)) with r = x/y and g = r^β − β·r + β − 1, the bracket over
 * y^β. Near β = 0, g is expm1(β·log r) − β(r − 1); near β = 1, r·expm1((β − 1)·log r) −
 * (β − 1)(r − 1): each a difference of two terms of the size of g itself, not of 1.
 * Where r is beyond 2^±500 (x of 1e300 over a y floored at EPSILON, or x of 1e-10 over y
 * of 1e300), x and y are far apart and the bracket's terms do not cancel to its size: each
 * is formed from log x and log y (`farApartTerm`).
 */
const nearLimitTerm = (x: number, y: number, beta: number): number => {
  const r = x / y
  if (!(r >= FAR_APART && r <= 1 / FAR_APART)) return farApartTerm(x, y, beta)
  const log = Math.log(r)
  const g =
    beta < 0.5
      ? Math.expm1(beta * log) - beta * (r - 1)
      : r * Math.expm1((beta - 1) * log) - (beta - 1) * (r - 1)
  if (g === 0) return 0
  const yBeta = power(y, beta)
  // y^β beyond the doubles (y of 1e300 at β = 1.1) while its product with g is not.
  const scaled =
    yBeta >= MIN_NORMAL && yBeta < Infinity
      ? yBeta * g
      : Math.sign(g) * Math.exp(beta * Math.log(y) + Math.log(Math.abs(g)))
  return scaled / (beta * (beta - 1))
}

/**
 * x/y beyond 2^±500: far enough apart for `farApartTerm`, and near enough for r^(1 + 1/8)
 * and y^β·g in `nearLimitTerm` to stay within the doubles.
 */
const FAR_APART = 2 ** -500

/**
 * nearLimitTerm's d_β(x | y) where x/y is beyond 2^±500: with L = log x − log y,
 * the bracket is y^β·(expm1(β·L) + β) − β·x·y^(β−1) near β = 0, and
 * x·y^(β−1)·(expm1((β − 1)·L) − (β − 1)) + (β − 1)·y^β near β = 1, each power formed as the
 * exponential of its logarithm, so that none over- or underflows before the bracket does.
 */
const farApartTerm = (x: number, y: number, beta: number): number => {
  const [logX, logY] = [Math.log(x), Math.log(y)]
  const L = logX - logY
  const yBeta = Math.exp(beta * logY)
  const xyBeta1 = Math.exp(logX + (beta - 1) * logY)
  const bracket =
    beta < 0.5
      ? yBeta * (Math.expm1(beta * L) + beta) - beta * xyBeta1
      : xyBeta1 * (Math.expm1((beta - 1) * L) - (beta - 1)) + (beta - 1) * yBeta
  return bracket / (beta * (beta - 1))
}

/** The running sums of the divergence. */
interface Sums {
  /** Σ x over the entries of X above EPSILON. */
  x: number
  /** Σ x·log(x/y) (β = 1), Σ x/y (β = 0), Σ x^β (otherwise), over the same entries. */
  first: number
  /** Σ log(x/y) (β = 0), Σ x·y^(β−1) (otherwise), over the same entries. */
  second: number
  /** Σ y^β over every entry, for β ∉ {0, 1}; near 0 or 1, over the zeros of X only. */
  yBeta: number
  /** Near 0 or 1: Σ d_β(x | y) over the entries above EPSILON (`nearLimitTerm`). */
  terms: number
}

/** Adds the entry x of X with reconstruction y to `sums`. */
const addEntry = (
  sums: Sums,
  x: number,
  y: number,
  beta: number,
  generic: boolean,
  near: boolean,
): void => {
  if (!(x > EPSILON)) {
    // x is a zero: it adds nothing but y^β/β (0·log 0 = 0, not NaN), which grows with y for
    // β > 0 and is floored like every y for β < 0, where y^β would be infinite at zero.
    if (generic) sums.yBeta += power(beta < 0 && y < EPSILON ? EPSILON : y, beta)
    return
  }
  // For β ≤ 1 a reconstruction below EPSILON is EPSILON: no division by zero, and no loss
  // that grows without bound as y goes to zero. For β > 1 the loss stays finite as y goes to
  // zero (x·y^(β−1) goes to 0), and y counts as it is: at y = 0 the entry's d is x^β/(β(β − 1)).
  const safe = beta <= 1 && y < EPSILON ? EPSILON : y
  sums.x += x
  if (near && safe === 0) sums.terms += power(x, beta) / (beta * (beta - 1))
  else if (near) sums.terms += nearLimitTerm(x, safe, beta)
  else if (beta === 1) sums.first += x * Math.log(x / safe)
  else if (beta === 0) {
    const ratio = x / safe
    sums.first += ratio
    sums.second += Math.log(ratio)
  } else {
    sums.first += power(x, beta)
    sums.second += x * power(safe, beta - 1)
    sums.yBeta += power(safe, beta)
  }
}

/**
 * Whether fastSums takes this β's sums to the module (at a size divergenceInModule allows):
 * every β but those near 0 and 1. divergenceAt must give unsafeBetaDivergence's number, so
 * it asks the same.
 */
const summedInModule = (beta: number): boolean => !nearLimit(beta)

/**
 * The sums of `addEntry` over X's entries in the WebAssembly module (wasm/kernels.ts's
 * betaSums), where it runs them: β not near 0 or 1, X dense or CSR (whose zeros add nothing
 * for β ∈ {0, 1}, and are visited in row order for other β). For β ∈ {0, 1} in another
 * order than the loop (two lanes, two halves of the rows) and with the module's
 * logarithms: the same to rounding; for every other β the loop's sums in its order with
 * the module's powers, the same to rounding. Undefined otherwise, and then the loop below
 * sums.
 */
const fastSums = (
  X: AnyMatrix,
  w: Float64Array,
  h: Float64Array,
  k: number,
  beta: number,
): Sums | undefined => {
  const sparse = X.format === 'csr'
  if (!summedInModule(beta)) return undefined
  const wasm = fastModule(sumsWork(X, k, beta))
  if (wasm === undefined) return undefined
  const operands = sparse ? [X.data, X.indices, X.indptr, w, h] : [valuesOf(X), w, h]
  // Hᵀ (m×k) is formed in the module: no array of H's size to collect afterwards.
  const at = layout(wasm, operands, [X.cols * k * F64, 8 * F64])
  if (at === undefined) return undefined
  const [values, columns, starts] = sparse ? at : [at[0], 0, 0]
  const [W, H, Ht, out] = at.slice(sparse ? 3 : 1)
  wasm.transpose(H, k, X.cols, Ht)
  return sumsAt(wasm, [values, columns, starts, W, Ht, out], X.rows, X.cols, k, beta)
}

/**
 * betaSums over X, W and Hᵀ at these offsets (see fastSums), through `out` (64 bytes). For
 * β ∈ {0, 1} the rows in two halves, each summed into four float64s of its own, then
 * added, on two threads or on one (the same sums either way); every other β sums the rows
 * in order in one call, as the TypeScript loop does.
 */
const sumsAt = (
  wasm: KernelModule,
  [values, columns, starts, W, Ht, out]: readonly number[],
  n: number,
  m: number,
  k: number,
  beta: number,
): Sums => {
  if (beta !== 0 && beta !== 1) {
    wasm.betaSums(values, columns, starts, n, m, W, Ht, k, beta, EPSILON, out)
    const [x, first, second, yBeta] = copyOut(wasm, out, 4)
    return { x, first, second, yBeta, terms: 0 }
  }
  const entries = columns === 0 ? n * m : int32ViewOf(wasm, starts, n + 1)[n]
  rowsInTwoParts(
    wasm,
    entries * k,
    'betaSums',
    n,
    Math.ceil(n / 2),
    (first, count, onWorker) => [
      columns === 0 ? values + first * m * F64 : values,
      columns,
      columns === 0 ? 0 : starts + first * 4,
      count,
      m,
      W + first * k * F64,
      Ht,
      k,
      beta,
      EPSILON,
      onWorker ? out + 4 * F64 : out,
    ],
    true,
  )
  const [x, first, second, yBeta, x2, first2, second2, yBeta2] = copyOut(wasm, out, 8)
  return {
    x: x + x2,
    first: first + first2,
    second: second + second2,
    yBeta: yBeta + yBeta2,
    terms: 0,
  }
}

/**
 * The multiply-adds of the divergence's sums: every entry's W·H for a dense X, and for a
 * CSR X at β other than 0 and 1 (whose zeros count); a CSR X's stored entries' at β ∈
 * {0, 1} (and for β = 2, whose CSR error squaredFrobeniusError takes otherwise).
 */
const sumsWork = (X: AnyMatrix, k: number, beta: number): number =>
  (X.format === 'csr' && (beta === 0 || beta === 1 || beta === 2)
    ? X.data.length
    : X.rows * X.cols) * k

/**
 * Whether unsafeBetaDivergence and divergenceAndError would compute in the module, by
 * size, the divergence at β of X with k components (else in TypeScript, with another
 * logarithm): the threshold that squaredFrobeniusError (dense X) and fastSums apply.
 * Not whether that β runs there: fastSums leaves β near 0 and 1 to TypeScript.
 */
export const divergenceInModule = (X: AnyMatrix, k: number, beta: number): boolean =>
  fastModule(sumsWork(X, k, beta)) !== undefined

/**
 * d_β(X | W·H) for β ≠ 2 with X, W and Hᵀ already in the module's memory: `at` holds the
 * offsets of X's values, its column indices and row starts (0 and 0 for a dense X), W
 * (n×k), Hᵀ (m×k) and 64 bytes for the sums; `w` and `h` are W's and H's entries (views
 * of that memory will do). unsafeBetaDivergence's number where divergenceInModule holds,
 * bit for bit: a batch of mu's iterations checks with it (solvers/mu-kl-module.ts,
 * solvers/mu-beta-module.ts) without copying the factors out. Undefined where
 * unsafeBetaDivergence sums in TypeScript whatever the size: β near 0 or 1.
 */
export const divergenceAt = (
  wasm: KernelModule,
  at: readonly number[],
  [n, m, k]: readonly [number, number, number],
  w: Float64Array,
  h: Float64Array,
  beta: number,
): number | undefined => {
  if (beta === 2 || !summedInModule(beta)) return undefined
  return divergenceOf(sumsAt(wasm, at, n, m, k, beta), beta, w, h, [n, m, k])
}

/** d_β from the sums over X's entries (the loop's or the module's), at least 0 (β ≠ 2). */
const divergenceOf = (
  sums: Sums,
  beta: number,
  w: Float64Array,
  h: Float64Array,
  [n, m, k]: readonly [number, number, number],
): number => {
  let divergence: number
  if (beta === 1) {
    // Σ y without forming W·H.
    divergence = klOf(sums, w, h, n, m, k)
  } else if (beta === 0) {
    divergence = sums.first - n * m - sums.second
  } else if (nearLimit(beta)) {
    // A zero of X adds (β − 1)·y^β/(β(β − 1)) = y^β/β.
    divergence = sums.terms + sums.yBeta / beta
  } else {
    divergence = (sums.first - beta * sums.second + sums.yBeta * (beta - 1)) / (beta * (beta - 1))
  }
  return Math.max(0, divergence)
}

/** d_1 from the sums over X's entries and Σ y = Σ_t (column sum of W)_t · (row sum of H)_t. */
const klOf = (
  sums: Sums,
  w: Float64Array,
  h: Float64Array,
  n: number,
  m: number,
  k: number,
): number => {
  let sumY = 0
  for (let t = 0; t < k; t++) {
    let columnW = 0
    for (let i = 0; i < n; i++) columnW += w[i * k + t]
    let rowH = 0
    for (let j = 0; j < m; j++) rowH += h[t * m + j]
    sumY += columnW * rowH
  }
  return sums.first + (sumY - sums.x)
}

/**
 * The sums of `addEntry` over X's entries here, in row-major order for both formats, so
 * that dense and CSR give the same sums: every entry for β ∉ {0, 1}, else those above ε.
 */
const loopSums = (
  X: AnyMatrix,
  w: Float64Array,
  ht: Float64Array,
  k: number,
  beta: number,
): Sums => {
  const n = X.rows
  const m = X.cols
  const generic = beta !== 0 && beta !== 1
  const near = nearLimit(beta)
  const sums: Sums = { x: 0, first: 0, second: 0, yBeta: 0, terms: 0 }
  const visit = (i: number, j: number, x: number): void => {
    if (generic || x > EPSILON) {
      addEntry(sums, x, dotRows(w, i * k, ht, j * k, k), beta, generic, near)
    }
  }
  if (X.format === 'dense') {
    const x = valuesOf(X)
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) visit(i, j, x[i * m + j])
    return sums
  }
  for (let i = 0; i < n; i++) {
    const end = X.indptr[i + 1]
    if (!generic) {
      for (let q = X.indptr[i]; q < end; q++) visit(i, X.indices[q], X.data[q])
      continue
    }
    // Every entry of the row, the stored ones taken from X as the sorted indices come up.
    let q = X.indptr[i]
    for (let j = 0; j < m; j++) visit(i, j, q < end && X.indices[q] === j ? X.data[q++] : 0)
  }
  return sums
}

/**
 * d_β(X | W·H) for X (n×m), W (n×k), H (k×m), unchecked: the solvers' version.
 * Never negative (a rounding result below zero is clamped).
 */
export const unsafeBetaDivergence = (X: AnyMatrix, W: Matrix, H: Matrix, beta: number): number => {
  if (beta === 2) return 0.5 * squaredFrobeniusError(X, W, H)
  const n = X.rows
  const m = X.cols
  const k = W.cols
  const w = valuesOf(W)
  const h = valuesOf(H)
  // Column j of H as row j of Hᵀ in the sums: the k entries each one reads are adjacent.
  const sums = fastSums(X, w, h, k, beta) ?? loopSums(X, w, transpose(h, k, m), k, beta)
  return divergenceOf(sums, beta, w, h, [n, m, k])
}

/**
 * sqrt(2·d_β(X | W·H)): ‖X − W·H‖_F for β = 2, and the `reconstructionError` of
 * every fit.
 */
export const divergenceError = (X: AnyMatrix, W: Matrix, H: Matrix, beta: number): number =>
  // For β = 2, sqrt(2·d) = ‖X − W·H‖_F, which frobeniusError keeps from under- or
  // overflowing.
  beta === 2 ? frobeniusError(X, W, H) : Math.sqrt(2 * unsafeBetaDivergence(X, W, H, beta))

/**
 * d_β(X | W·H) and sqrt(2·d_β) together, for the price of one: the same two numbers as
 * `unsafeBetaDivergence` and `divergenceError`.
 */
export const divergenceAndError = (
  X: AnyMatrix,
  W: Matrix,
  H: Matrix,
  beta: number,
): { readonly divergence: number; readonly error: number } => {
  if (beta !== 2) {
    const divergence = unsafeBetaDivergence(X, W, H, beta)
    return { divergence, error: Math.sqrt(2 * divergence) }
  }
  const squared = squaredFrobeniusError(X, W, H)
  return { divergence: 0.5 * squared, error: frobeniusErrorOf(X, W, H, squared) }
}

/** The first zero of X in row-major order (stored or not, for a CSR X), if any. */
const firstZero = (X: AnyMatrix): readonly [number, number] | undefined => {
  if (X.format === 'dense') {
    const x = valuesOf(X)
    for (let q = 0; q < x.length; q++) if (x[q] === 0) return [Math.floor(q / X.cols), q % X.cols]
    return undefined
  }
  for (let i = 0; i < X.rows; i++) {
    let expected = 0
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      if (X.indices[q] !== expected) return [i, expected]
      if (X.data[q] === 0) return [i, expected]
      expected++
    }
    if (expected < X.cols) return [i, expected]
  }
  return undefined
}

/**
 * X unchanged, or an `Unsupported` error when β ≤ 0 and X has a zero: there
 * d_β(0 | y) is infinite, and the updates would divide by a W·H that goes to zero.
 */
export const checkBetaDomain = <M extends AnyMatrix>(
  operation: string,
  X: M,
  beta: number,
): Result<M> => {
  if (beta > 0) return E.right(X)
  const zero = firstZero(X)
  if (zero === undefined) return E.right(X)
  return E.left(
    unsupported(
      operation,
      `betaLoss ${showBeta(beta)} needs X without zeros, found 0 at row ${zero[0]}, ` +
        `column ${zero[1]}: for β ≤ 0 the divergence of a zero entry is infinite, and the ` +
        `multiplicative updates raise W·H to the power β − 2 < 0, ` +
        `dividing by a reconstruction ` +
        `that goes to zero there. Add a small positive constant to X (for example 1e-9), ` +
        `or use a betaLoss > 0 such as 'kullback-leibler'`,
      { option: 'betaLoss', row: zero[0], col: zero[1], input: 'X' },
    ),
  )
}

/**
 * X unchanged, or an `Unsupported` error when β ≠ 2 and every entry of X is at or below
 * EPSILON without X being zero: the divergence counts such entries as zeros, so that a fit
 * has nothing to fit, and the multiplicative updates, which raise W·H below EPSILON to
 * EPSILON before a negative power, would shrink the factors of such an X to zero or to
 * nothing like X's (scaled up, the same X fits; the updates are the same at any scale
 * above the floor). An all-zero X is fitted by zeros, as for β = 2.
 */
export const checkAboveEpsilon = <M extends AnyMatrix>(
  operation: string,
  X: M,
  beta: number,
): Result<M> => {
  if (beta === 2) return E.right(X)
  const largest = X.max()
  if (!(largest > 0 && largest <= EPSILON)) return E.right(X)
  return E.left(
    unsupported(
      operation,
      `every entry of X is at or below EPSILON (2.2e-16; its largest is ` +
        `${showNumber(largest)}): the loss, betaLoss ${showBeta(beta)}, counts such entries ` +
        `as zeros, so there is nothing to fit; scale X up (W and H scale by the square root ` +
        `of the factor)`,
      { input: 'X' },
    ),
  )
}

/**
 * A divergence as `betaDivergence` returns it: finite, or an overflow error. Its sums of
 * x^β, x·y^(β−1) and y^β (or, for β = 2, of squares) can each pass the largest double where
 * the entries are large or β is: then the divergence is Infinity, or NaN where two of them
 * did (∞ − ∞), and neither is a value to return.
 */
const finiteDivergence = (operation: string, divergence: number, beta: BetaLoss): Result<number> =>
  Number.isFinite(divergence)
    ? E.right(divergence)
    : E.left(
        overflow(
          operation,
          'the divergence',
          divergence,
          `its sums for ${showBeta(betaOf(beta))} passed the largest double ` +
            `(1.80e308): scale X, W and H toward 1` +
            (betaOf(beta) > 2 ? ', or use a betaLoss in [0, 2]' : ''),
        ),
      )

/**
 * The beta-divergence d_β(X | W·H) for X (samples×features, dense or CSR),
 * W (samples×k) and H (k×features); `reconstructionError` is sqrt(2·d).
 *
 * @example
 * betaDivergence(X, W, H, 'kullback-leibler') // Right(d), d ≥ 0
 */
export const betaDivergence = (
  X: AnyMatrix | ReadonlyArray<ArrayLike<number>>,
  W: Matrix | ReadonlyArray<ArrayLike<number>>,
  H: Matrix | ReadonlyArray<ArrayLike<number>>,
  beta: BetaLoss,
): Result<number> => {
  const operation = 'betaDivergence'
  return pipe(
    E.Do,
    // Read as nmf reads X and transform reads H: nested arrays and JSON too.
    E.bind('x', () => E.mapLeft(concerning('X'))(decodeMatrix(operation, X))),
    E.bind('w', () => E.mapLeft(concerning('W'))(asDense(operation, 'W', W))),
    E.bind('h', () => E.mapLeft(concerning('H'))(asDense(operation, 'H', H))),
    E.chain(({ x, w, h }) => {
      const shapes: Array<[string, boolean, string, Matrix]> = [
        ['W', w.rows === x.rows, `${counted(x.rows, 'row', 'rows')} (X's samples)`, w],
        ['H', h.cols === x.cols, `${counted(x.cols, 'column', 'columns')} (X's features)`, h],
        ['H', h.rows === w.cols, `${counted(w.cols, 'row', 'rows')} (W's columns)`, h],
      ]
      for (const [what, fits, expected, factor] of shapes) {
        if (!fits) {
          return E.left<NmfError, number>(
            concerning(what)(
              shapeMismatch(operation, what, expected, showShape(factor.rows, factor.cols)),
            ),
          )
        }
      }
      if (!isBetaLoss(beta)) {
        // Shown as nmf's option messages show it: NaN as NaN, a string quoted.
        return E.left<NmfError, number>(
          invalidOption(
            operation,
            'betaLoss',
            `expected ${BetaLossCodec.name}, found ${showFound(beta)}`,
          ),
        )
      }
      return pipe(
        E.mapLeft(concerning('X'))(checkNonNegative(operation, 'X', x)),
        E.chain(() => E.mapLeft(concerning('W'))(checkNonNegative(operation, 'W', w))),
        E.chain(() => E.mapLeft(concerning('H'))(checkNonNegative(operation, 'H', h))),
        E.chain(() => checkBetaDomain(operation, x, betaOf(beta))),
        E.chain(() =>
          finiteDivergence(operation, unsafeBetaDivergence(x, w, h, betaOf(beta)), beta),
        ),
      )
    }),
  )
}
