/**
 * `transform`'s `cd` in the WebAssembly module: sweeps of W with H fixed. While H does not
 * change, neither do X·Hᵀ and H·Hᵀ (W's penalties folded in): they are formed once, when
 * the sweeps are laid out, and each iteration is one sweep of W. The DSL rule
 * (withHFixed(cdHalfW)) forms them every iteration, with the same kernels and the same
 * arithmetic: the same numbers. One iteration (the solver's `native`), or any number in
 * place (its batch, solvers/batch.ts).
 */
import { moduleProduct, sweepInModule, sweepScratch, type SweepSettings } from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import { F64, fastModule, int32ViewOf, keepCopies, viewOf } from '../core/wasm.ts'
import type { PenaltyWeights } from '../dsl/rules.ts'
import type { Factors, Problem } from './contract.ts'
import {
  factorOut,
  factorsIn,
  keptFactors,
  layoutWithX,
  writeOrder,
  type InModule,
} from './fused-sweeps.ts'

/**
 * Sweeps of W (`settings`, W's `penalties`) with `state.H` fixed, laid out once; the stats
 * each reports are the DSL rule's (`violationW`, `squaredChangeW`). Undefined, having drawn
 * nothing from the problem's Rng, where the module does not run them.
 */
export const wSweepsInModule = (
  state: Factors,
  problem: Problem,
  settings: SweepSettings,
  penalties: PenaltyWeights,
): InModule | undefined => {
  const { X, components: k } = problem
  const n = X.rows
  const m = X.cols
  const wasm = fastModule(n * m * k, 0)
  if (wasm === undefined) return undefined
  const [nk, mk, kk] = [n * k * F64, m * k * F64, k * k * F64]
  const slots = [nk, mk, mk, nk, kk, sweepScratch(k), k * 4]
  const [W, H] = [valuesOf(state.W), valuesOf(state.H)]
  // H is the caller's: copied in every time (the module keeps only W between layouts).
  const kept = keptFactors(wasm, W, H, false)
  const laid = layoutWithX(wasm, X, k, slots)
  if (laid === undefined) return undefined
  const [w, h, ht, cross, gram, scratch, order] = laid.at
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)
  // C = X·Hᵀ and G = H·Hᵀ (as gramColumns of Hᵀ), W's penalties folded in, as the rule
  // forms them each iteration.
  laid.times(ht, cross)
  moduleProduct(wasm, ht, k, m, 1, k, ht, k, gram)
  wasm.penalize(gram, cross, n, k, penalties.l1, penalties.l2)
  const orderView = int32ViewOf(wasm, order, k)
  let view: Matrix<string, 'components'> | undefined

  return {
    iterate: () => {
      writeOrder(problem, orderView)
      const swept = sweepInModule(wasm, w, n, k, gram, cross, order, scratch, settings)
      return { violationW: swept.violation, squaredChangeW: swept.squaredChange }
    },
    finite: () => wasm.allFinite(w, n * k) === 1,
    current: () => ({
      W: (view ??= Matrix.unsafeWrap<string, 'components'>(n, k, viewOf(wasm, w, n * k))),
      H: state.H,
    }),
    out: () => {
      const nextW = factorOut(wasm, w, n * k)
      // Where the next layout finds it.
      keepCopies(wasm, [nextW], [w])
      return { W: Matrix.unsafeWrap<string, 'components'>(n, k, nextW), H: state.H }
    },
  }
}
