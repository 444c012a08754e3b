/**
 * `nmf(X, options)`: the path of one fit. Decode the options, check X, resolve
 * the solver and the init, build the first factors, let the driver loop, and
 * return the `Factorization`. Its types are in solvers/nmf-types.ts, the solvers and the
 * checks of a plugin in solvers/resolve-solver.ts, and what it settles before the solver
 * runs, shared with `transform` and `initialize`, in solvers/setup.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { EPSILON, type BetaLoss } from '../core/beta-divergence.ts'
import {
  concerning,
  invalidOption,
  showIterations,
  showNumber,
  unsupported,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import type { AnyMatrix } from '../core/csr.ts'
import { createRng } from '../core/rng.ts'
import { checkNonNegativeInput } from '../core/validate.ts'
import type { AnySolver, Factors, Problem } from './contract.ts'
import { withResidentScope } from '../core/wasm.ts'
import { runDriver, type Factorization, type GivenStart } from './driver.ts'
import { allZeroAdvice, defaultInit } from './init.ts'
import { disjointComponents, productIsZero } from './components.ts'
import type { CommonNmfOptions, Nmf, NmfOptions } from './nmf-types.ts'
import { commonDefaults, commonProps, decodeProps, readNamed, readOptions } from './options.ts'
import { ownOptions, resolveSolver, solvers } from './resolve-solver.ts'
import { mu } from './mu.ts'
import {
  buildInit,
  checkPenalties,
  checkSparse,
  muStartFinite,
  problemOf,
  resolveBeta,
} from './setup.ts'
import { asMatrix, type MatrixInput } from '../core/input.ts'

/** The built-in solvers' objects themselves: a copy of one is a plugin. */
const builtIn: ReadonlySet<AnySolver> = new Set(solvers)

const operation = 'nmf'

/**
 * Factorizes a non-negative X (samples×features) as W·H with W samples×k and
 * H k×features, both non-negative.
 *
 * @example
 * const fit = nmf([[1, 0], [0, 1], [1, 1]], { components: 2, init: 'nndsvda' })
 * // Right({ W: 3×2, H: 2×2, nIter, converged, reconstructionError, history, ... })
 */
export const nmf: Nmf = <R extends string, C extends string>(
  input: AnyMatrix<R, C> | MatrixInput,
  options: CommonNmfOptions,
): Result<Factorization<R, C>> => withResidentScope(() => fit(input, options as NmfOptions))

const fit = <R extends string, C extends string>(
  input: AnyMatrix<R, C> | MatrixInput,
  options: NmfOptions,
): Result<Factorization<R, C>> =>
  pipe(
    E.Do,
    // Read once: a getter of the caller's that throws is an error on its option.
    E.bind('common_', () => readOptions(operation, options, undefined, Object.keys(commonProps))),
    E.bind('X', () => E.mapLeft(concerning('X'))(asMatrix(operation, input))),
    E.bind('X_', ({ X }) => E.mapLeft(concerning('X'))(checkNonNegativeInput(operation, 'X', X))),
    E.bind('solver', ({ common_ }) => resolveSolver(common_.solver)),
    // The solver's own options, known now, read by name too.
    E.bind('given', ({ common_, solver }) =>
      readNamed(operation, options, common_, Object.keys(solver.optionProps)),
    ),
    E.bind('sparse_', ({ X, solver }) => checkSparse(operation, solver, X)),
    E.bind('common', ({ given, solver }) =>
      decodeProps(operation, given, commonProps, Object.keys(solver.optionProps)),
    ),
    E.bind('own', ({ given, solver }) =>
      decodeProps(operation, given, solver.optionProps, Object.keys(commonProps)),
    ),
    // Filled in by its defaults; one the user left out and that has none is required.
    E.bind('solverOptions', ({ solver, own }) => ownOptions(solver, own)),
    E.bind('beta', ({ X, solver, common }) =>
      resolveBeta(operation, solver, (common.betaLoss as BetaLoss | undefined) ?? 'frobenius', X),
    ),
    E.chain(({ given, X, solver, common, solverOptions, beta }) => {
      if (common.components === undefined) {
        return E.left<NmfError>(
          invalidOption(
            operation,
            'components',
            'expected an integer ≥ 1, found none (it is required)',
          ),
        )
      }
      const fits = componentsFit(operation, X, common.components as number)
      if (E.isLeft(fits)) return fits
      const resolved = { ...commonDefaults, ...common } as typeof commonDefaults & {
        components: number
      }
      // One stream for the whole fit: the init draws first, then the solver.
      const rng = createRng(resolved.seed)
      const problem = problemOf(X, resolved.components, beta, resolved, rng)
      const penalized = checkPenalties(operation, solver, problem.penalties, resolved)
      if (E.isLeft(penalized)) return penalized
      // A custom start, which an overflow it causes names (solvers/driver.ts).
      const givenStart =
        typeof given.init === 'object' && given.init !== null ? CUSTOM_START : undefined
      return pipe(
        buildInit(X, resolved.components, given.init, rng, operation),
        // mu's first update divides W by W·(H·Hᵀ), which a start can overflow (see there).
        E.chainFirst((initial) =>
          solver === mu && problem.beta === 2
            ? muStartFinite(operation, X, initial, givenStart, X_SCALES)
            : E.right(undefined),
        ),
        E.chain((initial) =>
          pipe(
            runDriver(solver, problem, initial, solverOptions, {
              maxIter: resolved.maxIter,
              tol: resolved.tol,
              onIteration: common.onIteration as NmfOptions['onIteration'],
              signal: common.signal as AbortSignal | undefined,
              builtIn: builtIn.has(solver),
              ...(givenStart === undefined ? {} : { givenStart }),
              resolved: {
                ...recordable(resolved),
                ...(solverOptions as object),
                solver: solver.name,
                init: initName(given.init, X, resolved.components),
              },
            }),
            E.chain((fit) =>
              builtIn.has(solver) ? notUnderflowed(problem, initial, fit) : E.right(fit),
            ),
          ),
        ),
      ) as Result<Factorization<R, C>>
    }),
  )

/** What scaling X does to a fit's factors, for advice to scale it. */
const X_SCALES = 'scale X down (W and H scale by the square root of the factor)'

/** A custom start (`init: { W, H }`), as an overflow it causes names it. */
const CUSTOM_START: GivenStart = {
  entries: "the custom start's entries",
  advice: "scale init.W and init.H toward X's scale (W·H ≈ X)",
}

/**
 * A fit of nmfkit's own solvers that converged to a W·H of zeros, though X is not zero (for
 * a loss other than Frobenius: has an entry above EPSILON) and no penalty pulls the factors
 * to zero, is refused: a zero W·H is at best a saddle point (any small enough component does
 * better). A solver stops there when its factors underflowed, X's entries being too small
 * for the fit's products, and took its stopping measure to zero with them (a uniform X of
 * about 1e-110 with the default start, for `mu`), or when it started there (a custom start
 * whose every component has a zero column of W or a zero row of H, which `mu` cannot
 * leave). A fit that ran out of iterations is returned as it is: it does not claim
 * convergence, and a few iterations from a poor start can pass through a zero W·H.
 */
const notUnderflowed = (
  problem: Problem,
  initial: Factors,
  fit: Factorization,
): Result<Factorization> => {
  const { l1W, l2W, l1H, l2H } = problem.penalties
  if (!fit.converged || l1W + l2W + l1H + l2H > 0 || !productIsZero(fit.W, fit.H)) {
    return E.right(fit)
  }
  const largest = problem.X.max()
  // The β-divergences other than Frobenius count entries at or below EPSILON as zeros: for
  // them, an X of such entries alone is fitted exactly by zeros.
  if (!(largest > (problem.beta === 2 ? 0 : EPSILON))) return E.right(fit)
  const converged =
    `the fit converged after ${showIterations(fit.nIter)} to a W·H that is zero in every ` +
    `entry, though X is not (its largest entry is ${showNumber(largest)})`
  const cause = zeroCause(problem, initial, fit, largest)
  return E.left(unsupported(operation, `${converged}${cause}`, { input: 'X' }))
}

/**
 * How far, as a factor, a custom start's w·h may be from X's largest entry before a fit
 * that went to zero blames the start rather than X.
 */
const FAR_FROM_SCALE = 1e100

/**
 * Why a fit converged to a zero W·H (see `notUnderflowed`), and what to do about it;
 * `largest` is X's largest entry.
 */
const zeroCause = (
  problem: Problem,
  initial: Factors,
  fit: Factorization,
  largest: number,
): string => {
  if (fit.options.init !== 'custom' || !productIsZero(initial.W, initial.H)) {
    // A built-in start is made at X's scale. With entries of X of 1 and more its products
    // cannot underflow; they overflowed (the updates divide by them, and x/∞ is 0: `mu`
    // from about 1e105 on an X of one large entry among ones, whose nndsvda start fills
    // its zeros with mean(X)). Below 1, they underflowed with the fit's.
    if (fit.options.init !== 'custom' && largest >= 1) {
      return (
        ": the factors went to zero where the products of the fit overflowed at X's scale " +
        `(the updates divide by them, and x/∞ is 0); ${X_SCALES}`
      )
    }
    // A custom start far from X's scale: the first updates rescale the factors by about
    // X / (W·H), and their products overflow or underflow on the way (W of 1 and H of 1e-100
    // on an X of 1e100: W grows to 1e200, WᵀW overflows, H goes to zero). X is not to blame.
    const [w, h] = [initial.W.max(), initial.H.max()]
    const ratio = largest / (w * h)
    if (
      fit.options.init === 'custom' &&
      !(ratio <= FAR_FROM_SCALE && ratio >= 1 / FAR_FROM_SCALE)
    ) {
      return (
        `: the factors went to zero where the products of the fit overflowed or underflowed, ` +
        `the custom start being far from X's scale (its largest entries ${showNumber(w)} in ` +
        `W and ${showNumber(h)} in H); ${CUSTOM_START.advice}`
      )
    }
    return (
      ": the factors underflowed, X's entries being too small for the products of the fit; " +
      allZeroAdvice(String(fit.options.init), problem.X)
    )
  }
  const start = ', from a start whose W·H was zero too: '
  return disjointComponents(initial.W, initial.H)
    ? `${start}each of its components has a zero column of W or a zero row of H; start ` +
        'from factors with a component whose column of W and row of H both have a non-zero entry'
    : `${start}its factors' products underflow; start from factors whose product is of X's scale`
}

/** The most entries nmfkit allocates for one factor or Gram matrix (2 GiB of float64). */
export const MAX_ARRAY_ENTRIES = 2 ** 28

/**
 * The largest k whose W (n×k), H (k×m) and k×k Gram matrices stay within MAX_ARRAY_ENTRIES,
 * for X of that shape: the most components `nmf` accepts (`nmfkit info` says it too).
 */
export const largestComponents = (X: { readonly rows: number; readonly cols: number }): number =>
  Math.min(
    Math.floor(MAX_ARRAY_ENTRIES / Math.max(X.rows, X.cols)),
    Math.floor(Math.sqrt(MAX_ARRAY_ENTRIES)),
  )

/**
 * An error when `components` passes `largestComponents(X)`: its factors or k×k Gram matrix
 * could not be allocated. `nmf` and `initialize` check it before they allocate anything.
 */
export const componentsFit = (
  operation: string,
  X: { readonly rows: number; readonly cols: number },
  components: number,
): Result<undefined> => {
  const largest = largestComponents(X)
  if (components <= largest) return E.right(undefined)
  // No k at all (a side of X longer than an array may be): X's fault, not the option's.
  if (largest < 1) {
    return E.left(
      unsupported(
        operation,
        `expected X with at most ${MAX_ARRAY_ENTRIES} rows and columns (W holds one entry ` +
          `per row for each component, H one per column, each in at most ` +
          `${MAX_ARRAY_ENTRIES} entries), found X of ${X.rows}×${X.cols}: no k fits`,
        { input: 'X' },
      ),
    )
  }
  return E.left(
    invalidOption(
      operation,
      'components',
      `expected at most ${largest} for X of ${X.rows}×${X.cols} (W, H and their ` +
        `k×k Gram matrices must each fit in ${MAX_ARRAY_ENTRIES} entries), ` +
        `found ${components}`,
    ),
  )
}

/** The options as data: the callback and the signal are not options a result records. */
const recordable = <O extends object>(options: O): Omit<O, 'onIteration' | 'signal'> => {
  const {
    onIteration: _onIteration,
    signal: _signal,
    ...rest
  } = options as O & {
    onIteration?: unknown
    signal?: unknown
  }
  return rest
}

const initName = (init: unknown, X: AnyMatrix, components: number): string =>
  init === undefined ? defaultInit(X, components) : typeof init === 'string' ? init : 'custom'
