/**
 * `solverLaws(plugin, settings)`: the conformance laws every solver should
 * keep, declared as vitest property tests in one `describe` block. Each law
 * draws fit cases (X and the options of `nmf`, the loss among those the
 * solver's `capabilities.losses` name) and runs `nmf` with the plugin, as a
 * user would. A fit that ends in a Left fails the law with the error's message.
 * A law that fails says which law it is, what it compared (W or H, which two
 * fits) and the numbers, e.g. `law 'deterministic': two fits with the same
 * options (seed 0) differ: W[0, 0] is 0.0316 in the first fit and 0.0321 in
 * the second`; fast-check's report above it gives the case and how to replay it. The
 * error of the failed test starts with the law, the solver and that reason (`law
 * 'deterministic' fails for solver 'mine': two fits…`), then fast-check's report, with
 * the failed assertion as its cause.
 *
 * Its arguments are checked first (`checkArguments` in arguments.ts): what is wrong is an
 * error, thrown when the test file is collected, that names the argument.
 *
 * The laws, by the names `skip` takes (`lawNames`):
 * - finite: W, H, the reconstruction error and the history's objectives and
 *   details are finite; a measure is never NaN (±Infinity may mean "not yet");
 * - nonnegative: no negative entry in W or H (when the solver promises it);
 * - shapes: W is samples×k, H is k×features, 1 ≤ nIter ≤ maxIter, nIter =
 *   maxIter unless converged, one history entry per iteration;
 * - inputs-unchanged: X (dense, and CSR when `capabilities.sparse`), a custom
 *   init and the options object are as they were after the fits; no step changes
 *   anything reachable from the state it is given (W, H and whatever else the
 *   state holds); and neither `start` nor any step changes anything reachable
 *   from the problem (X's entries, the penalties…) or the solver's options
 *   (`deepSnapshot` in reachable.ts says what is compared, and its limits). A
 *   failure names the path of the first change, e.g. `state.velocity[0] was 0,
 *   is 0.5`; a write that throws because nmf froze its target (the problem, its
 *   penalties, the options object) fails the law with the TypeError's message;
 * - deterministic: the same options (seed included) give the same fit, to the bit;
 * - seed: a fit that `shuffle: true` changes (its W and H differ from those of the
 *   fit with `shuffle: false`, from the same custom init) takes its random order
 *   from `problem.rng`, which the seed starts: the solver draws from it or reads
 *   its seed, and a fit with another seed differs (of SEED_TRIES other seeds, one at
 *   least). A solver that ignores shuffle keeps the law; one that shuffles with a
 *   generator of its own does not, whatever it drew from `problem.rng`. Each of the
 *   two fits is made twice first: a solver whose fits of the same options differ
 *   fails as not deterministic, not for its shuffle;
 * - monotone (when `capabilities.monotone`): the objective never rises. It is
 *   computed from each state's factors once the fit is done (`settings.objective`,
 *   by default `penalizedDivergence`: d_β(X | W·H) plus the penalties; for factors
 *   with a negative entry, of a solver that declares `nonnegative: false`,
 *   ½‖X − W·H‖² plus the penalties, and for β ≠ 2, where d_β has no value there,
 *   the law fails saying so: pass `settings.objective` or skip the law), and the
 *   objectives the solver reports, if any, are held to the same. For a solver that
 *   declares penalties and 'frobenius', also from near a minimum of ½‖X − W·H‖²
 *   plus the problem's penalties (cd's fit of the case, X at the scale nearest 1
 *   the settings allow, a tenth of the penalties drawn): a solver that applies
 *   other penalties (half of them, L2 as L1) moves away from it, and the objective
 *   rises;
 * - objective: each objective the solver reports (it may report none) is the
 *   objective of the state its step returned, the one the monotone law computes
 *   (`settings.objective` or `penalizedDivergence`): a solver that reports its
 *   objective with other penalties than the problem's, or another quantity, fails;
 * - penalties (when `capabilities.penalties`): W's penalty alone changes the fit,
 *   and so does H's alone (unless the solver holds that factor fixed: its fit
 *   ends where it started);
 * - losses (when `capabilities.losses` allows more than one β): two losses it declares
 *   give two fits (a solver that runs one update whatever the loss gives the same);
 * - recovery: a planted separable factorization is found again, to a relative
 *   Frobenius error (whatever the loss), with β = 2 if the solver declares
 *   'frobenius', else 1 for 'kullback-leibler', else 1.5 for 'beta-divergence' (a
 *   solver that declares only β ≤ 0 cannot fit a plant's zeros, and the law is
 *   reported skipped);
 * - row-permutation: X with its rows permuted (and the custom init's W with
 *   them) gives W with its rows permuted and the same H;
 * - dense-csr (when `capabilities.sparse`): X as a CSR matrix, built from
 *   untidy parts (unsorted, duplicates, explicit zeros), gives the same fit as
 *   X dense: a positive X, and an X with zeros (which CSR does not store) over
 *   at most 3 iterations.
 *
 * Every fit gets copies of X and the custom init, so that the case fast-check
 * prints is the case as drawn, whatever a solver did to its inputs.
 *
 * Inputs: the first five laws take X at scales 10^-30 to 10^30 (beyond that
 * the default init, which fills NNDSVD's zeros with mean(X) as scikit-learn
 * does, makes ‖X − W₀·H₀‖² overflow near 10^77; under a loss other than
 * Frobenius from 10^-12, see `fitCases`), with zero rows and columns,
 * any k up to 4 and penalties. The monotone and objective laws take 10^-3 to
 * 10^3. The seed law and the comparing laws take well-conditioned fits: X
 * positive at 10^-3 to 10^3, k ≤ min(samples, features), no penalties.
 * Elsewhere a component can die (its Gram diagonal near 0) and divide the
 * rounding differences of the two fits by that near-zero, which no fixed
 * tolerance bounds; dense-csr's X with zeros runs too few iterations for that.
 *
 * Tolerances, stated once:
 * - monotone: an objective may exceed the one before it by at most
 *   MONOTONE_SLACK times the larger of the first objective and
 *   `objectiveScale(X, β)`, the size of the terms the objective sums (its
 *   rounding, which dominates when the fit is nearly exact);
 * - objective: a reported objective may differ from the computed one by at most
 *   OBJECTIVE_TOLERANCE times the larger of the computed one and
 *   `objectiveScale(X, β, state)` (with, for β = 2, the size of the products
 *   W·H sums: factors of both signs cancel in it);
 * - row-permutation and dense-csr: the two fits differ only in the order of
 *   sums, over at most `agreementIter` iterations; their `weightedFactors`
 *   (each component weighted by its other half, so that a component which
 *   carries nothing and is pure rounding noise does not count) differ by at
 *   most AGREEMENT_TOLERANCE relative to the largest entry;
 * - recovery: `RecoverySettings.relativeError` and `componentTolerance`.
 */
import { fc, test } from '@fast-check/vitest'
import { assert, describe, expect } from 'vitest'
import {
  cd,
  frobeniusError,
  Matrix,
  type AnySolver,
  type CsrMatrix,
  type Factorization,
} from 'nmfkit'
import { csrOf, DEFAULT_MAX_SIDE, unwrap, type MatrixConstraints } from './arbitraries.ts'
import { checkArguments } from './arguments.ts'
import { budget, DEFAULT_RUNS } from './budget.ts'
import {
  changeSince,
  componentDistance,
  factorDifference,
  firstNegative,
  fitDifference,
  largestDifference,
  nonFiniteParts,
  objectiveScale,
  penalizedDivergence,
  permuteRows,
  relativeDifference,
  snapshot,
  weightedFactors,
} from './checks.ts'
import {
  betaLossOption,
  betas,
  fitCases,
  withOptions,
  type FitCase,
  type OptionConstraints,
} from './options.ts'
import {
  breaks,
  copies,
  copyOf,
  countingRng,
  fitPassing,
  fitWith,
  messageOf,
  observing,
  recording,
  watchingSteps,
  withRng,
  type Seen,
} from './fits.ts'
import { planted } from './planted.ts'
import { DEFAULT_RECOVERY, type LawName, type LawSettings } from './settings.ts'

/** An objective may rise by this much, relative to its scale (see the header). */
export const MONOTONE_SLACK = 1e-9
/**
 * How far, relative to its scale (see the header), a reported objective may be from the
 * one computed from the factors of its state.
 */
export const OBJECTIVE_TOLERANCE = 1e-9
/** The relative difference allowed between two fits that differ only in the order of sums. */
export const AGREEMENT_TOLERANCE = 1e-6
/**
 * How many other seeds the seed law tries, for a fit that shuffle changes, before it fails
 * the solver because none changes the fit (see the law).
 */
const SEED_TRIES = 20

/**
 * fast-check's reporter for a law: throws, when the law failed, an error whose message
 * starts with the law, the solver and the reason (the message of what the property threw,
 * its `law '…': ` and `solver '…': ` left out), then fast-check's report (the seed, the
 * counterexample, how to replay it), with what the property threw as its cause. vitest
 * shows one of several failures whose errors are the same as if it were all of them: the
 * law, the solver and the reason make each its own.
 */
const failureOf =
  (law: LawName, solver: string) =>
  <T>(out: fc.RunDetails<T>): void => {
    if (!out.failed) return
    const thrown = out.errorInstance
    const reason =
      thrown === null || thrown === undefined
        ? ''
        : `: ${messageOf(thrown)
            .replace(/^law '[^']*': /, '')
            .replace(`solver '${solver}': `, '')}`
    const report = fc.defaultReportMessage(out) ?? ''
    throw new Error(`law '${law}' fails for solver '${solver}'${reason}\n${report}`, {
      cause: thrown,
    })
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
  checkArguments(plugin, settings)
  const { capabilities } = plugin
  const fit = (law: string, X: Matrix | CsrMatrix, options: Readonly<Record<string, unknown>>) =>
    fitWith(law, plugin, X, options)
  const runs = settings.numRuns ?? DEFAULT_RUNS
  // A law's budget, and how its failure reads: the law, the solver and the reason first.
  const params = (name: LawName, weight = 1) => ({
    ...budget(runs, weight, settings.seed),
    reporter: failureOf(name, plugin.name),
  })
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
  // The comparing laws need well-conditioned fits (see the header).
  const moderate = { minExponent: -3, maxExponent: 3, ...settings.moderateMatrix }
  const positive = { ...moderate, positive: true }
  const conditioned: OptionConstraints = { ...options, withinRank: true, penalties: false }
  // Positive X of at least 2×2 within the settings' bounds (a solver may take one shape
  // alone, and say so in moderateMatrix), or undefined where they allow none.
  const most = (bound: number | undefined) => bound ?? DEFAULT_MAX_SIDE
  const atLeastTwoByTwo: MatrixConstraints | undefined =
    most(positive.maxRows) < 2 || most(positive.maxCols) < 2
      ? undefined
      : {
          ...positive,
          minRows: Math.max(2, positive.minRows ?? 1),
          minCols: Math.max(2, positive.minCols ?? 1),
        }
  const nonnegative = settings.nonnegative ?? capabilities.nonnegative
  // Fails `law` with `claim` (and the number of iterations) when the fit of X with options
  // `b` has the same W and H as `first`: the option that differs changed nothing.
  const differsFrom = (
    law: LawName,
    first: Factorization,
    X: Matrix,
    b: Readonly<Record<string, unknown>>,
    claim: string,
  ) => {
    if (factorDifference(first, fit(law, X, b)) === undefined) {
      assert.fail(`law '${law}': ${claim} (${first.nIter} iterations)`)
    }
  }
  const law = (name: LawName, run: () => void) => {
    if (!skip.has(name)) run()
  }
  const objective = settings.objective ?? penalizedDivergence
  const which = settings.objective ? "the settings' objective" : 'd_β plus the penalties'
  // The objective of the state a fit's start (i = 0) or step i returned, from its factors;
  // the law fails, saying why, where it cannot be computed.
  const objectiveOf = (name: LawName, { problem, state, own }: Seen, i: number): number => {
    const of = i === 0 ? 'the state its start returned' : `the state after iteration ${i}`
    const negative = settings.objective === undefined ? firstNegative(state) : undefined
    if (negative !== undefined && problem.beta !== 2) {
      assert.fail(
        `law '${name}': cannot compute the objective of ${of}, which has ${negative}: ` +
          'penalizedDivergence, the default objective, takes factors of any sign for ' +
          `β = 2 alone (½‖X − W·H‖²), and this fit's β is ${problem.beta}; pass the ` +
          `objective solver '${plugin.name}' decreases as settings.objective, or leave ` +
          `the law out (skip: ['${name}'])`,
      )
    }
    let value: unknown
    try {
      value = objective(problem, state, own)
    } catch (error) {
      assert.fail(`law '${name}': the objective of ${of} (${which}): ${messageOf(error)}`)
    }
    // A JavaScript caller's objective, or one cast, may return anything: its fault, not the
    // solver's.
    if (typeof value !== 'number') {
      const returned = typeof value === 'string' ? JSON.stringify(value) : String(value)
      assert.fail(
        `law '${name}': the objective of ${of} (${which}): settings.objective returned ` +
          `${typeof value === 'object' && value !== null ? 'an object' : returned}, ` +
          'expected a number',
      )
    }
    return value
  }
  // Fits of 10 to monotoneIter iterations, every one run (tol 0), on moderate X: the cases
  // of the laws that compute the objective of every state.
  const longFits = fitCases(plugin, moderate, options).chain((c) =>
    fc
      .integer({ min: 10, max: settings.monotoneIter ?? 40 })
      .map((maxIter) => withOptions(c, { maxIter, tol: 0 })),
  )

  describe(settings.label ?? `solver '${plugin.name}'`, () => {
    law('finite', () => {
      test.prop([anyCase], params('finite'))('finite output: factors, error and history', (c) => {
        const parts = nonFiniteParts(fit('finite', c.X, c.options))
        breaks(
          parts.length === 0 ? undefined : parts.join('; '),
          "law 'finite': numbers of the fit (W, H, error, history) are not finite",
        )
      })
    })

    law('nonnegative', () => {
      if (!nonnegative) return
      test.prop([anyCase], params('nonnegative'))('non-negative factors, as promised', (c) => {
        breaks(
          firstNegative(fit('nonnegative', c.X, c.options)),
          "law 'nonnegative': the fit has a negative entry, though capabilities.nonnegative " +
            'promises none',
        )
      })
    })

    law('shapes', () => {
      test.prop([anyCase], params('shapes'))('shapes, iteration count and history', (c) => {
        const result = fit('shapes', c.X, c.options)
        const k = c.options.components
        const [n, m] = [c.X.rows, c.X.cols]
        const of = `of the fit of X ${n}×${m} with k = ${k}`
        expect(result.W.shape, `law 'shapes': the shape of W ${of} (samples × k)`).toEqual([n, k])
        expect(result.H.shape, `law 'shapes': the shape of H ${of} (k × features)`).toEqual([k, m])
        const maxIter = c.options.maxIter as number
        const nIter = `law 'shapes': nIter ${of} and maxIter ${maxIter}`
        expect(result.nIter, nIter).toBeGreaterThanOrEqual(1)
        expect(result.nIter, nIter).toBeLessThanOrEqual(maxIter)
        if (!result.converged) {
          expect(result.nIter, `${nIter}, not converged, so every iteration ran`).toBe(maxIter)
        }
        expect(
          result.history.map((entry) => entry.iteration),
          `law 'shapes': the iterations of the history ${of}, 1 to nIter = ${result.nIter}`,
        ).toEqual(Array.from({ length: result.nIter }, (_, i) => i + 1))
        expect(result.solver.name, "law 'shapes': the solver's name in the fit").toBe(plugin.name)
      })
    })

    law('inputs-unchanged', () => {
      // A CSR X only for a solver that takes one: `sparse: false` solvers may refuse it.
      const cases = anyCase.chain((c) =>
        (capabilities.sparse ? csrOf(c.X) : fc.constant(undefined)).map((csr) => ({ c, csr })),
      )
      const watched = watchingSteps(plugin)
      test.prop([cases], params('inputs-unchanged'))(
        'inputs unchanged: X (dense and CSR), init, options, and what start and each step ' +
          'are given',
        ({ c, csr }) => {
          // The fits get copies, which are compared with the case as drawn: the case that
          // fast-check prints stays as it was.
          const given = copies(c.X, c.options)
          const init = customInit(c)
          const givenInit = given.options.init as { W: Matrix; H: Matrix }
          const givenCsr = csr ? copyOf(csr) : undefined
          const inputs = [
            ['X', c.X, given.X],
            ...(csr && givenCsr ? [['X as CSR', csr, givenCsr] as const] : []),
            ...(init
              ? [
                  ['the init W', init.W, givenInit.W] as const,
                  ['the init H', init.H, givenInit.H] as const,
                ]
              : []),
          ] as const
          const before = inputs.map(([, input]) => snapshot(input))
          // The object nmf is given, itself: its keys and values must stay as they were.
          const passed: Record<string, unknown> = { ...given.options, solver: watched }
          const [keys, values] = [Object.keys(passed), Object.values(passed)]
          fitPassing('inputs-unchanged', given.X, passed)
          if (givenCsr) fitPassing('inputs-unchanged', givenCsr, passed)
          inputs.forEach(([name, , copy], q) => {
            breaks(changeSince(before[q], copy), `law 'inputs-unchanged': the fits changed ${name}`)
          })
          expect(
            Object.keys(passed),
            "law 'inputs-unchanged': the keys of the options object after the fits",
          ).toEqual(keys)
          keys.forEach((key, q) =>
            expect(passed[key], `law 'inputs-unchanged': option '${key}' after the fits`).toBe(
              values[q],
            ),
          )
          if (init) {
            const { W, H } = passed.init as { W: Matrix; H: Matrix }
            expect(W, "law 'inputs-unchanged': the init's W after the fits").toBe(givenInit.W)
            expect(H, "law 'inputs-unchanged': the init's H after the fits").toBe(givenInit.H)
          }
        },
      )
    })

    law('deterministic', () => {
      test.prop([anyCase], params('deterministic'))(
        'the same seed gives the same fit, to the bit',
        (c) => {
          const first = fit('deterministic', c.X, c.options)
          const second = fit('deterministic', c.X, c.options)
          breaks(
            fitDifference(first, second),
            `law 'deterministic': two fits with the same options (seed ${String(c.options.seed)}) ` +
              'differ',
          )
        },
      )
    })

    law('seed', () => {
      // Components visited in an order, which shuffle makes random: at least 2 of them, on X
      // of at least 2×2 (k ≤ min(samples, features)), from a custom init, which the seed
      // does not draw. Settings that allow no such case (one component at most, one row or
      // one column) leave the law nothing to check.
      if ((options.maxComponents ?? 4) < 2 || atLeastTwoByTwo === undefined) return
      const cases = fitCases(plugin, atLeastTwoByTwo, {
        ...conditioned,
        inits: ['custom'],
        shuffle: false,
      })
        .filter((c) => c.options.components >= 2)
        .chain((c) =>
          fc
            .integer({ min: 1, max: settings.agreementIter ?? 20 })
            .map((maxIter) => withOptions(c, { maxIter, tol: 0 })),
        )
      test.prop([cases], params('seed'))(
        'a fit that shuffle changes draws its order from the seed',
        (c) => {
          const seed = c.options.seed as number
          // Draws from problem.rng and reads of its seed, over every fit of the case.
          let draws = 0
          const watched = withRng(plugin, (rng) =>
            countingRng(rng, () => {
              draws += 1
            }),
          )
          const fitOf = (shuffle: boolean, at = seed) =>
            fitWith('seed', watched, c.X, { ...c.options, shuffle, seed: at })
          const unshuffled = fitOf(false)
          const before = draws
          const shuffled = fitOf(true)
          const drew = draws > before
          const difference = factorDifference(unshuffled, shuffled)
          if (difference === undefined) return
          const iterations = `(${shuffled.nIter} iterations)`
          // Before shuffle is blamed: each fit again, with the same options, is the same.
          for (const [shuffle, first] of [
            [false, unshuffled],
            [true, shuffled],
          ] as const) {
            breaks(
              factorDifference(first, fitOf(shuffle)),
              `law 'seed': solver '${plugin.name}' is not deterministic: two fits with the ` +
                `same options (shuffle: ${shuffle}, seed ${seed}) differ ${iterations}, and the ` +
                "law cannot tell what shuffle changes (the law 'deterministic' asks the same " +
                'fit of the same options)',
            )
          }
          if (!drew) {
            assert.fail(
              `law 'seed': the fit with shuffle: true differs from the fit with shuffle: false ` +
                `(${difference}), though solver '${plugin.name}' never drew from problem.rng ` +
                `nor read its seed: the random order shuffle asks for must come from ` +
                `problem.rng, which the fit's seed (${seed}) starts ${iterations}`,
            )
          }
          // The order follows the seed: another seed gives another fit. (Where few orders
          // change the fit, as for 2 components drawn once, a seed may give the same one by
          // chance, one time in 2: of SEED_TRIES seeds, one differs but once in 2^SEED_TRIES.)
          for (let q = 1; q <= SEED_TRIES; q++) {
            if (factorDifference(shuffled, fitOf(true, seed + q)) !== undefined) return
          }
          assert.fail(
            `law 'seed': the fits with shuffle: true and the seeds ${seed} to ` +
              `${seed + SEED_TRIES} have the same W and H, to the bit, though shuffle changes ` +
              `the fit (from the fit with shuffle: false, ${difference}): solver ` +
              `'${plugin.name}' drew from problem.rng or read its seed, but its order does not ` +
              'follow the seed (a generator of its own?); the random order shuffle asks for ' +
              `must come from problem.rng, which the fit's seed starts ${iterations}`,
          )
        },
      )
    })

    law('monotone', () => {
      if (!capabilities.monotone) return
      // Fails the law where the objective of the fit of c.X with `given` (c's options, or
      // another init) rises: computed from every state's factors once the fit is done (a
      // fit that fails fails the law with nmf's message), and reported, if it is: a solver
      // that reports a falling objective while its fit gets worse breaks the law too.
      const neverRises = (c: FitCase, given: Readonly<Record<string, unknown>>) => {
        const { watched, seen } = recording(plugin)
        const result = fitWith('monotone', watched, c.X, given)
        const computed = seen.map((state, i) => objectiveOf('monotone', state, i))
        // The objectives the solver reports (it may report none) must fall too.
        const reported = result.history.flatMap((entry) =>
          entry.objective === undefined ? [] : [entry],
        )
        const objectives = reported.map((entry) => entry.objective as number)
        const scale = Math.max(objectives[0] ?? 0, objectiveScale(c.X, c.beta))
        for (let i = 1; i < objectives.length; i++) {
          const rise = objectives[i] - objectives[i - 1]
          const [before, after] = [reported[i - 1].iteration, reported[i].iteration]
          expect(
            rise,
            `law 'monotone': the rise of the objective from iteration ${before} ` +
              `(${objectives[i - 1]}) to iteration ${after} (${objectives[i]}), ` +
              `against the slack ${MONOTONE_SLACK} × ${scale}`,
          ).toBeLessThanOrEqual(MONOTONE_SLACK * scale)
        }
        const computedScale = Math.max(computed[0], objectiveScale(c.X, c.beta))
        for (let i = 1; i < computed.length; i++) {
          expect(
            computed[i] - computed[i - 1],
            `law 'monotone': the rise of the objective computed from the factors ` +
              `(${which}) from ` +
              `${i === 1 ? 'the start' : `iteration ${i - 1}`} (${computed[i - 1]}) to ` +
              `iteration ${i} (${computed[i]}), against the slack ${MONOTONE_SLACK} × ` +
              `${computedScale}`,
          ).toBeLessThanOrEqual(MONOTONE_SLACK * computedScale)
        }
      }
      test.prop([longFits], params('monotone'))('the objective never increases', (c) =>
        neverRises(c, c.options),
      )
      // From near a minimum of ½‖X − W·H‖² plus the problem's penalties (cd's fit, whose
      // every entry is at its coordinate minimum), an update that applies other penalties
      // (half of them, L2 as L1…) moves toward its own minimum, and the objective rises;
      // from a start far from both, it can fall all the way. Monotone from any start, a
      // solver keeps this too. X at the scale nearest 1 that the settings allow, where the
      // drawn penalties neither vanish beside the divergence nor zero the factors.
      const { penalties } = capabilities
      if (penalties !== true || !capabilities.losses.includes('frobenius')) return
      if (options.penalties === false) return
      const nearOne = Math.min(Math.max(0, moderate.minExponent), moderate.maxExponent)
      const penalized = fitCases(
        plugin,
        { ...moderate, minExponent: nearOne, maxExponent: nearOne },
        { ...options, losses: false },
      )
        .filter((c) => Number(c.options.alphaW ?? 0) > 0)
        .chain((c) =>
          fc.integer({ min: 10, max: settings.monotoneIter ?? 40 }).map((maxIter) => {
            // A tenth of the penalties drawn (up to 0.05), which keep more factors alive.
            const [alphaW, alphaH] = [
              c.options.alphaW as number,
              c.options.alphaH as number | 'same',
            ]
            const tenth = { alphaW: alphaW / 10, alphaH: alphaH === 'same' ? alphaH : alphaH / 10 }
            return withOptions(c, { ...tenth, maxIter, tol: 0 })
          }),
        )
      test.prop([penalized], params('monotone'))(
        "the objective never increases from a penalized minimum (cd's fit)",
        (c) => {
          const common = Object.fromEntries(
            ['components', 'init', 'seed', 'shuffle', 'alphaW', 'alphaH', 'l1Ratio'].flatMap(
              (key) => (key in c.options ? [[key, c.options[key]]] : []),
            ),
          )
          const minimum = fitWith('monotone', cd, c.X, { ...common, maxIter: 200, tol: 0 })
          // Penalties that drive a factor to zero leave no start (nmf refuses a zero init).
          if (minimum.W.max() === 0 || minimum.H.max() === 0) return
          neverRises(c, { ...c.options, init: { W: minimum.W, H: minimum.H } })
        },
      )
    })

    law('objective', () => {
      test.prop([longFits], params('objective'))(
        'the objectives it reports are those of its states',
        (c) => {
          const { watched, seen } = recording(plugin)
          const result = fitWith('objective', watched, c.X, c.options)
          for (const { iteration, objective: reported } of result.history) {
            if (reported === undefined) continue
            const computed = objectiveOf('objective', seen[iteration], iteration)
            const { state } = seen[iteration]
            const scale = Math.max(Math.abs(computed), objectiveScale(c.X, c.beta, state))
            expect(
              Math.abs(reported - computed),
              `law 'objective': the difference between the objective reported after ` +
                `iteration ${iteration} (${reported}) and the one computed from the factors ` +
                `of its state (${which}: ${computed}), against the slack ` +
                `${OBJECTIVE_TOLERANCE} × ${scale}`,
            ).toBeLessThanOrEqual(OBJECTIVE_TOLERANCE * scale)
          }
        },
      )
    })

    law('penalties', () => {
      if (capabilities.penalties !== true) return
      // A custom init of positive factors: from factors whose components carry nothing (a
      // zero column of W against a zero row of H), multiplicative updates stay at 0 with or
      // without penalties. A factor the solver holds fixed (its fit ends where the state
      // its start returned had it) is not asked to move for its penalty.
      const cases = fitCases(plugin, positive, { ...conditioned, inits: ['custom'] }).chain((c) =>
        fc
          .record({
            maxIter: fc.integer({ min: 1, max: settings.agreementIter ?? 20 }),
            alpha: fc.constantFrom(0.25, 0.5, 1),
            l1Ratio: fc.constantFrom(0, 0.5, 1),
          })
          .map(({ maxIter, alpha, l1Ratio }) => ({
            c: withOptions(c, { maxIter, tol: 0 }),
            alpha,
            l1Ratio,
          })),
      )
      // Each factor's penalty on its own: a solver that applies W's and drops H's fails.
      test.prop([cases], params('penalties'))(
        "penalties change the fit: W's alone, H's alone",
        ({ c, alpha, l1Ratio }) => {
          // The factors of the state start returns (a solver may rescale the init there).
          let started: { readonly W: string; readonly H: string } | undefined
          const watched = observing(plugin, (_problem, state) => {
            started ??= { W: snapshot(state.W), H: snapshot(state.H) }
          })
          const base = fitWith('penalties', watched, c.X, c.options)
          for (const [factor, name, penalties] of [
            ['W', 'alphaW', { alphaW: alpha, alphaH: 0, l1Ratio }],
            ['H', 'alphaH', { alphaW: 0, alphaH: alpha, l1Ratio }],
          ] as const) {
            if (started && snapshot(base[factor]) === started[factor]) continue
            differsFrom(
              'penalties',
              base,
              c.X,
              { ...c.options, ...penalties },
              `solver '${plugin.name}' declares capabilities.penalties, but the fit with ` +
                `${name} = ${alpha} alone (l1Ratio ${l1Ratio}) has the same W and H, to the ` +
                `bit, as the fit without penalties, though it moves ${factor}`,
            )
          }
        },
      )
    })

    law('losses', () => {
      const declared = capabilities.losses
      if (declared.length < 2 && !declared.includes('beta-divergence')) return
      // At least 2×2: on a single row or column, a multiplicative update of one component
      // lands on the same factors whatever β (settings that allow no larger X leave the law
      // nothing to check). A random start: from an exact one (nndsvda on a rank-1 X), every
      // loss leaves the factors where they are.
      if (atLeastTwoByTwo === undefined) return
      const cases = fitCases(plugin, atLeastTwoByTwo, {
        ...conditioned,
        inits: ['random'],
        losses: false,
      }).chain((c) =>
        fc
          .record({
            pair: fc.tuple(betas(plugin), betas(plugin)).filter(([a, b]) => a !== b),
            maxIter: fc.integer({ min: 1, max: settings.agreementIter ?? 20 }),
          })
          .map(({ pair, maxIter }) => ({ c: withOptions(c, { maxIter, tol: 0 }), pair })),
      )
      test.prop([cases], params('losses'))(
        'each loss it declares gives its own fit',
        ({ c, pair }) => {
          const [a, b] = pair
          differsFrom(
            'losses',
            fit('losses', c.X, { ...c.options, ...betaLossOption(a) }),
            c.X,
            { ...c.options, ...betaLossOption(b) },
            `solver '${plugin.name}' declares the losses ${declared.join(', ')}, but its fits ` +
              `with β = ${a} and β = ${b} have the same W and H, to the bit`,
          )
        },
      )
    })

    law('recovery', () => {
      if (settings.recovery === false) return
      const recovery = { ...DEFAULT_RECOVERY, ...settings.recovery }
      const { losses } = capabilities
      // An exact plant minimizes every β-divergence; a plant has zeros, which β ≤ 0 refuses.
      const beta = losses.includes('frobenius')
        ? 2
        : losses.includes('kullback-leibler')
          ? 1
          : losses.includes('beta-divergence')
            ? 1.5
            : undefined
      if (beta === undefined) {
        test.skip(
          `recovers a separable plant: not run, the solver declares no loss that can fit ` +
            `a plant with zeros (${losses.join(', ')}; β ≤ 0 needs X without zeros)`,
          () => undefined,
        )
        return
      }
      test.prop([planted(recovery.planted)], params('recovery', recovery.weight))(
        `recovers a separable plant: relative error ≤ ${recovery.relativeError}, ` +
          `components within ${recovery.componentTolerance}`,
        (plant) => {
          const result = fit('recovery', plant.X, {
            ...recovery.own,
            ...betaLossOption(beta),
            components: plant.components,
            init: recovery.init,
            maxIter: recovery.maxIter,
            tol: recovery.tol,
          })
          // The Frobenius error whatever the loss: reconstructionError is √(2·d_β) for β ≠ 2.
          const error = frobeniusError(plant.X, result.W, result.H)
          const of =
            `the fit (β = ${beta}) of a ${plant.components}-component plant, ` +
            `X ${plant.X.rows}×${plant.X.cols}, ` +
            `after ${result.nIter} iterations from ${recovery.init}`
          expect(
            error / plant.X.frobeniusNorm(),
            `law 'recovery': ‖X − W·H‖_F / ‖X‖_F of ${of} (error ${error})`,
          ).toBeLessThanOrEqual(recovery.relativeError)
          expect(
            componentDistance(result, plant),
            `law 'recovery': componentDistance of ${of} to the plant's components`,
          ).toBeLessThanOrEqual(recovery.componentTolerance)
        },
      )
    })

    law('row-permutation', () => {
      const cases = fitCases(plugin, positive, { ...conditioned, inits: ['custom'] }).chain((c) =>
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
      test.prop([cases], params('row-permutation'))(
        'rows of X permuted give rows of W permuted',
        ({ c, order }) => {
          const init = customInit(c) as { W: Matrix; H: Matrix }
          const permutedX = unwrap(Matrix.fromArrays(permuteRows(c.X, order)))
          const permutedW0 = unwrap(Matrix.fromArrays(permuteRows(init.W, order)))
          const original = fit('row-permutation', c.X, c.options)
          const permuted = fit('row-permutation', permutedX, {
            ...c.options,
            init: { W: permutedW0, H: init.H },
          })
          const expected = weightedFactors(original)
          const found = weightedFactors(permuted)
          const expectedW = unwrap(Matrix.fromArrays(permuteRows(expected.W, order)))
          const rows = `rows reordered as ${JSON.stringify(order)}`
          expect(
            relativeDifference(found.W, expectedW),
            `law 'row-permutation': W of the fit of X with its ${rows} against W of the fit ` +
              `of X, its ${rows} ` +
              `(largest difference at ${largestDifference(found.W, expectedW)}; ` +
              'relative difference of weighted factors)',
          ).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
          expect(
            relativeDifference(found.H, expected.H),
            `law 'row-permutation': H of the fit of X with its ${rows} against H of the fit ` +
              'of X ' +
              `(largest difference at ${largestDifference(found.H, expected.H)}; ` +
              'relative difference of weighted factors)',
          ).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
        },
      )
    })

    law('dense-csr', () => {
      if (!capabilities.sparse) return
      const withCsr = (matrix: MatrixConstraints, maxIter: number) =>
        fitCases(plugin, matrix, { ...conditioned, inits: ['random', 'custom'] }).chain((c) =>
          fc
            .record({ csr: csrOf(c.X), maxIter: fc.integer({ min: 1, max: maxIter }) })
            .map(({ csr, maxIter }) => ({ c: withOptions(c, { maxIter, tol: 0 }), csr })),
        )
      // X positive, over as many iterations as the other comparing laws; and X with zeros
      // (which its CSR form does not store: a solver that read the stored entries as the
      // dense matrix would pass on a positive X) over a few, before a component that dies
      // can magnify the two fits' rounding differences.
      const cases = fc.oneof(
        withCsr(positive, settings.agreementIter ?? 20),
        withCsr({ ...moderate, density: 0.6, zeroLines: false }, 3),
      )
      test.prop([cases], params('dense-csr'))(
        'dense and CSR inputs give the same fit',
        ({ c, csr }) => {
          const dense = weightedFactors(fit('dense-csr', c.X, c.options))
          const sparse = weightedFactors(fit('dense-csr', csr, c.options))
          for (const name of ['W', 'H'] as const) {
            expect(
              relativeDifference(sparse[name], dense[name]),
              `law 'dense-csr': ${name} of the fit of X as CSR against ${name} of the fit of X ` +
                `dense (largest difference at ${largestDifference(sparse[name], dense[name])}; ` +
                'relative difference of weighted factors)',
            ).toBeLessThanOrEqual(AGREEMENT_TOLERANCE)
          }
        },
      )
    })
  })
}
