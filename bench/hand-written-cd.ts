/**
 * The hand-written loop that was nmfkit's `cd` before the DSL version
 * (solvers/cd.ts) replaced it, kept as the reference bench/dsl-vs-loop.ts times
 * the DSL against. It computes the same factors, measure and objective.
 *
 * Coordinate descent for ½‖X − W·H‖²_F + penalties, as scikit-learn's `cd`
 * solver computes it (Fast HALS; Cichocki & Phan, 2009; Hsieh & Dhillon, 2011).
 *
 * One iteration updates W, then H on Xᵀ with the new W. Each half-sweep forms
 * X·Hᵀ and H·Hᵀ once, adds the L2 penalty to the Gram diagonal and subtracts
 * the L1 penalty from X·Hᵀ, then visits the components one at a time (outer)
 * and the rows (inner), each entry moving to the minimum of its quadratic,
 * projected onto w ≥ 0:
 *
 *   g    = (W·HHᵀ)_it − (XHᵀ)_it
 *   w_it ← max(0, w_it − g / (HHᵀ)_tt)
 *
 * The convergence measure is the sum of |projected gradient| over both
 * half-sweeps; the fit stops when it falls to tol times its first value.
 */
import type { AnyMatrix } from '../core/csr.ts'
import {
  csrTimesDenseT,
  csrTransposeTimesDense,
  gemmNT,
  gemmTN,
  gramColumns,
  gramRows,
  transpose,
} from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import type { Factors, Problem, Solver, StepResult } from '../solvers/contract.ts'
import { componentOrder } from '../dsl/rules.ts'
import { sumAndSquares } from '../solvers/products.ts'
import { cd } from '../solvers/cd.ts'

/** X·Hᵀ (samples×components) for H of components×features. */
const timesHt = (X: AnyMatrix, H: Float64Array, components: number): Float64Array =>
  X.format === 'dense'
    ? gemmNT(valuesOf(X), X.rows, X.cols, H, components)
    : csrTimesDenseT(X, H, components)

/** Xᵀ·W (features×components) for W of samples×components. */
const transposeTimesW = (X: AnyMatrix, W: Float64Array, components: number): Float64Array =>
  X.format === 'dense'
    ? gemmTN(valuesOf(X), X.rows, X.cols, W, components)
    : csrTransposeTimesDense(X, W, components)

/**
 * ½‖X − W·H‖²_F from products the half-sweep already has, in O((n + m)·k²):
 * ½(‖X‖² − 2·Σ (XᵀW)∘Hᵀ + Σ (WᵀW)∘(H·Hᵀ)). Rounding can make it slightly
 * negative for an exact fit; it is clamped at zero.
 */
const halfSquaredError = (
  squaredNormX: number,
  XtW: Float64Array,
  WtW: Float64Array,
  Ht: Float64Array,
  HHt: Float64Array,
): number => {
  let cross = 0
  for (let q = 0; q < XtW.length; q++) cross += XtW[q] * Ht[q]
  let quadratic = 0
  for (let q = 0; q < WtW.length; q++) quadratic += WtW[q] * HHt[q]
  return Math.max(0, 0.5 * (squaredNormX - 2 * cross + quadratic))
}

/**
 * Updates W (rows×k, in place: the caller's own copy) column by column in
 * `order`; returns the sum of |projected gradient| seen on the way.
 */
const coordinateSweep = (
  W: Float64Array,
  rows: number,
  k: number,
  gram: Float64Array,
  cross: Float64Array,
  order: ArrayLike<number>,
): number => {
  let violation = 0
  for (let s = 0; s < k; s++) {
    const t = order[s]
    const hess = gram[t * k + t]
    for (let i = 0; i < rows; i++) {
      let grad = -cross[i * k + t]
      for (let r = 0; r < k; r++) grad += gram[t * k + r] * W[i * k + r]

      // At the bound w = 0 only a negative gradient can move the entry.
      const current = W[i * k + t]
      violation += Math.abs(current === 0 ? Math.min(0, grad) : grad)

      // A zero Hessian means the component is all zero: there is nothing to solve.
      if (hess !== 0) W[i * k + t] = Math.max(current - grad / hess, 0)
    }
  }
  return violation
}

/** Adds `l2` to the diagonal and subtracts `l1` from every entry of `cross`, in place. */
const penalize = (gram: Float64Array, cross: Float64Array, k: number, l1: number, l2: number) => {
  if (l2 !== 0) for (let t = 0; t < k; t++) gram[t * k + t] += l2
  if (l1 !== 0) for (let q = 0; q < cross.length; q++) cross[q] -= l1
}

/**
 * The W half-sweep with H fixed: X·Hᵀ and H·Hᵀ from the current H, then one
 * sweep over a copy of W. Returns the new W (n×k) and its violation.
 */
const sweepW = (
  state: Factors,
  problem: Problem,
): { readonly W: Float64Array; readonly violation: number } => {
  const { X, components: k, penalties } = problem
  const H = valuesOf(state.H)
  const XHt = timesHt(X, H, k)
  const HHt = gramRows(H, k, X.cols)
  penalize(HHt, XHt, k, penalties.l1W, penalties.l2W)
  const W = valuesOf(state.W).slice()
  const violation = coordinateSweep(
    W,
    X.rows,
    k,
    HHt,
    XHt,
    componentOrder(problem, problem.components),
  )
  return { W, violation }
}

const step = (state: Factors, problem: Problem): StepResult<Factors> => {
  const { X, components: k, penalties } = problem
  const n = X.rows
  const m = X.cols

  // W half-sweep: X·Hᵀ and H·Hᵀ with the current H.
  const H = valuesOf(state.H)
  const sweep = sweepW(state, problem)
  const W = sweep.W
  let violation = sweep.violation

  // H half-sweep on Xᵀ with the new W; H is updated as Hᵀ (features×k).
  const XtW = transposeTimesW(X, W, k)
  const WtW = gramColumns(W, n, k)
  penalize(WtW, XtW, k, penalties.l1H, penalties.l2H)
  const Ht = transpose(H, k, m)
  violation += coordinateSweep(Ht, m, k, WtW, XtW, componentOrder(problem, problem.components))

  // The objective from the products at hand: with the H penalties folded into
  // XᵀW and WᵀW, the quadratic form already includes them; W's are added.
  const [sumW, squaresW] = sumAndSquares(W)
  const objective =
    halfSquaredError(problem.squaredNormX, XtW, WtW, Ht, gramColumns(Ht, m, k)) +
    penalties.l1W * sumW +
    0.5 * penalties.l2W * squaresW

  return {
    state: {
      W: Matrix.unsafeWrap(n, k, W),
      H: Matrix.unsafeWrap(k, m, transpose(Ht, m, k)),
    },
    measure: violation,
    objective,
  }
}

/**
 * scikit-learn's coordinate descent as a hand-written loop. Same update order,
 * same penalties, same stopping rule as the DSL `cd`, so the same factors and
 * the same number of iterations.
 */
export const handWrittenCd: Solver<Record<string, never>> = {
  name: 'cd',
  optionProps: {},
  defaults: {},
  // The same solver as nmfkit's cd, written by hand: the same promises.
  capabilities: cd.capabilities,
  measure: 'projected-gradient violation',
  start: (_problem, initial) => initial,
  step: (state, problem) => step(state, problem),
  // A first violation of zero means the initial factors are already stationary.
  converged: (current, first, tol) => first.measure === 0 || current.measure / first.measure <= tol,
}
