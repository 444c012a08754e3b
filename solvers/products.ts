/**
 * The products of X that alternating solvers need once per half-sweep, for
 * dense and CSR X alike. A CSR X is never densified.
 */
import type { AnyMatrix } from '../core/csr.ts'
import type { Problem } from './contract.ts'
import { csrTimesDenseT, csrTransposeTimesDense, gemmNT, gemmTN } from '../core/kernels.ts'
import { valuesOf } from '../core/matrix.ts'

/** X·Hᵀ (samples×components) for H of components×features. */
export const timesHt = (X: AnyMatrix, H: Float64Array, components: number): Float64Array =>
  X.format === 'dense'
    ? gemmNT(valuesOf(X), X.rows, X.cols, H, components)
    : csrTimesDenseT(X, H, components)

/** Xᵀ·W (features×components) for W of samples×components. */
export const transposeTimesW = (X: AnyMatrix, W: Float64Array, components: number): Float64Array =>
  X.format === 'dense'
    ? gemmTN(valuesOf(X), X.rows, X.cols, W, components)
    : csrTransposeTimesDense(X, W, components)

/**
 * ½‖X − W·H‖²_F from products the half-sweep already has, in O((n + m)·k²):
 * ½(‖X‖² − 2·Σ (XᵀW)∘Hᵀ + Σ (WᵀW)∘(H·Hᵀ)). Rounding can make it slightly
 * negative for an exact fit; it is clamped at zero.
 */
export const halfSquaredError = (
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

/** Σ a_i and Σ a_i², for the L1 and L2 penalty terms. */
export const sumAndSquares = (values: Float64Array): readonly [number, number] => {
  let sum = 0
  let squares = 0
  for (const value of values) {
    sum += value
    squares += value * value
  }
  return [sum, squares]
}

/** The order of the components in one half-sweep: 0..k-1, or a fresh permutation when shuffling. */
export const componentOrder = (problem: Problem): ArrayLike<number> => {
  if (problem.shuffle) return problem.rng.permutation(problem.components)
  return Int32Array.from({ length: problem.components }, (_, i) => i)
}
