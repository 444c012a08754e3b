/**
 * Multiplicative updates for the beta-divergence d_β(X | W·H) plus penalties,
 * as scikit-learn 1.2's `mu` solver computes them (Lee & Seung, 2001; the
 * exponent γ from Févotte & Idier, 2011, which keeps every β monotone).
 *
 * With Y = W·H, one iteration updates W, then H with the new W:
 *
 *   W ← W ∘ ( [(X ∘ Y^(β−2))·Hᵀ] / [Y^(β−1)·Hᵀ + l1W + l2W·W] )^γ
 *   H ← H ∘ ( [Wᵀ·(X ∘ Y^(β−2))] / [Wᵀ·Y^(β−1) + l1H + l2H·H] )^γ
 *
 * γ = 1/(2 − β) for β < 1, 1 for 1 ≤ β ≤ 2, 1/(β − 1) for β > 2. For β = 2
 * the bracketed products are X·Hᵀ and W·(H·Hᵀ); for β = 1 the denominator's
 * product is the row sums of H (column sums of W). After the W update, entries
 * below float64's epsilon are set to zero when β < 1, and after the H update
 * when β ≤ 1, which keeps the negative powers of small values stable.
 *
 * EPSILON guards: Y below EPSILON is EPSILON wherever Y is raised to a negative
 * power (numerator for β < 2, denominator for β < 1), and a denominator of
 * exactly zero is EPSILON (it is zero only for an all-zero component or row,
 * which then stays zero instead of becoming NaN). Known limit: X whose entries
 * are all far below EPSILON (about 1e-16) meets the first guard everywhere;
 * rescale such data.
 *
 * Every 10 iterations the fit checks e = sqrt(2·d_β) and stops when
 * (e_previous − e) / e_init < tol, e_previous being the last check's value.
 *
 * One pass over the rows of X does both updates: row i of W depends only on
 * row i of X and on H, and as soon as it is new its share of H's numerator
 * (and, for β ∉ {1, 2}, denominator) is added. Y is formed at X's non-zeros,
 * plus one row at a time for the denominators when β ∉ {1, 2}; a CSR X is
 * never densified, and nothing of X's size is allocated.
 *
 * That pass, in TypeScript, is the reference. Where the WebAssembly module runs
 * (core/wasm.ts), the whole update runs in one layout of its memory: for β = 2
 * (dense or CSR X) as products, the same sums as the pass (frobeniusInModule);
 * for β = 1 on a dense X as a blocked pass of products, about 256 KiB of W·H at
 * a time (klDense); every other case as the same row pass in the module
 * (rowPassFast). Where the memory cannot hold the whole update of β = 2 or of
 * β = 1 on a dense X, the TypeScript pass and the module's row pass run. The
 * module keeps its own copy of X during the fit.
 */
import { declareForgetful } from './driver.ts'
import type { AnyMatrix, CsrMatrix } from '../core/csr.ts'
import {
  addScaledRow,
  divergenceAndError,
  divergenceError,
  dotRows,
  EPSILON,
  power,
} from '../core/beta-divergence.ts'
import {
  gemm,
  gramColumns,
  gramRows,
  moduleMultiplyEntries,
  moduleMuRows,
  moduleProduct,
  muRowsScratch,
  transpose,
} from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import {
  F64,
  fastModule,
  keepCopies,
  layout,
  rowsInTwoParts,
  viewOf,
  type KernelModule,
} from '../core/wasm.ts'
import type { Factors, Problem, Solver, StepResult } from './contract.ts'
import {
  factorOut,
  factorsIn,
  keptFactors,
  layoutWithX,
  swappingSlots,
  transposedOut,
  type XInModule,
} from './fused-sweeps.ts'
import { factorArray, recycle } from '../core/small-arrays.ts'
import { factorPenalty } from './products.ts'

/** The factors and what the convergence check remembers. */
export interface MuState extends Factors {
  readonly iteration: number
  /** sqrt(2·d) at the initial factors. */
  readonly errorAtInit: number
  /** sqrt(2·d) at the last check (at the start before the first one). */
  readonly previousError: number
  /** The last check's relative decrease; Infinity before the first check. */
  readonly decrease: number
}

/** The fit checks its error once every this many iterations. */
export const CHECK_EVERY = 10

/** The exponent γ of the update for β (Févotte & Idier, 2011). */
export const gammaOf = (beta: number): number =>
  beta < 1 ? 1 / (2 - beta) : beta > 2 ? 1 / (beta - 1) : 1

/** x·y^(β−2), an entry's weight in a numerator; y below EPSILON is EPSILON for β < 2. */
const numeratorWeight = (beta: number, x: number, y: number): number => {
  if (beta === 2) return x
  const safe = y < EPSILON ? EPSILON : y
  if (beta === 1) return x / safe
  if (beta === 0) {
    const inverse = 1 / safe
    return inverse * inverse * x
  }
  return power(beta < 2 ? safe : y, beta - 2) * x
}

/**
 * y^(β−1), an entry's weight in a denominator (β ∉ {1, 2}); y below EPSILON is
 * EPSILON for β < 1.
 */
const denominatorWeight = (beta: number, y: number): number =>
  power(beta < 1 && y < EPSILON ? EPSILON : y, beta - 1)

/**
 * Row r of A ∘ (numerator / (denominator + l1 + l2·A))^γ into `out`, entries
 * below `floor` set to zero. `numerator` and `denominator` hold that row (k).
 */
const multiplyRow = (
  A: Float64Array,
  r0: number,
  numerator: Float64Array,
  n0: number,
  denominator: Float64Array,
  d0: number,
  k: number,
  l1: number,
  l2: number,
  gamma: number,
  floor: number,
  out: Float64Array,
): void => {
  for (let t = 0; t < k; t++) {
    const a = A[r0 + t]
    let d = denominator[d0 + t] + l1 + l2 * a
    // Zero only when the component, or this row of the factor, is all zero: then the numerator
    // or the entry is zero too, and the entry stays 0 instead of becoming 0/0 = NaN.
    if (d === 0) d = EPSILON
    let ratio = numerator[n0 + t] / d
    if (gamma !== 1) ratio = power(ratio, gamma)
    const next = a * ratio
    out[r0 + t] = next < floor ? 0 : next
  }
}

/** The stored entries of a row of X: all of them for a dense X (`columns` undefined). */
interface Rows {
  readonly columns: Int32Array | undefined
  readonly values: Float64Array
  readonly start: (i: number) => number
}

const rowsOf = (X: AnyMatrix): Rows => {
  if (X.format === 'dense') {
    const m = X.cols
    return { columns: undefined, values: valuesOf(X), start: (i) => i * m }
  }
  return { columns: X.indices, values: X.data, start: (i) => X.indptr[i] }
}

/**
 * Row i's share of a numerator, over its non-zeros x_ij with y_ij = A_i·B_j and weight
 * w = x_ij·y_ij^(β−2): gathered, out (k) += w·B_j (W's numerator, from the row of W), or
 * scattered, out_j (row j of m×k) += w·A_i (H's, from the new row of W).
 */
const addNumerator = (
  rows: Rows,
  i: number,
  A: Float64Array,
  B: Float64Array,
  k: number,
  beta: number,
  out: Float64Array,
  scatter: boolean,
): void => {
  const { columns, values } = rows
  const first = rows.start(i)
  const last = rows.start(i + 1)
  for (let q = first; q < last; q++) {
    const x = values[q]
    if (x === 0) continue
    const b0 = (columns === undefined ? q - first : columns[q]) * k
    const y = beta === 2 ? 0 : dotRows(A, i * k, B, b0, k)
    const weight = numeratorWeight(beta, x, y)
    if (scatter) addScaledRow(weight, A, i * k, out, b0, k)
    else addScaledRow(weight, B, b0, out, 0, k)
  }
}

/**
 * Row i's share of a denominator, over all m columns with weight y_ij^(β−1): gathered,
 * out (k) += w·B_j, or scattered, out_j += w·A_i (as addNumerator).
 */
const addDenominator = (
  i: number,
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  beta: number,
  out: Float64Array,
  scatter: boolean,
): void => {
  for (let j = 0; j < m; j++) {
    const weight = denominatorWeight(beta, dotRows(A, i * k, B, j * k, k))
    if (scatter) addScaledRow(weight, A, i * k, out, j * k, k)
    else addScaledRow(weight, B, j * k, out, 0, k)
  }
}

/** What one pass over the rows of X gives: the new W and H's numerator and denominator. */
interface RowPass {
  readonly nextW: Float64Array
  readonly numeratorH: Float64Array
  readonly denominatorH: Float64Array
}

/**
 * The pass over the rows of X, in TypeScript: row i of the new W, then row i's share of
 * H's numerator (and, for β ∉ {1, 2}, denominator).
 */
const rowPass = (
  problem: Problem,
  rows: Rows,
  W: Float64Array,
  Ht: Float64Array,
  HHt: Float64Array,
  rowSumsH: Float64Array,
  updateH: boolean,
  fullRows: boolean,
): RowPass => {
  const { X, components: k, beta, penalties } = problem
  const n = X.rows
  const m = X.cols
  const gamma = gammaOf(beta)
  const nextW = new Float64Array(n * k)
  const numeratorH = new Float64Array(updateH ? m * k : 0)
  const denominatorH = new Float64Array(updateH && fullRows ? m * k : 0)
  const numeratorW = new Float64Array(k)
  const denominatorW = new Float64Array(k)
  const floorW = beta < 1 ? Number.EPSILON : 0

  for (let i = 0; i < n; i++) {
    // Row i of W: its numerator from X's non-zeros, its denominator by loss.
    numeratorW.fill(0)
    addNumerator(rows, i, W, Ht, k, beta, numeratorW, false)
    if (beta === 2) for (let t = 0; t < k; t++) denominatorW[t] = dotRows(W, i * k, HHt, t * k, k)
    else if (beta === 1) denominatorW.set(rowSumsH)
    else {
      denominatorW.fill(0)
      addDenominator(i, W, Ht, m, k, beta, denominatorW, false)
    }
    const { l1W, l2W } = penalties
    multiplyRow(W, i * k, numeratorW, 0, denominatorW, 0, k, l1W, l2W, gamma, floorW, nextW)

    // Row i's share of H's numerator (and denominator), with its new W.
    if (!updateH) continue
    addNumerator(rows, i, nextW, Ht, k, beta, numeratorH, true)
    if (fullRows) addDenominator(i, nextW, Ht, m, k, beta, denominatorH, true)
  }
  return { nextW, numeratorH, denominatorH }
}

/**
 * The same pass in the WebAssembly module (wasm/kernels.ts's muRows, the same arithmetic
 * in the same order); undefined where the module does not run it.
 */
const rowPassFast = (
  problem: Problem,
  rows: Rows,
  W: Float64Array,
  Ht: Float64Array,
  rowSumsH: Float64Array,
  updateH: boolean,
  fullRows: boolean,
): RowPass | undefined => {
  const { X, components: k, beta, penalties } = problem
  const n = X.rows
  const m = X.cols
  const entries = fullRows ? n * m : rows.values.length
  // Every size: the TypeScript pass costs more than the copies even on the notebook's
  // 100×20 (0.051 against 0.024 ms per iteration, measured).
  // β = 2 runs whole in frobeniusInModule; where the memory cannot hold that, the
  // TypeScript pass runs.
  const wasm = beta === 2 ? undefined : fastModule(2 * entries * k, 0)
  if (wasm === undefined) return undefined
  const sparse = rows.columns !== undefined
  const operands = sparse
    ? [rows.values, rows.columns, (X as CsrMatrix).indptr, W, Ht]
    : [rows.values, W, Ht]
  // β = 1 reads the row sums of H (others read none).
  const hSize = updateH ? m * k : 0
  const at = layout(
    wasm,
    [...operands, rowSumsH],
    [n * k * F64, hSize * F64, (fullRows ? hSize : 0) * F64, 2 * k * F64],
  )
  if (at === undefined) return undefined
  const [values, columns, starts] = sparse ? at : [at[0], 0, 0]
  const [w, ht, ex, nextW, numeratorH, denominatorH, scratch] = at.slice(sparse ? 3 : 1)
  viewOf(wasm, numeratorH, hSize).fill(0)
  viewOf(wasm, denominatorH, fullRows ? hSize : 0).fill(0)
  wasm.muRows(
    values,
    columns,
    starts,
    n,
    m,
    k,
    w,
    ht,
    ex,
    nextW,
    updateH ? numeratorH : 0,
    updateH && fullRows ? denominatorH : 0,
    scratch,
    beta,
    gammaOf(beta),
    EPSILON,
    penalties.l1W,
    penalties.l2W,
    beta < 1 ? EPSILON : 0,
  )
  return {
    // The new W into an array the driver may hand back (core/small-arrays.ts).
    nextW: factorOut(wasm, nextW, n * k),
    // H's numerator and denominator into arrays that `update` hands back once read.
    numeratorH: factorOut(wasm, numeratorH, hSize),
    denominatorH: factorOut(wasm, denominatorH, fullRows ? hSize : 0),
  }
}

/**
 * β = 1 on a dense X: the whole update in one layout of the module's memory. W's update
 * and H's numerator come from wasm/kernels.ts's muKlDense, a pass over blocks of rows as
 * products (about 256 KiB of W·H at a time, never an n×m temporary; on two threads each
 * takes half of the rows and sums its own numerator, the two then added); H's denominator
 * is the column sums of the new W. The same sums as `rowPass` in another order. Undefined
 * where the module does not run; `update` runs then.
 */
const klDense = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): { W: Float64Array; H: Float64Array | undefined } | undefined => {
  const { X, components: k, penalties } = problem
  if (X.format !== 'dense') return undefined
  const n = X.rows
  const m = X.cols
  const wasm = fastModule(n * m * k, 0)
  if (wasm === undefined) return undefined
  // Rows per block: about 256 KiB of X's width at a time.
  const block = Math.max(1, Math.min(n, Math.floor(32_768 / Math.max(1, m))))
  const scratch = (block * m + m * k + block * k) * F64
  const [nk, mk, kk] = [n * k * F64, m * k * F64, k * F64]
  const slots = [nk, nk, mk, mk, kk, mk, mk, scratch, scratch, kk, mk, mk]
  const kept = keptFactors(wasm, W, H, updateH)
  const at = layout(wasm, [valuesOf(X)], slots)
  if (at === undefined) return undefined
  const [x, , , h, ht, rowSumsH, numeratorHt, otherHt, work, otherWork] = at
  const [sumsW, denominatorHt, nextHt] = at.slice(10)
  const [w, nextW] = swappingSlots(kept[0], at[1], at[2])
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  wasm.columnSums(ht, m, k, rowSumsH)
  viewOf(wasm, numeratorHt, m * k).fill(0)
  viewOf(wasm, otherHt, m * k).fill(0)

  const { l1W, l2W, l1H, l2H } = penalties
  // On two threads the worker takes the second half of the rows, with its own numerator.
  const { parallel } = rowsInTwoParts(
    wasm,
    4 * n * m * k,
    'muKlDense',
    n,
    Math.ceil(n / 2),
    (first, count, worker) => [
      x + first * m * F64,
      count,
      m,
      k,
      w + first * k * F64,
      h,
      ht,
      rowSumsH,
      nextW + first * k * F64,
      updateH ? (worker ? otherHt : numeratorHt) : 0,
      worker ? otherWork : work,
      block,
      EPSILON,
      l1W,
      l2W,
    ],
  )
  const Wout = factorOut(wasm, nextW, n * k)
  if (!updateH) {
    keepCopies(wasm, [Wout], [nextW])
    return { W: Wout, H: undefined }
  }

  if (parallel) wasm.addInto(numeratorHt, otherHt, m * k)
  // Hᵀ ← Hᵀ ∘ numerator / (column sums of the new W + l1 + l2·Hᵀ), entries below ε
  // set to 0.
  wasm.columnSums(nextW, n, k, sumsW)
  const [sums, denominator] = [viewOf(wasm, sumsW, k), viewOf(wasm, denominatorHt, m * k)]
  for (let j = 0; j < m; j++) denominator.set(sums, j * k)
  wasm.multiplyEntries(ht, numeratorHt, denominatorHt, m * k, nextHt, EPSILON, l1H, l2H, 1, EPSILON)
  const Hout = transposedOut(wasm, nextHt, m, k, h)
  keepCopies(wasm, [Wout, Hout], [nextW, h])
  return { W: Wout, H: Hout }
}

/**
 * β = 2: the whole update in one layout of the module's memory (a dense or a CSR X): W's
 * numerator X·Hᵀ and denominator W·(H·Hᵀ), then H's numerator (as Hᵀ) Xᵀ·W with the new
 * W and its denominator Hᵀ·(WᵀW). Each numerator entry is the same sum in the same order
 * as in rowPass; the denominators' dot products are summed in another order. Nothing is
 * allocated but the new factors: on small problems the copies and allocations between
 * the products cost more than the arithmetic. Undefined where the module does not run or
 * its memory cannot hold the update; `update` runs then.
 */
const frobeniusInModule = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): { W: Float64Array; H: Float64Array | undefined } | undefined => {
  const { X, components: k, penalties } = problem
  const n = X.rows
  const m = X.cols
  const wasm = fastModule(n * m * k, 0)
  if (wasm === undefined) return undefined
  const [nk, mk, kk] = [n * k * F64, m * k * F64, k * k * F64]
  // W's slot and its denominator's are read no more once the new W is made: H's update
  // takes them over for its numerator and denominator (Hᵀ-shaped, m×k). On a dense X
  // neither update needs a denominator slot, only a scratch of a few chunks of rows; the
  // new Hᵀ goes into W's slot all the same.
  const shared = Math.max(nk, mk)
  const dense = X.format === 'dense'
  const scratch = dense ? muRowsScratch(k) : 0
  const kept = keptFactors(wasm, W, H, updateH)
  const slots = [shared, mk, mk, kk, shared, dense ? 0 : shared, kk, scratch]
  const laid = layoutWithX(wasm, X, k, slots)
  if (laid === undefined) return undefined
  const { at } = laid
  const [h, ht, gramH, denominatorW, gramW] = [at[1], at[2], at[3], at[5], at[6]]
  // The new W is made in its numerator's slot.
  const [w, numeratorW] = swappingSlots(kept[0], at[0], at[4])
  const [numeratorHt, denominatorHt] = [w, denominatorW]
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  const { l1W, l2W, l1H, l2H } = penalties

  // W ← W ∘ (X·Hᵀ) / (W·(H·Hᵀ) + l1 + l2·W), H·Hᵀ as gramColumns of Hᵀ. Each update
  // is written into its numerator's slot (on a CSR X over the numerator, entry by entry,
  // each read before it is written): one n×k array less in the module's memory.
  moduleProduct(wasm, ht, k, m, 1, k, ht, k, gramH)
  const nextW = numeratorW
  updateInModule(wasm, laid, k, w, n, m, false, ht, gramH, nextW, denominatorW, l1W, l2W)
  const Wout = factorOut(wasm, nextW, n * k)
  if (!updateH) {
    keepCopies(wasm, [Wout], [nextW])
    return { W: Wout, H: undefined }
  }

  // Hᵀ ← Hᵀ ∘ (Xᵀ·W) / (Hᵀ·(WᵀW) + l1 + l2·Hᵀ) with the new W.
  moduleProduct(wasm, nextW, k, n, 1, k, nextW, k, gramW)
  const nextHt = numeratorHt
  updateInModule(wasm, laid, k, ht, m, n, true, nextW, gramW, nextHt, denominatorHt, l1H, l2H)
  const Hout = transposedOut(wasm, nextHt, m, k, h)
  keepCopies(wasm, [Wout, Hout], [nextW, h])
  return { W: Wout, H: Hout }
}

/**
 * frobeniusInModule's update of one factor F (rows×k at `F`: W, or Hᵀ with `transposed`)
 * into `next`: F ∘ (A·B) / (F·G + l1 + l2·F), its numerator A·B being X·Hᵀ (B = Hᵀ) or,
 * transposed, Xᵀ·W (B = W), and G the other factor's Gram (k×k). On a dense X in one
 * module call, row chunk by row chunk; on a CSR X the numerator is made in `next`, the
 * denominator in `denominator`, then the entrywise update over `next`: the same bits.
 */
const updateInModule = (
  wasm: KernelModule,
  laid: XInModule,
  k: number,
  F: number,
  rows: number,
  inner: number,
  transposed: boolean,
  B: number,
  G: number,
  next: number,
  denominator: number,
  l1: number,
  l2: number,
): void => {
  if (laid.dense !== undefined) {
    // A(i, l) = X(i, l), or X(l, i) down X's columns: steps in float64s.
    const rowStep = transposed ? 1 : inner
    const innerStep = transposed ? rows : 1
    const scratch = laid.at[7]
    moduleMuRows(
      wasm,
      laid.dense,
      rows,
      inner,
      rowStep,
      innerStep,
      B,
      k,
      F,
      G,
      scratch,
      next,
      EPSILON,
      l1,
      l2,
    )
    return
  }
  ;(transposed ? laid.transposeTimes : laid.times)(B, next)
  moduleProduct(wasm, F, rows, k, k, 1, G, k, denominator)
  moduleMultiplyEntries(wasm, F, next, denominator, rows * k, next, EPSILON, l1, l2, 1, 0)
}

/** One iteration's new W (n×k) and, when `updateH`, new H (k×m). */
const update = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): { W: Float64Array; H: Float64Array | undefined } => {
  const { X, components: k, beta, penalties } = problem
  const n = X.rows
  const m = X.cols
  const fused =
    beta === 2
      ? frobeniusInModule(problem, W, H, updateH)
      : beta === 1
        ? klDense(problem, W, H, updateH)
        : undefined
  if (fused) return fused
  const gamma = gammaOf(beta)
  const fullRows = beta !== 1 && beta !== 2
  const rows = rowsOf(X)
  // Hᵀ and the other m×k arrays of this update are handed back at its end, during a fit
  // for the next iteration's (core/small-arrays.ts): on a large problem megabytes an
  // iteration.
  const Ht = transpose(H, k, m, factorArray(m * k))

  // What the W update needs of the current H: H·Hᵀ (β = 2) or its row sums (β = 1).
  const HHt = beta === 2 ? gramRows(H, k, m) : new Float64Array(0)
  const rowSumsH = new Float64Array(k)
  if (beta === 1) for (let j = 0; j < m; j++) addScaledRow(1, Ht, j * k, rowSumsH, 0, k)

  const pass =
    rowPassFast(problem, rows, W, Ht, rowSumsH, updateH, fullRows) ??
    rowPass(problem, rows, W, Ht, HHt, rowSumsH, updateH, fullRows)
  const { nextW, numeratorH, denominatorH } = pass
  if (!updateH) {
    recycle(Ht)
    return { W: nextW, H: undefined }
  }

  // H, as Hᵀ: its denominator is Hᵀ·(WᵀW) for β = 2 and W's column sums for β = 1.
  let denominator: Float64Array = denominatorH
  if (beta === 2) denominator = gemm(Ht, m, k, gramColumns(nextW, n, k), k)
  else if (beta === 1) {
    const sums = new Float64Array(k)
    for (let i = 0; i < n; i++) addScaledRow(1, nextW, i * k, sums, 0, k)
    denominator = factorArray(m * k)
    for (let j = 0; j < m; j++) denominator.set(sums, j * k)
  }
  const nextHt = factorArray(m * k)
  const floorH = beta <= 1 ? Number.EPSILON : 0
  const { l1H, l2H } = penalties
  for (let j = 0; j < m; j++) {
    multiplyRow(
      Ht,
      j * k,
      numeratorH,
      j * k,
      denominator,
      j * k,
      k,
      l1H,
      l2H,
      gamma,
      floorH,
      nextHt,
    )
  }
  // H (k×m) from Hᵀ, into an array the driver may hand back (core/small-arrays.ts).
  const nextH = transpose(nextHt, m, k, factorArray(k * m))
  // Read no more: arrays factorArray made go back (recycle leaves others alone).
  for (const array of [Ht, numeratorH, denominatorH, denominator, nextHt]) recycle(array)
  return { W: nextW, H: nextH }
}

/** d_β plus the penalties: the objective the updates decrease. */
const objectiveOf = (problem: Problem, W: Matrix, H: Matrix, divergence: number): number => {
  const { l1W, l2W, l1H, l2H } = problem.penalties
  return divergence + factorPenalty(l1W, l2W, W) + factorPenalty(l1H, l2H, H)
}

const step = (state: MuState, problem: Problem, updateH: boolean): StepResult<MuState> => {
  const { X, components: k } = problem
  const n = X.rows
  const m = X.cols

  // W with the current H, then H with the new W (transform keeps H fixed).
  const next = update(problem, valuesOf(state.W), valuesOf(state.H), updateH)
  const W = Matrix.unsafeWrap<string, 'components'>(n, k, next.W)
  const H = next.H ? Matrix.unsafeWrap<'components', string>(k, m, next.H) : state.H

  const iteration = state.iteration + 1
  if (iteration % CHECK_EVERY !== 0) {
    return { state: { ...state, W, H, iteration }, measure: state.decrease }
  }

  // The check: the decrease since the last one, relative to the error at init. An exact
  // start has nothing left to decrease; it counts as converged rather than dividing by zero.
  const { divergence, error } = divergenceAndError(X, W, H, problem.beta)
  const decrease = state.errorAtInit === 0 ? 0 : (state.previousError - error) / state.errorAtInit
  return {
    state: { ...state, W, H, iteration, previousError: error, decrease },
    measure: decrease,
    objective: objectiveOf(problem, W, H, divergence),
    details: { reconstructionError: error },
  }
}

/** The solver, updating both factors (`nmf`) or W alone (`transform`). */
export const multiplicativeUpdates = (updateH: boolean): Solver<Record<string, never>, MuState> =>
  declareForgetful({
    name: 'mu',
    optionProps: {},
    defaults: {},
    capabilities: {
      losses: ['frobenius', 'kullback-leibler', 'itakura-saito', 'beta-divergence'],
      sparse: true,
      monotone: true,
      nonnegative: true,
      penalties: true,
    },
    measure:
      'decrease of sqrt(2·divergence) over the last 10 iterations, relative to its value at ' +
      'init (checked every 10 iterations; Infinity before the first check)',
    start: (problem, initial) => {
      const errorAtInit = divergenceError(problem.X, initial.W, initial.H, problem.beta)
      return {
        W: initial.W,
        H: initial.H,
        iteration: 0,
        errorAtInit,
        previousError: errorAtInit,
        decrease: Infinity,
      }
    },
    step: (state, problem) => step(state, problem, updateH),
    // tol 0 turns the check off, as in scikit-learn.
    converged: (current, _first, tol) =>
      tol > 0 && current.state.iteration % CHECK_EVERY === 0 && current.measure < tol,
  })

/**
 * scikit-learn's multiplicative updates for any beta-divergence (`betaLoss`):
 * same guards, thresholds and stopping rule, so the same factors and the same
 * number of iterations.
 */
export const mu: Solver<Record<string, never>, MuState> = multiplicativeUpdates(true)
