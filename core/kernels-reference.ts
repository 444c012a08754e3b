/**
 * The reference kernels: hot loops on row-major `Float64Array`s in plain
 * TypeScript. core/kernels.ts calls these or their WebAssembly counterparts
 * (core/wasm.ts), which must agree with them. Every function writes only into
 * the `out` array it creates, never into its inputs.
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

/**
 * out (n×m) = A (n×p) · Bᵀ, where B is m×p: every entry is a dot product of two
 * rows. Register-blocked: two rows of A against four rows of B at a time, so
 * each loaded entry feeds several products (on the digits' 1797×64, k = 10, X·Hᵀ went
 * from 4.6–5.0 ms to 1.0–1.4 ms against one dot product at a time, when it was written).
 */
export const gemmNT = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const out = new Float64Array(n * m)
  let i = 0
  for (; i + 1 < n; i += 2) {
    const rowA0 = i * p
    const rowA1 = rowA0 + p
    let j = 0
    for (; j + 3 < m; j += 4) {
      const rowB0 = j * p
      const rowB1 = rowB0 + p
      const rowB2 = rowB1 + p
      const rowB3 = rowB2 + p
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0 // prettier-ignore
      for (let l = 0; l < p; l++) {
        const x0 = a[rowA0 + l]
        const x1 = a[rowA1 + l]
        const y0 = b[rowB0 + l]
        const y1 = b[rowB1 + l]
        const y2 = b[rowB2 + l]
        const y3 = b[rowB3 + l]
        s00 += x0 * y0
        s01 += x0 * y1
        s02 += x0 * y2
        s03 += x0 * y3
        s10 += x1 * y0
        s11 += x1 * y1
        s12 += x1 * y2
        s13 += x1 * y3
      }
      const out0 = i * m + j
      const out1 = out0 + m
      out[out0] = s00
      out[out0 + 1] = s01
      out[out0 + 2] = s02
      out[out0 + 3] = s03
      out[out1] = s10
      out[out1 + 1] = s11
      out[out1 + 2] = s12
      out[out1 + 3] = s13
    }
    for (; j < m; j++) {
      const rowB = j * p
      let s0 = 0
      let s1 = 0
      for (let l = 0; l < p; l++) {
        s0 += a[rowA0 + l] * b[rowB + l]
        s1 += a[rowA1 + l] * b[rowB + l]
      }
      out[i * m + j] = s0
      out[(i + 1) * m + j] = s1
    }
  }
  // The last row when n is odd.
  for (; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0
      for (let l = 0; l < p; l++) sum += a[i * p + l] * b[j * p + l]
      out[i * m + j] = sum
    }
  }
  return out
}

/**
 * out (p×m) = Aᵀ · B, where A is n×p and B is n×m. Four rows of A and B are
 * folded into the output per pass, which quarters the passes over it.
 */
export const gemmTN = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
): Float64Array => {
  const out = new Float64Array(p * m)
  let i = 0
  for (; i + 3 < n; i += 4) {
    const rowA0 = i * p
    const rowB0 = i * m
    for (let l = 0; l < p; l++) {
      const x0 = a[rowA0 + l]
      const x1 = a[rowA0 + p + l]
      const x2 = a[rowA0 + 2 * p + l]
      const x3 = a[rowA0 + 3 * p + l]
      const rowOut = l * m
      for (let j = 0; j < m; j++) {
        const q = rowB0 + j
        out[rowOut + j] += x0 * b[q] + x1 * b[q + m] + x2 * b[q + 2 * m] + x3 * b[q + 3 * m]
      }
    }
  }
  // The last n mod 4 rows.
  for (; i < n; i++) {
    for (let l = 0; l < p; l++) {
      const x = a[i * p + l]
      for (let j = 0; j < m; j++) out[l * m + j] += x * b[i * m + j]
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

/** Row i of W·H (W n×k, H k×m, row-major) into `out` (m entries); zero weights skipped. */
export const productRow = (
  w: Float64Array,
  h: Float64Array,
  i: number,
  k: number,
  m: number,
  out: Float64Array,
): void => {
  out.fill(0)
  for (let t = 0; t < k; t++) {
    const weight = w[i * k + t]
    if (weight === 0) continue
    for (let j = 0; j < m; j++) out[j] += weight * h[t * m + j]
  }
}

/** out (m×n) = Aᵀ for A of n×m, into a new array or the given one. */
export const transpose = (
  a: Float64Array,
  n: number,
  m: number,
  out: Float64Array = new Float64Array(n * m),
): Float64Array => {
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]
  return out
}
