/**
 * mu's update for β ∉ {1, 2} (Itakura-Saito, β = 0, and every other β) in the WebAssembly
 * module, as blocked products (see solvers/mu.ts; it shares the shape of the paths in
 * solvers/mu-module.ts and solvers/mu-kl-module.ts: one iteration, or any number of them in
 * place).
 */
import type { CsrMatrix } from '../core/csr.ts'
import { EPSILON } from '../core/beta-divergence.ts'
import { valuesOf } from '../core/matrix.ts'
import { F64, fastModule, layout, rowsInTwoParts } from '../core/wasm.ts'
import type { Problem } from './contract.ts'
import { factorsIn, keptFactors, swappingSlots } from './fused-sweeps.ts'
import { inModule, measureInPlace, type UpdateInModule } from './mu-module.ts'
import { gammaOf } from './mu-rows.ts'

/**
 * β ∉ {1, 2}: the whole update in one layout of the module's memory. W's update and H's
 * numerator and denominator come from wasm/kernels.ts's muBeta, a pass over blocks of rows
 * as products (about 256 KiB of W·H's weights at a time, never an n×m temporary; a CSR X's
 * block written out dense first, since the denominators need W·H at every entry anyway;
 * on two threads each takes half of the rows and sums its own numerator and denominator,
 * the two then added); H's update is made from them entry by entry. The same sums as
 * `rowPass` in another order, with the module's powers: the same to rounding. One
 * iteration, or any number of them in place (solvers/batch.ts). Undefined where the
 * module does not run; `update` runs then.
 */
export const betaInModule = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): UpdateInModule | undefined => {
  const { X, components: k, beta, penalties } = problem
  if (beta === 1 || beta === 2) return undefined
  const n = X.rows
  const m = X.cols
  // rowPassFast's threshold: every size.
  const wasm = fastModule(2 * n * m * k, 0)
  if (wasm === undefined) return undefined
  const sparse = X.format === 'csr'
  // Rows per block: the two blocks of weights about 256 KiB together.
  const block = Math.min(n, Math.max(8, Math.floor(16_384 / Math.max(1, m))))
  // muBeta's scratch: the weights, the sums of a block, a CSR block written out dense, H's
  // partial sums.
  const scratch = ((sparse ? 3 : 2) * block * m + 2 * block * k + (updateH ? m * k : 0)) * F64
  const nk = n * k * F64
  const [mk, sums] = [m * k * F64, updateH ? m * k * F64 : 0]
  // W, the new W, H, Hᵀ, H's numerator and denominator (Hᵀ-shaped) and the worker's,
  // each thread's scratch, the new Hᵀ, a check's sums (four for each half of X); without
  // H's update (transform) no sums and no new Hᵀ.
  const slots = [nk, nk, mk, mk, sums, sums, sums, sums, scratch, scratch, sums, 8 * F64]
  const kept = keptFactors(wasm, W, H, updateH)
  const operands = sparse
    ? [(X as CsrMatrix).data, (X as CsrMatrix).indices, (X as CsrMatrix).indptr]
    : [valuesOf(X)]
  const at = layout(wasm, operands, slots)
  if (at === undefined) return undefined
  const [values, columns, starts] = sparse ? at : [at[0], 0, 0]
  const [, , h, , numeratorHt, denominatorHt, otherNumerator, otherDenominator, work, otherWork] =
    at.slice(operands.length)
  const checkSums = at[operands.length + 11]
  let [w, nextW] = swappingSlots(kept[0], at[operands.length], at[operands.length + 1])
  // Hᵀ and the slot its update is made in swap roles each iteration, as W's do.
  let [ht, nextHt] = [at[operands.length + 3], at[operands.length + 10]]
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  const { l1W, l2W, l1H, l2H } = penalties
  const gamma = gammaOf(beta)
  // Entries below ε become 0: W's for β < 1, H's for β ≤ 1 (solvers/mu.ts).
  const floorW = beta < 1 ? EPSILON : 0
  const floorH = beta <= 1 ? EPSILON : 0

  const iterate = (): void => {
    // On two threads the worker takes the second half of the rows, with its own sums (each
    // call zeroes its own).
    const { parallel } = rowsInTwoParts(
      wasm,
      (updateH ? 6 : 3) * n * m * k,
      'muBeta',
      n,
      Math.ceil(n / 2),
      (start, count, worker) => [
        sparse ? values : values + start * m * F64,
        columns,
        sparse ? starts + start * 4 : 0,
        count,
        m,
        k,
        w + start * k * F64,
        h,
        ht,
        nextW + start * k * F64,
        updateH ? (worker ? otherNumerator : numeratorHt) : 0,
        worker ? otherDenominator : denominatorHt,
        worker ? otherWork : work,
        block,
        beta,
        gamma,
        EPSILON,
        l1W,
        l2W,
        floorW,
      ],
    )
    ;[w, nextW] = [nextW, w]
    if (!updateH) return
    if (parallel) {
      wasm.addInto(numeratorHt, otherNumerator, m * k)
      wasm.addInto(denominatorHt, otherDenominator, m * k)
    }
    wasm.multiplyEntries(
      ht,
      numeratorHt,
      denominatorHt,
      m * k,
      nextHt,
      EPSILON,
      l1H,
      l2H,
      gamma,
      floorH,
    )
    wasm.transpose(nextHt, m, k, h)
    ;[ht, nextHt] = [nextHt, ht]
  }
  const xParts = [values, columns, starts] as const
  const measure = measureInPlace(wasm, problem, xParts, () => [w, ht], [h, checkSums])
  return inModule(wasm, iterate, () => w, h, [n, m, k], updateH, measure)
}
