/**
 * Distances between X and W·H that never form W·H in full for a sparse X, and
 * never allocate an n×m array for a dense one.
 */
import type { AnyMatrix } from './csr.ts'
import { gramColumns, gramRows } from './kernels.ts'
import { valuesOf, type Matrix } from './matrix.ts'

/**
 * ‖X − W·H‖_F for X (n×m), W (n×k), H (k×m).
 *
 * Dense X: exact, one row of W·H at a time, O(n·m·k). CSR X: from traces,
 * ‖X‖² − 2·tr(Wᵀ·X·Hᵀ) + tr(WᵀW·HHᵀ), O(nnz·k + (n + m)·k²); rounding can
 * make that slightly negative for an exact fit, so it is clamped at zero
 * before the root.
 */
export const frobeniusError = (X: AnyMatrix, W: Matrix, H: Matrix): number =>
  Math.sqrt(squaredFrobeniusError(X, W, H))

/** ‖X − W·H‖²_F, computed as in `frobeniusError` (clamped at zero for a CSR X). */
export const squaredFrobeniusError = (X: AnyMatrix, W: Matrix, H: Matrix): number => {
  const n = X.rows
  const m = X.cols
  const k = W.cols
  const w = valuesOf(W)
  const h = valuesOf(H)
  if (X.format === 'dense') {
    const x = valuesOf(X)
    const row = new Float64Array(m)
    let total = 0
    for (let i = 0; i < n; i++) {
      row.fill(0)
      for (let t = 0; t < k; t++) {
        const wit = w[i * k + t]
        if (wit === 0) continue
        for (let j = 0; j < m; j++) row[j] += wit * h[t * m + j]
      }
      for (let j = 0; j < m; j++) {
        const diff = x[i * m + j] - row[j]
        total += diff * diff
      }
    }
    return total
  }
  let squaredNormX = 0
  let cross = 0
  for (let i = 0; i < n; i++) {
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      const value = X.data[q]
      const j = X.indices[q]
      squaredNormX += value * value
      let wh = 0
      for (let t = 0; t < k; t++) wh += w[i * k + t] * h[t * m + j]
      cross += value * wh
    }
  }
  const WtW = gramColumns(w, n, k)
  const HHt = gramRows(h, k, m)
  let quadratic = 0
  for (let q = 0; q < WtW.length; q++) quadratic += WtW[q] * HHt[q]
  return Math.max(0, squaredNormX - 2 * cross + quadratic)
}
