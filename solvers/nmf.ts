/**
 * `nmf(X, options)`: the path of one fit. Decode the options, check X, resolve
 * the solver and the init, build the first factors, let the driver loop, and
 * return the `Factorization`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  betaOf,
  checkBetaDomain,
  EPSILON,
  lossName,
  showBeta,
  type BetaLoss,
} from '../core/beta-divergence.ts'
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
import { createRng, type Rng } from '../core/rng.ts'
import { checkNonNegative } from '../core/validate.ts'
import type { AnySolver, Factors, Penalties, Problem, Solver } from './contract.ts'
import { cd } from './cd.ts'
import { mu } from './mu.ts'
import { withResidentScope } from '../core/wasm.ts'
import { runDriver, type Factorization, type HistoryEntry } from './driver.ts'
import { allZeroAdvice, customInit, defaultInit, initStrategies } from './init.ts'
import { disjointComponents, productIsZero } from './components.ts'
import { movingAverage, type MovingAverageOptions } from './moving-average.ts'
import { commonDefaults, commonProps, decodeProps, readNamed, readOptions } from './options.ts'
import { asMatrix, type MatrixInput } from '../core/input.ts'
import { describeValue, type Matrix } from '../core/matrix.ts'
import { attempt } from '../core/guarded.ts'

/** The built-in solvers, by name (frozen: it is not a registry). */
export const solvers: readonly AnySolver[] = Object.freeze([cd, movingAverage, mu])

/** The built-in solvers' objects themselves: a copy of one is a plugin. */
const builtIn: ReadonlySet<AnySolver> = new Set(solvers)

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

const operation = 'nmf'

const resolveSolver = (solver: unknown): Result<AnySolver> => {
  if (solver === undefined) return E.right<NmfError, AnySolver>(cd)
  if (typeof solver === 'string') {
    const found = solvers.find((candidate) => candidate.name === solver)
    return found !== undefined
      ? E.right(found)
      : E.left(
          invalidOption(
            operation,
            'solver',
            `expected one of ${solvers.map((s) => `'${s.name}'`).join(', ')} ` +
              `or a solver plugin, found '${solver}'`,
          ),
        )
  }
  if (isObject(solver)) {
    const plugin = attempt(() => 'step' in solver && 'name' in solver)
    if (E.isLeft(plugin)) {
      return E.left(
        invalidOption(
          operation,
          'solver',
          `expected a solver name or plugin, found an object that threw ${plugin.left} when read`,
        ),
      )
    }
    if (plugin.right) return checkPlugin(solver)
  }
  return E.left(
    invalidOption(
      operation,
      'solver',
      `expected a solver name or plugin, found ${describeValue(solver)}`,
    ),
  )
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/** The members a plugin must have (a path into it), what each must be, and how to tell. */
const PLUGIN_MEMBERS: ReadonlyArray<readonly [string, string, (value: unknown) => boolean]> = [
  ['name', 'a string', (value) => typeof value === 'string'],
  ['optionProps', 'an object of io-ts codecs', (value) => isObject(value)],
  ['defaults', 'an object of option values', (value) => isObject(value)],
  ['capabilities', 'an object', (value) => isObject(value)],
  [
    'capabilities.losses',
    'an array of loss names',
    (value) => Array.isArray(value) && value.every((loss) => typeof loss === 'string'),
  ],
  ...['sparse', 'monotone', 'nonnegative'].map(
    (flag) =>
      [
        `capabilities.${flag}`,
        'a boolean',
        (value: unknown) => typeof value === 'boolean',
      ] as const,
  ),
  [
    'capabilities.penalties',
    'true, false or nothing',
    (value) => value === undefined || typeof value === 'boolean',
  ],
  ['measure', 'a string', (value) => typeof value === 'string'],
  ...['start', 'step', 'converged'].map(
    (method) => [method, 'a function', (value: unknown) => typeof value === 'function'] as const,
  ),
]

/** A plugin's own options as `checkPlugin` reads them, each member once. */
interface PluginOptions {
  readonly name: string
  /** optionProps' entries, each codec with its `is` and `name` as read. */
  readonly codecs: ReadonlyArray<{
    readonly option: string
    readonly codec: object
    readonly is: (value: unknown) => boolean
    readonly type: unknown
  }>
  readonly defaults: Readonly<Record<string, unknown>>
}

/**
 * A plugin with the members `Solver` asks for, each of its kind (a JavaScript plugin can
 * lack one), whose own options are its own (none is named as one of nmf's common options)
 * and whose defaults its codecs accept: else an error on `solver` that names the first
 * member that is wrong, or that threw when read (a getter or Proxy of the caller's). The
 * plugin's own code (a codec's `is`) runs unguarded: what it throws, nmf lets through.
 */
const checkPlugin = (solver: Record<string, unknown>): Result<AnySolver> => {
  let name: string | undefined
  const refuse = (found: string) => E.left(invalidOption(operation, 'solver', found))
  for (const [path, expected, ok] of PLUGIN_MEMBERS) {
    const read = attempt(() => {
      const value = path
        .split('.')
        .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), solver)
      return { value, fits: ok(value) }
    })
    const plugin = name === undefined ? 'the solver plugin' : `the solver plugin '${name}'`
    const member = `expected ${plugin} to have ${path}, ${expected}`
    if (E.isLeft(read)) return refuse(`${member}, found one that threw ${read.left} when read`)
    if (!read.right.fits) return refuse(`${member}, found ${describeValue(read.right.value)}`)
    if (path === 'name') name = read.right.value as string
  }
  const plugin = solver as unknown as AnySolver
  return pipe(
    readPluginOptions(plugin, name as string),
    E.chainFirst(checkOwnNames),
    E.chainFirst(checkDefaults),
    E.map(() => plugin),
  )
}

/**
 * The plugin's optionProps and defaults, read once: each codec must be an io-ts codec (its
 * options are decoded by it when nmf runs, and its default checked by its `is`); a getter
 * or Proxy that throws is an error on `solver` that says where.
 */
const readPluginOptions = (solver: AnySolver, name: string): Result<PluginOptions> => {
  const refuse = (found: string) => E.left(invalidOption(operation, 'solver', found))
  const entries = attempt(() => ({
    props: Object.entries(solver.optionProps as object) as Array<[string, unknown]>,
    defaults: Object.fromEntries(Object.entries(solver.defaults as object)),
  }))
  if (E.isLeft(entries)) {
    return refuse(
      `expected the solver plugin '${name}' to have optionProps and defaults that can be ` +
        `read, found one that threw ${entries.left} when read`,
    )
  }
  const codecs: Array<PluginOptions['codecs'][number]> = []
  for (const [option, codec] of entries.right.props) {
    const member =
      `expected the solver plugin '${name}' to have optionProps.${option}, ` + 'an io-ts codec'
    const read = attempt(() =>
      isObject(codec) && typeof codec.decode === 'function' && typeof codec.is === 'function'
        ? { codec, is: codec.is as (value: unknown) => boolean, type: codec.name }
        : undefined,
    )
    if (E.isLeft(read)) return refuse(`${member}, found one that threw ${read.left} when read`)
    if (read.right === undefined) return refuse(`${member}, found ${describeValue(codec)}`)
    codecs.push({ option, ...read.right })
  }
  return E.right({ name, codecs, defaults: entries.right.defaults })
}

/**
 * Nothing, unless the plugin's optionProps or defaults name one of nmf's common options:
 * `nmf` would decode the user's value as the common option and then let the plugin's
 * default overwrite it in the options the fit records (or give the solver a value of the
 * wrong type), so such a plugin is refused, naming every such option and where it is.
 */
const checkOwnNames = ({ name, codecs, defaults }: PluginOptions): Result<void> => {
  const where = (option: string): string =>
    [
      ...(codecs.some((codec) => codec.option === option) ? ['optionProps'] : []),
      ...(Object.hasOwn(defaults, option) ? ['defaults'] : []),
    ].join(' and ')
  const colliding = Object.keys(commonProps).filter((option) => where(option) !== '')
  if (colliding.length === 0) return E.right(undefined)
  const [these, another] =
    colliding.length === 1
      ? [`${colliding[0]} is one of nmf's own options`, 'option another name']
      : [`${listed(colliding)} are nmf's own options`, 'options other names']
  return E.left(
    invalidOption(
      operation,
      'solver',
      `expected the solver plugin '${name}' to name only options of its own, found ` +
        `${listed(colliding.map((option) => `${option} in its ${where(option)}`))}: ` +
        `${these}, which every solver takes; give the plugin's ${another}`,
    ),
  )
}

/** "a", "a and b", "a, b and c". */
const listed = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`

/**
 * Each default of an own option is a value of its codec's type (the solver gets it as a
 * decoded value, in place of one the user did not give): else an error that names the
 * option, the type and the value.
 */
const checkDefaults = ({ name, codecs, defaults }: PluginOptions): Result<void> => {
  // A default of no option would reach the fit's recorded options as if it were one.
  const stray = Object.keys(defaults).find((key) => !codecs.some((codec) => codec.option === key))
  if (stray !== undefined) {
    return E.left(
      invalidOption(
        operation,
        'solver',
        `expected the solver plugin '${name}' to have defaults only for its ` +
          `optionProps, found defaults.${stray}, which optionProps does not name`,
      ),
    )
  }
  for (const { option, codec, is, type } of codecs) {
    if (!Object.hasOwn(defaults, option) || is.call(codec, defaults[option])) continue
    const typeName = typeof type === 'string' ? type : describeValue(type)
    return E.left(
      invalidOption(
        operation,
        'solver',
        `expected the solver plugin '${name}' to have defaults.${option}, ` +
          `${typeName} (as its optionProps.${option} decodes), ` +
          `found ${describeValue(defaults[option])}`,
      ),
    )
  }
  return E.right(undefined)
}

/** X itself, unless it is a CsrMatrix and `solver` declares that it takes none. */
const checkSparse = (op: string, solver: AnySolver, X: AnyMatrix): Result<AnyMatrix> =>
  X.format === 'csr' && !solver.capabilities.sparse
    ? E.left(
        unsupported(
          op,
          `expected a dense X for solver '${solver.name}' (its capabilities.sparse is false), ` +
            `found a ${X.rows}×${X.cols} CsrMatrix; pass a dense Matrix, e.g. X.toDense()`,
        ),
      )
    : E.right(X)

/**
 * Nothing, unless there are penalties and `solver` does not declare that it applies them:
 * then an error on the first option that sets one (alphaW, else alphaH), naming both where
 * both do, rather than a fit without them.
 */
const checkPenalties = (
  op: string,
  solver: AnySolver,
  { l1W, l2W, l1H, l2H }: Penalties,
  options: { readonly alphaW: number; readonly alphaH: number | 'same' },
): Result<void> => {
  if (solver.capabilities.penalties === true) return E.right(undefined)
  const given = [
    ...(l1W !== 0 || l2W !== 0 ? [['alphaW', showNumber(options.alphaW)]] : []),
    ...(l1H !== 0 || l2H !== 0 ? [['alphaH', showAlpha(options.alphaH)]] : []),
  ]
  if (given.length === 0) return E.right(undefined)
  const appliers = solvers
    .filter((s) => s.capabilities.penalties === true)
    .map((s) => `'${s.name}'`)
  return E.left(
    invalidOption(
      op,
      given[0][0],
      `solver '${solver.name}' does not apply penalties (its capabilities.penalties is not ` +
        `true), found ${given.map((pair) => pair.join(' ')).join(' and ')}: leave alphaW and ` +
        `alphaH at 0, or use a solver that applies them (${appliers.join(', ')})`,
    ),
  )
}

/** alphaH as given: a number, or `'same'` (then alphaW's value). */
const showAlpha = (alphaH: number | 'same'): string =>
  alphaH === 'same' ? "'same'" : showNumber(alphaH)

/**
 * The first factors for X: by strategy name, from user-given factors, or
 * scikit-learn's default. Shared by `nmf` and `initialize`.
 */
export const buildInit = (
  X: AnyMatrix,
  components: number,
  init: unknown,
  rng: Rng,
  op: string,
): Result<Factors> => {
  const name = init === undefined ? defaultInit(X, components) : init
  if (typeof name === 'string') {
    const strategy = initStrategies.find((candidate) => candidate.name === name)
    if (strategy === undefined) {
      const known = initStrategies.map((s) => `'${s.name}'`).join(', ')
      return E.left(
        invalidOption(op, 'init', `expected one of ${known} or { W, H }, found '${name}'`),
      )
    }
    return strategy.init(X, components, rng, op)
  }
  if (typeof name === 'object' && name !== null) {
    // Read once, W then H: a getter or Proxy of the caller's that throws is an error on init.
    const factors = attempt(() =>
      'W' in name && 'H' in name
        ? { W: (name as { W: unknown }).W, H: (name as { H: unknown }).H }
        : undefined,
    )
    if (E.isLeft(factors)) {
      return E.left(
        invalidOption(
          op,
          'init',
          `expected a strategy name or { W, H }, found an object that threw ${factors.left} ` +
            'when read',
        ),
      )
    }
    if (factors.right !== undefined) return customInit(X, components, factors.right, op)
  }
  return E.left(
    invalidOption(op, 'init', `expected a strategy name or { W, H }, found ${describeValue(name)}`),
  )
}

/**
 * β of `betaLoss`, when `solver` minimizes that loss (its `capabilities.losses`
 * names it, or `'beta-divergence'` for every β) and X lies in its domain.
 */
export const resolveBeta = (
  op: string,
  solver: AnySolver,
  betaLoss: BetaLoss,
  X: AnyMatrix,
): Result<number> => {
  const beta = betaOf(betaLoss)
  const { losses } = solver.capabilities
  if (!losses.includes(lossName(beta)) && !losses.includes('beta-divergence')) {
    return E.left(
      unsupported(
        op,
        `solver '${solver.name}' handles only betaLoss ` +
          `${losses.map((l) => `'${l}'`).join(', ')}, ` +
          `found ${showBeta(beta)}; use solver 'mu' for other losses`,
        { option: 'betaLoss' },
      ),
    )
  }
  return E.map(() => beta)(checkBetaDomain(op, X, beta))
}

/** L1 and L2 penalties in scikit-learn's scaling (W by features, H by samples). */
export const penalties = (
  X: AnyMatrix,
  alphaW: number,
  alphaH: number | 'same',
  l1Ratio: number,
): Penalties => {
  const alphaForH = alphaH === 'same' ? alphaW : alphaH
  // A share of 0 is no penalty at all, also when n·alpha overflows (Infinity·0 is NaN).
  const part = (scaled: number, share: number) => (share === 0 ? 0 : scaled * share)
  return {
    l1W: part(X.cols * alphaW, l1Ratio),
    l2W: part(X.cols * alphaW, 1 - l1Ratio),
    l1H: part(X.rows * alphaForH, l1Ratio),
    l2H: part(X.rows * alphaForH, 1 - l1Ratio),
  }
}

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
    E.bind('X_', ({ X }) => E.mapLeft(concerning('X'))(checkNonNegative(operation, 'X', X))),
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
    E.bind('beta', ({ X, solver, common }) =>
      resolveBeta(operation, solver, (common.betaLoss as BetaLoss | undefined) ?? 'frobenius', X),
    ),
    E.chain(({ given, X, solver, common, own, beta }) => {
      if (common.components === undefined) {
        return E.left<NmfError>(
          invalidOption(operation, 'components', 'is required: expected an integer ≥ 1'),
        )
      }
      const largest = largestComponents(X)
      if ((common.components as number) > largest) {
        return E.left<NmfError>(
          invalidOption(
            operation,
            'components',
            `expected at most ${largest} for X of ${X.rows}×${X.cols} (W, H and their ` +
              `k×k Gram matrices must each fit in ${MAX_ARRAY_ENTRIES} entries), ` +
              `found ${common.components}`,
          ),
        )
      }
      const resolved = { ...commonDefaults, ...common } as typeof commonDefaults & {
        components: number
      }
      // One stream for the whole fit: the init draws first, then the solver.
      const rng = createRng(resolved.seed)
      const solverOptions: unknown = { ...(solver.defaults as object), ...own }
      const problem: Problem = {
        X,
        components: resolved.components,
        squaredNormX: X.frobeniusNorm() ** 2,
        beta,
        penalties: penalties(X, resolved.alphaW, resolved.alphaH, resolved.l1Ratio),
        shuffle: resolved.shuffle,
        rng,
      }
      const penalized = checkPenalties(operation, solver, problem.penalties, resolved)
      if (E.isLeft(penalized)) return penalized
      return pipe(
        buildInit(X, resolved.components, given.init, rng, operation),
        E.chain((initial) =>
          pipe(
            runDriver(solver, problem, initial, solverOptions, {
              maxIter: resolved.maxIter,
              tol: resolved.tol,
              onIteration: common.onIteration as NmfOptions['onIteration'],
              signal: common.signal as AbortSignal | undefined,
              builtIn: builtIn.has(solver),
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
  return E.left(unsupported(operation, `${converged}${zeroCause(problem, initial, fit)}`))
}

/** Why a fit converged to a zero W·H (see `notUnderflowed`), and what to do about it. */
const zeroCause = (problem: Problem, initial: Factors, fit: Factorization): string => {
  // A built-in start is made at X's scale: its products underflowed with the fit's.
  if (fit.options.init !== 'custom' || !productIsZero(initial.W, initial.H)) {
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

/** The largest k whose W (n×k), H (k×m) and k×k Gram matrices stay within MAX_ARRAY_ENTRIES. */
const largestComponents = (X: AnyMatrix): number =>
  Math.min(
    Math.floor(MAX_ARRAY_ENTRIES / Math.max(X.rows, X.cols)),
    Math.floor(Math.sqrt(MAX_ARRAY_ENTRIES)),
  )

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
