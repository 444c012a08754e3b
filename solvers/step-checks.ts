/**
 * The checks of what a solver's `start` and `step` return, as the driver runs them: a
 * state with Matrix values W and H (sound ones: `matrixFlaw`) of the problem's shapes, a
 * number for the measure, a number or nothing for the objective, a plain object of numbers
 * or nothing for `details`. A JavaScript plugin can return anything, getters and Proxies
 * that throw included: what is not of that form is an error on `solver` that says what
 * came, and factors of another shape a `ShapeMismatch`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { invalidOption, shapeMismatch, type NmfError } from '../core/errors.ts'
import { attempt } from '../core/guarded.ts'
import { describeValue, Matrix, matrixFlaw } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import type { Factors, Problem, StepResult } from './contract.ts'

/**
 * A state with Matrix values W and H, as a plugin's `start` or `step` must return (a
 * JavaScript plugin can return anything); else an error on `solver` that says what came.
 * `made` says what returned it: `its start`, `its step at iteration 3`.
 */
const checkState = (
  operation: string,
  solverName: string,
  state: unknown,
  made: string,
): NmfError | undefined => {
  const refuse = (found: string) =>
    invalidOption(operation, 'solver', `solver '${solverName}': ${found}`)
  if (typeof state !== 'object' || state === null) {
    return refuse(
      `${made} returned ${describeValue(state)}, expected a state with Matrix values W and H`,
    )
  }
  for (const factor of ['W', 'H'] as const) {
    const read = attempt(() => {
      const value = (state as Record<string, unknown>)[factor]
      return { value, isMatrix: value instanceof Matrix }
    })
    if (E.isLeft(read)) {
      return refuse(`the state ${made} returned threw ${read.left} when its ${factor} was read`)
    }
    const { value, isMatrix } = read.right
    if (!isMatrix) {
      return refuse(
        `the ${factor} of the state ${made} returned is ${describeValue(value)}, ` +
          'expected a Matrix',
      )
    }
    // An object made with Object.create(Matrix.prototype), or a Matrix over an array of
    // another length than its shape's (Matrix.unsafeWrap): its entries cannot be read. (A
    // Matrix in a Proxy whose reads throw is the caller's to report: a state that threw.)
    const flaw = matrixFlaw(value as Matrix)
    if (flaw !== undefined) return refuse(`the ${factor} of the state ${made} returned is ${flaw}`)
  }
  return undefined
}

/**
 * The state a plugin's `start` returned, checked as `checkState` and `checkShapes` check it;
 * a getter or Proxy in it that throws when read is an error on `solver` too.
 */
export const checkStart = (
  operation: string,
  solverName: string,
  problem: Problem,
  state: unknown,
): NmfError | undefined => {
  const checked = attempt(
    () =>
      checkState(operation, solverName, state, 'its start') ??
      checkShapes(operation, solverName, problem, state as Factors, 0),
  )
  return E.isRight(checked)
    ? checked.right
    : invalidOption(
        operation,
        'solver',
        `solver '${solverName}': its start returned a state that threw ${checked.left} when read`,
      )
}

/**
 * An object of `{ ... }` or `Object.create(null)`: what the history keeps of a step's
 * details, and what JSON and the conformance laws read by its own keys. An array, a `Map`
 * (whose entries are no properties: it would be kept as `{}`) or a class's instance is not.
 */
const isPlainObject = (value: unknown): value is object => {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Whether a step's result has the shape the driver reads: a state of two matrices, a
 * number for the measure, a number or nothing for the objective, a plain object of numbers
 * or nothing for `details`. It runs every iteration, so it builds nothing; `checkStep` says
 * what is wrong.
 */
const wellFormed = (result: unknown): boolean => {
  if (typeof result !== 'object' || result === null) return false
  const { state, measure, objective, details } = result as Record<string, unknown>
  if (typeof state !== 'object' || state === null) return false
  const { W, H } = state as Record<string, unknown>
  if (!(W instanceof Matrix) || !(H instanceof Matrix) || typeof measure !== 'number') {
    return false
  }
  if (matrixFlaw(W) !== undefined || matrixFlaw(H) !== undefined) return false
  if (objective !== undefined && typeof objective !== 'number') return false
  if (details === undefined) return true
  if (!isPlainObject(details)) return false
  for (const name in details) {
    if (typeof (details as Record<string, unknown>)[name] !== 'number') return false
  }
  return true
}

/**
 * What is wrong with a step's result, as an error on `solver`: not `wellFormed`, or factors
 * of the wrong shape (`checkShapes`). A result whose reads throw (a getter or Proxy the
 * plugin returned) is refused as one: the reads run every iteration, and a try that does not
 * throw costs nothing; only the error path reads the result again, guarded.
 */
export const checkStep = (
  operation: string,
  solverName: string,
  problem: Problem,
  result: unknown,
  iteration: number,
): NmfError | undefined => {
  try {
    if (wellFormed(result)) {
      return checkShapes(
        operation,
        solverName,
        problem,
        (result as StepResult<Factors>).state,
        iteration,
      )
    }
  } catch {
    // Described below, guarded.
  }
  const made = `its step at iteration ${iteration}`
  const described = attempt(() => describeStep(operation, solverName, problem, result, iteration))
  return E.isRight(described) && described.right !== undefined
    ? described.right
    : invalidOption(
        operation,
        'solver',
        `solver '${solverName}': ${made} returned a result that threw ` +
          `${E.isLeft(described) ? described.left : 'an exception'} when read`,
      )
}

/** What is wrong with a step's result that `checkStep` refused; its reads may throw. */
const describeStep = (
  operation: string,
  solverName: string,
  problem: Problem,
  result: unknown,
  iteration: number,
): NmfError | undefined => {
  const made = `its step at iteration ${iteration}`
  const refuse = (found: string) =>
    invalidOption(operation, 'solver', `solver '${solverName}': ${found}`)
  if (typeof result !== 'object' || result === null) {
    return refuse(`${made} returned ${describeValue(result)}, expected { state, measure }`)
  }
  const { state, measure, objective, details } = result as Record<string, unknown>
  const badState = checkState(operation, solverName, state, made)
  if (badState !== undefined) return badState
  const notNumber = (what: string, value: unknown, expected = 'a number') =>
    refuse(`${what} ${made} returned is ${describeValue(value)}, expected ${expected}`)
  if (typeof measure !== 'number') return notNumber('the measure', measure)
  if (objective !== undefined && typeof objective !== 'number') {
    return notNumber('the objective', objective, 'a number or nothing')
  }
  if (details !== undefined) {
    if (!isPlainObject(details)) {
      return notNumber('the details', details, 'a plain object of numbers or nothing')
    }
    const name = Object.keys(details).find(
      (key) => typeof (details as Record<string, unknown>)[key] !== 'number',
    )
    if (name !== undefined) {
      return notNumber(`the detail '${name}'`, (details as Record<string, unknown>)[name])
    }
  }
  return checkShapes(operation, solverName, problem, state as Factors, iteration)
}

/**
 * W samples×components and H components×features in the state a solver made at
 * `iteration` (0: its start), or the error that names the first factor of another shape:
 * rows and columns only, cheap enough for every iteration.
 */
const checkShapes = (
  operation: string,
  solverName: string,
  problem: Problem,
  state: Factors,
  iteration: number,
): NmfError | undefined => {
  const { X, components: k } = problem
  const { W, H } = state
  // Compared before anything is built: this runs every iteration.
  if (W.rows === X.rows && W.cols === k && H.rows === k && H.cols === X.cols) return undefined
  const when = iteration === 0 ? 'from the start' : `after iteration ${iteration}`
  const wrongW = W.rows !== X.rows || W.cols !== k
  const [what, factor, rows, cols, names] = wrongW
    ? (['W', W, X.rows, k, 'samples×components'] as const)
    : (['H', H, k, X.cols, 'components×features'] as const)
  return shapeMismatch(
    operation,
    `${what} ${when} of solver '${solverName}'`,
    `shape ${showShape(rows, cols)} (${names})`,
    showShape(factor.rows, factor.cols),
  )
}
