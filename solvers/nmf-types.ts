/**
 * The types of `nmf`: its options (the common ones, with a solver's own beside them) and
 * its signatures, which check a built-in solver's or a typed plugin's options when they
 * compile.
 */
import type { BetaLoss } from '../core/beta-divergence.ts'
import type { Result } from '../core/errors.ts'
import type { AnyMatrix } from '../core/csr.ts'
import type { MatrixInput } from '../core/input.ts'
import type { Matrix } from '../core/matrix.ts'
import type { AnySolver, Factors, Solver } from './contract.ts'
import type { Factorization, HistoryEntry } from './driver.ts'
import type { MovingAverageOptions } from './moving-average.ts'

/** How to build the first factors: a strategy's name or the factors themselves. */
export type InitOption =
  'random' | 'nndsvd' | 'nndsvda' | 'nndsvdar' | { readonly W: Matrix; readonly H: Matrix }

/**
 * The options of `nmf` that every solver takes. A solver's own options (e.g.
 * `moving-average`'s `gamma`) sit beside them: see `NmfOptions`.
 */
export interface CommonNmfOptions {
  /** k, the number of components (rank of the factorization). */
  readonly components: number
  /** `'cd'` (default), `'moving-average'`, `'mu'`, or a solver plugin value. */
  readonly solver?: string | AnySolver
  /**
   * The loss, a beta-divergence: `'frobenius'` (β = 2), `'kullback-leibler'` (1),
   * `'itakura-saito'` (0) or any finite β. Only `mu` takes one other than Frobenius.
   * @default 'frobenius'
   */
  readonly betaLoss?: BetaLoss
  /** Default: `nndsvda` when components ≤ min(samples, features), else `random`. */
  readonly init?: InitOption
  /** @default 200 */
  readonly maxIter?: number
  /** @default 1e-4 */
  readonly tol?: number
  /** Penalty on W, scaled by the number of features. @default 0 */
  readonly alphaW?: number
  /** Penalty on H, scaled by the number of samples; `'same'` uses alphaW. @default 'same' */
  readonly alphaH?: number | 'same'
  /** The L1 share of the penalties, in [0, 1]. @default 0 */
  readonly l1Ratio?: number
  /** Visit the components in a random order. @default false */
  readonly shuffle?: boolean
  /** The seed of the fit's `Rng` (random init, shuffling). @default 0 */
  readonly seed?: number
  /** Called with each history entry, after each iteration. */
  readonly onIteration?: (entry: HistoryEntry) => void
  /**
   * Stops the fit after the current iteration when it fires. Its `aborted` is read when the
   * options are checked and after each iteration; one that throws when read (a getter or
   * Proxy) is an `InvalidOption` on `signal` that quotes what it threw.
   */
  readonly signal?: AbortSignal
}

/**
 * The options of `nmf(X, options)` where the solver is known only at run time: the common
 * ones and any other key (`nmf` checks the keys when it runs).
 */
export interface NmfOptions extends CommonNmfOptions {
  readonly [solverOption: string]: unknown
}

/** A name of a built-in solver. */
export type BuiltInSolverName = 'cd' | 'mu' | 'moving-average'

/**
 * A solver that is known only at run time: a `string` that is not a literal, or a plugin
 * typed `AnySolver` (a literal name or a typed plugin has an overload of its own).
 */
export type RunTimeSolver<S> = S extends BuiltInSolverName
  ? never
  : S extends Solver<infer O, infer _State>
    ? unknown extends O
      ? S
      : never
    : string extends S
      ? S
      : never

/**
 * `nmf`'s signatures. Given a built-in solver's name (or none: `cd`) or a plugin typed
 * `Solver<O>`, the options are checked when they compile: a misspelt option, or one the
 * solver does not take, is an error (`{ solver: 'cd', gamma: 0.5 }`: `gamma` is
 * `moving-average`'s). A solver known only at run time (a `string`, a plugin typed
 * `AnySolver`) takes any key, and so does an options object typed `CommonNmfOptions` or
 * `NmfOptions`: `nmf` checks the keys when it runs.
 */
export interface Nmf {
  /** `cd` (the default) or `mu`, which take only the common options. */
  <R extends string = string, C extends string = string>(
    input: AnyMatrix<R, C> | MatrixInput,
    options: CommonNmfOptions & { readonly solver?: 'cd' | 'mu' },
  ): Result<Factorization<R, C>>
  /** `moving-average` and its own options. */
  <R extends string = string, C extends string = string>(
    input: AnyMatrix<R, C> | MatrixInput,
    options: CommonNmfOptions & {
      readonly solver: 'moving-average'
    } & Partial<MovingAverageOptions>,
  ): Result<Factorization<R, C>>
  /**
   * A plugin typed `Solver<O>` and its own options, `O`'s keys (with the dimensions' names
   * given, give `O` too: `nmf<'docs', 'words', RelaxedOptions>`).
   */
  <R extends string = string, C extends string = string, O = never>(
    input: AnyMatrix<R, C> | MatrixInput,
    options: CommonNmfOptions & { readonly solver: Solver<O, Factors> } & Partial<O>,
  ): Result<Factorization<R, C>>
  /**
   * A solver known only at run time, and any other key. With the dimensions' names given
   * (`nmf<'docs', 'words'>`), name its type too (`nmf<'docs', 'words', string>`): a
   * default would let any solver through unchecked.
   */
  <R extends string = string, C extends string = string, S extends string | AnySolver = never>(
    input: AnyMatrix<R, C> | MatrixInput,
    options: CommonNmfOptions & { readonly solver: S & RunTimeSolver<S> } & {
      readonly [solverOption: string]: unknown
    },
  ): Result<Factorization<R, C>>
  /** Options in a variable of the common type (or `NmfOptions`). */
  <R extends string = string, C extends string = string>(
    input: AnyMatrix<R, C> | MatrixInput,
    options: CommonNmfOptions,
  ): Result<Factorization<R, C>>
}
