/**
 * The products every layer uses, on row-major `Float64Array`s: each runs the
 * WebAssembly module (core/wasm.ts) when the current kernel path allows it and
 * the call is large enough, on two threads for the largest (core/threads.ts),
 * and the TypeScript reference loops (core/kernels-reference.ts) otherwise.
 * Same signatures as the reference; every function returns a new array and
 * writes into none of its inputs. `coordinateSweep` (the sweeps of cd and
 * moving-average) has no loop here: its reference is the DSL's column rules.
 */
import * as reference from './kernels-reference.ts'
import type { CsrParts } from './kernels-reference.ts'
import { twoThreadsFor } from './threads.ts'
import {
  copyOut,
  F64,
  fastModule,
  layout,
  rowsInTwoParts,
  viewOf,
  type KernelModule,
} from './wasm.ts'

export type { CsrParts } from './kernels-reference.ts'
export { dot, transpose } from './kernels-reference.ts'

/**
 * out (rows×m) = A·B through the module, A(i, l) at a[i·rowStep + l·innerStep]
 * (entries) and B inner×m; undefined when the memory cannot hold the call.
 */
const strided = (
  wasm: KernelModule,
  a: Float64Array,
  rows: number,
  inner: number,
  rowStep: number,
  innerStep: number,
  b: Float64Array,
  m: number,
): Float64Array | undefined => {
  const at = layout(wasm, [a, b], [rows * m * F64])
  if (at === undefined) return undefined
  moduleProduct(wasm, at[0], rows, inner, rowStep, innerStep, at[1], m, at[2])
  return copyOut(wasm, at[2], rows * m)
}

/**
 * out (rows×m) = A·B on operands already in the module's memory (byte offsets), A(i, l)
 * at a + (i·rowStep + l·innerStep)·8 and B inner×m: the module's product as `strided`
 * runs it (on two threads when large), for callers that lay out a whole iteration.
 */
export const moduleProduct = (
  wasm: KernelModule,
  a: number,
  rows: number,
  inner: number,
  rowStep: number,
  innerStep: number,
  b: number,
  m: number,
  out: number,
): void => {
  // One thread (too small, or threads not allowed): one call, without building the parts'
  // argument lists (on the notebook's problem they were much of what an iteration allocated).
  const work = rows * inner * m
  if (rows < 2 || !twoThreadsFor(work)) {
    wasm.gemmStrided(a, rows, inner, rowStep * F64, innerStep * F64, b, m, out)
    return
  }
  // On two threads the calling thread takes whole tiles of four rows, about half of them;
  // of fewer than 16 rows (a Gram such as WᵀW, k×k, over a long inner dimension), half of
  // them, which is more even.
  const split = rows < 16 ? Math.ceil(rows / 2) : Math.ceil(rows / 8) * 4
  rowsInTwoParts(wasm, work, 'gemmStrided', rows, split, (first, count) => [
    a + first * rowStep * F64,
    count,
    inner,
    rowStep * F64,
    innerStep * F64,
    b,
    m,
    out + first * m * F64,
  ])
}

/**
 * The work of one entry of `multiplyEntries` in multiply-adds, for the threads' threshold:
 * its division costs about as much as six (18 000 entries took 16 µs on one thread).
 */
const ENTRY_WORK = 6

/**
 * `multiplyEntries` over `count` entries at byte offsets in the module, split between the
 * two threads where that gains: each entry is its own, so the result is the same on one
 * thread or two. `out` may be `numerator` (each entry is read before it is written).
 * Returns whether two threads ran.
 */
export const moduleMultiplyEntries = (
  wasm: KernelModule,
  a: number,
  numerator: number,
  denominator: number,
  count: number,
  out: number,
  eps: number,
  l1: number,
  l2: number,
  gamma: number,
  floor: number,
): boolean => {
  // Its own parameters, not a rest list: on the notebook's problem the spread call and
  // its array cost 3% of an iteration.
  const work = count * ENTRY_WORK
  if (!twoThreadsFor(work)) {
    wasm.multiplyEntries(a, numerator, denominator, count, out, eps, l1, l2, gamma, floor)
    return false
  }
  // An even split: the kernel takes entries two at a time.
  const split = Math.ceil(count / 4) * 2
  return rowsInTwoParts(wasm, work, 'multiplyEntries', count, split, (first, entries) => [
    a + first * F64,
    numerator + first * F64,
    denominator + first * F64,
    entries,
    out + first * F64,
    eps,
    l1,
    l2,
    gamma,
    floor,
  ]).parallel
}

/**
 * Rows per chunk of `moduleMuRows`: numerator and denominator of about 64 KiB each. With
 * 16 KiB, dense `mu` (k = 20) was about 1.5% slower than the three calls it replaced,
 * reading its right factor (Hᵀ, 160 KB) again for every 102 rows.
 */
export const muChunk = (k: number): number => Math.max(4, Math.floor(8192 / Math.max(1, k)))

/** The bytes of scratch `moduleMuRows` needs for k components: two chunks per thread. */
export const muRowsScratch = (k: number): number => 4 * muChunk(k) * k * F64

/**
 * mu's Frobenius update of a factor F (rows×k at byte offset `factor`: W, or Hᵀ) into out
 * (rows×k, not F), its numerator A·B read as `moduleProduct` reads it (A(i, l) at
 * a + (i·rowStep + l·innerStep)·8, B inner×k: X·Hᵀ, or Xᵀ·W) and its denominator F·G
 * (G k×k at `gram`), through the module's muFrobeniusRows: the same bits as the product,
 * F·G and `moduleMultiplyEntries` one after the other, in one call that two threads
 * split by rows. `scratch` holds muRowsScratch(k). Where `cross` is not 0 (a byte
 * offset), row i's Σ_t (A·B)(i, t)·out(i, t) goes to its i-th float64.
 */
export const moduleMuRows = (
  wasm: KernelModule,
  a: number,
  rows: number,
  inner: number,
  rowStep: number,
  innerStep: number,
  b: number,
  k: number,
  factor: number,
  gram: number,
  scratch: number,
  out: number,
  eps: number,
  l1: number,
  l2: number,
  cross = 0,
): void => {
  const chunk = muChunk(k)
  const work = rows * k * (inner + k + ENTRY_WORK)
  const [rowBytes, innerBytes] = [rowStep * F64, innerStep * F64]
  if (rows < 8 || !twoThreadsFor(work)) {
    // One thread: one call, without an argument list (as moduleProduct).
    wasm.muFrobeniusRows(
      a,
      rows,
      inner,
      rowBytes,
      innerBytes,
      b,
      k,
      factor,
      gram,
      scratch,
      chunk,
      out,
      eps,
      l1,
      l2,
      cross,
    )
    return
  }
  const part = (first: number, count: number, onWorker: boolean) => [
    a + first * rowBytes,
    count,
    inner,
    rowBytes,
    innerBytes,
    b,
    k,
    factor + first * k * F64,
    gram,
    scratch + (onWorker ? 2 * chunk * k * F64 : 0),
    chunk,
    out + first * k * F64,
    eps,
    l1,
    l2,
    cross === 0 ? 0 : cross + first * F64,
  ]
  rowsInTwoParts(wasm, work, 'muFrobeniusRows', rows, Math.ceil(rows / 2), part)
}

/** out (n×m) = A (n×p) · B (p×m). */
export const gemm = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const wasm = fastModule(n * p * m)
  return (wasm && strided(wasm, a, n, p, p, 1, b, m)) ?? reference.gemm(a, n, p, b, m)
}

/** out (n×m) = A (n×p) · Bᵀ, where B is m×p. */
export const gemmNT = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const wasm = fastModule(n * p * m)
  if (wasm) {
    // The module's product runs along rows of its right factor, so the smaller factor is
    // transposed (one pass over it): A·Bᵀ directly, or (B·Aᵀ)ᵀ when A is the smaller.
    if (m <= n) {
      const out = strided(wasm, a, n, p, p, 1, reference.transpose(b, m, p), m)
      if (out) return out
    } else {
      const outT = strided(wasm, b, m, p, p, 1, reference.transpose(a, n, p), n)
      if (outT) return reference.transpose(outT, m, n)
    }
  }
  return reference.gemmNT(a, n, p, b, m)
}

/** out (p×m) = Aᵀ · B, where A is n×p and B is n×m. */
export const gemmTN = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const wasm = fastModule(n * p * m)
  return (wasm && strided(wasm, a, p, n, 1, p, b, m)) ?? reference.gemmTN(a, n, p, b, m)
}

/** out (p×p) = Aᵀ·A for A of n×p, symmetric. */
export const gramColumns = (a: Float64Array, n: number, p: number): Float64Array => {
  const wasm = fastModule(n * p * p)
  // Entry (l, r) and (r, l) are the same products summed in the same order: symmetric.
  return (wasm && strided(wasm, a, p, n, 1, p, a, p)) ?? reference.gramColumns(a, n, p)
}

/** out (n×n) = A·Aᵀ for A of n×p, symmetric. */
export const gramRows = (a: Float64Array, n: number, p: number): Float64Array => {
  const wasm = fastModule(n * p * n)
  // Aᵀ is formed in the module (no array of A's size to collect afterwards), and A read
  // through it: A(i, l) = Aᵀ(l, i).
  const at = wasm && layout(wasm, [a], [p * n * F64, n * n * F64])
  if (wasm === undefined || at === undefined) return reference.gramRows(a, n, p)
  const [, transposed, out] = at
  wasm.transpose(at[0], n, p, transposed)
  moduleProduct(wasm, transposed, n, p, 1, n, transposed, n, out)
  return copyOut(wasm, out, n * n)
}

/** Where a CSR matrix's parts are in the module's memory (byte offsets). */
export interface CsrAt {
  readonly indptr: number
  readonly indices: number
  readonly data: number
}

/**
 * out (rows×k) = X·B in the module, X's parts and B (m×k) already in its memory. On two
 * threads the worker takes the rows after the one that halves the non-zeros (each row of
 * out is summed by one thread, in the same order: the same bits).
 */
export const csrProductInModule = (
  wasm: KernelModule,
  x: CsrParts,
  at: CsrAt,
  b: number,
  k: number,
  out: number,
): void => {
  const { indptr, indices, data } = at
  rowsInTwoParts(
    wasm,
    x.data.length * k,
    'csrTimesDense',
    x.rows,
    middleRow(x.indptr),
    (first, count) => [indptr + first * 4, indices, data, count, b, k, out + first * k * F64],
  )
}

/**
 * out (m×k) = Xᵀ·B in the module, X's parts and B (n×k) already in its memory; `other`
 * holds m×k more. On two threads each sums half of the rows, the worker into `other`,
 * which is then added into out (the same to rounding).
 */
export const csrTransposeProductInModule = (
  wasm: KernelModule,
  x: CsrParts,
  at: CsrAt,
  b: number,
  k: number,
  out: number,
  other: number,
): void => {
  const { indptr, indices, data } = at
  const { parallel } = rowsInTwoParts(
    wasm,
    x.data.length * k,
    'csrTransposeTimesDense',
    x.rows,
    middleRow(x.indptr),
    (first, count, worker) => [
      indptr + first * 4,
      indices,
      data,
      count,
      x.cols,
      b + first * k * F64,
      k,
      worker ? other : out,
    ],
  )
  if (parallel) wasm.addInto(out, other, x.cols * k)
}

/** out (n×k) = X · B for a CSR X (n×m) and a dense B (m×k). */
export const csrTimesDense = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  const wasm = fastModule(x.data.length * k)
  const at = wasm && layout(wasm, [x.indptr, x.indices, x.data, b], [x.rows * k * F64])
  if (!wasm || !at) return reference.csrTimesDense(x, b, k)
  const [indptr, indices, data, bAt, out] = at
  csrProductInModule(wasm, x, { indptr, indices, data }, bAt, k, out)
  return copyOut(wasm, out, x.rows * k)
}

/** out (n×k) = X · Bᵀ for a CSR X (n×m) and a dense B (k×m). */
export const csrTimesDenseT = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  return fastModule(x.data.length * k)
    ? csrTimesDense(x, reference.transpose(b, k, x.cols), k)
    : reference.csrTimesDenseT(x, b, k)
}

/** out (m×k) = Xᵀ · B for a CSR X (n×m) and a dense B (n×k). */
export const csrTransposeTimesDense = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  const wasm = fastModule(x.data.length * k)
  const size = x.cols * k
  const outputs = [size * F64, size * F64]
  const at = wasm && layout(wasm, [x.indptr, x.indices, x.data, b], outputs)
  if (!wasm || !at) return reference.csrTransposeTimesDense(x, b, k)
  const [indptr, indices, data, bAt, out, other] = at
  csrTransposeProductInModule(wasm, x, { indptr, indices, data }, bAt, k, out, other)
  return copyOut(wasm, out, size)
}

/** How a coordinate sweep moves each entry: to the minimum, or γ of the way; clipped at 0. */
export interface SweepSettings {
  /** Moves a + (minimum − a)·γ instead of to the minimum. */
  readonly damped: boolean
  readonly gamma: number
  /** Clips the new entries at 0. */
  readonly project: boolean
}

/**
 * One sweep of coordinate descent over the columns of A (rows×k) in `order`, through the
 * module: the new A, the summed violations and the summed squared change, as the DSL
 * computes solvers/cd.ts's and solvers/moving-average.ts's column rules
 * (wasm/kernels.ts's coordinateSweep). Undefined where the module does not run it; the
 * DSL, the reference, runs the sweep then.
 */
export const coordinateSweep = (
  A: Float64Array,
  rows: number,
  k: number,
  G: Float64Array,
  C: Float64Array,
  order: ArrayLike<number>,
  settings: SweepSettings,
):
  | { readonly A: Float64Array; readonly violation: number; readonly squaredChange: number }
  | undefined => {
  // Every size: the alternative, the DSL's per-column evaluation, costs more than the copies.
  const wasm = fastModule(rows * k * k, 0)
  if (wasm === undefined) return undefined
  const at = layout(wasm, [G, C, Int32Array.from(order)], [rows * k * F64, sweepScratch(k)])
  if (at === undefined) return undefined
  const [g, c, orderAt, a, scratch] = at
  // The sweep updates a copy of A in the module's memory, which then comes out.
  viewOf(wasm, a, rows * k).set(A)
  const swept = sweepInModule(wasm, a, rows, k, g, c, orderAt, scratch, settings)
  return { A: copyOut(wasm, a, rows * k), ...swept }
}

/** The bytes of scratch that sweepInModule needs for k components. */
export const sweepScratch = (k: number): number => (2 * k * k + 2) * F64

/**
 * The module's coordinateSweep of A (rows×k at byte offset `a`, in place) with G, C and
 * the order (int32) already in its memory; `scratch` holds sweepScratch(k) bytes. Rows do
 * not meet within a sweep (row i's update reads row i of A only), so on two threads the
 * worker sweeps the second half of the rows with a Gᵀ and a change of its own: every
 * entry the same bit for bit, the two halves' violations and changes added (the same to
 * rounding).
 */
export const sweepInModule = (
  wasm: KernelModule,
  a: number,
  rows: number,
  k: number,
  g: number,
  c: number,
  order: number,
  scratch: number,
  { damped, gamma, project }: SweepSettings,
): { readonly violation: number; readonly squaredChange: number } => {
  const [gt, otherGt] = [scratch, scratch + k * k * F64]
  const [change, otherChange] = [scratch + 2 * k * k * F64, scratch + (2 * k * k + 1) * F64]
  if (!twoThreadsFor(rows * k * k)) {
    // One thread: one call, as moduleProduct makes it.
    const violation = wasm.coordinateSweep(
      a,
      rows,
      k,
      g,
      c,
      order,
      gt,
      damped ? 1 : 0,
      gamma,
      project ? 1 : 0,
      change,
    )
    return { violation, squaredChange: viewOf(wasm, change, 1)[0] }
  }
  const { parallel, here, worker } = rowsInTwoParts(
    wasm,
    rows * k * k,
    'coordinateSweep',
    rows,
    Math.ceil(rows / 2),
    (first, count, onWorker) => [
      a + first * k * F64,
      count,
      k,
      g,
      c + first * k * F64,
      order,
      onWorker ? otherGt : gt,
      damped ? 1 : 0,
      gamma,
      project ? 1 : 0,
      onWorker ? otherChange : change,
    ],
  )
  const changes = viewOf(wasm, change, 2)
  return { violation: here + worker, squaredChange: changes[0] + (parallel ? changes[1] : 0) }
}

/** The row before which a CSR matrix holds about half of its stored entries. */
export const middleRow = (indptr: Int32Array): number => {
  const half = indptr[indptr.length - 1] / 2
  let low = 0
  let high = indptr.length - 1
  while (low < high) {
    const mid = (low + high) >> 1
    if (indptr[mid] < half) low = mid + 1
    else high = mid
  }
  return low
}
