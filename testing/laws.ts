/**
 * `solverLaws(plugin, settings)`: the conformance laws every solver should
 * keep, declared as vitest property tests. Each law draws fit cases (X and the
 * options of `nmf`) from the solver's capabilities and runs `nmf` with the
 * plugin, as a user would.
 *
 * Tolerances, stated once:
 * - monotone: an objective may exceed the one before it by at most
 *   MONOTONE_SLACK times the larger of the first objective and ½‖X‖²_F
 *   (the rounding of an objective formed from products of X);
 * - row permutation and dense/CSR: the factors of the two fits differ by at
 *   most AGREEMENT_TOLERANCE relative to their largest entry (only the order
 *   of sums differs, over at most `agreementIter` iterations);
 * - recovery: see `RecoverySettings`.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect } from 'vitest'
import { CsrMatrix, Matrix, nmf, type AnySolver, type Factorization, type NmfOptions } from 'nmfkit'
import { csrOf, unwrap, type MatrixConstraints } from './arbitraries.ts'
import { budget } from './budget.ts'
import {
  componentDistance,
  firstNegative,
  nonFiniteParts,
  objectiveScale,
  permuteRows,
  relativeDifference,
  sameFit,
  snapshot,
  weightedFactors,
} from './checks.ts'
import {
  betaLossOption,
  fitCases,
  withOptions,
  type FitCase,
  type OptionConstraints,
} from './options.ts'
import { planted, type PlantedConstraints } from './planted.ts'

/** The laws, by the names `skip` takes. */
export type LawName =
  | 'finite'
  | 'nonnegative'
  | 'shapes'
  | 'inputs-unchanged'
  | 'deterministic'
  | 'monotone'
  | 'recovery'
  | 'row-permutation'
  | 'dense-csr'

/** An objective may rise by this much, relative to its scale (see the header). */
export const MONOTONE_SLACK = 1e-9
/** The relative difference allowed between two fits that differ only in the order of sums. */
export const AGREEMENT_TOLERANCE = 1e-6

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
  /** ‖X − W·H‖_F / ‖X‖_F at most this. @default 1e-4 */
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
   * X for the laws that compare numbers (monotone, row permutation, dense/CSR).
   * @default up to 8×8, scale 10^-3 to 10^3
   */
  readonly moderateMatrix?: MatrixConstraints
  /** The options of the fits. @default up to 4 components, up to 30 iterations */
  readonly options?: OptionConstraints
  /** The most iterations of the monotone law's fits. @default 40 */
  readonly monotoneIter?: number
  /** The most iterations of the comparing laws' fits. @default 20 */
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

/** Runs `nmf` with `solver` and returns the fit, or throws the tagged error's message. */
const fitWith = (
  solver: AnySolver,
  X: Matrix | CsrMatrix,
  options: Readonly<Record<string, unknown>>,
): Factorization => {
  const result = nmf(X, { ...options, solver } as NmfOptions)
  if (E.isLeft(result)) throw new Error(`${result.left._tag}: ${result.left.message}`)
  return result.right
}

/** The case's custom init as matrices, or undefined. */
const customInit = (c: FitCase): { readonly W: Matrix; readonly H: Matrix } | undefined =>
  c.init === 'custom' ? (c.options.init as { W: Matrix; H: Matrix }) : undefined

/**
 * Declares the conformance laws for `plugin` as vitest property tests, in a
 * `describe` block. Call it at the top level of a test file.
 *
 * @example
 * import { solverLaws } from 'nmfkit/testing'
 * solverLaws(mySolver, { own: fc.record({ rate: fc.double({ min: 0.1, max: 1 }) }) })
 */
export const solverLaws = (plugin: AnySolver, settings: LawSettings = {}): void => {
  const { capabilities } = plugin
  const fit = (X: Matrix | CsrMatrix, options: Readonly<Record<string, unknown>>) =>
    fitWith(plugin, X, options)
  const runs = settings.numRuns ?? 20
  const params = (weight = 1) => budget(runs, weight, settings.seed)
  const skip = new Set(settings.skip ?? [])
  const options: OptionConstraints = {
    ...settings.options,
    own: settings.options?.own ?? settings.own,
  }
  const anyCase = fitCases(
    plugin,
    { minExponent: -30, maxExponent: 30, ...settings.matrix },
    options,
  )
  const moderate = { minExponent: -3, maxExponent: 3, ...settings.moderateMatrix }
  const nonnegative = settings.nonnegative ?? capabilities.nonnegative
  const law = (name: LawName, run: () => void) => {
    if (!skip.has(name)) run()
  }

  describe(settings.label ?? `solver '${plugin.name}'`, () => {
    law('finite', () => {
      test.prop([anyCase], params())('finite output: factors, error and history', (c) => {
        expect(nonFiniteParts(fit(c.X, c.options))).toEqual([])
      })
    })

    law('nonnegative', () => {
      if (!nonnegative) return
      test.prop([anyCase], params())('non-negative factors, as promised', (c) => {
        expect(firstNegative(fit(c.X, c.options))).toBeUndefined()
      })
    })

    law('shapes', () => {
      test.prop([anyCase], params())('shapes, iteration count and history', (c) => {
        const result = fit(c.X, c.options)
        const k = c.options.components
        expect(result.W.shape).toEqual([c.X.rows, k])
        expect(result.H.shape).toEqual([k, c.X.cols])
        const maxIter = c.options.maxIter as number
        expect(result.nIter).toBeGreaterThanOrEqual(1)
        expect(result.nIter).toBeLessThanOrEqual(maxIter)
        if (!result.converged) expect(result.nIter).toBe(maxIter)
        expect(result.history.map((entry) => entry.iteration)).toEqual(
          Array.from({ length: result.nIter }, (_, i) => i + 1),
        )
        expect(result.solver.name).toBe(plugin.name)
      })
    })

    law('inputs-unchanged', () => {
      const cases = anyCase.chain((c) => csrOf(c.X).map((csr) => ({ c, csr })))
      test.prop([cases], params())(
        'inputs unchanged: X (dense and CSR), init, options',
        ({ c, csr }) => {
          const init = customInit(c)
          const before = [
            snapshot(c.X),
            snapshot(csr),
            ...(init ? [snapshot(init.W), snapshot(init.H)] : []),
          ]
          const optionsBefore = { ...c.options }
          fit(c.X, c.options)
          fit(csr, c.options)
          const after = [
            snapshot(c.X),
            snapshot(csr),
            ...(init ? [snapshot(init.W), snapshot(init.H)] : []),
          ]
          expect(after).toEqual(before)
          expect(Object.keys(c.options)).toEqual(Object.keys(optionsBefore))
          for (const key of Object.keys(optionsBefore))
            expect(c.options[key], `option '${key}'`).toBe(optionsBefore[key])
        },
      )
    })

    law('deterministic', () => {
      test.prop([anyCase], params())('the same seed gives the same fit, to the bit', (c) => {
        expect(sameFit(fit(c.X, c.options), fit(c.X, c.options))).toBe(true)
      })
    })

    law('monotone', () => {
      if (!capabilities.monotone) return
      const cases = fitCases(plugin, moderate, options).chain((c) =>
        fc
          .integer({ min: 10, max: settings.monotoneIter ?? 40 })
          .map((maxIter) => withOptions(c, { maxIter, tol: 0 })),
      )
      test.prop([cases], params())('the objective never increases', (c) => {
        const result = fit(c.X, c.options)
        const objectives = result.history.flatMap((entry) =>
          entry.objective === undefined ? [] : [entry.objective],
        )
        if (objectives.length === 0) {
          throw new Error(
            `solver '${plugin.name}' declares a monotone objective but reports none ` +
              `in ${result.nIter} iterations`,
          )
        }
        const scale = Math.max(objectives[0], objectiveScale(c.X, c.beta))
        for (let i = 1; i < objectives.length; i++) {
          const rise = objectives[i] - objectives[i - 1]
          expect(rise, `objective ${i} after ${i - 1}`).toBeLessThanOrEqual(MONOTONE_SLACK * scale)
        }
      })
    })

    law('recovery', () => {
      if (settings.recovery === false) return
      const recovery = { ...DEFAULT_RECOVERY, ...settings.recovery }
      const { losses } = capabilities
      const beta = losses.includes('frobenius')
        ? 2
        : losses.includes('kullback-leibler')
          ? 1
          : undefined
      if (beta === undefined) return
      test.prop([planted(recovery.planted)], params(recovery.weight))(
        `recovers a separable plant: relative error ≤ ${recovery.relativeError}, ` +
          `components within ${recovery.componentTolerance}`,
        (plant) => {
          const result = fit(plant.X, {
            ...recovery.own,
            ...betaLossOption(beta),
            components: plant.components,
            init: recovery.init,
            maxIter: recovery.maxIter,
            tol: recovery.tol,
          })
          const relative = result.reconstructionError / plant.X.frobeniusNorm()
          expect(relative).toBeLessThanOrEqual(recovery.relativeError)
          expect(componentDistance(result, plant)).toBeLessThanOrEqual(recovery.componentTolerance)
        },
      )
    })

    law('row-permutation', () => {
      const cases = fitCases(plugin, moderate, { ...options, inits: ['custom'] }).chain((c) =>
        fc
          .record({
            order: fc.shuffledSubarray(
              Array.from({ length: c.X.rows }, (_, i) => i),
              { minLength: c.X.rows, maxLength: c.X.rows },
            ),
            maxIter: fc.integer({ min: 1, max: settings.agreementIter ?? 20 }),
          })
          .map(({ order, maxIter }) => ({ c: withOptions(c, { maxIter, tol: 0 }), order })),
      )
      test.prop([cases], params())('rows of X permuted give rows of W permuted', ({ c, order }) => {
        const init = customInit(c) as { W: Matrix; H: Matrix }
        const permutedX = unwrap(Matrix.fromArrays(permuteRows(c.X, order)))
        const permutedW0 = unwrap(Matrix.fromArrays(permuteRows(init.W, order)))
        const original = fit(c.X, c.options)
        const permuted = fit(permutedX, { ...c.options, init: { W: permutedW0, H: init.H } })
        const expected = weightedFactors(original)
        const found = weightedFactors(permuted)
        const expectedW = unwrap(Matrix.fromArrays(permuteRows(expected.W, order)))
        expect(relativeDifference(found.W, expectedW)).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
        expect(relativeDifference(found.H, expected.H)).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
      })
    })

    law('dense-csr', () => {
      const cases = fitCases(plugin, moderate, { ...options, inits: ['random', 'custom'] }).chain(
        (c) =>
          fc
            .record({
              csr: csrOf(c.X),
              maxIter: fc.integer({ min: 1, max: settings.agreementIter ?? 20 }),
            })
            .map(({ csr, maxIter }) => ({ c: withOptions(c, { maxIter, tol: 0 }), csr })),
      )
      test.prop([cases], params())('dense and CSR inputs give the same fit', ({ c, csr }) => {
        const dense = weightedFactors(fit(c.X, c.options))
        const sparse = weightedFactors(fit(csr, c.options))
        expect(relativeDifference(sparse.W, dense.W)).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
        expect(relativeDifference(sparse.H, dense.H)).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
      })
    })
  })
}
