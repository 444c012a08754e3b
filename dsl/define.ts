/**
 * `defineSolver`: a solver plugin (solvers/contract.ts) from an update rule,
 * an options codec and capabilities. The rule makes the next factors; `report`
 * turns the rule's stats into the numbers the driver records.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { describeNotNmfError, isNmfError, type NmfError } from '../core/errors.ts'
import { attempt } from '../core/guarded.ts'
import type { Capabilities, Factors, Problem, Solver, StepResult } from '../solvers/contract.ts'
import type { Outcome, Rule, Stats } from './rules.ts'

/** Everything a DSL solver is made of. */
export interface SolverDefinition<O> {
  readonly name: string
  /** The solver's own options as io-ts props (validated by the driver). */
  readonly optionProps: t.Props
  readonly defaults: O
  readonly capabilities: Capabilities
  /** What the convergence measure is, for reports. */
  readonly measure: string
  /** One iteration. */
  readonly rule: Rule<Factors, O>
  /** The measure, the objective and details from one iteration's stats. */
  readonly report: (
    stats: Stats,
    state: Factors,
    problem: Problem,
    options: O,
  ) => Omit<StepResult<Factors>, 'state'>
  /**
   * The same iteration as `rule` by another route (a tuned kernel), or undefined where
   * that route does not run; the rule runs then, and stays the reference.
   */
  readonly native?: (state: Factors, problem: Problem, options: O) => Outcome<Factors> | undefined
  /** The stopping rule (see `Solver.converged`). */
  readonly converged: (
    current: StepResult<Factors>,
    first: StepResult<Factors>,
    tol: number,
  ) => boolean
}

/**
 * What a rule's `Left` says: its `NmfError`'s message, else that the rule returned something
 * else in its place, naming the rule and what it was (a getter or Proxy that throws when
 * read is named as such).
 */
const failure = (rule: string, error: unknown): string => {
  // Nothing for an NmfError, else what it is instead.
  const read = attempt(() => (isNmfError(error) ? undefined : describeNotNmfError(error)))
  if (E.isRight(read) && read.right === undefined) return (error as NmfError).message
  const found = E.isLeft(read) ? `an object that threw ${read.left} when read` : read.right
  return (
    `its rule '${rule}' returned a Left of ${found}, expected an NmfError ` +
    "in a Left (as sweepColumns' ShapeMismatch)"
  )
}

/**
 * A `Solver` from a rule.
 *
 * @throws Error when the rule meets shapes that do not fit, or returns a `Left` that holds
 *   no `NmfError` (the message names the rule and what it returned): a bug in the rule,
 *   since the driver checks X and the first factors before stepping (the
 *   contract's `step` has no error channel).
 * @example
 * const mine = defineSolver({ name: 'mine', rule: alternate(halfW, halfH), ... })
 * nmf(X, { components: 4, solver: mine })
 */
export const defineSolver = <O>(definition: SolverDefinition<O>): Solver<O> => ({
  name: definition.name,
  optionProps: definition.optionProps,
  defaults: definition.defaults,
  capabilities: definition.capabilities,
  measure: definition.measure,
  start: (_problem, initial) => initial,
  step: (state, problem, options) => {
    const native = definition.native?.(state, problem, options)
    const outcome = native ? E.right(native) : definition.rule.apply(state, { problem, options })
    if (E.isLeft(outcome)) {
      throw new Error(`${definition.name}: ${failure(definition.rule.name, outcome.left)}`)
    }
    const next = outcome.right.state
    return { state: next, ...definition.report(outcome.right.stats, next, problem, options) }
  },
  converged: definition.converged,
})
