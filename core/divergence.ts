/**
 * Distances between X and W·H that never form W·H in full for a sparse X, and
 * never allocate an n×m array for a dense one.
 */
import { CsrMatrix, storedValues, withStoredValues, type AnyMatrix } from './csr.ts'
import { DoubleDouble } from './double-double.ts'
import { gramColumns, gramRows, middleRow, transpose, type CsrAt } from './kernels.ts'
import { productRow } from './kernels-reference.ts'
import { describeValue, Matrix, valuesOf } from './matrix.ts'
import { showShape } from './matrix-shared.ts'
import { largestMagnitude, rescaledComponents, timesPowerOfTwo } from './scaled.ts'
import { F64, fastModule, layout, rowsInTwoParts, viewOf, type KernelModule } from './wasm.ts'

/**
 * ‖X − W·H‖_F for X (n×m), W (n×k), H (k×m).
 *
 * Dense X: exact, one row of W·H at a time, O(n·m·k). CSR X: from traces,
 * ‖X‖² − 2·tr(Wᵀ·X·Hᵀ) + tr(WᵀW·HHᵀ), O(nnz·k + (n + m)·k²), clamped at zero
 * before the root; where those terms nearly cancel (a fit within about 1% of
 * X, whose error doubles would leave to rounding noise), summed again in
 * double-double, which keeps it to about 32 digits of ‖X‖² + ‖W·H‖².
 * Factors whose scales lie far apart (W near 1e-200, H near 1e200) are first
 * brought to one scale, component by component, which leaves W·H as it is.
 *
 * Made for a solver's inner loop, it returns a plain number: it does not check the
 * entries, and it throws (a TypeError or RangeError that names the argument) when an
 * argument is not a matrix or the shapes do not fit, rather than read past an array.
 */
export const frobeniusError = (X: AnyMatrix, W: Matrix, H: Matrix): number => {
  checkFactorShapes(X, W, H)
  return frobeniusErrorOf(X, W, H, squaredFrobeniusError(X, W, H))
}

/**
 * Throws unless X is a matrix, W a samples×k and H a k×features `Matrix`. It runs on every
 * call (a solver's inner loop), so it builds nothing unless it throws.
 */
const checkFactorShapes = (X: AnyMatrix, W: Matrix, H: Matrix): void => {
  if (!(X instanceof Matrix || X instanceof CsrMatrix)) throw notMatrix('X', X, ' or CsrMatrix')
  if (!(W instanceof Matrix)) throw notMatrix('W', W)
  if (!(H instanceof Matrix)) throw notMatrix('H', H)
  if (W.rows !== X.rows || H.cols !== X.cols || H.rows !== W.cols) {
    throw new RangeError(
      `frobeniusError: expected W (n×k) and H (k×m) for X of ${showShape(X.rows, X.cols)}, ` +
        `found W ${showShape(W.rows, W.cols)} and H ${showShape(H.rows, H.cols)}`,
    )
  }
}

const notMatrix = (name: string, value: unknown, or = ''): TypeError =>
  new TypeError(
    `frobeniusError: expected ${name} to be a Matrix${or}, found ${describeValue(value)}`,
  )

/** ‖X − W·H‖_F from its square, already computed by squaredFrobeniusError. */
export const frobeniusErrorOf = (X: AnyMatrix, W: Matrix, H: Matrix, squared: number): number => {
  // Σ d² underflows to 0 when every |d| is below about 1e-154, and overflows above
  // about 1e154, while the norm itself is representable. Then the same sum is taken
  // on X and W scaled by a power of two (exact), and the root is scaled back.
  if (withinPlainRange(squared)) return Math.sqrt(squared)
  const magnitude = Math.max(largestEntry(X), largestProduct(W, H))
  if (magnitude === 0 || !Number.isFinite(magnitude)) return Math.sqrt(squared)
  const exponent = -Math.floor(Math.log2(magnitude))
  const scaledW = Matrix.unsafeWrap(W.rows, W.cols, scaledCopy(valuesOf(W), exponent))
  const scaledX = withStoredValues(X, scaledCopy(storedValues(X), exponent))
  return timesPowerOfTwo(Math.sqrt(squaredFrobeniusError(scaledX, scaledW, H)), -exponent)
}

/**
 * A bound on the entries of W·H, up to a factor k: the largest over components t of
 * max |W[·, t]| · max |H[t, ·]|. Not max |W| · max |H|, which factors of unequal scales
 * (a component with W near 1 and H near 1e-161, another the other way round) put far
 * above every entry of W·H: scaled by it, tiny differences would stay tiny.
 */
const largestProduct = (W: Matrix, H: Matrix): number => {
  const [w, h, k, m] = [valuesOf(W), valuesOf(H), W.cols, H.cols]
  let largest = 0
  for (let t = 0; t < k; t++) {
    const product = largestMagnitude(w, t, W.rows, k) * largestMagnitude(h, t * m, m)
    largest = Math.max(largest, product)
  }
  return largest
}

/** The largest |entry| of a matrix (stored entries only for a CSR matrix). */
const largestEntry = (matrix: AnyMatrix): number => largestMagnitude(storedValues(matrix))

/** A copy of `values` times 2^exponent (core/scaled.ts's exact steps). */
const scaledCopy = (values: Float64Array, exponent: number): Float64Array =>
  values.map((value) => timesPowerOfTwo(value, exponent))

/**
 * Whether ‖X − W·H‖² is one whose root frobeniusErrorOf takes as it is: neither
 * underflowed nor overflowed.
 */
export const withinPlainRange = (squared: number): boolean => squared > 1e-280 && squared < 1e280

/** Rows of W·H per block of the dense error in the module: about 256 KiB of them. */
const errorBlockRows = (n: number, m: number): number =>
  Math.max(1, Math.min(n, Math.floor(32_768 / Math.max(1, m))))

/** The bytes of each of the two scratch blocks `squaredErrorAt` takes. */
export const errorScratchBytes = (n: number, m: number): number => errorBlockRows(n, m) * m * F64

/**
 * ‖X − W·H‖²_F for a dense X (n×m) in the module's memory: `at` holds the offsets of X, W
 * (n×k), H (k×m) and two scratch blocks of `errorScratchBytes(n, m)`. Blocks of rows of
 * W·H, one scratch for each half of the rows; the halves are summed apart and then added,
 * on two threads or on one, so that the error does not depend on the threads. The error of
 * squaredFrobeniusError on a dense X where the module runs, and of a batch of mu's
 * iterations at its checks (solvers/mu-module.ts): the same bits.
 */
export const squaredErrorAt = (
  wasm: KernelModule,
  [xAt, wAt, hAt, scratch, otherScratch]: readonly number[],
  n: number,
  m: number,
  k: number,
): number => {
  const block = errorBlockRows(n, m)
  const { here, worker } = rowsInTwoParts(
    wasm,
    n * m * k,
    'squaredErrorDense',
    n,
    Math.ceil(n / 2),
    (first, count, onWorker) => [
      xAt + first * m * F64,
      count,
      m,
      wAt + first * k * F64,
      hAt,
      k,
      onWorker ? otherScratch : scratch,
      block,
    ],
    true,
  )
  return here + worker
}

/**
 * ‖X‖² over X's stored entries, to about ε: blocks of 64 squares summed in doubles, the
 * blocks' sums in double-double (a plain sum of 2 000 000 squares lost 2.2e-14 of it on
 * uniform entries, 1.4e-11 on entries (q mod 7) / 7, whose roundings lean one way). A dense
 * X's is computed once, known by its storage (its entries never change, and nmf reads a
 * caller's Matrix into a new one over the same storage every call); a CsrMatrix's every
 * time (a caller holds its parts' arrays and could write them). Not finite for entries
 * beyond about 1e154; squares below the smallest doubles underflow.
 */
export const squaredNormOf = (X: AnyMatrix): SquaredNorm => {
  const stored = storedValues(X)
  const known = X.format === 'dense' ? squaredNorms.get(stored) : undefined
  if (known !== undefined) return known
  const sum = new DoubleDouble()
  for (let start = 0; start < stored.length; start += 64) {
    const end = Math.min(stored.length, start + 64)
    let block = 0
    for (let q = start; q < end; q++) block += stored[q] * stored[q]
    sum.add(block)
  }
  const squared: SquaredNorm = Object.freeze({ hi: sum.hi, lo: sum.lo })
  if (X.format === 'dense') squaredNorms.set(stored, squared)
  return squared
}

/**
 * ‖X‖² as squaredNormOf sums it, rounded to a double (a problem's squaredNormX); outside
 * the range where its squares neither overflow nor underflow, X.frobeniusNorm()², which
 * scales them.
 */
export const squaredFrobeniusNorm = (X: AnyMatrix): number => {
  const { hi, lo } = squaredNormOf(X)
  const squared = hi + lo
  return withinPlainRange(squared) ? squared : X.frobeniusNorm() ** 2
}

/** A double-double hi + lo (core/double-double.ts), read only. */
export interface SquaredNorm {
  readonly hi: number
  readonly lo: number
}

const squaredNorms = new WeakMap<Float64Array, SquaredNorm>()

/** ‖X − W·H‖²_F, computed as in `frobeniusError` (clamped at zero for a CSR X). */
export const squaredFrobeniusError = (X: AnyMatrix, W: Matrix, H: Matrix): number => {
  const n = X.rows
  const m = X.cols
  const k = W.cols
  const w = valuesOf(W)
  const h = valuesOf(H)
  if (X.format === 'dense') {
    const x = valuesOf(X)
    const wasm = fastModule(n * m * k)
    if (wasm) {
      const scratch = errorScratchBytes(n, m)
      const at = layout(wasm, [x, w, h], [scratch, scratch])
      if (at) return squaredErrorAt(wasm, at, n, m, k)
    }
    const row = new Float64Array(m)
    let total = 0
    for (let i = 0; i < n; i++) {
      productRow(w, h, i, k, m, row)
      for (let j = 0; j < m; j++) {
        const diff = x[i * m + j] - row[j]
        total += diff * diff
      }
    }
    return total
  }
  const [wb, hb] = rescaledComponents(w, h, n, k, m, balancingExponent)
  const [squaredNormX, cross] = csrSums(X, wb, hb, k)
  const WtW = gramColumns(wb, n, k)
  const HHt = gramRows(hb, k, m)
  let quadratic = 0
  for (let q = 0; q < WtW.length; q++) quadratic += WtW[q] * HHt[q]
  const plain = Math.max(0, squaredNormX - 2 * cross + quadratic)
  return plain >= CANCELLATION * (squaredNormX + quadratic)
    ? plain
    : closeCsrError(X, wb, hb, k, plain)
}

/**
 * The share of ‖X‖² + ‖W·H‖² below which the CSR error is formed again in double-double
 * (`closeCsrError`): each of ‖X‖², 2⟨X, W·H⟩ and ‖W·H‖² carries a rounding error of a few
 * ε times its size, so their difference keeps about 11 digits at 2⁻¹⁴ (6e-5) of it, and
 * none once it is near ε. A fit within about 1% of X is below it.
 */
const CANCELLATION = 2 ** -14

/**
 * ‖X − W·H‖² for a CSR X, the terms of squaredFrobeniusError summed in double-double
 * (core/double-double.ts): a close fit, whose error the plain sums lose in rounding (X =
 * W·H plus 1e-7 in one entry gave 2.4e-7). O(nnz·k + (n + m)·k²), some ten to twenty
 * times the plain sums, in TypeScript. `plain` where the double-double sums are not finite
 * (entries beyond about 1e300, which the exact products cannot split).
 */
const closeCsrError = (
  X: CsrMatrix,
  w: Float64Array,
  h: Float64Array,
  k: number,
  plain: number,
): number => {
  const [n, m] = [X.rows, X.cols]
  const total = new DoubleDouble()
  const entry = new DoubleDouble()
  for (let i = 0; i < n; i++) {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      const value = X.data[q]
      const j = X.indices[q]
      total.addProduct(value, value)
      entry.hi = 0
      entry.lo = 0
      for (let t = 0; t < k; t++) entry.addProduct(w[i * k + t], h[t * m + j])
      // −2x is exact: the cross term with its own rounding error carried.
      total.addScaled(-2 * value, entry)
    }
  }
  // tr(WᵀW·HHᵀ) = Σ_s Σ_t (WᵀW)_st (HHᵀ)_st, each Gram entry in double-double.
  const gram = (values: Float64Array, s: number, t: number, count: number, step: number) => {
    const sum = new DoubleDouble()
    const [from, to, stride] = step === 1 ? [s * count, t * count, 1] : [s, t, step]
    for (let q = 0; q < count; q++)
      sum.addProduct(values[from + q * stride], values[to + q * stride])
    return sum
  }
  for (let s = 0; s < k; s++) {
    for (let t = s; t < k; t++) {
      const product = new DoubleDouble()
      product.addProductOf(gram(w, s, t, n, k), gram(h, s, t, m, 1))
      total.addScaled(s === t ? 1 : 2, product)
    }
  }
  const exact = total.value()
  return Number.isFinite(exact) ? Math.max(0, exact) : plain
}

/**
 * How far the CSR error rescales a component (see `rescaledComponents`): its W column
 * times 2^s and its H row times 2^−s, s from the largest |entry| of each. The error's Gram
 * matrices WᵀW and HHᵀ hold squares of each factor's scale, which overflow or underflow,
 * and then cancel wrongly, where the factors' scales lie far apart (W near 1e-200, H near
 * 1e200) even though W·H is moderate: s is then half their gap in binary orders, which
 * brings both to one scale and leaves W·H as it is (exactly, unless an entry falls below
 * the smallest normal double). Within 2^±200 of each other (any fit's factors, in
 * practice), or when either is 0 or not finite, s is 0: no copy is made, and the error
 * keeps its bits.
 */
const balancingExponent = (largestW: number, largestH: number): number => {
  if (largestW === 0 || largestH === 0) return 0
  if (!Number.isFinite(largestW) || !Number.isFinite(largestH)) return 0
  const gap = Math.log2(largestH) - Math.log2(largestW)
  return Math.abs(gap) > 200 ? Math.round(gap / 2) : 0
}

/**
 * Σ x² and Σ x·(W·H)_ij over the stored entries of a CSR X: in the module where it runs
 * (wasm/kernels.ts's csrCross, see csrSumsAt), else here (csrPartSums), the same sums in
 * the same order: the rows in two parts of about half the entries each, each part's two
 * sums apart, then added. Both read column j of H as row j of Hᵀ, so that the k entries
 * each non-zero reads are adjacent; the module forms Hᵀ in its own memory.
 */
const csrSums = (
  X: CsrMatrix,
  w: Float64Array,
  h: Float64Array,
  k: number,
): readonly [number, number] => {
  const n = X.rows
  const m = X.cols
  const wasm = fastModule(X.data.length * k)
  const at = wasm && layout(wasm, [X.indptr, X.indices, X.data, w, h], [m * k * F64, 4 * F64])
  if (wasm && at) {
    const [indptr, indices, data, wAt, hAt, htAt, sumsAt] = at
    wasm.transpose(hAt, k, m, htAt)
    return csrSumsAt(wasm, X, { indptr, indices, data }, wAt, htAt, k, sumsAt)
  }
  const split = middleRow(X.indptr)
  const ht = transpose(h, k, m)
  const [squares, cross] = csrPartSums(X, w, ht, k, 0, split)
  const [squares2, cross2] = csrPartSums(X, w, ht, k, split, n)
  return [squares + squares2, cross + cross2]
}

/**
 * csrSums in the module, on X's parts, W (n×k) and Hᵀ (m×k) already there, through
 * `sumsAt` (4 float64s): the rows in two parts by stored entries, on the two threads where
 * they run, one after the other otherwise (the same sums either way).
 */
const csrSumsAt = (
  wasm: KernelModule,
  X: CsrMatrix,
  parts: CsrAt,
  wAt: number,
  htAt: number,
  k: number,
  sumsAt: number,
): readonly [number, number] => {
  rowsInTwoParts(
    wasm,
    X.data.length * k,
    'csrCross',
    X.rows,
    middleRow(X.indptr),
    (first, count, second) => [
      parts.indptr + first * 4,
      parts.indices,
      parts.data,
      count,
      wAt + first * k * F64,
      htAt,
      k,
      second ? sumsAt + 2 * F64 : sumsAt,
    ],
    true,
  )
  const sums = viewOf(wasm, sumsAt, 4)
  return [sums[0] + sums[2], sums[1] + sums[3]]
}

/**
 * squaredFrobeniusError of a CSR X whose parts, W (`wAt`, n×k), Hᵀ (`htAt`, m×k) and the
 * Grams WᵀW and H·Hᵀ (`gramWAt`, `gramHAt`, k×k, formed as gramColumns of W and of Hᵀ form
 * them) are already in the module's memory, with 4 float64s at `sumsAt`: the same number,
 * bit for bit, and nothing copied in (a batch of mu's iterations checks with it). `w` and
 * `h` are W's and H's entries (views of that memory will do). Undefined where
 * squaredFrobeniusError takes another way: its sums or Grams in TypeScript (sizes the
 * module does not run), components rescaled (factors of scales far apart), or a close fit
 * summed again in double-double.
 */
export const csrSquaredErrorAt = (
  wasm: KernelModule,
  X: CsrMatrix,
  parts: CsrAt,
  [wAt, htAt, gramWAt, gramHAt, sumsAt]: readonly number[],
  w: Float64Array,
  h: Float64Array,
  k: number,
): number | undefined => {
  const [n, m] = [X.rows, X.cols]
  const inModule = [X.data.length * k, n * k * k, k * m * k].every(
    (work) => fastModule(work) !== undefined,
  )
  if (!inModule) return undefined
  // rescaledComponents gives W and H themselves back where it rescales no component.
  if (rescaledComponents(w, h, n, k, m, balancingExponent)[0] !== w) return undefined
  const [squaredNormX, cross] = csrSumsAt(wasm, X, parts, wAt, htAt, k, sumsAt)
  const WtW = viewOf(wasm, gramWAt, k * k)
  const HHt = viewOf(wasm, gramHAt, k * k)
  let quadratic = 0
  for (let q = 0; q < WtW.length; q++) quadratic += WtW[q] * HHt[q]
  const plain = Math.max(0, squaredNormX - 2 * cross + quadratic)
  return plain >= CANCELLATION * (squaredNormX + quadratic) ? plain : undefined
}

/**
 * Σ x² and Σ x·(W·H)_ij over the stored entries of rows from..to−1 of a CSR X, in order,
 * each (W·H)_ij in the lanes of wasm/kernels.ts's csrCross: the terms t of each residue
 * t mod 4 summed apart, the sums of residues 0 and 2 added, those of 1 and 3, then the
 * two; a pair of terms left over (k mod 4 ≥ 2) goes into residues 0 and 1, an odd last
 * term is added at the end.
 */
const csrPartSums = (
  X: CsrMatrix,
  w: Float64Array,
  ht: Float64Array,
  k: number,
  from: number,
  to: number,
): readonly [number, number] => {
  const quads = k & ~3
  let squares = 0
  let cross = 0
  for (let i = from; i < to; i++) {
    const wi = i * k
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      const value = X.data[q]
      const hj = X.indices[q] * k
      squares += value * value
      let a0 = 0
      let a1 = 0
      let b0 = 0
      let b1 = 0
      let t = 0
      for (; t < quads; t += 4) {
        a0 += w[wi + t] * ht[hj + t]
        a1 += w[wi + t + 1] * ht[hj + t + 1]
        b0 += w[wi + t + 2] * ht[hj + t + 2]
        b1 += w[wi + t + 3] * ht[hj + t + 3]
      }
      if (t + 2 <= k) {
        a0 += w[wi + t] * ht[hj + t]
        a1 += w[wi + t + 1] * ht[hj + t + 1]
        t += 2
      }
      let wh = a0 + b0 + (a1 + b1)
      if (t < k) wh += w[wi + t] * ht[hj + t]
      cross += value * wh
    }
  }
  return [squares, cross]
}
