/**
 * The components of a factorization in the normal form `aligned` compares:
 * each row of H scaled to unit Euclidean norm, its norm moved into the
 * matching column of W, so that W·H is unchanged. Also the numbers `aligned`
 * reads from two such forms: cosines, the difference of two rank-one terms,
 * and the distance of two reconstructions.
 *
 * A component is empty when its W column or its H row is all zero: its term
 * w·hᵀ is zero, it is stored as zeros, and nothing is ever divided by its norm.
 */
import { Matrix, valuesOf } from '../core/matrix.ts'
import type { FactorPair } from './compare.ts'

/** A factorization in normal form. W is samples×k, row-major; H is k×features. */
export interface NormalComponents {
  readonly samples: number
  readonly k: number
  readonly features: number
  /** W with column t multiplied by scales[t]; zero for an empty component. */
  readonly W: Float64Array
  /** H with row t divided by scales[t]: unit rows, zero for an empty component. */
  readonly H: Float64Array
  /** ‖row t of H‖₂ as found. */
  readonly scales: Float64Array
  /**
   * ‖w_t·h_tᵀ‖_F = ‖w_t‖₂·‖h_t‖₂, the size of component t's term; 0 when
   * empty.
   */
  readonly termNorms: Float64Array
}

/**
 * ‖x‖₂ over `count` entries of `values` from `start`, `stride` apart, scaled
 * by the largest magnitude first so that squares neither overflow nor underflow.
 */
const norm2 = (values: Float64Array, start: number, count: number, stride: number): number => {
  let largest = 0
  for (let q = 0; q < count; q++) largest = Math.max(largest, Math.abs(values[start + q * stride]))
  // All zero: the norm is 0, and there is nothing to scale by.
  if (largest === 0) return 0
  let sum = 0
  for (let q = 0; q < count; q++) {
    const ratio = values[start + q * stride] / largest
    sum += ratio * ratio
  }
  return largest * Math.sqrt(sum)
}

/** The normal form of W (samples×k) and H (k×features); the inputs are not changed. */
export const normalizeComponents = (pair: FactorPair): NormalComponents => {
  const samples = pair.W.rows
  const k = pair.W.cols
  const features = pair.H.cols
  const w = valuesOf(pair.W)
  const h = valuesOf(pair.H)
  const W = new Float64Array(samples * k)
  const H = new Float64Array(k * features)
  const scales = new Float64Array(k)
  const termNorms = new Float64Array(k)
  for (let t = 0; t < k; t++) {
    const scale = norm2(h, t * features, features, 1)
    scales[t] = scale
    termNorms[t] = scale * norm2(w, t, samples, k)
    // Empty: leave the zeros; dividing by a zero scale is what this prevents.
    if (termNorms[t] === 0) continue
    for (let j = 0; j < features; j++) H[t * features + j] = h[t * features + j] / scale
    for (let i = 0; i < samples; i++) W[i * k + t] = w[i * k + t] * scale
  }
  return { samples, k, features, W, H, scales, termNorms }
}

/** Rounding can push a cosine of unit vectors just past ±1; a cosine lies in [-1, 1]. */
const clampCosine = (value: number): number => Math.min(1, Math.max(-1, value))

/** The cosines of the W columns and of the H rows of component t of a and u of b. */
const cosines = (
  a: NormalComponents,
  t: number,
  b: NormalComponents,
  u: number,
): { readonly cosineW: number; readonly cosineH: number } => {
  const emptyA = a.termNorms[t] === 0
  const emptyB = b.termNorms[u] === 0
  // Two empty components are the same (zero) term; an empty and a non-empty one
  // have nothing in common. Neither case divides by a zero norm.
  if (emptyA || emptyB) {
    const both = emptyA && emptyB ? 1 : 0
    return { cosineW: both, cosineH: both }
  }
  const { samples, k, features } = a
  let dotW = 0
  for (let i = 0; i < samples; i++) dotW += a.W[i * k + t] * b.W[i * k + u]
  let dotH = 0
  for (let j = 0; j < features; j++) dotH += a.H[t * features + j] * b.H[u * features + j]
  // The H rows are unit vectors, and the W columns have the term norms as their norms.
  return {
    cosineW: clampCosine(dotW / (a.termNorms[t] * b.termNorms[u])),
    cosineH: clampCosine(dotH),
  }
}

/**
 * The k×k similarities of the components, row-major: entry (t, u) is the
 * cosine of the rank-one terms w·hᵀ of component t of a and component u of b,
 * which is the product of the cosines of their W columns and of their H rows.
 * Two empty components give 1, an empty and a non-empty one 0.
 */
export const termCosines = (a: NormalComponents, b: NormalComponents): Float64Array => {
  const k = a.k
  const out = new Float64Array(k * k)
  for (let t = 0; t < k; t++) {
    for (let u = 0; u < k; u++) {
      const { cosineW, cosineH } = cosines(a, t, b, u)
      out[t * k + u] = cosineW * cosineH
    }
  }
  return out
}

/** How component t of a and component u of b compare. */
export interface PairComparison {
  readonly cosineW: number
  readonly cosineH: number
  /** cosineW · cosineH: the cosine of the two rank-one terms, what the matching maximizes. */
  readonly similarity: number
  /** ‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max of the two terms' norms; 0 when both are empty. */
  readonly difference: number
}

/**
 * Compares component t of a with component u of b. The difference is formed
 * from dw = w_a − w_b and dh = h_a − h_b, since w_a·h_aᵀ − w_b·h_bᵀ =
 * dw·h_aᵀ + w_b·dhᵀ, so its square is ‖dw‖²‖h_a‖² + ‖w_b‖²‖dh‖² +
 * 2(dw·w_b)(h_a·dh): small terms only, without the cancellation of
 * ‖A‖² + ‖B‖² − 2⟨A, B⟩ when A and B nearly agree. O(samples + features).
 */
export const comparePair = (
  a: NormalComponents,
  t: number,
  b: NormalComponents,
  u: number,
): PairComparison => {
  const { cosineW, cosineH } = cosines(a, t, b, u)
  const largest = Math.max(a.termNorms[t], b.termNorms[u])
  // Both empty: the same (zero) term, no difference; and nothing to divide by.
  if (largest === 0) return { cosineW, cosineH, similarity: 1, difference: 0 }
  const { samples, k, features } = a
  let dwSquared = 0
  let wbSquared = 0
  let dwDotWb = 0
  for (let i = 0; i < samples; i++) {
    const wb = b.W[i * k + u]
    const dw = a.W[i * k + t] - wb
    dwSquared += dw * dw
    wbSquared += wb * wb
    dwDotWb += dw * wb
  }
  let haSquared = 0
  let dhSquared = 0
  let haDotDh = 0
  for (let j = 0; j < features; j++) {
    const ha = a.H[t * features + j]
    const dh = ha - b.H[u * features + j]
    haSquared += ha * ha
    dhSquared += dh * dh
    haDotDh += ha * dh
  }
  const squared = dwSquared * haSquared + wbSquared * dhSquared + 2 * dwDotWb * haDotDh
  // Rounding can leave a tiny negative square for an exact match; the true value is ≥ 0.
  const difference = Math.sqrt(Math.max(0, squared)) / largest
  return { cosineW, cosineH, similarity: cosineW * cosineH, difference }
}

/**
 * The normal form as two matrices, with the components in `order`: component
 * t of the result is component order[t] of the input. Copies the storage.
 */
export const asFactors = (
  normal: NormalComponents,
  order: readonly number[] = Array.from({ length: normal.k }, (_, t) => t),
): FactorPair => {
  const { samples, k, features } = normal
  const W = new Float64Array(samples * k)
  const H = new Float64Array(k * features)
  for (let t = 0; t < k; t++) {
    const from = order[t]
    for (let i = 0; i < samples; i++) W[i * k + t] = normal.W[i * k + from]
    H.set(normal.H.subarray(from * features, (from + 1) * features), t * features)
  }
  return { W: Matrix.unsafeWrap(samples, k, W), H: Matrix.unsafeWrap(k, features, H) }
}

/**
 * ‖W_a·H_a − W_b·H_b‖_F and ‖W_a·H_a‖_F, one row of the products at a time:
 * O(samples·features·k) time, two rows of memory, never the full products.
 */
export const reconstructionDistance = (
  a: FactorPair,
  b: FactorPair,
): { readonly absolute: number; readonly normA: number } => {
  const samples = a.W.rows
  const k = a.W.cols
  const features = a.H.cols
  const wa = valuesOf(a.W)
  const ha = valuesOf(a.H)
  const wb = valuesOf(b.W)
  const hb = valuesOf(b.H)
  const rowA = new Float64Array(features)
  const difference = new Float64Array(features)
  let squaredDistance = 0
  let squaredNormA = 0
  for (let i = 0; i < samples; i++) {
    rowA.fill(0)
    for (let t = 0; t < k; t++) {
      const weight = wa[i * k + t]
      if (weight === 0) continue
      for (let j = 0; j < features; j++) rowA[j] += weight * ha[t * features + j]
    }
    difference.set(rowA)
    for (let t = 0; t < k; t++) {
      const weight = wb[i * k + t]
      if (weight === 0) continue
      for (let j = 0; j < features; j++) difference[j] -= weight * hb[t * features + j]
    }
    for (let j = 0; j < features; j++) {
      squaredNormA += rowA[j] * rowA[j]
      squaredDistance += difference[j] * difference[j]
    }
  }
  return { absolute: Math.sqrt(squaredDistance), normA: Math.sqrt(squaredNormA) }
}
