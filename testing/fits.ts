/**
 * How the conformance laws run their fits: on copies of X and the options (so that the
 * case fast-check prints is the case as drawn), through `nmf` as a user would, with a
 * solver wrapped to watch its steps where a law needs that.
 */
import * as E from 'fp-ts/lib/Either.js'
import { assert } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  nmf,
  type AnySolver,
  type Factorization,
  type Factors,
  type NmfOptions,
  type Problem,
  type Rng,
} from 'nmfkit'
import { unwrap } from './arbitraries.ts'
import { deepChangeSince, deepSnapshot, type DeepSnapshot } from './reachable.ts'

/** A copy of a matrix, with storage of its own. */
export const copyOf = <M extends Matrix | CsrMatrix>(matrix: M): M =>
  (matrix.format === 'dense'
    ? unwrap(Matrix.fromData(matrix.rows, matrix.cols, matrix.toFloat64Array()))
    : unwrap(
        CsrMatrix.fromParts(matrix.rows, matrix.cols, matrix.indptr, matrix.indices, matrix.data),
      )) as M

/**
 * X and the options (a custom init's W and H among them) as copies, for a fit: whatever
 * the solver does to its inputs, the case fast-check prints is the case as drawn.
 */
export const copies = (
  X: Matrix | CsrMatrix,
  options: Readonly<Record<string, unknown>>,
): { readonly X: Matrix | CsrMatrix; readonly options: Record<string, unknown> } => {
  const init = options.init
  const custom =
    typeof init === 'object' && init !== null && 'W' in init && 'H' in init
      ? { init: { W: copyOf(init.W as Matrix), H: copyOf(init.H as Matrix) } }
      : {}
  return { X: copyOf(X), options: { ...options, ...custom } }
}

/**
 * Runs `nmf` with `solver` on copies of X and the options (`copies`) and returns the fit,
 * or throws the tagged error's message.
 */
export const fitWith = (
  law: string,
  solver: AnySolver,
  X: Matrix | CsrMatrix,
  options: Readonly<Record<string, unknown>>,
): Factorization => {
  const inputs = copies(X, options)
  return fitPassing(law, inputs.X, { ...inputs.options, solver })
}

/** Runs `nmf` on X with `options` (the solver among them), the very object. */
export const fitPassing = (
  law: string,
  X: Matrix | CsrMatrix,
  options: Readonly<Record<string, unknown>>,
): Factorization => {
  const result = nmf(X, options as NmfOptions)
  if (E.isLeft(result)) {
    throw new Error(`law '${law}': the fit failed: ${result.left._tag}: ${result.left.message}`)
  }
  return result.right
}

/**
 * Fails the law with `message` and what was found, when something was: a
 * description of what breaks it (a non-finite number, a negative entry, a
 * change, a difference), with its numbers.
 */
export const breaks = (found: string | undefined, message: string): void => {
  if (found !== undefined) assert.fail(`${message}: ${found}`)
}

/**
 * `solver` with another `start` and `step`; the other members call through to `solver`,
 * but for `capabilities.nonnegative`, which is false. The wrapper is a plugin, whose
 * negative factors nmf refuses when it declares them non-negative: the signs are the
 * `nonnegative` law's, which fits the solver itself with the law's settings, and a
 * built-in solver run with an option that lets its factors go negative (moving-average's
 * `nonnegative: false`) is not refused here.
 */
const withSteps = (
  solver: AnySolver,
  start: AnySolver['start'],
  step: AnySolver['step'],
): AnySolver => ({
  name: solver.name,
  optionProps: solver.optionProps,
  defaults: solver.defaults,
  capabilities: { ...solver.capabilities, nonnegative: false },
  measure: solver.measure,
  start,
  step,
  converged: (current, first, tol) => solver.converged(current, first, tol),
})

/** How V8 words a TypeError for a write to a frozen object, in strict mode. */
const FROZEN_WRITE =
  /^Cannot (assign to read only property|add property|delete property|define property)/

/**
 * What `run` returns; a TypeError it throws for a write to a frozen object (the problem,
 * its penalties, the options, a Matrix) fails the law instead, with that error's message.
 */
const frozenWrites = <A>(name: string, who: string, run: () => A): A => {
  try {
    return run()
  } catch (error) {
    if (!(error instanceof TypeError) || !FROZEN_WRITE.test(error.message)) throw error
    assert.fail(
      `law 'inputs-unchanged': solver '${name}': ${who} wrote to a frozen object it was ` +
        `given (nmf freezes the problem, its penalties and the options): ${error.message}`,
    )
  }
}

/**
 * `solver` with a `start` and `step` that check they leave what they are given as it was,
 * and fail the law with the path of the first change if not: everything reachable from
 * the state each step is given (`deepSnapshot`), and from the problem and the solver's
 * options, which must stay as they were when the fit started, through `start` and every
 * step. The driver freezes the problem, its penalties and the options object: an
 * assignment to one of their fields throws a TypeError, which fails the law with its
 * message (`frozenWrites`).
 */
export const watchingSteps = (solver: AnySolver): AnySolver => {
  // The fit's problem and options as its start was given them, and the iteration: fits run
  // one after the other, and each one's start sets them.
  let fixed: readonly [DeepSnapshot, DeepSnapshot] | undefined
  let iteration = 0
  const unchanged = (who: string, what: string, before: DeepSnapshot, value: unknown) =>
    breaks(
      deepChangeSince(before, value),
      `law 'inputs-unchanged': solver '${solver.name}': ${who} changed the ${what} it was given`,
    )
  const fitInputs = (who: string, problem: Problem, options: unknown) => {
    if (fixed === undefined) return
    unchanged(who, 'problem', fixed[0], problem)
    unchanged(who, 'options', fixed[1], options)
  }
  return withSteps(
    solver,
    (problem, initial, options) => {
      fixed = [deepSnapshot(problem, 'problem'), deepSnapshot(options, 'options')]
      iteration = 0
      const state = frozenWrites(solver.name, 'its start', () =>
        solver.start(problem, initial, options),
      )
      fitInputs('its start', problem, options)
      return state
    },
    (state, problem, options) => {
      iteration += 1
      const before = deepSnapshot(state, 'state')
      const who = `the step of iteration ${iteration}`
      const result = frozenWrites(solver.name, who, () => solver.step(state, problem, options))
      unchanged(who, 'state', before, state)
      fitInputs(who, problem, options)
      return result
    },
  )
}

/**
 * `solver` whose first state and every step's are shown to `seen` with the problem and
 * the solver's own options. The
 * driver recycles the arrays only of nmfkit's own solvers, not of a wrapper: a state seen
 * stays as it was.
 */
export const observing = (
  solver: AnySolver,
  seen: (problem: Problem, state: Factors, options: unknown) => void,
): AnySolver =>
  withSteps(
    solver,
    (problem, initial, options) => {
      const state = solver.start(problem, initial, options)
      seen(problem, state, options)
      return state
    },
    (state, problem, options) => {
      const result = solver.step(state, problem, options)
      seen(problem, result.state, options)
      return result
    },
  )

/** A state that a fit's `start` or a step returned, with the problem and the solver's options. */
export interface Seen {
  readonly problem: Problem
  readonly state: Factors
  readonly own: unknown
}

/**
 * `solver` that records every state its start and steps return (`observing`), in `seen`,
 * the start's first: for a law that computes something of each state once the fit is done.
 */
export const recording = (solver: AnySolver): { watched: AnySolver; seen: readonly Seen[] } => {
  const seen: Seen[] = []
  return {
    watched: observing(solver, (problem, state, own) => seen.push({ problem, state, own })),
    seen,
  }
}

/** What was thrown, as a message: an Error's message, anything else as a string. */
export const messageOf = (thrown: unknown): string =>
  thrown instanceof Error ? thrown.message : String(thrown)

/**
 * `solver` given the problem with another rng, `replace(problem.rng)`, made once per fit:
 * everything else of the problem is as the driver made it.
 */
export const withRng = (solver: AnySolver, replace: (rng: Rng) => Rng): AnySolver => {
  let given: Problem | undefined
  let substitute: Problem | undefined
  const problemFor = (problem: Problem): Problem => {
    if (problem !== given || substitute === undefined) {
      given = problem
      substitute = { ...problem, rng: replace(problem.rng) }
    }
    return substitute
  }
  return withSteps(
    solver,
    (problem, initial, options) => solver.start(problemFor(problem), initial, options),
    (state, problem, options) => solver.step(state, problemFor(problem), options),
  )
}

/**
 * `rng` that calls `used` whenever it is drawn from or its seed is read. Its seed is not
 * enumerable: a copy by spread (`{ ...rng, uniform }`) does not read it.
 */
export const countingRng = (rng: Rng, used: () => void): Rng => {
  const counted =
    <A extends unknown[], B>(draw: (...args: A) => B) =>
    (...args: A): B => {
      used()
      return draw(...args)
    }
  const counting = {
    uniform: counted(() => rng.uniform()),
    normal: counted(() => rng.normal()),
    permutation: counted((n: number) => rng.permutation(n)),
  }
  Object.defineProperty(counting, 'seed', {
    get: () => {
      used()
      return rng.seed
    },
    enumerable: false,
  })
  return counting as typeof counting & { readonly seed: number }
}
