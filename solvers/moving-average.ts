/**
 * The "moving-average" coordinate descent of the notebook nmfkit started from.
 *
 * Like `cd`, it visits one component at a time, W first and then H with the
 * new W, but instead of jumping to the minimizer of each coordinate it moves a
 * fraction γ of the way there (a damped, exponentially weighted update):
 *
 *   target_it = ((XHᵀ)_it − Σ_{r≠t} w_ir (HHᵀ)_rt) / (HHᵀ)_tt
 *   w_it     ← w_it + γ·(target_it − w_it)
 *
 * With `nonnegative: false` it is the notebook's update exactly: nothing keeps
 * the factors non-negative, and they do go negative. With `nonnegative: true`
 * (the default) each updated entry is clipped at 0. It stops when both
 * ‖ΔW‖_F and ‖ΔH‖_F over an iteration are at most tol.
 *
 * The notebook computes each entry's gradient from X directly, O(n·m·k²) per
 * iteration; here a whole column's gradient follows from X·Hᵀ, H·Hᵀ and the
 * current W, O(n·m·k + (n + m)·k²), with the same result.
 */
import * as t from 'io-ts'
import { gramColumns, gramRows, transpose } from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import type { Factors, Problem, Solver, StepResult } from './contract.ts'
import { componentOrder, halfSquaredError, timesHt, transposeTimesW } from './products.ts'

/** The options of the moving-average solver. */
export interface MovingAverageOptions {
  /** The step fraction γ in (0, 1]; 1 is plain coordinate descent without projection. */
  readonly gamma: number
  /** Clip each updated entry at 0. */
  readonly nonnegative: boolean
}

/** γ in (0, 1]: 0 would never move, above 1 overshoots the coordinate minimum. */
const Gamma = new t.Type<number, number, unknown>(
  'a number in (0, 1]',
  (u): u is number => typeof u === 'number' && u > 0 && u <= 1,
  (u, c) => (typeof u === 'number' && u > 0 && u <= 1 ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/**
 * Moves each entry of W (rows×k, the caller's copy) a fraction γ towards the
 * minimizer of its coordinate, component by component in `order`; returns ‖ΔW‖²_F.
 */
export const dampedSweep = (
  W: Float64Array,
  rows: number,
  k: number,
  gram: Float64Array,
  cross: Float64Array,
  order: ArrayLike<number>,
  options: MovingAverageOptions,
): number => {
  let squaredChange = 0
  for (let s = 0; s < k; s++) {
    const t = order[s]
    const curvature = gram[t * k + t]

    // A component whose other factor is all zero has no minimizer; it stays as it is.
    if (curvature === 0) continue

    for (let i = 0; i < rows; i++) {
      const current = W[i * k + t]
      let residual = cross[i * k + t]
      for (let r = 0; r < k; r++) residual -= gram[t * k + r] * W[i * k + r]
      const target = current + residual / curvature
      let next = current + options.gamma * (target - current)
      if (options.nonnegative && next < 0) next = 0
      W[i * k + t] = next
      squaredChange += (next - current) * (next - current)
    }
  }
  return squaredChange
}

const step = (
  state: Factors,
  problem: Problem,
  options: MovingAverageOptions,
): StepResult<Factors> => {
  const { X, components: k } = problem
  const n = X.rows
  const m = X.cols

  // W, with X·Hᵀ and H·Hᵀ from the current H.
  const H = valuesOf(state.H)
  const W = valuesOf(state.W).slice()
  const changeW = dampedSweep(
    W,
    n,
    k,
    gramRows(H, k, m),
    timesHt(X, H, k),
    componentOrder(problem),
    options,
  )

  // H, as Hᵀ on Xᵀ, with the new W.
  const XtW = transposeTimesW(X, W, k)
  const WtW = gramColumns(W, n, k)
  const Ht = transpose(H, k, m)
  const changeH = dampedSweep(Ht, m, k, WtW, XtW, componentOrder(problem), options)

  const deltaW = Math.sqrt(changeW)
  const deltaH = Math.sqrt(changeH)
  return {
    state: { W: Matrix.unsafeWrap(n, k, W), H: Matrix.unsafeWrap(k, m, transpose(Ht, m, k)) },
    measure: Math.max(deltaW, deltaH),
    objective: halfSquaredError(problem.squaredNormX, XtW, WtW, Ht, gramColumns(Ht, m, k)),
    details: { deltaW, deltaH },
  }
}

/** The notebook's damped coordinate descent, γ = 0.1 and clipping at 0 by default. */
export const movingAverage: Solver<MovingAverageOptions> = {
  name: 'moving-average',
  optionProps: { gamma: Gamma, nonnegative: t.boolean },
  defaults: { gamma: 0.1, nonnegative: true },
  capabilities: { losses: ['frobenius'], sparse: true, monotone: false, nonnegative: true },
  measure: 'largest Frobenius norm of an iteration’s change of W or H',
  start: (_problem, initial) => initial,
  step,
  // The notebook loops while either change exceeds tol.
  converged: (current, _first, tol) => current.measure <= tol,
}
