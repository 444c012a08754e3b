/**
 * ‖X − W·H‖_F and Σ x² in exact integer arithmetic (BigInt), for tests of the errors and
 * norms computed in doubles. O(n·m·k) BigInt products: for small matrices.
 */
import type { Matrix } from 'nmfkit'

/** A double as an integer times 2⁻¹¹⁰⁰ (exact: every finite double is one). */
const exactly = (value: number): bigint => {
  if (value === 0) return 0n
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(value))
  const bits = view.getBigUint64(0)
  const exponent = Number(bits >> 52n)
  const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n)
  const scaled = mantissa << BigInt(Math.max(exponent, 1) - 1075 + 1100)
  return value < 0 ? -scaled : scaled
}

/** ‖X − W·H‖_F in exact integer arithmetic, rounded once at the end. */
export const exactError = (X: Matrix, W: Matrix, H: Matrix): number => {
  const [x, w, h] = [X.toFloat64Array(), W.toFloat64Array(), H.toFloat64Array()]
  const [n, m, k] = [X.rows, X.cols, W.cols]
  let squares = 0n
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let product = 0n
      for (let t = 0; t < k; t++) product += exactly(w[i * k + t]) * exactly(h[t * m + j])
      const difference = exactly(x[i * m + j]) * (1n << 1100n) - product
      squares += difference * difference
    }
  }
  // squares is Σ d² times 2⁴⁴⁰⁰: keep its leading 200 bits, an even shift, for the root
  // (below 2¹⁰⁰), scaled back in two steps: 2^(shift/2 − 2200) alone underflows to 0 for
  // an error below about 1e-293.
  const shift = BigInt(Math.max(0, squares.toString(2).length - 200)) & ~1n
  return Math.sqrt(Number(squares >> shift)) * 2 ** -100 * 2 ** (Number(shift) / 2 - 2100)
}

/**
 * Σ x² over `values` in exact integer arithmetic, rounded once to the nearest double (for
 * sums of normal size).
 */
export const exactSquares = (values: ArrayLike<number>): number => {
  let squares = 0n
  for (let q = 0; q < values.length; q++) squares += exactly(values[q]) ** 2n
  // squares is Σ x² times 2²²⁰⁰: its leading 200 bits convert with one rounding.
  const shift = Math.max(0, squares.toString(2).length - 200)
  return Number(squares >> BigInt(shift)) * 2 ** (shift - 2200)
}
