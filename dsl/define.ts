/**
 * `defineSolver`: a solver plugin (solvers/contract.ts) from an update rule,
 * an options codec and capabilities. The rule makes the next factors; `report`
 * turns the rule's stats into the numbers the driver records.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
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
 * A `Solver` from a rule.
 *
 * @throws Error when the rule meets shapes that do not fit: a bug in the rule,
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
    if (E.isLeft(outcome)) throw new Error(`${definition.name}: ${outcome.left.message}`)
    const next = outcome.right.state
    return { state: next, ...definition.report(outcome.right.stats, next, problem, options) }
  },
  converged: definition.converged,
})
