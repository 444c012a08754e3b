/**
 * `transform(X, H, options)`: the coefficients W (samples×k) of new samples X
 * (samples×features) on fixed components H (k×features), as scikit-learn's
 * `NMF.transform` finds them: the solver's W update alone, run by the driver
 * with its stopping rule, H never changing. `cd` starts W at zeros; `mu` starts
 * it at sqrt(mean(X)/k) everywhere, since a multiplicative update never moves
 * an entry away from zero.
 *
 * `inverseTransform(W, H)`: W·H, the samples rebuilt from their coefficients.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { EPSILON, type BetaLoss } from '../core/beta-divergence.ts'
import type { AnyMatrix } from '../core/csr.ts'
import {
  concerning,
  invalidOption,
  overflow,
  shapeMismatch,
  showIterations,
  showNumber,
  unsupported,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import { describeValue, Matrix, valuesOf } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import { attempt } from '../core/guarded.ts'
import { createRng } from '../core/rng.ts'
import { counted } from '../core/show.ts'
import {
  allFinite,
  checkNonNegative,
  checkNonNegativeInput,
  checkNotAllZero,
} from '../core/validate.ts'
import { withResidentScope } from '../core/wasm.ts'
import { cd, cdFixedH } from './cd.ts'
import { productIsZero } from './components.ts'
import type { AnySolver, Problem } from './contract.ts'
import { runDriver, type Factorization, type GivenStart } from './driver.ts'
import { asDense, asMatrix, type MatrixInput } from '../core/input.ts'
import { mu, multiplicativeUpdates } from './mu.ts'
import type { NmfOptions } from './nmf-types.ts'
import { commonDefaults, commonProps, decodeProps, readOptions } from './options.ts'
import { muStartFinite, problemOf, resolveBeta } from './setup.ts'

/** The options of `transform`: those of `nmf` that concern W, with the same defaults. */
export interface TransformOptions extends Pick<
  NmfOptions,
  'maxIter' | 'tol' | 'alphaW' | 'l1Ratio' | 'shuffle' | 'seed' | 'onIteration' | 'signal'
> {
  /**
   * `'cd'` (default) or `'mu'`, or nmfkit's own `cd` or `mu` value: transform runs their
   * W-only variants, which no plugin has (a plugin, a copy of cd included, is an
   * `Unsupported` on `solver` when a JavaScript caller passes one).
   */
  readonly solver?: 'cd' | 'mu' | typeof cd | typeof mu
  /** The loss; only `mu` takes one other than Frobenius. @default 'frobenius' */
  readonly betaLoss?: BetaLoss
  /** Accepted for symmetry with `nmf`; H is fixed, so its penalty has no effect. */
  readonly alphaH?: number | 'same'
}

const operation = 'transform'

const { components: _components, init: _init, ...transformProps } = commonProps

const muFixedH = multiplicativeUpdates(false) as unknown as AnySolver

/** The W-only variant of the chosen solver, and the solver itself (for its losses). */
const resolveTransformSolver = (solver: unknown): Result<readonly [AnySolver, AnySolver]> => {
  if (solver === undefined || solver === 'cd' || solver === cd) {
    return E.right([cd, cdFixedH as AnySolver])
  }
  if (solver === 'mu' || solver === mu) return E.right([mu as unknown as AnySolver, muFixedH])
  // Its name, read without a throw: a getter or Proxy of the caller's may throw.
  const named = attempt(() =>
    typeof solver === 'object' && solver !== null && 'name' in solver
      ? `a plugin named '${String(solver.name)}'`
      : undefined,
  )
  const expected = "expected solver 'cd' or 'mu' (the name, or nmfkit's own cd or mu value)"
  // A value that cannot be read is no solver at all, as nmf calls it.
  if (E.isLeft(named)) {
    return E.left(
      invalidOption(
        operation,
        'solver',
        `${expected}, found an object that threw ${named.left} when read`,
      ),
    )
  }
  const found = typeof solver === 'string' ? `'${solver}'` : (named.right ?? describeValue(solver))
  // A copy of cd or mu is a plugin: transform runs only nmfkit's own, with H held fixed.
  return E.left(
    unsupported(operation, `${expected}, found ${found}, which has no transform`, {
      option: 'solver',
    }),
  )
}

/**
 * The coefficients W (samples×k) of X on the fixed components H (k×features),
 * returned as a `Factorization` whose H is the one given: `.W` is the answer,
 * and `nIter`, `converged`, `reconstructionError` and `history` describe the
 * solve. X may be dense or CSR.
 *
 * @example
 * const coefficients = transform(Xnew, fit.H, { solver: 'mu', betaLoss: 'kullback-leibler' })
 * // Right({ W: samples×k, H: fit.H, nIter, converged, ... })
 */
export const transform = <R extends string = string, C extends string = string>(
  input: AnyMatrix<R, C> | MatrixInput,
  components: Matrix<string, NoInfer<C>> | ReadonlyArray<ArrayLike<number>>,
  options: TransformOptions = {},
): Result<Factorization<R, C>> => withResidentScope(() => fitW(input, components, options))

/**
 * H non-negative, and not all zero: an all-zero H leaves W undetermined (every W gives the
 * same W·H), as an all-zero start does in nmf, which refuses it too.
 */
const checkComponents = <M extends AnyMatrix>(H: M): Result<M> =>
  pipe(
    checkNonNegative(operation, 'H', H),
    E.chain((ok) => checkNotAllZero(operation, 'H', ok)),
    E.mapLeft(concerning('H')),
  )

/** transform's H, as an overflow it causes names it. */
const GIVEN_H: GivenStart = { entries: "H's entries", advice: 'scale H down (W scales inversely)' }

const fitW = <R extends string, C extends string>(
  input: AnyMatrix<R, C> | MatrixInput,
  components: Matrix<string, NoInfer<C>> | ReadonlyArray<ArrayLike<number>>,
  options: TransformOptions,
): Result<Factorization<R, C>> => {
  // Nested arrays are taken as H; a JavaScript caller may also pass nothing.
  const dense = E.mapLeft(concerning('H'))(asDense(operation, 'H', components))
  if (E.isLeft(dense)) return dense
  // A Matrix H is read once into one of nmfkit's own (a Proxy of one may throw at any read);
  // the result's H is still the one given.
  const H = dense.right as Matrix<string, C>
  const givenMatrix = attempt(() => components instanceof Matrix)
  const given = E.isRight(givenMatrix) && givenMatrix.right ? components : undefined
  return pipe(
    E.Do,
    E.bind('given', () =>
      readOptions(operation, options, "{ solver: 'mu' }", Object.keys(transformProps)),
    ),
    E.bind('X', () => E.mapLeft(concerning('X'))(asMatrix(operation, input))),
    E.bind('X_', ({ X }) => E.mapLeft(concerning('X'))(checkNonNegativeInput(operation, 'X', X))),
    E.bind('H_', ({ X }) =>
      H.cols === X.cols
        ? checkComponents(H)
        : E.left<NmfError>(
            // H is the fitted model; the new samples are what does not fit it.
            concerning('X')(
              shapeMismatch(
                operation,
                'X',
                `${counted(H.cols, 'column', 'columns')} ` +
                  `(the features of H, ${showShape(H.rows, H.cols)})`,
                `shape ${showShape(X.rows, X.cols)}`,
              ),
            ),
          ),
    ),
    E.bind('options', ({ given }) => decodeProps(operation, given, transformProps)),
    E.bind('solvers', ({ given }) => resolveTransformSolver(given.solver)),
    E.bind('beta', ({ X, solvers, options: decoded }) =>
      resolveBeta(
        operation,
        solvers[0],
        (decoded.betaLoss as BetaLoss | undefined) ?? 'frobenius',
        X,
      ),
    ),
    E.chain(({ X, options: decoded, solvers: [solver, fixedH], beta }) => {
      const resolved = { ...commonDefaults, ...decoded }
      const k = H.rows
      const problem = problemOf(X, k, beta, resolved, createRng(resolved.seed))
      // A multiplicative update keeps a zero at zero, so mu cannot start from zeros.
      const W =
        solver.name === 'mu'
          ? Matrix.fill<string, 'components'>(X.rows, k, Math.sqrt(X.mean() / k))
          : Matrix.zeros<string, 'components'>(X.rows, k)
      const start = { W, H: H as Matrix<'components', C> }
      return pipe(
        // mu's W update divides by W·(H·Hᵀ): an H whose rows' squares overflow it would set
        // those components' coefficients to zero for good, without an error.
        solver.name === 'mu' && beta === 2
          ? muStartFinite(operation, X, start, GIVEN_H)
          : E.right(undefined),
        E.chain(() =>
          runDriver(
            fixedH,
            problem,
            start,
            {},
            {
              maxIter: resolved.maxIter,
              tol: resolved.tol,
              onIteration: decoded.onIteration as TransformOptions['onIteration'],
              signal: decoded.signal as AbortSignal | undefined,
              operation,
              builtIn: true,
              givenStart: GIVEN_H,
              resolved: { ...resolved, solver: solver.name, components: k },
            },
          ),
        ),
        E.chain((fit) => notUnderflowed(problem, fit)),
        E.map((fit) => (given !== undefined && fit.H === H ? { ...fit, H: given } : fit)),
        // An aborted fit's partial result too.
        E.mapLeft((error) => {
          if (error._tag !== 'Aborted' || given === undefined) return error
          const partial = error.partial as Factorization | undefined
          return partial?.H === H ? { ...error, partial: { ...partial, H: given } } : error
        }),
      ) as Result<Factorization<R, C>>
    }),
  )
}

/**
 * A converged fit whose W·H is zero in every entry, though X has an entry (above EPSILON
 * for a loss other than Frobenius, which counts smaller ones as zeros) in a column where a
 * row of H is not zero, and no penalty on W: there W = 0 is not a minimum (a small enough
 * coefficient on that component does better), so the fit's products (X·Hᵀ, H·Hᵀ)
 * underflowed, and took W and the stopping measure with them. Where no column of X
 * meets H's non-zeros, W = 0 is the exact answer, and is returned.
 */
const notUnderflowed = (problem: Problem, fit: Factorization): Result<Factorization> => {
  const { X } = problem
  const { l1W, l2W } = problem.penalties
  if (!fit.converged || l1W + l2W > 0 || !productIsZero(fit.W, fit.H)) return E.right(fit)
  const floor = problem.beta === 2 ? 0 : EPSILON
  const m = X.cols
  const inX = new Uint8Array(m)
  if (X.format === 'dense') {
    const x = valuesOf(X)
    for (let q = 0; q < x.length; q++) if (x[q] > floor) inX[q % m] = 1
  } else {
    for (let q = 0; q < X.data.length; q++) if (X.data[q] > floor) inX[X.indices[q]] = 1
  }
  const h = valuesOf(fit.H)
  if (!h.some((value, q) => value > 0 && inX[q % m] === 1)) return E.right(fit)
  return E.left(
    unsupported(
      operation,
      `the fit converged after ${showIterations(fit.nIter)} to a W·H that is zero in every ` +
        `entry, though X has entries in columns where H does (X's largest entry is ` +
        `${showNumber(X.max())}, H's ${showNumber(fit.H.max())}): the fit's products ` +
        "(X·Hᵀ, H·Hᵀ) underflowed; scale H's entries toward 1 (W scales inversely) and X's " +
        'so that X·Hᵀ stays within the doubles (W scales with X)',
      { input: 'X' },
    ),
  )
}

/**
 * W·H (samples×features): the samples rebuilt from their coefficients W
 * (samples×k) on the components H (k×features). W and H may also be nested arrays, as
 * `transform` takes H.
 *
 * @example
 * inverseTransform(fit.W, fit.H) // Right(X's reconstruction)
 */
export const inverseTransform = <
  R extends string = string,
  K extends string = string,
  C extends string = string,
>(
  W: Matrix<R, K> | ReadonlyArray<ArrayLike<number>>,
  H: Matrix<NoInfer<K>, C> | ReadonlyArray<ArrayLike<number>>,
): Result<Matrix<R, C>> =>
  pipe(
    E.Do,
    E.bind('w', () => E.mapLeft(concerning('W'))(asDense('inverseTransform', 'W', W))),
    E.bind('h', () => E.mapLeft(concerning('H'))(asDense('inverseTransform', 'H', H))),
    E.chain(({ w, h }) =>
      h.rows === w.cols
        ? E.right({ w, h })
        : E.left(
            concerning('H')(
              shapeMismatch(
                'inverseTransform',
                'H',
                `${counted(w.cols, 'row', 'rows')} (W's columns)`,
                `shape ${showShape(h.rows, h.cols)}`,
              ),
            ),
          ),
    ),
    // Factors as a fit makes them, as nmf and transform check theirs: finite, ≥ 0.
    E.chainFirst(({ w }) =>
      E.mapLeft(concerning('W'))(checkNonNegative('inverseTransform', 'W', w)),
    ),
    E.chainFirst(({ h }) =>
      E.mapLeft(concerning('H'))(checkNonNegative('inverseTransform', 'H', h)),
    ),
    E.chain(({ w, h }) => w.times(h) as Result<Matrix<R, C>>),
    E.chain((product) =>
      allFinite(valuesOf(product))
        ? E.right(product)
        : E.left(
            overflow(
              'inverseTransform',
              'W·H',
              Infinity,
              'its sums passed the largest double (1.80e308); scale W or H down',
            ),
          ),
    ),
  )
