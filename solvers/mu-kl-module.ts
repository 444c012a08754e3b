/**
 * mu's update for β = 1 (the KL loss) in the WebAssembly module: on a dense X as blocked
 * products, on a CSR X as the row pass over its non-zeros (see solvers/mu.ts and
 * solvers/mu-module.ts, whose other paths share their shape: one iteration, or any
 * number of them in place).
 */
import { EPSILON } from '../core/beta-divergence.ts'
import { valuesOf } from '../core/matrix.ts'
import { F64, fastModule, layout, rowsInTwoParts, viewOf, type KernelModule } from '../core/wasm.ts'
import type { Problem } from './contract.ts'
import { factorsIn, keptFactors, swappingSlots } from './fused-sweeps.ts'
import { inModule, measureInPlace, type UpdateInModule } from './mu-module.ts'

/**
 * β = 1 on a dense X: the whole update in one layout of the module's memory. W's update
 * and H's numerator come from wasm/kernels.ts's muKlDense, a pass over blocks of rows as
 * products (about 256 KiB of W·H at a time, never an n×m temporary; on two threads each
 * takes half of the rows and sums its own numerator, the two then added); H's denominator
 * is the column sums of the new W. The same sums as `rowPass` in another order. One
 * iteration, or any number of them in place (solvers/batch.ts). Undefined where the
 * module does not run; `update` runs then.
 */
export const klDense = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): UpdateInModule | undefined => {
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
  // The last slot: a check's sums (four for each half of X), where it runs in place (see
  // `measure`).
  const slots = [nk, nk, mk, mk, kk, mk, mk, scratch, scratch, kk, mk, 8 * F64]
  const kept = keptFactors(wasm, W, H, updateH)
  const at = layout(wasm, [valuesOf(X)], slots)
  if (at === undefined) return undefined
  const [x, , , h, , rowSumsH, numeratorHt, otherHt, work, otherWork] = at
  const [sumsW, , checkSums] = at.slice(10)
  let [w, nextW] = swappingSlots(kept[0], at[1], at[2])
  // Hᵀ and the slot its update is made in swap roles each iteration, as W's do.
  let [ht, nextHt] = [at[4], at[11]]
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  const { l1W, l2W, l1H, l2H } = penalties

  const iterate = (): void => {
    wasm.columnSums(ht, m, k, rowSumsH)
    // On two threads the worker takes the second half of the rows, with its own numerator
    // (each call zeroes its own).
    const { parallel } = rowsInTwoParts(
      wasm,
      4 * n * m * k,
      'muKlDense',
      n,
      Math.ceil(n / 2),
      (start, count, worker) => [
        x + start * m * F64,
        count,
        m,
        k,
        w + start * k * F64,
        h,
        ht,
        rowSumsH,
        nextW + start * k * F64,
        updateH ? (worker ? otherHt : numeratorHt) : 0,
        worker ? otherWork : work,
        block,
        EPSILON,
        l1W,
        l2W,
      ],
    )
    ;[w, nextW] = [nextW, w]
    if (!updateH) return
    if (parallel) wasm.addInto(numeratorHt, otherHt, m * k)
    nextH(wasm, [w, ht, numeratorHt, sumsW, nextHt, h], [n, m, k], l1H, l2H)
    ;[ht, nextHt] = [nextHt, ht]
  }
  const measure = measureInPlace(wasm, problem, [x, 0, 0], () => [w, ht], [h, checkSums])
  return inModule(wasm, iterate, () => w, h, [n, m, k], updateH, measure)
}

/**
 * H's KL update from the new W (at `w`): Hᵀ ← Hᵀ ∘ numerator / (column sums of W + l1 +
 * l2·Hᵀ), entries below ε set to 0, into `nextHt`, and H (at `h`) its transpose.
 */
const nextH = (
  wasm: KernelModule,
  [w, ht, numeratorHt, sumsW, nextHt, h]: readonly number[],
  [n, m, k]: readonly [number, number, number],
  l1H: number,
  l2H: number,
): void => {
  wasm.columnSums(w, n, k, sumsW)
  wasm.multiplyRowsBy(ht, numeratorHt, sumsW, m, k, nextHt, EPSILON, l1H, l2H, EPSILON)
  wasm.transpose(nextHt, m, k, h)
}

/**
 * β = 1 on a CSR X: the whole update in one layout of the module's memory. W's update and
 * H's numerator come from wasm/kernels.ts's muRows, the row pass over X's non-zeros (as
 * rowPassFast runs it); H's denominator is the column sums of the new W, as in klDense. The
 * same sums in the same order as `update`'s row pass and H update. One iteration, or any
 * number of them in place (solvers/batch.ts). Undefined where the module does not run;
 * `update` runs then.
 */
export const klCsr = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): UpdateInModule | undefined => {
  const { X, components: k, penalties } = problem
  if (X.format !== 'csr') return undefined
  const n = X.rows
  const m = X.cols
  // rowPassFast's threshold: every size.
  const wasm = fastModule(2 * X.data.length * k, 0)
  if (wasm === undefined) return undefined
  const [nk, mk, kk] = [n * k * F64, m * k * F64, k * F64]
  // W, the new W, H, Hᵀ, the row sums of H, H's numerator (Hᵀ-shaped), muRows' scratch,
  // the column sums of the new W, the new Hᵀ, a check's sums (four for each half of X).
  const slots = [nk, nk, mk, mk, kk, mk, 2 * kk, kk, mk, 8 * F64]
  const kept = keptFactors(wasm, W, H, updateH)
  const at = layout(wasm, [X.data, X.indices, X.indptr], slots)
  if (at === undefined) return undefined
  const [values, columns, starts, , , h, , rowSumsH, numeratorHt, scratch] = at
  const [sumsW, , checkSums] = at.slice(10)
  let [w, nextW] = swappingSlots(kept[0], at[3], at[4])
  // Hᵀ and the slot its update is made in swap roles each iteration, as W's do.
  let [ht, nextHt] = [at[6], at[11]]
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  const { l1W, l2W, l1H, l2H } = penalties

  const iterate = (): void => {
    wasm.columnSums(ht, m, k, rowSumsH)
    if (updateH) viewOf(wasm, numeratorHt, m * k).fill(0)
    wasm.muRows(
      values,
      columns,
      starts,
      n,
      m,
      k,
      w,
      ht,
      rowSumsH,
      nextW,
      updateH ? numeratorHt : 0,
      0,
      scratch,
      1,
      1,
      EPSILON,
      l1W,
      l2W,
      0,
    )
    ;[w, nextW] = [nextW, w]
    if (!updateH) return
    nextH(wasm, [w, ht, numeratorHt, sumsW, nextHt, h], [n, m, k], l1H, l2H)
    ;[ht, nextHt] = [nextHt, ht]
  }
  const factors = (): readonly [number, number] => [w, ht]
  const measure = measureInPlace(wasm, problem, [values, columns, starts], factors, [h, checkSums])
  return inModule(wasm, iterate, () => w, h, [n, m, k], updateH, measure)
}
