/**
 * The solver contract. A solver is a plain value: a name, the options it
 * accepts (as io-ts props, validated by the driver), what it can do, and a pure
 * `step` from one state to the next. The driver in `driver.ts` owns the loop:
 * iteration count, stopping rule, history, callbacks and cancellation.
 */
import type * as t from 'io-ts'
import type { AnyMatrix } from '../core/csr.ts'
import type { Matrix } from '../core/matrix.ts'
import type { Rng } from '../core/rng.ts'

/** The factor pair every solver state holds: W (samples×components), H (components×features). */
export interface Factors<R extends string = string, C extends string = string> {
  readonly W: Matrix<R, 'components'>
  readonly H: Matrix<'components', C>
}

/** What a solver sees of the problem; fixed for the whole fit. */
export interface Problem {
  readonly X: AnyMatrix
  readonly components: number
  /** ‖X‖²_F, computed once (at its first read). */
  readonly squaredNormX: number
  /** β of the loss, a beta-divergence: 2 Frobenius, 1 Kullback–Leibler, 0 Itakura–Saito. */
  readonly beta: number
  /** L1 and L2 penalties on W and H, already scaled as scikit-learn scales them. */
  readonly penalties: Penalties
  /** Visit the components in a random order in each half-sweep. */
  readonly shuffle: boolean
  readonly rng: Rng
}

/**
 * Penalties in scikit-learn's scaling: for W, alphaW times the number of
 * features; for H, alphaH times the number of samples; split by l1Ratio.
 */
export interface Penalties {
  readonly l1W: number
  readonly l2W: number
  readonly l1H: number
  readonly l2H: number
}

/** One iteration's outcome: the next state and the numbers the driver records. */
export interface StepResult<S> {
  readonly state: S
  /** The solver's convergence measure (see `Solver.measure`). */
  readonly measure: number
  /** The objective after the step, where it is cheap to know. */
  readonly objective?: number
  /**
   * Further named numbers for the history, e.g. the change of each factor: a plain object
   * (an array, a `Map` or a class's instance is refused).
   */
  readonly details?: Readonly<Record<string, number>>
}

/** What a solver can do; read by the driver, the conformance laws and the CLI. */
export interface Capabilities {
  /**
   * The beta-divergences it minimizes, as names: one or more of `'frobenius'`,
   * `'kullback-leibler'`, `'itakura-saito'`, and `'beta-divergence'` for every β.
   */
  readonly losses: readonly string[]
  /**
   * Accepts a `CsrMatrix` X without densifying it. When false, `nmf` refuses a `CsrMatrix`
   * X with an `Unsupported` error, so `step` only ever sees a dense one.
   */
  readonly sparse: boolean
  /** Its objective never increases from one iteration to the next. */
  readonly monotone: boolean
  /**
   * Its factors stay non-negative. For a plugin, with any options: `nmf` refuses a negative
   * entry in the state its `start` or a `step` returns (a `NegativeInput`), and returns the
   * factors of a plugin that declares false as they are, negative entries included.
   * nmfkit's own solvers are not checked: `moving-average` declares it for its default,
   * and with `nonnegative: false` its factors go negative.
   */
  readonly nonnegative: boolean
  /**
   * It applies `problem.penalties` (the options `alphaW`, `alphaH` and `l1Ratio`). When
   * absent or false, `nmf` refuses non-zero penalties (an `InvalidOption` error on
   * `alphaW` or `alphaH`) rather than fit without them.
   */
  readonly penalties?: boolean
}

/**
 * A solver plugin. `O` is the type of its own options, `S` its state.
 *
 * @example
 * const result = nmf(X, { components: 4, solver: cd })
 */
export interface Solver<O = unknown, S extends Factors = Factors> {
  /** Not empty: messages and the fit's recorded options name the solver by it. */
  readonly name: string
  /**
   * The solver's own options, validated by the driver; unknown keys are rejected. None may
   * share a name with one of `nmf`'s common options (`seed`, `maxIter`, `tol`, ...): `nmf`
   * refuses such a plugin with an `InvalidOption` on `solver`.
   */
  readonly optionProps: t.Props
  /**
   * Values for the options the user did not give: each one a value of its option's codec,
   * for an option `optionProps` names (else `nmf` refuses the plugin), and none named as a
   * common option. An option without one is required unless its codec decodes `undefined`:
   * a fit that leaves it out is an `InvalidOption` on it.
   */
  readonly defaults: O
  readonly capabilities: Capabilities
  /** What `StepResult.measure` is, for reports: e.g. `'projected-gradient violation'`. */
  readonly measure: string
  // Methods (not function-valued fields) so that a Solver<MovingAverageOptions> is
  // also a Solver<unknown>: one list can hold solvers with different options.
  /** Builds the first state from the initial factors. */
  start(problem: Problem, initial: Factors, options: O): S
  /** One iteration. Must not change `state`: returns a new one. */
  step(state: S, problem: Problem, options: O): StepResult<S>
  /** The stopping rule, given this iteration's result, the first one's and the tolerance. */
  converged(current: StepResult<S>, first: StepResult<S>, tol: number): boolean
}

/** A solver with options of any type, as lists and registries hold them. */
export type AnySolver = Solver<unknown, Factors>
