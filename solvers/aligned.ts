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
 * 2. Match b's components to a's by the assignment (`maximumAssignment`, exact,
 *    O(k³)) that makes the most pairs agree within the tolerance, and among
 *    those the least total relative difference. A component is its rank-one
 *    term w·hᵀ, and two terms differ by
 *    ‖w_a·h_aᵀ − w_b·h_bᵀ‖_F / max(‖w_a·h_aᵀ‖_F, ‖w_b·h_bᵀ‖_F): their
 *    directions (the W columns and the H rows both, as in X ≈ W·H ⟺
 *    Xᵀ ≈ Hᵀ·Wᵀ) and their sizes. Two empty components differ by 0, an empty
 *    and a non-empty one by 1. So the verdict is "same" exactly when some
 *    matching has every pair within the tolerance (the least total alone
 *    could pass over it, for near-duplicate components), and a permuted,
 *    rescaled copy, every one of whose true pairs differs by 0, is matched to
 *    its true pairs. Terms that point nearly the same way but differ in size
 *    are told apart by their sizes (`matchWeights`): cosines alone tie there,
 *    or follow noise, and a match by cosines paired a small term with a large
 *    one when an entry moved by 1%, and reported fits that agree as different.
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
 *
 * Scale: any finite factors compare, however small or large their entries.
 * Vectors are scaled by powers of two before anything is squared or multiplied
 * (components.ts), so cosines, the matching, the relative differences, the
 * scale ratios and the verdict do not depend on whether a term such as
 * 1e-200·1e-200 or 1e200·1e200 fits in a double. A number of the report that
 * is beyond the largest double (a term's norm of 1e400, a scale ratio of
 * 1e600) cannot be reported: `compare` returns a `NonFiniteInput` that names it
 * and its size. One below the smallest double is reported as 0 (a component is
 * empty only when its W column or its H row is all zero, never by rounding).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { maximumAssignment } from '../core/assignment.ts'
import { frobeniusError } from '../core/divergence.ts'
import type { AnyMatrix } from '../core/csr.ts'
import { overflow, type Result } from '../core/errors.ts'
import { showWide, wideOver, wideValue, type Wide } from '../core/scaled.ts'
import { counted, showCompact, showCosine, showSetting } from '../core/show.ts'
import { Matrix } from '../core/matrix.ts'
import { optionsCodec } from './comparator-options.ts'
import {
  checkComparable,
  checkFiniteFactors,
  type CompareContext,
  type Comparator,
  type FactorPair,
} from './comparator.ts'
import { finiteNormsReport, type NormsReport } from './norms.ts'
import { numberWhere } from './options.ts'
import {
  asFactors,
  balancedPair,
  comparePair,
  dataNorm,
  normalizeComponents,
  reconstructionDistance,
  residualNorm,
  matchWeights,
  type NormalComponents,
} from './components.ts'

/** The options of `aligned`. */
export interface AlignedOptions {
  /**
   * The largest relative difference of a matched pair of rank-one terms that
   * still counts as the same component, in [0, 1): at 1, a term would count as the same
   * as an empty one, which differs from any term by 1. @default 1e-6
   */
  readonly tolerance: number
}

/** `tolerance`: a relative difference below 1, which a term and an empty one differ by. */
const Tolerance = numberWhere('a number in [0, 1)', (v) => v >= 0 && v < 1)

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
  /** cosineW · cosineH, the cosine of the two rank-one terms. */
  readonly similarity: number
  /**
   * ‖w·hᵀ‖_F of a's component, the size of its term in W_a·H_a; 0 when empty
   * (and when it is below the smallest double).
   */
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
  /** Σ similarity over the pairs, at most k (the matching is by differences, not by it). */
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
  const within = `tolerance ${showSetting(tolerance)} on the relative difference of each pair`
  const pairs =
    matches.length === 1 ? 'the 1 component pair' : `all ${matches.length} component pairs`
  // Each differing pair with its terms' sizes: a pair differs relative to its own terms, so
  // one of 1e-12 against an empty one differs by 1, whatever the rest.
  const summary =
    differing.length === 0
      ? `same up to permutation and scale: ${pairs} within ${within} ` +
        `(largest ${showCompact(largestDifference)})`
      : `different: ${differing.length} of ` +
        `${counted(matches.length, 'component pair', 'component pairs')} beyond ${within}: ` +
        differing
          .map(
            (m) =>
              `a${m.a}↔b${m.b} by ${showCompact(m.difference)} ` +
              `(cos W ${showCosine(m.cosineW)}, cos H ${showCosine(m.cosineH)}, ` +
              `‖w·hᵀ‖_F ${showCompact(m.normA)} and ${showCompact(m.normB)})`,
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

/** Which factorization: 'first' for a, 'second' for b. */
type Side = 'first' | 'second'

/**
 * A number that `aligned` reports as a double, or, when it is beyond the
 * largest double, an error that says which number and how large it is.
 */
const reportable = (what: string, value: Wide, input?: 'a' | 'b'): Result<number> => {
  const number = wideValue(value)
  if (Number.isFinite(number)) return E.right(number)
  const error = overflow(
    operation,
    `aligned's ${what}`,
    number,
    `it is ${showWide(value)}, beyond the largest double (1.80e308)`,
  )
  // The factorization whose number it is, where it is one's: `input` names it, as for the
  // refusals of its factors (the command names its file).
  return E.left(input === undefined ? error : { ...error, input })
}

/** The factorization a side names, as `input` names it. */
const inputOf = (side: Side): 'a' | 'b' => (side === 'first' ? 'a' : 'b')

/** The scale ‖h_t‖₂ of component t, as a double. */
const scaleOf = (normal: NormalComponents, t: number, side: Side): Result<number> =>
  reportable(`scale ‖row ${t} of H‖₂ of the ${side} factorization`, normal.scales[t], inputOf(side))

/** The size ‖w_t·h_tᵀ‖_F of component t's term, as a double (0 below the smallest one). */
const termNormOf = (normal: NormalComponents, t: number, side: Side): Result<number> =>
  reportable(
    `norm ‖w·hᵀ‖_F of component ${t} of the ${side} factorization`,
    normal.termNorms[t],
    inputOf(side),
  )

/** One matched pair as the report shows it. */
const matchOf = (
  normalA: NormalComponents,
  t: number,
  normalB: NormalComponents,
  u: number,
  tolerance: number,
): Result<ComponentMatch> => {
  const bothNonEmpty = !normalA.empty[t] && !normalB.empty[u]
  const ratio: Result<number | null> = bothNonEmpty
    ? reportable(
        `scale ratio ‖row ${u} of H_b‖₂ / ‖row ${t} of H_a‖₂`,
        wideOver(normalB.scales[u], normalA.scales[t]),
      )
    : E.right(null)
  return pipe(
    E.Do,
    E.apS('scaleA', scaleOf(normalA, t, 'first')),
    E.apS('scaleB', scaleOf(normalB, u, 'second')),
    E.apS('scale', ratio),
    E.apS('normA', termNormOf(normalA, t, 'first')),
    E.apS('normB', termNormOf(normalB, u, 'second')),
    E.map(({ scaleA, scaleB, scale, normA, normB }) => {
      const pair = comparePair(normalA, t, normalB, u)
      return {
        a: t,
        b: u,
        scaleA,
        scaleB,
        scale,
        cosineW: pair.cosineW,
        cosineH: pair.cosineH,
        similarity: pair.similarity,
        normA,
        normB,
        difference: pair.difference,
        same: pair.difference <= tolerance,
      }
    }),
  )
}

/**
 * ‖X − W·H‖_F of one factorization: `frobeniusError`, the number a fit reports,
 * where its sum of squares is safely within float64's range; beyond that the
 * scaled `residualNorm`, which does not depend on how the factors' largest
 * entries fall into components.
 */
const errorAgainst = (X: AnyMatrix, pair: FactorPair, side: Side): Result<number> => {
  // For a CSR X the error is formed from WᵀW and H·Hᵀ, which a component with a huge W
  // column and a tiny H row would overflow or underflow: the components are balanced first.
  // frobeniusError balances too, but only components more than 2^200 apart, and this pass
  // still changes the error at extreme scales: with an empty component next to a huge W
  // column, frobeniusError alone can be 0.14% off where this gives the dense error.
  const balanced = X.format === 'csr' ? balancedPair(pair) : pair
  const plain = frobeniusError(X, balanced.W, balanced.H)
  return plain > 1e-140 && plain < 1e140
    ? E.right(plain)
    : reportable(
        `reconstruction error ‖X − W·H‖_F of the ${side} factorization`,
        residualNorm(X, pair),
        inputOf(side),
      )
}

const compareAligned = (
  a: FactorPair,
  b: FactorPair,
  context: CompareContext,
  options: AlignedOptions,
): Result<AlignedReport> => {
  const checked = pipe(
    checkComparable(operation, a, b, context.X),
    E.chain(() => checkFiniteFactors(operation, a, b, context.X)),
  )
  if (E.isLeft(checked)) return checked

  // Normalize, then match by the relative differences of the components' terms, the most
  // within the tolerance first: formed from unit vectors and ratios of norms, finite at any
  // scale of the factors (see components.ts).
  const normalA = normalizeComponents(a)
  const normalB = normalizeComponents(b)
  const assignment = pipe(
    Matrix.fromData(normalA.k, normalA.k, matchWeights(normalA, normalB, options.tolerance)),
    E.chain(maximumAssignment),
  )
  if (E.isLeft(assignment)) return assignment
  const permutation = assignment.right.columnOfRow

  const matches = E.sequenceArray(
    permutation.map((u, t) => matchOf(normalA, t, normalB, u, options.tolerance)),
  )
  if (E.isLeft(matches)) return matches

  // The notebook's metrics on the aligned factors: b's components in a's order. Their
  // entries are at most the term norms, which are finite by now.
  const checkedNorms = finiteNormsReport(
    operation,
    asFactors(normalA),
    asFactors(normalB, permutation),
    (metric) => `aligned's norms metric ${metric} of the aligned factors`,
  )
  if (E.isLeft(checkedNorms)) return checkedNorms
  const alignedNorms = checkedNorms.right

  const X = context.X
  const errors =
    X === undefined
      ? E.right(null)
      : pipe(
          E.Do,
          E.apS('a', errorAgainst(X, a, 'first')),
          E.apS('b', errorAgainst(X, b, 'second')),
        )
  if (E.isLeft(errors)) return errors
  const distance = reconstructionDistance(a, b)
  const absolute = reportable('reconstruction difference ‖W_a·H_a − W_b·H_b‖_F', distance.absolute)
  if (E.isLeft(absolute)) return absolute
  const reference = X === undefined ? distance.normA : dataNorm(X)
  // A zero reference: 0 when the reconstructions agree, otherwise no finite ratio.
  const relative: Result<number | null> =
    reference.mantissa > 0
      ? reportable(
          `reconstruction difference relative to ${X === undefined ? '‖W_a·H_a‖_F' : '‖X‖_F'}`,
          wideOver(distance.absolute, reference),
        )
      : E.right(distance.absolute.mantissa === 0 ? 0 : null)
  if (E.isLeft(relative)) return relative

  return E.right({
    comparator: 'aligned',
    components: normalA.k,
    tolerance: options.tolerance,
    permutation,
    totalSimilarity: matches.right.reduce((sum, match) => sum + match.similarity, 0),
    matches: matches.right,
    normsAfterAlignment: alignedNorms,
    reconstructionErrors: errors.right,
    reconstructionDifference: {
      absolute: absolute.right,
      relative: relative.right,
      relativeTo: X === undefined ? 'a' : 'X',
    },
    verdict: verdictOf(matches.right, options.tolerance),
  })
}

/**
 * Compares two factorizations up to permutation and scale (see the module
 * comment for the method and the verdict rule). W is samples×k, H k×features.
 * Factors with non-finite entries are a `NonFiniteInput`, and so is a number of
 * the report beyond the largest double (the error names it); cost O(k³ +
 * k²·(samples + features) + samples·features·k), memory for a normalized copy
 * of each.
 *
 * @example
 * compare(fitA, fitB, { comparators: [aligned], X })
 * // Right({ reports: [{ comparator: 'aligned', permutation: [2, 0, 1], verdict, ... }] })
 * compare(fitA, fitB, { comparators: [withOptions(aligned, { tolerance: 1e-3 })] })
 */
export const aligned: Comparator<AlignedReport, AlignedOptions> = {
  name: 'aligned',
  options: optionsCodec('aligned options', { tolerance: Tolerance }, alignedDefaults),
  compare: compareAligned,
}
