/**
 * Hot loops on row-major `Float64Array`s. This is the only module with index
 * arithmetic and in-place writes; every function writes only into the `out`
 * array it creates or is given, never into its inputs.
 */

/** out (n×m) = A (n×p) · B (p×m). */
export const gemm = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    const rowOut = i * m
    for (let l = 0; l < p; l++) {
      const ail = a[i * p + l]
      const rowB = l * m
      for (let j = 0; j < m; j++) out[rowOut + j] += ail * b[rowB + j]
    }
  }
  return out
}

/** out (n×m) = A (n×p) · Bᵀ, where B is m×p: every entry is a dot product of two rows. */
export const gemmNT = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    const rowA = i * p
    for (let j = 0; j < m; j++) {
      const rowB = j * p
      let sum = 0
      for (let l = 0; l < p; l++) sum += a[rowA + l] * b[rowB + l]
      out[i * m + j] = sum
    }
  }
  return out
}

/** out (p×m) = Aᵀ · B, where A is n×p and B is n×m. */
export const gemmTN = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const out = new Float64Array(p * m)
  for (let i = 0; i < n; i++) {
    const rowA = i * p
    const rowB = i * m
    for (let l = 0; l < p; l++) {
      const ail = a[rowA + l]
      const rowOut = l * m
      for (let j = 0; j < m; j++) out[rowOut + j] += ail * b[rowB + j]
    }
  }
  return out
}

/** out (p×p) = Aᵀ·A for A of n×p (the Gram matrix of A's columns), symmetric. */
export const gramColumns = (a: Float64Array, n: number, p: number): Float64Array => {
  const out = new Float64Array(p * p)
  for (let i = 0; i < n; i++) {
    const row = i * p
    for (let l = 0; l < p; l++) {
      const ail = a[row + l]
      for (let r = l; r < p; r++) out[l * p + r] += ail * a[row + r]
    }
  }
  for (let l = 0; l < p; l++) for (let r = 0; r < l; r++) out[l * p + r] = out[r * p + l]
  return out
}

/** out (n×n) = A·Aᵀ for A of n×p (the Gram matrix of A's rows), symmetric. */
export const gramRows = (a: Float64Array, n: number, p: number): Float64Array => {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0
      for (let l = 0; l < p; l++) sum += a[i * p + l] * a[j * p + l]
      out[i * n + j] = sum
      out[j * n + i] = sum
    }
  }
  return out
}

/** The parts of a CSR matrix that kernels read. */
export interface CsrParts {
  readonly rows: number
  readonly cols: number
  readonly indptr: Int32Array
  readonly indices: Int32Array
  readonly data: Float64Array
}

/** out (n×k) = X · B for a CSR X (n×m) and a dense B (m×k). */
export const csrTimesDense = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  const out = new Float64Array(x.rows * k)
  for (let i = 0; i < x.rows; i++) {
    const rowOut = i * k
    for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) {
      const value = x.data[q]
      const rowB = x.indices[q] * k
      for (let t = 0; t < k; t++) out[rowOut + t] += value * b[rowB + t]
    }
  }
  return out
}

/** out (n×k) = X · Bᵀ for a CSR X (n×m) and a dense B (k×m). */
export const csrTimesDenseT = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  const m = x.cols
  const out = new Float64Array(x.rows * k)
  for (let i = 0; i < x.rows; i++) {
    const rowOut = i * k
    for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) {
      const value = x.data[q]
      const j = x.indices[q]
      for (let t = 0; t < k; t++) out[rowOut + t] += value * b[t * m + j]
    }
  }
  return out
}

/** out (m×k) = Xᵀ · B for a CSR X (n×m) and a dense B (n×k). */
export const csrTransposeTimesDense = (x: CsrParts, b: Float64Array, k: number): Float64Array => {
  const out = new Float64Array(x.cols * k)
  for (let i = 0; i < x.rows; i++) {
    const rowB = i * k
    for (let q = x.indptr[i]; q < x.indptr[i + 1]; q++) {
      const value = x.data[q]
      const rowOut = x.indices[q] * k
      for (let t = 0; t < k; t++) out[rowOut + t] += value * b[rowB + t]
    }
  }
  return out
}

/** Σ a_i·b_i over two arrays of equal length. */
export const dot = (a: Float64Array, b: Float64Array): number => {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i]
  return sum
}

/** out (m×n) = Aᵀ for A of n×m. */
export const transpose = (a: Float64Array, n: number, m: number): Float64Array => {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]
  return out
}
