/**
 * The `aligned` comparator: two factorizations compared up to the freedoms
 * every NMF has. For any permutation P and positive diagonal D,
 * W·H = (W·P·D)·(D⁻¹·Pᵀ·H), so a second fit may list the same components in
 * another order, each with another scale, and still be the same factorization.
 *
 * 1. Normalize: each row of H to unit Euclidean norm, its norm moved into the
 *    matching column of W, so that W·H does not change. A component whose W
 *    column or H row is all zero adds nothing to W·H: it is empty, kept as
 *    zeros and never divided by.
 * 2. Match b's components to a's by the assignment that maximizes the total
 *    cosine similarity of the components (`maximumAssignment`, exact, O(k³)).
 *    A component is its rank-one term w·hᵀ, and the cosine of two such terms
 *    is the cosine of the W columns times the cosine of the H rows. Both
 *    factors count, as in X ≈ W·H ⟺ Xᵀ ≈ Hᵀ·Wᵀ; the H rows alone cannot tell
 *    apart components whose rows are parallel (always so with one feature,
 *    often with sparse rows), and then the match would be arbitrary. Two empty
 *    components have similarity 1, an empty and a non-empty one 0. For a
 *    permuted, rescaled copy every true pair has similarity 1, the largest
 *    possible, so the true permutation is an optimal assignment. Known limit:
 *    components of one factorization whose terms are parallel (proportional W
 *    columns and proportional H rows, e.g. always with one sample and one
 *    feature) are indistinguishable by cosine; they are matched in a fixed but
 *    arbitrary order, and if their sizes differ the verdict calls them different.
 * 3. Report, per matched pair: the scales, the cosines of the W columns and of
 *    the H rows, the norm of each rank-one term w·hᵀ and their relative
 *    difference; then the `norms` metrics of the aligned factors, the errors
 *    against X, the relative difference of the reconstructions, and the verdict.
 *
 * The verdict: a pair agrees when its relative difference
 * ‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max(‖w_a·h_aᵀ‖_F, ‖w_b·h_bᵀ‖_F)
 * is at most the
 * tolerance (two empty components agree); the factorizations are the same up
 * to permutation and scale when every pair agrees. Then, since W·H is the sum
 * of its rank-one terms, ‖W_a·H_a − W_b·H_b‖_F ≤ tolerance · Σ max(‖·‖_F).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { maximumAssignment } from '../core/assignment.ts'
import { frobeniusError } from '../core/divergence.ts'
import type { Result } from '../core/errors.ts'
import { showCompact, showCosine } from '../core/show.ts'
import { Matrix } from '../core/matrix.ts'
import { checkFinite } from '../core/validate.ts'
import {
  checkComparable,
  norms,
  optionsCodec,
  type CompareContext,
  type Comparator,
  type FactorPair,
  type NormsReport,
} from './compare.ts'
import { UnitInterval } from './options.ts'
import {
  asFactors,
  comparePair,
  normalizeComponents,
  reconstructionDistance,
  termCosines,
  type NormalComponents,
} from './components.ts'

/** The options of `aligned`. */
export interface AlignedOptions {
  /**
   * The largest relative difference of a matched pair of rank-one terms that
   * still counts as the same component, in [0, 1]. @default 1e-6
   */
  readonly tolerance: number
}

/** The defaults of `aligned`'s options. */
export const alignedDefaults: AlignedOptions = { tolerance: 1e-6 }

/** One component of a and the component of b matched to it. */
export interface ComponentMatch {
  /** The component of a (0-based). */
  readonly a: number
  /** The component of b matched to it. */
  readonly b: number
  /** ‖H_a row a‖₂: the scale found, moved into W_a's column. */
  readonly scaleA: number
  /** ‖H_b row b‖₂. */
  readonly scaleB: number
  /** scaleB / scaleA: b's H row is about this times a's; null when either is empty. */
  readonly scale: number | null
  /** Cosine similarity of the W columns (after normalization). */
  readonly cosineW: number
  /** Cosine similarity of the H rows. */
  readonly cosineH: number
  /** cosineW · cosineH, the cosine of the two rank-one terms: what the matching maximized. */
  readonly similarity: number
  /** ‖w·hᵀ‖_F of a's component, the size of its term in W_a·H_a; 0 when empty. */
  readonly normA: number
  /** ‖w·hᵀ‖_F of b's component. */
  readonly normB: number
  /** ‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max(normA, normB); 0 when both are empty. */
  readonly difference: number
  /** difference ≤ tolerance. */
  readonly same: boolean
}

/** The verdict of `aligned`. */
export interface AlignedVerdict {
  /** Every matched pair agrees within the tolerance. */
  readonly same: boolean
  /** The components of a whose pair differs by more than the tolerance. */
  readonly differing: readonly number[]
  /** The largest `difference` over the pairs. */
  readonly largestDifference: number
  /** One sentence with the numbers. */
  readonly summary: string
}

/** The report of `aligned`: plain data, JSON-serializable. */
export interface AlignedReport {
  readonly comparator: 'aligned'
  /** k, the number of components of each factorization. */
  readonly components: number
  readonly tolerance: number
  /** `permutation[t]` is the component of b matched to component t of a. */
  readonly permutation: readonly number[]
  /** Σ similarity over the pairs: the total the assignment maximized, at most k. */
  readonly totalSimilarity: number
  readonly matches: readonly ComponentMatch[]
  /** The `norms` metrics of the aligned factors: unit-norm H rows, b in a's order. */
  readonly normsAfterAlignment: NormsReport
  /** ‖X − W·H‖_F of a and of b; null when X was not given. */
  readonly reconstructionErrors: { readonly a: number; readonly b: number } | null
  readonly reconstructionDifference: {
    /** ‖W_a·H_a − W_b·H_b‖_F. */
    readonly absolute: number
    /** absolute over the reference norm; null when that norm is 0 and absolute is not. */
    readonly relative: number | null
    /** The reference: `'X'` for ‖X‖_F, `'a'` for ‖W_a·H_a‖_F (when X was not given). */
    readonly relativeTo: 'X' | 'a'
  }
  readonly verdict: AlignedVerdict
}

/** True for an `AlignedReport`, e.g. one of the `reports` of `compare`. */
export const isAlignedReport = (report: unknown): report is AlignedReport =>
  typeof report === 'object' &&
  report !== null &&
  (report as { comparator?: unknown }).comparator === 'aligned'

const verdictOf = (matches: readonly ComponentMatch[], tolerance: number): AlignedVerdict => {
  const differing = matches.filter((match) => !match.same)
  const largestDifference = Math.max(0, ...matches.map((match) => match.difference))
  const within = `tolerance ${showCompact(tolerance)} on the relative difference of each pair`
  const summary =
    differing.length === 0
      ? `same up to permutation and scale: all ${matches.length} component pairs within ` +
        `${within} (largest ${showCompact(largestDifference)})`
      : `different: ${differing.length} of ${matches.length} component pairs beyond ${within}: ` +
        differing
          .map(
            (m) =>
              `a${m.a}↔b${m.b} by ${showCompact(m.difference)} ` +
              `(cos W ${showCosine(m.cosineW)}, cos H ${showCosine(m.cosineH)})`,
          )
          .join('; ')
  return {
    same: differing.length === 0,
    differing: differing.map((match) => match.a),
    largestDifference,
    summary,
  }
}

const operation = 'compare'

const checkFactors = (a: FactorPair, b: FactorPair): Result<void> =>
  pipe(
    checkFinite(operation, 'W of the first factorization', a.W),
    E.chain(() => checkFinite(operation, 'H of the first factorization', a.H)),
    E.chain(() => checkFinite(operation, 'W of the second factorization', b.W)),
    E.chain(() => checkFinite(operation, 'H of the second factorization', b.H)),
    E.map(() => undefined),
  )

/** One matched pair as the report shows it. */
const matchOf = (
  normalA: NormalComponents,
  t: number,
  normalB: NormalComponents,
  u: number,
  tolerance: number,
): ComponentMatch => {
  const pair = comparePair(normalA, t, normalB, u)
  const bothNonEmpty = normalA.termNorms[t] > 0 && normalB.termNorms[u] > 0
  return {
    a: t,
    b: u,
    scaleA: normalA.scales[t],
    scaleB: normalB.scales[u],
    scale: bothNonEmpty ? normalB.scales[u] / normalA.scales[t] : null,
    cosineW: pair.cosineW,
    cosineH: pair.cosineH,
    similarity: pair.similarity,
    normA: normalA.termNorms[t],
    normB: normalB.termNorms[u],
    difference: pair.difference,
    same: pair.difference <= tolerance,
  }
}

const compareAligned = (
  a: FactorPair,
  b: FactorPair,
  context: CompareContext,
  options: AlignedOptions,
): Result<AlignedReport> => {
  const checked = pipe(
    checkComparable(operation, a, b, context.X),
    E.chain(() => checkFactors(a, b)),
  )
  if (E.isLeft(checked)) return checked

  // Normalize, then match by the cosines of the components (k×k, finite by construction).
  const normalA = normalizeComponents(a)
  const normalB = normalizeComponents(b)
  const assignment = pipe(
    Matrix.fromData(normalA.k, normalA.k, termCosines(normalA, normalB)),
    E.chain(maximumAssignment),
  )
  if (E.isLeft(assignment)) return assignment
  const permutation = assignment.right.columnOfRow

  // The notebook's metrics on the aligned factors: b's components in a's order.
  const alignedNorms = norms.compare(
    asFactors(normalA),
    asFactors(normalB, permutation),
    context,
    {},
  )
  if (E.isLeft(alignedNorms)) return alignedNorms

  const matches = permutation.map((u, t) => matchOf(normalA, t, normalB, u, options.tolerance))
  const X = context.X
  const distance = reconstructionDistance(a, b)
  const reference = X === undefined ? distance.normA : X.frobeniusNorm()
  return E.right({
    comparator: 'aligned',
    components: normalA.k,
    tolerance: options.tolerance,
    permutation,
    totalSimilarity: matches.reduce((sum, match) => sum + match.similarity, 0),
    matches,
    normsAfterAlignment: alignedNorms.right,
    reconstructionErrors:
      X === undefined ? null : { a: frobeniusError(X, a.W, a.H), b: frobeniusError(X, b.W, b.H) },
    reconstructionDifference: {
      absolute: distance.absolute,
      // A zero reference: 0 when the reconstructions agree, otherwise no finite ratio.
      relative: reference > 0 ? distance.absolute / reference : distance.absolute === 0 ? 0 : null,
      relativeTo: X === undefined ? 'a' : 'X',
    },
    verdict: verdictOf(matches, options.tolerance),
  })
}

/**
 * Compares two factorizations up to permutation and scale (see the module
 * comment for the method and the verdict rule). W is samples×k, H k×features.
 * Factors with non-finite entries are a `NonFiniteInput`; cost O(k³ + k²·(samples
 * + features) + samples·features·k), memory for a normalized copy of each.
 *
 * @example
 * compare(fitA, fitB, { comparators: [aligned], X })
 * // Right({ reports: [{ comparator: 'aligned', permutation: [2, 0, 1], verdict, ... }] })
 * compare(fitA, fitB, { comparators: [withOptions(aligned, { tolerance: 1e-3 })] })
 */
export const aligned: Comparator<AlignedReport, AlignedOptions> = {
  name: 'aligned',
  options: optionsCodec('aligned options', { tolerance: UnitInterval }, alignedDefaults),
  compare: compareAligned,
}
