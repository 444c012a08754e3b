/**
 * The iteration driver: the one loop every solver runs in. It owns the
 * iteration count, the stopping rule's application, the history, the
 * `onIteration` callback, the `AbortSignal` and the final error; solvers only step.
 * It checks what the start and each step return: the factors' shapes, finite numbers, and,
 * for a plugin that declares `capabilities.nonnegative`, non-negative factors (the checks of
 * a state's form and a step's result are in solvers/step-checks.ts).
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  aborted,
  invalidOption,
  overflow,
  showNumber,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import { describeValue, Matrix, valuesOf } from '../core/matrix.ts'
import { duringFit, keepArray, ownArray, recycle } from '../core/small-arrays.ts'
import { allFinite, checkFinite, checkNonNegative } from '../core/validate.ts'
import { describeThrown } from '../core/guarded.ts'
import { divergenceError, showBeta } from '../core/beta-divergence.ts'
import type { Factors, Problem, Solver, StepResult } from './contract.ts'
import { batchOf } from './batch.ts'
import { checkStart, checkStep } from './step-checks.ts'

/** One iteration in the history of a fit. */
export interface HistoryEntry {
  /** 1 for the first iteration. */
  readonly iteration: number
  /** The solver's convergence measure after this iteration. */
  readonly measure: number
  /** The objective after this iteration, where the solver knows it cheaply. */
  readonly objective?: number
  /** Further named numbers, e.g. `deltaW` and `deltaH` for `moving-average`. */
  readonly details?: Readonly<Record<string, number>>
}

/** The result of a fit. W is samples×components, H components×features. */
export interface Factorization<R extends string = string, C extends string = string> {
  readonly W: Matrix<R, 'components'>
  readonly H: Matrix<'components', C>
  /** The number of iterations run. */
  readonly nIter: number
  /** Whether the stopping rule was met before maxIter ran out. */
  readonly converged: boolean
  /** sqrt(2·d_β(X | W·H)) for the fit's loss: ‖X − W·H‖_F for Frobenius. */
  readonly reconstructionError: number
  readonly history: readonly HistoryEntry[]
  /** The solver's name and what its measure is. */
  readonly solver: { readonly name: string; readonly measure: string }
  /** Every option as used, defaults filled in, the seed among them. */
  readonly options: Readonly<Record<string, unknown>>
  readonly seed: number
}

/** What the driver needs besides the solver and the problem. */
export interface DriverSettings {
  readonly maxIter: number
  readonly tol: number
  readonly onIteration?: (entry: HistoryEntry) => void
  readonly signal?: AbortSignal
  /**
   * The public operation, for messages; `'transform'` holds H fixed, so an overflow names
   * W's penalties only. @default 'nmf'
   */
  readonly operation?: string
  /**
   * The solver is one of nmfkit's own: its numbers stay finite unless X's entries are too
   * large, so a number that is not finite is blamed on X. Otherwise X is blamed only when
   * its entries are large enough to overflow, and the solver's step is named.
   * @default false
   */
  readonly builtIn?: boolean
  /**
   * Factors of the start that the caller gave (nmf's custom init, transform's H), for a
   * built-in solver's overflow: where their entries, not X's, are beyond what the fit's
   * sums can hold, they are named instead of X (`blameGivenStart`).
   */
  readonly givenStart?: GivenStart
  /** The resolved options, recorded in the result. */
  readonly resolved: Readonly<Record<string, unknown>> & { readonly seed: number }
}

/**
 * X's entries above which a solver's sums can overflow (their squares pass 1e300; the
 * largest double is about 1.8e308).
 */
export const OVERFLOWING_ENTRY = 1e150

/** Factors of a start the caller gave, as an overflow names them, and what to scale. */
export interface GivenStart {
  readonly entries: string
  readonly advice: string
}

/** An overflow blamed on X, its largest entry `largest`, with what to do about it. */
export const xTooLarge = (largest: number, advice = 'scale X down'): string =>
  `X's entries (largest ${showNumber(largest)}) are too large for the fit's sums; ${advice}`

/**
 * An overflow blamed on the start the caller gave, where X's largest entry (`largest`) is
 * within the fit's sums: scaling X down would not help. Undefined where X is to blame.
 */
export const blameGivenStart = (
  given: GivenStart | undefined,
  initial: Factors,
  largest: number,
): string | undefined => {
  if (given === undefined || largest > OVERFLOWING_ENTRY) return undefined
  const entry = Math.max(initial.W.max(), initial.H.max())
  return (
    `${given.entries} (largest ${showNumber(entry)}) are too large for the fit's sums, ` +
    `X's largest entry being ${showNumber(largest)}; ${given.advice}`
  )
}

/** The step and stopping rule of each solver that keeps no state it was given or made. */
const forgetful = new WeakMap<object, readonly [unknown, unknown]>()

/**
 * Declares that `solver`'s `step` keeps no reference to a state it is given or makes, and
 * that its `converged` reads no state but the current one, so that the driver may hand
 * the factor arrays of a state it has passed back for reuse (core/small-arrays.ts). Only
 * nmfkit's own solvers are declared; a solver made from one by copying or replacing its
 * members is not.
 */
export const declareForgetful = <O, S extends Factors>(solver: Solver<O, S>): Solver<O, S> => {
  forgetful.set(solver, [solver.step, solver.converged])
  return solver
}

const isForgetful = (solver: Solver<never, Factors>): boolean => {
  const declared = forgetful.get(solver)
  return declared !== undefined && declared[0] === solver.step && declared[1] === solver.converged
}

/**
 * Runs `solver` from `initial` until it converges, maxIter runs out, or the signal fires.
 * It freezes `problem`, its `penalties` and the `options` object (the caller's own, made
 * for the fit) first: a plugin that assigns to one of their fields throws (in strict mode)
 * instead of changing the rest of the fit.
 */
export const runDriver = <O, S extends Factors>(
  solver: Solver<O, S>,
  problem: Problem,
  initial: Factors,
  options: O,
  settings: DriverSettings,
): Result<Factorization> => {
  Object.freeze(problem.penalties)
  Object.freeze(problem)
  Object.freeze(options)
  return duringFit(() => drive(solver, problem, initial, options, settings))
}

const drive = <O, S extends Factors>(
  solver: Solver<O, S>,
  problem: Problem,
  initial: Factors,
  options: O,
  settings: DriverSettings,
): Result<Factorization> => {
  const operation = settings.operation ?? 'nmf'
  let state = solver.start(problem, initial, options)
  const startShape = checkStart(operation, solver.name, problem, state)
  if (startShape !== undefined) return E.left(startShape)
  // A plugin that declares non-negative factors is held to it (nmfkit's own solvers are
  // non-negative by construction, or by their option, and are not checked).
  const promisesNonnegative = settings.builtIn !== true && solver.capabilities.nonnegative === true
  const history: HistoryEntry[] = []
  let first: StepResult<S> | undefined
  let last: StepResult<S> | undefined
  let converged = false
  const recycling = isForgetful(solver as unknown as Solver<never, Factors>)

  // Why a number is not finite. nmfkit's own solvers: powers of W·H for a β outside
  // [0, 2], else X too large. Any other solver: X too large once its squares or products
  // can overflow, else the solver's doing, which `bySolver` says. (A pass over X: only
  // when a message needs it.)
  const builtIn = settings.builtIn === true
  const betaToBlame = builtIn && (problem.beta < 0 || problem.beta > 2)
  // Penalties far beyond the data's scale (alphaW 1e308) overflow on their own.
  // transform holds H fixed: H's penalties act on nothing, and are neither shown nor blamed.
  const { l1W, l2W, l1H, l2H } = problem.penalties
  const fixedH = operation === 'transform'
  const tooLarge = (a: number, b: number) => !(a <= OVERFLOWING_ENTRY && b <= OVERFLOWING_ENTRY)
  const blamedPenalties =
    !betaToBlame && builtIn
      ? [
          ...(tooLarge(l1W, l2W) ? ['alphaW'] : []),
          ...(!fixedH && tooLarge(l1H, l2H) ? ['alphaH'] : []),
        ]
      : []
  const penaltyToBlame = blamedPenalties.length === 0 ? undefined : blamedPenalties.join(' and ')
  const cause = (bySolver: string): string => {
    if (penaltyToBlame !== undefined) {
      const shown = fixedH
        ? `l1W ${showNumber(l1W)}, l2W ${showNumber(l2W)}, from alphaW and l1Ratio`
        : `l1W ${showNumber(l1W)}, l2W ${showNumber(l2W)}, l1H ${showNumber(l1H)}, ` +
          `l2H ${showNumber(l2H)}, from alphaW, alphaH and l1Ratio`
      return (
        `solver '${solver.name}' overflowed: its penalties (${shown}) are too large for the ` +
        `fit's sums; use a smaller ${penaltyToBlame}`
      )
    }
    if (betaToBlame) {
      return (
        `solver '${solver.name}' overflowed: betaLoss ${showBeta(problem.beta)} raises W·H ` +
        'to the powers β − 1 and β − 2; use a betaLoss in [0, 2], or scale X down'
      )
    }
    const largest = problem.X.max()
    // A start the caller gave, far larger than X, and its entries beyond the fit's sums.
    const given = builtIn ? blameGivenStart(settings.givenStart, initial, largest) : undefined
    if (given !== undefined) {
      const [w, h] = [initial.W.max(), initial.H.max()]
      if (tooLarge(Math.max(w, h), w * h)) return given
    }
    return builtIn || largest > OVERFLOWING_ENTRY
      ? xTooLarge(largest)
      : `solver '${solver.name}' ${bySolver}`
  }
  // An overflow that betaLoss or a penalty caused is an error on that option too
  // (NonFiniteInput.option).
  const blamedOption = betaToBlame ? 'betaLoss' : blamedPenalties[0]
  const blamed = (error: NmfError): NmfError =>
    blamedOption === undefined ? error : ({ ...error, option: blamedOption } as NmfError)

  // The factors of the state the start (iteration 0) or a step made: finite, whatever the
  // solver declares (overflow or 0/0 must not come back as a result), then non-negative
  // when it declares so.
  const checkFactors = (made: Factors, iteration: number): NmfError | undefined => {
    if (!allFinite(valuesOf(made.W)) || !allFinite(valuesOf(made.H))) {
      const error = firstRefused(operation, made, iteration, checkFinite, (by) =>
        cause(`made it in its ${by}`),
      )
      if (error !== undefined) return blamed(error)
    }
    return promisesNonnegative
      ? firstRefused(
          operation,
          made,
          iteration,
          checkNonNegative,
          (by) =>
            `solver '${solver.name}' made it in its ${by}, though its capabilities declare ` +
            'nonnegative: true',
        )
      : undefined
  }

  const finish = (nIter: number): Result<Factorization> => {
    // nmfkit's own `mu` reports the error of the state it returns at its checks, computed as
    // divergenceError computes it: a fit that stops at a check (every converged one, and
    // maxIter a multiple of 10) does not compute it twice. A plugin's report is not taken.
    const reported =
      builtIn && last?.state === state ? last.details?.reconstructionError : undefined
    const reconstructionError =
      reported ?? divergenceError(problem.X, state.W, state.H, problem.beta)
    if (!Number.isFinite(reconstructionError)) {
      return E.left(
        blamed(
          overflow(
            operation,
            'the reconstruction error',
            reconstructionError,
            cause('returned factors that give it'),
          ),
        ),
      )
    }
    return E.right({
      // Factors from a shared block (core/small-arrays.ts) get arrays of their own.
      W: owning(state.W),
      H: owning(state.H),
      nIter,
      converged,
      reconstructionError,
      history,
      solver: { name: solver.name, measure: solver.measure },
      options: settings.resolved,
      seed: settings.resolved.seed,
    })
  }

  // The signal stops the iterations still to come: checked before the first, and after
  // each but the last (one that meets the stopping rule, or the maxIter-th), after which
  // the fit is complete and returned as it is. The partial result of an abort before the
  // first iteration is the start.
  const abortedAfter = (iteration: number): NmfError => {
    const partial = finish(iteration)
    return aborted(operation, iteration, E.isRight(partial) ? partial.right : undefined)
  }
  const started = checkFactors(state, 0)
  if (started !== undefined) return E.left(started)
  const before = signalState(operation, settings.signal, 0)
  if (before !== false) return E.left(before === true ? abortedAfter(0) : before)

  // Where nothing of the caller's runs between iterations, a built-in solver whose whole
  // iteration runs in the module may run several at a time (solvers/batch.ts). `passes`
  // records each iteration a batch hands it as the loop below records a step's, as long as
  // the loop would go on after it; the iteration it refuses ends the batch and comes back
  // as the batch's result, which the loop checks and records like a step's.
  const batch =
    settings.onIteration === undefined && settings.signal === undefined
      ? batchOf(solver)
      : undefined
  let done = 0
  const passes = (result: StepResult<S>): boolean => {
    const measured = !Number.isNaN(result.measure)
    const objective = result.objective === undefined || Number.isFinite(result.objective)
    if (
      !measured ||
      !objective ||
      solver.converged(result, first ?? result, settings.tol) !== false
    )
      return false
    done += 1
    history.push(entryOf(done, result))
    first ??= result
    return true
  }
  const startState = state

  while (done < settings.maxIter) {
    const result =
      batch?.(state, problem, options, settings.maxIter - done, passes) ??
      solver.step(state, problem, options)
    const iteration = ++done
    const made = checkStep(operation, solver.name, problem, result, iteration)
    if (made !== undefined) return E.left(made)
    last = result
    const previous = state
    state = result.state
    // The state before is read no more (the stopping rule of a forgetful solver reads the
    // first step's numbers, not its state). The start's arrays are the caller's.
    if (recycling && previous !== startState) recycleReplaced(previous, state)

    const stepped = checkFactors(state, iteration)
    if (stepped !== undefined) return E.left(stepped)

    if (Number.isNaN(result.measure)) {
      return E.left(
        blamed(
          overflow(
            operation,
            `the ${solver.measure} after iteration ${iteration}`,
            result.measure,
            cause('made it in its step'),
          ),
        ),
      )
    }
    if (result.objective !== undefined && !Number.isFinite(result.objective)) {
      return E.left(
        blamed(
          overflow(
            operation,
            `the objective after iteration ${iteration}`,
            result.objective,
            cause('made it in its step'),
          ),
        ),
      )
    }

    const entry = entryOf(iteration, result)
    if (settings.onIteration === undefined) history.push(entry)
    else {
      // The callback gets the entry the history keeps: frozen, with a frozen copy of the
      // solver's details, so that it cannot rewrite the result. (Only then: freezing costs
      // 1-2% of a notebook iteration.)
      const kept = Object.freeze(
        entry.details === undefined
          ? entry
          : { ...entry, details: Object.freeze({ ...entry.details }) },
      )
      history.push(kept)
      settings.onIteration(kept)
    }

    first ??= result
    const stops: unknown = solver.converged(result, first, settings.tol)
    if (typeof stops !== 'boolean') {
      return E.left(
        invalidOption(
          operation,
          'solver',
          `solver '${solver.name}': its converged after iteration ${iteration} returned ` +
            `${describeValue(stops)}, expected true or false`,
        ),
      )
    }
    if (stops) {
      converged = true
      return finish(iteration)
    }
    if (iteration === settings.maxIter) break
    const signalled = signalState(operation, settings.signal, iteration)
    if (signalled === true) return E.left(abortedAfter(iteration))
    if (signalled !== false) return E.left(signalled)
  }
  return finish(settings.maxIter)
}

/**
 * The first refusal of `check` on W, else on H, of the state made at `iteration` (0: the
 * start), each named as `W from the start` or `H after iteration 3`, its message followed by
 * `explain('start' | 'step')`: not finite, for every solver, and below 0 (-0 is not), for a
 * plugin that declares `capabilities.nonnegative` (a `NegativeInput`, about the sign its
 * capabilities promise, checked once the factors are finite). The place is W's or H's, not
 * an input's: it stays in the message, and the error's row and col are -1, as for any number
 * the fit computed.
 */
const firstRefused = (
  operation: string,
  state: Factors,
  iteration: number,
  check: (operation: string, what: string, factor: Matrix) => Result<Matrix>,
  explain: (by: 'start' | 'step') => string,
): NmfError | undefined => {
  const when = iteration === 0 ? 'from the start' : `after iteration ${iteration}`
  for (const [what, factor] of [
    ['W', state.W],
    ['H', state.H],
  ] as const) {
    const checked = check(operation, `${what} ${when}`, factor)
    if (E.isLeft(checked)) {
      const message = `${checked.left.message}; ${explain(iteration === 0 ? 'start' : 'step')}`
      return { ...checked.left, row: -1, col: -1, message } as NmfError
    }
  }
  return undefined
}

/** The history's entry of a step's result. */
const entryOf = (iteration: number, result: StepResult<unknown>): HistoryEntry => ({
  iteration,
  measure: result.measure,
  ...(result.objective === undefined ? {} : { objective: result.objective }),
  ...(result.details === undefined ? {} : { details: result.details }),
})

/** Hands back the arrays of `previous` that `next` does not hold (core/small-arrays.ts). */
const recycleReplaced = (previous: Factors, next: Factors): void => {
  // Every iteration: compared one by one, without building lists.
  const w = valuesOf(next.W)
  const h = valuesOf(next.H)
  const oldW = valuesOf(previous.W)
  const oldH = valuesOf(previous.H)
  if (oldW !== w && oldW !== h) recycle(oldW)
  if (oldH !== w && oldH !== h) recycle(oldH)
}

/**
 * The matrix itself when it owns its array, else a copy that does (core/small-arrays.ts);
 * either way, the array is the caller's from now on and never recycled.
 */
const owning = <R extends string, C extends string>(matrix: Matrix<R, C>): Matrix<R, C> => {
  const values = valuesOf(matrix)
  const own = ownArray(values)
  keepArray(own)
  return own === values ? matrix : Matrix.unsafeWrap<R, C>(matrix.rows, matrix.cols, own)
}

/**
 * Whether the signal has fired after `iteration` (0: before the first), or, when reading
 * its `aborted` throws (a getter or Proxy of the caller's that answered when the options
 * were checked), the error on `signal` that says so. Read through a function so that the
 * compiler does not narrow it across iterations.
 */
const signalState = (
  operation: string,
  signal: AbortSignal | undefined,
  iteration: number,
): boolean | NmfError => {
  if (signal === undefined) return false
  try {
    return signal.aborted === true
  } catch (thrown) {
    const when = iteration === 0 ? 'before the first iteration' : `after iteration ${iteration}`
    return invalidOption(
      operation,
      'signal',
      `expected an AbortSignal, found an object whose aborted threw ` +
        `${describeThrown(thrown)} when read ${when}`,
    )
  }
}
