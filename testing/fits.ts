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
} from 'nmfkit'
import { unwrap } from './arbitraries.ts'
import { changeSince, snapshot } from './checks.ts'

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

/** `solver` with another `start` and `step`; the other members call through to `solver`. */
const withSteps = (
  solver: AnySolver,
  start: AnySolver['start'],
  step: AnySolver['step'],
): AnySolver => ({
  name: solver.name,
  optionProps: solver.optionProps,
  defaults: solver.defaults,
  capabilities: solver.capabilities,
  measure: solver.measure,
  start,
  step,
  converged: (current, first, tol) => solver.converged(current, first, tol),
})

/**
 * `solver` with a `step` that checks it leaves the state it is given as it was
 * (its W and H), and fails the law if not.
 */
export const watchingSteps = (solver: AnySolver): AnySolver =>
  withSteps(
    solver,
    (problem, initial, options) => solver.start(problem, initial, options),
    (state, problem, options) => {
      const before = [snapshot(state.W), snapshot(state.H)]
      const result = solver.step(state, problem, options)
      for (const [q, name] of ['W', 'H'].entries()) {
        breaks(
          changeSince(before[q], q === 0 ? state.W : state.H),
          `law 'inputs-unchanged': solver '${solver.name}': a step changed the ${name} of the ` +
            'state it was given',
        )
      }
      return result
    },
  )

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
