/**
 * The row pass of the multiplicative updates in TypeScript, the reference (see
 * solvers/mu.ts): one pass over the rows of X makes row i of the new W, then adds row i's
 * share of H's numerator (and, for β ∉ {1, 2}, denominator), with the EPSILON guards of
 * the weights and the exponent γ.
 */
import type { AnyMatrix } from '../core/csr.ts'
import { addScaledRow, dotRows, EPSILON, power } from '../core/beta-divergence.ts'
import { valuesOf } from '../core/matrix.ts'
import type { Problem } from './contract.ts'

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
export const multiplyRow = (
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
export interface Rows {
  readonly columns: Int32Array | undefined
  readonly values: Float64Array
  readonly start: (i: number) => number
}

export const rowsOf = (X: AnyMatrix): Rows => {
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
export interface RowPass {
  readonly nextW: Float64Array
  readonly numeratorH: Float64Array
  readonly denominatorH: Float64Array
}

/**
 * The pass over the rows of X, in TypeScript: row i of the new W, then row i's share of
 * H's numerator (and, for β ∉ {1, 2}, denominator).
 */
export const rowPass = (
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
