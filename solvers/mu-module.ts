/**
 * The multiplicative updates in the WebAssembly module (see solvers/mu.ts): the row pass
 * (rowPassFast) and β = 2 on a dense or CSR X as products (frobeniusInModule), each in
 * one layout of the module's memory, and the in-place check they share (measureInPlace);
 * β = 1 is in solvers/mu-kl-module.ts, every other β in solvers/mu-beta-module.ts.
 * Each is undefined where the module does not run it; `update` (solvers/mu.ts) then takes
 * another path.
 */
import type { CsrMatrix } from '../core/csr.ts'
import { DoubleDouble } from '../core/double-double.ts'
import { divergenceAt, divergenceInModule, EPSILON } from '../core/beta-divergence.ts'
import {
  csrSquaredErrorAt,
  errorScratchBytes,
  squaredErrorAt,
  squaredNormOf,
  withinPlainRange,
  type SquaredNorm,
} from '../core/divergence.ts'
import {
  moduleMultiplyEntries,
  moduleMuRows,
  moduleProduct,
  muRowsScratch,
} from '../core/kernels.ts'
import { Matrix } from '../core/matrix.ts'
import { F64, fastModule, keepCopies, layout, viewOf, type KernelModule } from '../core/wasm.ts'
import type { Problem } from './contract.ts'
import {
  factorOut,
  factorsIn,
  keptFactors,
  layoutWithX,
  swappingSlots,
  type XInModule,
} from './fused-sweeps.ts'
import { gammaOf, type RowPass, type Rows } from './mu-rows.ts'

/**
 * The same pass in the WebAssembly module (wasm/kernels.ts's muRows, the same arithmetic
 * in the same order, with the module's own powers: the same to rounding); undefined where
 * the module does not run it.
 */
export const rowPassFast = (
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
 * β = 2: the whole update in one layout of the module's memory (a dense or a CSR X): W's
 * numerator X·Hᵀ and denominator W·(H·Hᵀ), then H's numerator (as Hᵀ) Xᵀ·W with the new
 * W and its denominator Hᵀ·(WᵀW). Each numerator entry is the same sum in the same order
 * as in rowPass; the denominators' dot products are summed in another order. Nothing is
 * allocated but the new factors: on small problems the copies and allocations between
 * the products cost more than the arithmetic. One iteration, or any number of them in
 * place (solvers/batch.ts). A check's error on a dense X comes from the terms of
 * ‖X − W·H‖², with ⟨X, W·H⟩ summed from the last update's numerator and new factor
 * (checkTerms), not from a product W·H as large as each of the iteration's two; a fit
 * close to X forms W·H all the same. On a CSR X a check's error is squaredFrobeniusError's,
 * bit for bit, formed on the factors in place (csrSquaredErrorAt), not on copies of them
 * and of X in a layout of its own. Undefined where the module does not run or its memory
 * cannot hold the update; `update` runs then.
 */
export const frobeniusInModule = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): UpdateInModule | undefined => {
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
  // A check's error in place, where divergenceAndError would compute it in the module.
  const checks = dense && divergenceInModule(X, k, 2)
  const errorScratch = checks ? errorScratchBytes(n, m) : 0
  const kept = keptFactors(wasm, W, H, updateH)
  const slots = [shared, mk, mk, kk, shared, dense ? 0 : shared, kk, scratch]
  // A check's terms (checkTerms): the rows of ⟨A·B, F'⟩ and a Gram; on a CSR X the sums of
  // csrSquaredErrorAt and H·Hᵀ of the current H (the new one, or the one kept).
  const checkSlots = checks ? [Math.max(n, m) * F64, kk] : dense ? [0, 0] : [4 * F64, kk]
  const laid = layoutWithX(wasm, X, k, [...slots, errorScratch, errorScratch, ...checkSlots])
  if (laid === undefined) return undefined
  const { at } = laid
  const [h, ht, gramH, denominatorW, gramW] = [at[1], at[2], at[3], at[5], at[6]]
  const [crossRows, gramCheck] = [at[10], at[11]]
  // The new W is made in its numerator's slot; the slots swap roles each iteration.
  let [w, numeratorW] = swappingSlots(kept[0], at[0], at[4])
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  const { l1W, l2W, l1H, l2H } = penalties
  let first = true

  const iterate = (): void => {
    // Hᵀ of the H the last iteration made (the first has it from factorsIn).
    if (!first && updateH) wasm.transpose(h, k, m, ht)
    first = false
    // W ← W ∘ (X·Hᵀ) / (W·(H·Hᵀ) + l1 + l2·W), H·Hᵀ as gramColumns of Hᵀ. Each update
    // is written into its numerator's slot (on a CSR X over the numerator, entry by entry,
    // each read before it is written): one n×k array less in the module's memory.
    moduleProduct(wasm, ht, k, m, 1, k, ht, k, gramH)
    const nextW = numeratorW
    // The last update of an iteration keeps the rows of ⟨numerator, new factor⟩.
    const crossW = updateH ? 0 : crossRows
    updateInModule(wasm, laid, k, w, n, m, false, ht, gramH, nextW, denominatorW, l1W, l2W, crossW)
    // Hᵀ ← Hᵀ ∘ (Xᵀ·W) / (Hᵀ·(WᵀW) + l1 + l2·Hᵀ) with the new W, made in the old W's slot.
    const [numeratorHt, denominatorHt] = [w, denominatorW]
    ;[w, numeratorW] = [nextW, w]
    if (!updateH) return
    moduleProduct(wasm, nextW, k, n, 1, k, nextW, k, gramW)
    const nextHt = numeratorHt
    const [B, G] = [nextW, gramW]
    updateInModule(wasm, laid, k, ht, m, n, true, B, G, nextHt, denominatorHt, l1H, l2H, crossRows)
    wasm.transpose(nextHt, m, k, h)
  }
  // The Grams WᵀW and H·Hᵀ of the factors after an iteration, for a check, each formed as
  // gramColumns forms it: with H updated, WᵀW is H's update's (gramW) and H·Hᵀ is formed of
  // the new Hᵀ (in numeratorW's slot now); with H kept, H·Hᵀ is W's update's (gramH) and
  // WᵀW is formed of the new W.
  const checkGrams = (): readonly [number, number] => {
    if (updateH) {
      moduleProduct(wasm, numeratorW, k, m, 1, k, numeratorW, k, gramCheck)
      return [gramW, gramCheck]
    }
    moduleProduct(wasm, w, k, n, 1, k, w, k, gramCheck)
    return [gramCheck, gramH]
  }
  const measure = (): Measured | undefined => {
    if (X.format === 'csr') return measureCsr(X)
    if (!checks || laid.dense === undefined) return undefined
    // ‖X − W·H‖² = ‖X‖² − 2⟨X, W·H⟩ + ⟨WᵀW, H·Hᵀ⟩, ⟨X, W·H⟩ from the last update's rows:
    // with H updated, Σ (Xᵀ·W)∘Hᵀ over the new Hᵀ's m rows; with H kept, Σ (X·Hᵀ)∘W over
    // the new W's n rows.
    const [gramOfW, gramOfH] = checkGrams()
    const grams = [viewOf(wasm, gramOfW, k * k), viewOf(wasm, gramOfH, k * k)]
    const fromTerms = grams.every((gram) => clearOfUnderflow(gram, k))
      ? checkTerms(
          squaredNormOf(X),
          viewOf(wasm, crossRows, updateH ? m : n),
          wasm.dot(gramOfW, gramOfH, k * k),
        )
      : undefined
    const squared = fromTerms ?? squaredErrorAt(wasm, [laid.dense, w, h, at[8], at[9]], n, m, k)
    // Out of plain range the error is taken on rescaled copies, which need the memory.
    if (!withinPlainRange(squared)) return undefined
    return { divergence: 0.5 * squared, error: Math.sqrt(squared) }
  }
  // A CSR X's error as squaredFrobeniusError forms it, bit for bit, on the factors in
  // place, Hᵀ in numeratorW's slot after H's update and in ht with H kept.
  const measureCsr = (csr: CsrMatrix): Measured | undefined => {
    if (laid.csr === undefined) return undefined
    const [gramOfW, gramOfH] = checkGrams()
    const offsets = [w, updateH ? numeratorW : ht, gramOfW, gramOfH, crossRows]
    const [wNow, hNow] = [viewOf(wasm, w, n * k), viewOf(wasm, h, k * m)]
    const squared = csrSquaredErrorAt(wasm, csr, laid.csr, offsets, wNow, hNow, k)
    // Out of plain range the error is taken on rescaled copies, which need the memory.
    if (squared === undefined || !withinPlainRange(squared)) return undefined
    return { divergence: 0.5 * squared, error: Math.sqrt(squared) }
  }
  return inModule(wasm, iterate, () => w, h, [n, m, k], updateH, measure)
}

/**
 * The share of ‖X‖² + ‖W·H‖² from which a check takes ‖X − W·H‖² from the terms
 * ‖X‖² − 2⟨X, W·H⟩ + ⟨WᵀW, H·Hᵀ⟩ (checkTerms) rather than from W·H. ‖X‖² and the sum of
 * ⟨X, W·H⟩'s rows are carried in double-double; ‖W·H‖² and the rows themselves (sums of n
 * or m products, then of k) round to about 10·ε of ‖X‖² + ‖W·H‖² in practice (L·ε at worst,
 * L the length of a sum), which the difference keeps: at 2⁻⁸ of it, about 1e-13 of the
 * error. A closer fit (within about 9% of X) forms W·H, as divergenceError does.
 */
const TERMS_SHARE = 2 ** -8

/**
 * The least non-zero diagonal entry of WᵀW and of H·Hᵀ from which a check takes the terms.
 * Below it a factor's squares come near the smallest normal double, where its Gram keeps
 * few digits, and ‖W·H‖² = ⟨WᵀW, H·Hᵀ⟩ would carry that into the error: W near 1e-160 and
 * H near 1e140, for an X near 1e-20 (factors of far-apart scales, a custom start's or a
 * `transform`'s H), put the error 2.5e-4 off. Above it, a Gram entry's products that
 * underflow (at most L, L = n or m, each off by at most 2⁻¹⁰⁷⁵) move ‖W·H‖² by at most
 * L·2⁻¹⁷⁶ of it (Cauchy–Schwarz: the other Gram's entry s, t is at most the geometric mean
 * of its diagonal entries s and t). W·H, formed instead, has products of X's scale.
 */
const GRAM_FLOOR = 2 ** -900

/** Whether each diagonal entry of a k×k Gram is 0 or at least GRAM_FLOOR. */
const clearOfUnderflow = (gram: Float64Array, k: number): boolean => {
  for (let t = 0; t < k; t++) {
    const square = gram[t * (k + 1)]
    if (square !== 0 && square < GRAM_FLOOR) return false
  }
  return true
}

/**
 * ‖X − W·H‖² from ‖X‖², the rows of ⟨X, W·H⟩ and ‖W·H‖² = ⟨WᵀW, H·Hᵀ⟩: O((n + m)·k²)
 * where W·H is O(n·m·k). Undefined where they nearly cancel (TERMS_SHARE) or are not
 * finite.
 */
const checkTerms = (
  squaredNormX: SquaredNorm,
  crossRows: Float64Array,
  quadratic: number,
): number | undefined => {
  const squared = new DoubleDouble()
  squared.add(squaredNormX.hi, squaredNormX.lo)
  squared.add(quadratic)
  const scale = squared.value()
  for (let i = 0; i < crossRows.length; i++) squared.add(-2 * crossRows[i])
  const value = squared.value()
  return Number.isFinite(scale) && value >= TERMS_SHARE * scale ? value : undefined
}

/**
 * A check's divergence in place (UpdateInModule's `measure`), where divergenceAndError
 * would compute it in the module: on X (its values, column indices and row starts; 0, 0 for
 * a dense X) and the current W and Hᵀ (`factors()`, their slots), H at `h`. Undefined
 * where it would not (see divergenceAt), and a batch then ends at the check.
 */
export const measureInPlace = (
  wasm: KernelModule,
  { X, components: k, beta }: Problem,
  xParts: readonly [number, number, number],
  factors: () => readonly [number, number],
  [h, sums]: readonly [number, number],
): (() => Measured | undefined) => {
  const [n, m] = [X.rows, X.cols]
  const checks = divergenceInModule(X, k, beta)
  return () => {
    if (!checks) return undefined
    const [w, ht] = factors()
    const divergence = divergenceAt(
      wasm,
      [...xParts, w, ht, sums],
      [n, m, k],
      viewOf(wasm, w, n * k),
      viewOf(wasm, h, k * m),
      beta,
    )
    return divergence === undefined ? undefined : { divergence, error: Math.sqrt(2 * divergence) }
  }
}

/** A check's divergence d and error sqrt(2·d) (solvers/mu.ts). */
export interface Measured {
  readonly divergence: number
  readonly error: number
}

/** New factors: W, and H where the update makes one. */
export interface NewFactors {
  readonly W: Float64Array
  readonly H: Float64Array | undefined
}

/**
 * One of mu's whole updates in one layout of the module's memory, to be run any number of
 * times in place (solvers/batch.ts).
 */
export interface UpdateInModule {
  /** One iteration: the new W, then (where the update makes one) the new H, in the module. */
  readonly iterate: () => void
  /** Whether the factors in the module are all finite. */
  readonly finite: () => boolean
  /** The factors as views of the module's memory, valid until the next call into it. */
  readonly current: () => {
    readonly W: Matrix<string, 'components'>
    readonly H: Matrix<'components', string> | undefined
  }
  /** The factors copied out into arrays of their own, where the next iteration reads them. */
  readonly out: () => NewFactors
  /**
   * The divergence of the factors in the module and its error: the same bits as
   * divergenceAndError gives for their copies, but for β = 2 on a dense X away from an
   * exact fit, whose terms frobeniusInModule keeps (to about 1e-13 of it); undefined where
   * the update cannot compute them in place (an error out of plain range, a CSR X's error
   * of a close fit or of factors of far-apart scales, a divergence that divergenceAndError
   * computes in TypeScript), and a batch then ends at the check.
   */
  readonly measure: () => Measured | undefined
}

/** An update whose W is at `w()` (n×k) and H, where it makes one, at `h` (k×m). */
export const inModule = (
  wasm: KernelModule,
  iterate: () => void,
  w: () => number,
  h: number,
  [n, m, k]: readonly [number, number, number],
  updateH: boolean,
  measure: () => Measured | undefined,
): UpdateInModule => {
  const views = new Map<number, Matrix<string, 'components'>>()
  let H: Matrix<'components', string> | undefined
  return {
    iterate,
    finite: () => wasm.allFinite(w(), n * k) === 1 && (!updateH || wasm.allFinite(h, k * m) === 1),
    current: () => {
      // A view of each slot, made once (nothing grows the memory between iterations).
      let W = views.get(w())
      if (W === undefined) {
        W = Matrix.unsafeWrap<string, 'components'>(n, k, viewOf(wasm, w(), n * k))
        views.set(w(), W)
      }
      if (updateH) H ??= Matrix.unsafeWrap<'components', string>(k, m, viewOf(wasm, h, k * m))
      return { W, H }
    },
    out: () => {
      const W = factorOut(wasm, w(), n * k)
      if (!updateH) {
        keepCopies(wasm, [W], [w()])
        return { W, H: undefined }
      }
      const Hout = factorOut(wasm, h, k * m)
      keepCopies(wasm, [W, Hout], [w(), h])
      return { W, H: Hout }
    },
    measure,
  }
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
  cross: number,
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
      cross,
    )
    return
  }
  ;(transposed ? laid.transposeTimes : laid.times)(B, next)
  moduleProduct(wasm, F, rows, k, k, 1, G, k, denominator)
  moduleMultiplyEntries(wasm, F, next, denominator, rows * k, next, EPSILON, l1, l2, 1, 0)
}
