/**
 * The components of a factorization in the normal form `aligned` compares, and
 * the numbers it reads from two such forms: cosines, the difference of two
 * rank-one terms, and the distance of two reconstructions.
 *
 * Component t is its rank-one term w_t·h_tᵀ, held as the unit vectors
 * w_t/‖w_t‖ and h_t/‖h_t‖ and the two norms as `Wide` numbers. Every vector is
 * scaled by the power of two of its largest entry before anything is squared
 * or multiplied, so cosines, ratios and relative differences come out right
 * for any finite factors, however small or large: a term's size may be beyond
 * float64's range (1e-200·1e-200, 1e200·1e200) while its direction and its
 * size relative to another term are not. The numbers a report shows as doubles
 * (norms of H rows and of terms, the aligned W) are formed last, from these.
 *
 * A component is empty when its W column or its H row is all zero: its term
 * w·hᵀ is zero, its unit vectors are stored as zeros, and nothing is ever
 * divided by its norm.
 */
import { storedValues, type AnyMatrix } from '../core/csr.ts'
import { productRow } from '../core/kernels-reference.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import {
  exponentOf,
  largestMagnitude,
  rescaledComponents,
  timesPowerOfTwo,
  wideNorm,
  wideOver,
  wideTimes,
  wideValue,
  type Wide,
} from '../core/scaled.ts'
import type { FactorPair } from './comparator.ts'

/** A factorization in normal form. W is samples×k, row-major; H is k×features. */
export interface NormalComponents {
  readonly samples: number
  readonly k: number
  readonly features: number
  /** W with column t divided by ‖w_t‖₂: unit columns, zero for an empty component. */
  readonly U: Float64Array
  /** H with row t divided by ‖h_t‖₂: unit rows, zero for an empty component. */
  readonly V: Float64Array
  /** Whether component t is empty (its W column or its H row all zero). */
  readonly empty: readonly boolean[]
  /** ‖h_t‖₂, the scale of component t, as found. */
  readonly scales: readonly Wide[]
  /** ‖w_t·h_tᵀ‖_F = ‖w_t‖₂·‖h_t‖₂, the size of component t's term; 0 when empty. */
  readonly termNorms: readonly Wide[]
}

const ZERO: Wide = { mantissa: 0, exponent: 0 }

/**
 * Writes the `count` entries of `values` from `start`, `stride` apart, divided
 * by their norm `norm` (from `wideNorm`), to `out` at the same positions.
 */
const writeUnit = (
  values: Float64Array,
  start: number,
  count: number,
  stride: number,
  norm: Wide,
  out: Float64Array,
): void => {
  for (let q = 0; q < count; q++) {
    const at = start + q * stride
    out[at] = timesPowerOfTwo(values[at], -norm.exponent) / norm.mantissa
  }
}

/** A factorization's sizes and the arrays of its W (samples×k) and H (k×features). */
const partsOf = (pair: FactorPair) => ({
  samples: pair.W.rows,
  k: pair.W.cols,
  features: pair.H.cols,
  w: valuesOf(pair.W),
  h: valuesOf(pair.H),
})

/** The normal form of W (samples×k) and H (k×features); the inputs are not changed. */
export const normalizeComponents = (pair: FactorPair): NormalComponents => {
  const { samples, k, features, w, h } = partsOf(pair)
  const U = new Float64Array(samples * k)
  const V = new Float64Array(k * features)
  const empty: boolean[] = []
  const scales: Wide[] = []
  const termNorms: Wide[] = []
  for (let t = 0; t < k; t++) {
    const normW = wideNorm(w, t, samples, k)
    const normH = wideNorm(h, t * features, features, 1)
    const isEmpty = normW.mantissa === 0 || normH.mantissa === 0
    empty.push(isEmpty)
    scales.push(normH)
    termNorms.push(isEmpty ? ZERO : wideTimes(normW, normH))
    // Empty: leave the zeros; dividing by a zero norm is what this prevents.
    if (isEmpty) continue
    writeUnit(w, t, samples, k, normW, U)
    writeUnit(h, t * features, features, 1, normH, V)
  }
  return { samples, k, features, U, V, empty, scales, termNorms }
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
  const emptyA = a.empty[t]
  const emptyB = b.empty[u]
  // Two empty components are the same (zero) term; an empty and a non-empty one
  // have nothing in common.
  if (emptyA || emptyB) {
    const both = emptyA && emptyB ? 1 : 0
    return { cosineW: both, cosineH: both }
  }
  const { samples, k, features } = a
  return {
    cosineW: cosineOf(a.U, t, b.U, u, samples, k),
    cosineH: cosineOf(a.V, t * features, b.V, u * features, features, 1),
  }
}

/**
 * The cosine of `count` entries of x from `i`, and of y from `j`, `stride` apart: unit
 * vectors (the normal form's), so the dot product is finite at any scale of the factors.
 * It is divided by the two norms as they came out (1 to rounding): a vector against
 * itself then has cosine 1 exactly (s / √(s·s) is 1 for s near 1), where the plain dot
 * gave 1 − 2e-16.
 */
const cosineOf = (
  x: Float64Array,
  i: number,
  y: Float64Array,
  j: number,
  count: number,
  stride: number,
): number => {
  let dot = 0
  let squaresX = 0
  let squaresY = 0
  for (let q = 0; q < count; q++) {
    const xq = x[i + q * stride]
    const yq = y[j + q * stride]
    dot += xq * yq
    squaresX += xq * xq
    squaresY += yq * yq
  }
  return clampCosine(dot / Math.sqrt(squaresX * squaresY))
}

/**
 * The k×k weights the matching maximizes, row-major, for pairs that agree when they differ
 * by at most `tolerance`: entry (t, u) is 1 minus the relative difference of the rank-one
 * terms of component t of a and component u of b (`pairDifference`, what the verdict tests),
 * plus 2k + 1 when that difference is within the tolerance. The 2k + 1 outweighs any total
 * of the differences (k of them, each 1 − d in [−1, 1]), so the matching makes as many
 * pairs agree as any matching can (all of them, when some matching has every pair within
 * the tolerance: the verdict is then "same"), and among those matchings minimizes the
 * total difference. A permuted, rescaled copy, whose true pairs differ by 0, is matched to
 * its true pairs. Terms that point nearly the same way but differ in size (parallel W
 * columns and H rows, always so with one sample and one feature) are told apart by their
 * sizes, which cosines alone would leave to a tie or to noise: W columns (1, 1) and
 * (100, 101), matched by cosines, swapped when an entry of the first moved by 1%. Every
 * entry is finite.
 */
export const matchWeights = (
  a: NormalComponents,
  b: NormalComponents,
  tolerance: number,
): Float64Array => {
  const k = a.k
  const out = new Float64Array(k * k)
  for (let t = 0; t < k; t++) {
    for (let u = 0; u < k; u++) {
      const difference = pairDifference(a, t, b, u)
      out[t * k + u] = (difference <= tolerance ? 2 * k + 1 : 0) + (1 - difference)
    }
  }
  return out
}

/** How component t of a and component u of b compare. */
export interface PairComparison {
  readonly cosineW: number
  readonly cosineH: number
  /** cosineW · cosineH: the cosine of the two rank-one terms. */
  readonly similarity: number
  /**
   * ‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max of the two terms' norms: 0 when both are
   * empty, 1 when one is.
   */
  readonly difference: number
}

/**
 * Two non-zero norms as fractions of the larger one: α = a / max(a, b) and
 * β = b / max(a, b), one of them 1. A fraction below the smallest double is 0.
 */
const relativeSizes = (a: Wide, b: Wide): { readonly alpha: number; readonly beta: number } => {
  const aOverB = wideValue(wideOver(a, b))
  return aOverB >= 1 ? { alpha: 1, beta: wideValue(wideOver(b, a)) } : { alpha: aOverB, beta: 1 }
}

/** Compares component t of a with component u of b: cosines and relative difference. */
export const comparePair = (
  a: NormalComponents,
  t: number,
  b: NormalComponents,
  u: number,
): PairComparison => {
  const { cosineW, cosineH } = cosines(a, t, b, u)
  // cosines gives two empty components 1 and 1, an empty and a non-empty one 0 and 0.
  return { cosineW, cosineH, similarity: cosineW * cosineH, difference: pairDifference(a, t, b, u) }
}

/**
 * The relative difference of component t of a and component u of b (see
 * `PairComparison`), what the matching weighs for every pair. Both terms are divided by
 * the larger one's norm, so that A = α·u_a·v_aᵀ and B = β·u_b·v_bᵀ with unit
 * vectors and α, β ≤ 1 (one of them 1): the relative difference is then ‖A − B‖_F,
 * in numbers near 1 whatever the scale of the factors. It is formed from
 * dw = α·u_a − β·u_b and dh = v_a − v_b, since A − B = dw·v_aᵀ + β·u_b·dhᵀ, so
 * its square is ‖dw‖²‖v_a‖² + β²‖u_b‖²‖dh‖² + 2β(dw·u_b)(v_a·dh): small terms
 * only, without the cancellation of ‖A‖² + ‖B‖² − 2⟨A, B⟩ when A and B nearly
 * agree. O(samples + features).
 */
const pairDifference = (a: NormalComponents, t: number, b: NormalComponents, u: number): number => {
  // Both empty: the same (zero) term, no difference. One empty: A − 0 is all of A.
  if (a.empty[t] && b.empty[u]) return 0
  if (a.empty[t] || b.empty[u]) return 1
  const { alpha, beta } = relativeSizes(a.termNorms[t], b.termNorms[u])
  const { samples, k, features } = a
  let dwSquared = 0
  let wbSquared = 0
  let dwDotWb = 0
  for (let i = 0; i < samples; i++) {
    const wb = beta * b.U[i * k + u]
    const dw = alpha * a.U[i * k + t] - wb
    dwSquared += dw * dw
    wbSquared += wb * wb
    dwDotWb += dw * wb
  }
  let haSquared = 0
  let dhSquared = 0
  let haDotDh = 0
  for (let j = 0; j < features; j++) {
    const ha = a.V[t * features + j]
    const dh = ha - b.V[u * features + j]
    haSquared += ha * ha
    dhSquared += dh * dh
    haDotDh += ha * dh
  }
  const squared = dwSquared * haSquared + wbSquared * dhSquared + 2 * dwDotWb * haDotDh
  // Rounding can leave a tiny negative square for an exact match; the true value is ≥ 0.
  return Math.sqrt(Math.max(0, squared))
}

/**
 * The normal form as two matrices, with the components in `order`: component
 * t of the result is component order[t] of the input. W's column t is
 * w_t·‖h_t‖₂ (the unit column times the term's norm), H's row t the unit row.
 * A term norm beyond the largest double gives Infinity: check the norms first.
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
    const size = normal.termNorms[from]
    for (let i = 0; i < samples; i++) {
      W[i * k + t] = timesPowerOfTwo(normal.U[i * k + from] * size.mantissa, size.exponent)
    }
    H.set(normal.V.subarray(from * features, (from + 1) * features), t * features)
  }
  return { W: Matrix.unsafeWrap(samples, k, W), H: Matrix.unsafeWrap(k, features, H) }
}

/** The exponent of a largest |entry|; undefined when it is 0 (all entries zero). */
const exponentOfLargest = (largest: number): number | undefined =>
  largest === 0 ? undefined : exponentOf(largest)

/** The exponent of the largest |entry| of a column of W or a row of H; undefined when all zero. */
const largestExponent = (
  values: Float64Array,
  start: number,
  count: number,
  stride: number,
): number | undefined => exponentOfLargest(largestMagnitude(values, start, count, stride))

/** W̃ and H̃ with W̃·H̃ = 2^-exponent·W·H (see `scaledProduct`). */
interface ScaledProduct {
  readonly W: Float64Array
  readonly H: Float64Array
}

/**
 * The exponents (ew, eh) of a component's largest |entry| in its W column and in its H
 * row, from those entries (its term's largest entry is 2^(ew + eh) to a factor of 4);
 * undefined for an empty component.
 */
const exponentsOf = (largestW: number, largestH: number): readonly [number, number] | undefined => {
  const ew = exponentOfLargest(largestW)
  const eh = exponentOfLargest(largestH)
  return ew === undefined || eh === undefined ? undefined : [ew, eh]
}

/** Per component t, its exponents (ew_t, eh_t) (see `exponentsOf`). */
const termExponents = (pair: FactorPair): (readonly [number, number] | undefined)[] => {
  const { samples, k, features, w, h } = partsOf(pair)
  return Array.from({ length: k }, (_, t) =>
    exponentsOf(largestMagnitude(w, t, samples, k), largestMagnitude(h, t * features, features)),
  )
}

/**
 * The same W·H with each component's W column and H row brought to about the same
 * largest entry, by powers of two (exact where the results are normal doubles): W's
 * column t times 2^s_t and H's row t times 2^-s_t, s_t = ⌊(eh_t − ew_t)/2⌋. Sums over the
 * components of products of W's and of H's own entries (WᵀW, H·Hᵀ) then neither overflow
 * nor underflow because one side is huge and the other tiny; for factors already about
 * balanced the numbers formed from them are the same, bit for bit.
 */
export const balancedPair = (pair: FactorPair): FactorPair => {
  const { W, H } = rescaleTerms(pair, (ew, eh) => Math.floor((eh - ew) / 2), 0)
  return {
    W: Matrix.unsafeWrap(pair.W.rows, pair.W.cols, W),
    H: Matrix.unsafeWrap(pair.H.rows, pair.H.cols, H),
  }
}

/**
 * W and H with, for each non-empty component t, W's column times 2^(s_t − exponent) and
 * H's row times 2^−s_t, s_t = `shift(ew_t, eh_t)` (core/scaled.ts's `rescaledComponents`,
 * which copies them once a component changes); an empty component is left as it is (its
 * term is zero either way).
 */
const rescaleTerms = (
  pair: FactorPair,
  shift: (ew: number, eh: number) => number,
  exponent: number,
): ScaledProduct => {
  const { samples, k, features, w, h } = partsOf(pair)
  const [W, H] = rescaledComponents(
    w,
    h,
    samples,
    k,
    features,
    (largestW, largestH) => {
      const exponents = exponentsOf(largestW, largestH)
      return exponents === undefined ? undefined : shift(exponents[0], exponents[1])
    },
    exponent,
  )
  return { W, H }
}

/** The largest ew_t + eh_t over the pairs' non-empty components; undefined when there is none. */
const productExponent = (pairs: readonly FactorPair[]): number | undefined => {
  let largest: number | undefined
  for (const pair of pairs) {
    for (const exponents of termExponents(pair)) {
      if (exponents === undefined) continue
      const sum = exponents[0] + exponents[1]
      largest = largest === undefined ? sum : Math.max(largest, sum)
    }
  }
  return largest
}

/**
 * W̃ = W with column t times 2^(eh_t − exponent), H̃ = H with row t times
 * 2^(−eh_t): W̃·H̃ = 2^-exponent·W·H, each term scaled by powers of two
 * (exactly, where the result is a normal double). With `exponent` at least every
 * term's ew_t + eh_t, the entries of W̃·H̃ are at most about 4k: no sum of
 * products or squares overflows, and only terms negligible next to the
 * largest underflow.
 */
const scaledProduct = (pair: FactorPair, exponent: number): ScaledProduct =>
  rescaleTerms(pair, (_ew, eh) => eh, exponent)

/**
 * ‖W_a·H_a − W_b·H_b‖_F and ‖W_a·H_a‖_F as `Wide` numbers, one row of the
 * products at a time, both products scaled by one power of two (see
 * `scaledProduct`): right at any scale of the factors, even where the
 * products' entries are beyond float64's range. O(samples·features·k) time,
 * two rows of memory, never the full products.
 */
export const reconstructionDistance = (
  a: FactorPair,
  b: FactorPair,
): { readonly absolute: Wide; readonly normA: Wide } => {
  const exponent = productExponent([a, b])
  if (exponent === undefined) return { absolute: ZERO, normA: ZERO }
  const samples = a.W.rows
  const k = a.W.cols
  const features = a.H.cols
  const scaledA = scaledProduct(a, exponent)
  const scaledB = scaledProduct(b, exponent)
  const rowA = new Float64Array(features)
  const rowB = new Float64Array(features)
  let squaredDistance = 0
  let squaredNormA = 0
  for (let i = 0; i < samples; i++) {
    productRow(scaledA.W, scaledA.H, i, k, features, rowA)
    productRow(scaledB.W, scaledB.H, i, k, features, rowB)
    for (let j = 0; j < features; j++) {
      const difference = rowA[j] - rowB[j]
      squaredNormA += rowA[j] * rowA[j]
      squaredDistance += difference * difference
    }
  }
  return {
    absolute: { mantissa: Math.sqrt(squaredDistance), exponent },
    normA: { mantissa: Math.sqrt(squaredNormA), exponent },
  }
}

/** ‖X‖_F as a `Wide` number, its squares scaled (see `wideNorm`). */
export const dataNorm = (X: AnyMatrix): Wide => wideNorm(storedValues(X))

/**
 * ‖X − W·H‖_F as a `Wide` number, with X and W·H scaled by one power of two as
 * in `reconstructionDistance`: right where the error is beyond float64's range
 * or its squares are. A CSR X is read row by row, never densified.
 */
export const residualNorm = (X: AnyMatrix, pair: FactorPair): Wide => {
  const x = storedValues(X)
  const fromFactors = productExponent([pair])
  const fromX = largestExponent(x, 0, x.length, 1)
  if (fromFactors === undefined && fromX === undefined) return ZERO
  const exponent = Math.max(fromFactors ?? -Infinity, fromX ?? -Infinity)
  const { samples, k, features } = partsOf(pair)
  const scaled = scaledProduct(pair, exponent)
  const row = new Float64Array(features)
  let squares = 0
  for (let i = 0; i < samples; i++) {
    productRow(scaled.W, scaled.H, i, k, features, row)
    // row ← row − X̃_i, then its squares.
    if (X.format === 'dense') {
      for (let j = 0; j < features; j++) row[j] -= timesPowerOfTwo(x[i * features + j], -exponent)
    } else {
      for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
        row[X.indices[q]] -= timesPowerOfTwo(X.data[q], -exponent)
      }
    }
    for (let j = 0; j < features; j++) squares += row[j] * row[j]
  }
  return { mantissa: Math.sqrt(squares), exponent }
}

/**
 * Each component's largest magnitudes: in W's column (W is rows×k), and in H's row (H is
 * k×cols).
 */
const componentSizes = (W: Matrix, H: Matrix): Array<readonly [number, number]> => {
  const w = valuesOf(W)
  const h = valuesOf(H)
  const k = W.cols
  const m = H.cols
  return Array.from(
    { length: k },
    (_, t) => [largestMagnitude(w, t, W.rows, k), largestMagnitude(h, t * m, m)] as const,
  )
}

/**
 * Whether W·H is zero in every entry: exactly when every component's two largest
 * magnitudes multiply to zero. A product of non-negative numbers is zero only where one of
 * its terms is, and that term is among them; with negative entries (moving-average without
 * clipping), a component whose largest magnitudes multiply to a number is not zero either.
 */
export const productIsZero = (W: Matrix, H: Matrix): boolean =>
  componentSizes(W, H).every(([w, h]) => !(w * h > 0))

/** Every component has a zero column of W or a zero row of H: W·H is zero, not by rounding. */
export const disjointComponents = (W: Matrix, H: Matrix): boolean =>
  componentSizes(W, H).every(([w, h]) => w === 0 || h === 0)
