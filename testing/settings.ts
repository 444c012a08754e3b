/**
 * The settings of `solverLaws`: which laws run, on what inputs, how many cases,
 * and how the recovery law fits its plants. Every field has a default.
 */
import type { fc } from '@fast-check/vitest'
import type { Factors, Problem } from 'nmfkit'
import type { MatrixConstraints } from './arbitraries.ts'
import type { OptionConstraints } from './options.ts'
import type { PlantedConstraints } from './planted.ts'

/** The laws, by the names `skip` takes, in the order `solverLaws` declares them. */
export const lawNames = [
  'finite',
  'nonnegative',
  'shapes',
  'inputs-unchanged',
  'deterministic',
  'seed',
  'monotone',
  'objective',
  'penalties',
  'losses',
  'recovery',
  'row-permutation',
  'dense-csr',
] as const

/** A law, by the name `skip` takes. */
export type LawName = (typeof lawNames)[number]

/** How the recovery law fits a planted separable factorization, and how close it must come. */
export interface RecoverySettings {
  /** The plants: separable, small, moderate. @default see DEFAULT_RECOVERY */
  readonly planted?: PlantedConstraints
  /** @default 'nndsvda' */
  readonly init?: 'random' | 'nndsvd' | 'nndsvda' | 'nndsvdar'
  /** @default 2000 */
  readonly maxIter?: number
  /** @default 0 (run every iteration) */
  readonly tol?: number
  /** The solver's own options for the fit. @default its defaults */
  readonly own?: Readonly<Record<string, unknown>>
  /** ‖X − W·H‖_F / ‖X‖_F at most this, whatever the loss of the fit. @default 1e-4 */
  readonly relativeError?: number
  /** `componentDistance` to the plant at most this. @default 1e-2 */
  readonly componentTolerance?: number
  /** The share of the law's runs, which are costlier than the others. @default 0.25 */
  readonly weight?: number
}

/** What `solverLaws` draws and how much it runs; every field has a default. */
export interface LawSettings {
  /** The title of the `describe` block. @default `solver '<name>'` */
  readonly label?: string
  /** Cases per law (NMFKIT_FUZZ_RUNS overrides it). @default 20 */
  readonly numRuns?: number
  /** The seed of every law (NMFKIT_FUZZ_SEED overrides it). @default DEFAULT_SEED */
  readonly seed?: number
  /** The solver's own options, drawn per case. @default its defaults */
  readonly own?: fc.Arbitrary<Readonly<Record<string, unknown>>>
  /** Whether the factors must stay non-negative. @default capabilities.nonnegative */
  readonly nonnegative?: boolean
  /**
   * X for the laws on any input (finite, non-negative, shapes, inputs unchanged,
   * deterministic). @default up to 8×8, scale 10^-30 to 10^30
   */
  readonly matrix?: MatrixConstraints
  /**
   * X for the laws that compare numbers (seed, monotone, objective, penalties, losses, row
   * permutation, dense/CSR; dense/CSR's X with zeros sets its own density, 0.6). The seed
   * and losses laws take X of at least 2×2 within these bounds, and none where they allow
   * no such X.
   * @default up to 8×8, scale 10^-3 to 10^3; positive for the comparing laws
   */
  readonly moderateMatrix?: MatrixConstraints
  /** The options of the fits. @default up to 4 components, up to 30 iterations */
  readonly options?: OptionConstraints
  /**
   * The objective the solver decreases (and reports, if it reports one), from the problem,
   * a state's factors and the solver's own options; the monotone law computes it for the
   * first state and after every step, and the objective law compares it with the objectives
   * the solver reports. A solver that minimizes something else than nmfkit's penalized
   * β-divergence passes its own (e.g. `penalizedDivergence` plus its own penalty). What it
   * throws, or returns that is not a number, fails the law with a message that names it.
   * @default penalizedDivergence: d_β(X | W·H) plus the problem's penalties (for factors with a
   * negative entry, β = 2 alone: ½‖X − W·H‖² plus the penalties)
   */
  readonly objective?: (problem: Problem, state: Factors, options: unknown) => number
  /** The most iterations of the monotone and objective laws' fits (at least 10). @default 40 */
  readonly monotoneIter?: number
  /** The most iterations of the seed law's and the comparing laws' fits. @default 20 */
  readonly agreementIter?: number
  /** The recovery law's settings, or `false` to leave it out. */
  readonly recovery?: RecoverySettings | false
  /** Laws to leave out, each with a reason in the caller's comment. */
  readonly skip?: readonly LawName[]
}

/**
 * The recovery law's defaults: separable plants of 1 or 2 components, 6 to 10
 * samples and features, every entry outside the pure lines non-zero and at
 * least half the largest. (With 3 components, or smaller and sparser plants,
 * coordinate descent from NNDSVDA ends in a local minimum about once in a
 * hundred plants; these settings met no failure in thousands.)
 */
export const DEFAULT_RECOVERY = {
  planted: {
    separable: true,
    maxComponents: 2,
    minRows: 6,
    minCols: 6,
    maxRows: 10,
    maxCols: 10,
    density: 1,
    floor: 0.5,
  },
  init: 'nndsvda',
  maxIter: 2000,
  tol: 0,
  own: {},
  relativeError: 1e-4,
  componentTolerance: 1e-2,
  weight: 0.25,
} as const satisfies RecoverySettings
