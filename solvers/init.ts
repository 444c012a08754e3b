/**
 * Initialization strategies: the first W and H of a fit.
 *
 * - `random`: |N(0, 1)|·sqrt(mean(X)/k), H drawn before W (scikit-learn's order).
 * - `nndsvd`: non-negative double SVD (Boutsidis & Gallopoulos, 2008); sparse
 *   factors whose zeros stay zero under multiplicative updates.
 * - `nndsvda`: NNDSVD with its zeros filled by mean(X); better for `cd`.
 * - `nndsvdar`: NNDSVD with its zeros filled by small random values.
 * - custom: `{ W, H }` given by the user, checked for shape and sign.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { checkNonNegative, checkNotAllZero } from '../core/validate.ts'
import {
  concerning,
  invalidOption,
  shapeMismatch,
  showNumber,
  unsupported,
  type Result,
} from '../core/errors.ts'
import type { AnyMatrix } from '../core/csr.ts'
import { Matrix } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import { euclideanNorm, MIN_NORMAL } from '../core/scaled.ts'
import type { Rng } from '../core/rng.ts'
import { truncatedSvd } from '../core/svd.ts'
import type { Factors } from './contract.ts'
import { asDense } from '../core/input.ts'

/** An init plugin: a name and a function of (X, k, rng) to the first factors. */
export interface InitStrategy {
  readonly name: string
  readonly init: (X: AnyMatrix, components: number, rng: Rng, operation: string) => Result<Factors>
}

/** Entries of an NNDSVD factor below this are set to zero (scikit-learn's `eps`). */
export const NNDSVD_EPSILON = 1e-6

const random: InitStrategy = {
  name: 'random',
  init: (X, k, rng, operation) => {
    const scale = Math.sqrt(X.mean() / k)
    const draw = (rows: number, cols: number) => {
      const values = new Float64Array(rows * cols)
      for (let q = 0; q < values.length; q++) values[q] = Math.abs(scale * rng.normal())
      return values
    }
    const H = draw(k, X.cols)
    const W = draw(X.rows, k)
    // Where mean(X) itself underflows, the advice says so (allZeroAdvice), once.
    const cause = X.mean() === 0 ? undefined : 'mean(X)/k underflows to 0'
    return nonZeroStart('random', X, k, { W, H }, operation, cause)
  },
}

/** The NNDSVD factors, zeros left as zeros. */
const nndsvdCore = (X: AnyMatrix, k: number, rng: Rng): { W: Float64Array; H: Float64Array } => {
  const n = X.rows
  const m = X.cols
  const { U, S, V } = truncatedSvd(X, k, rng)
  const W = new Float64Array(n * k)
  const H = new Float64Array(k * m)
  for (let j = 0; j < k; j++) {
    const x = Float64Array.from({ length: n }, (_, i) => U[i * k + j])
    const y = V.subarray(j * m, (j + 1) * m)
    let u: Float64Array
    let v: Float64Array
    let sigma: number
    if (j === 0) {
      // The leading singular pair of a non-negative matrix has one sign.
      u = x.map(Math.abs)
      v = y.map(Math.abs)
      sigma = 1
    } else {
      // Keep the part (positive or negative) of the pair with the larger norm product.
      const xp = x.map((value) => Math.max(value, 0))
      const yp = y.map((value) => Math.max(value, 0))
      const xn = x.map((value) => Math.max(-value, 0))
      const yn = y.map((value) => Math.max(-value, 0))
      const [normXp, normYp, normXn, normYn] = [xp, yp, xn, yn].map(euclideanNorm)
      const positive = normXp * normYp
      const negative = normXn * normYn
      // Both parts zero (possible only for a zero singular vector): the column stays zero,
      // where dividing by their norms would give 0/0.
      if (positive === 0 && negative === 0) continue
      ;[u, v, sigma] =
        positive > negative
          ? [xp.map((value) => value / normXp), yp.map((value) => value / normYp), positive]
          : [xn.map((value) => value / normXn), yn.map((value) => value / normYn), negative]
    }
    const lambda = Math.sqrt(S[j] * sigma)
    for (let i = 0; i < n; i++) W[i * k + j] = lambda * u[i]
    for (let c = 0; c < m; c++) H[j * m + c] = lambda * v[c]
  }
  for (let q = 0; q < W.length; q++) if (W[q] < NNDSVD_EPSILON) W[q] = 0
  for (let q = 0; q < H.length; q++) if (H[q] < NNDSVD_EPSILON) H[q] = 0
  return { W, H }
}

/**
 * What to do about an init that gave all-zero factors (or a fit whose factors underflowed to
 * them, from the init `failed`), naming only what works on X: scaling
 * X up always does. `random` draws entries of the order of sqrt(mean(X)/k); where the
 * squares of mean(X) are normal doubles its fits match those of X scaled up (measured for
 * `cd` and `mu` from 1e-12 down to 1e-200). `nndsvda` is not named: where NNDSVD's entries
 * all fall below the threshold it fills every one with mean(X), so that every component
 * starts the same (and `mu` never tells them apart).
 */
export const allZeroAdvice = (failed: string, X: AnyMatrix): string => {
  const mean = X.mean()
  if (mean === 0) {
    return 'mean(X) underflows to 0, so every built-in init gives all-zero factors: scale X up'
  }
  return failed !== 'random' && mean * mean >= MIN_NORMAL
    ? "use init 'random', or scale X up"
    : 'scale X up'
}

/**
 * The factors an init drew for X, unless one of them is all zero while X is not: an
 * all-zero factor is a fixed point of every solver, and the fit would return zeros.
 * `cause` says why the init gave zeros, unless the advice does.
 */
const nonZeroStart = (
  name: string,
  X: AnyMatrix,
  k: number,
  { W, H }: { readonly W: Float64Array; readonly H: Float64Array },
  operation: string,
  cause: string | undefined,
): Result<Factors> => {
  if ((W.every((value) => value === 0) || H.every((value) => value === 0)) && X.max() > 0) {
    return E.left(
      unsupported(
        operation,
        `init '${name}' gave all-zero factors${cause === undefined ? '' : `: ${cause}`} ` +
          `for X whose largest entry is ${showNumber(X.max())}; ${allZeroAdvice(name, X)}`,
        { input: 'X' },
      ),
    )
  }
  return E.right({ W: Matrix.unsafeWrap(X.rows, k, W), H: Matrix.unsafeWrap(k, X.cols, H) })
}

/** An NNDSVD variant: the zeros of the factors replaced by `fill(rng)`. */
const nndsvdVariant = (
  name: string,
  fill: (X: AnyMatrix, rng: Rng) => () => number,
): InitStrategy => ({
  name,
  init: (X, k, rng, operation) => {
    if (k > Math.min(X.rows, X.cols)) {
      return E.left(
        invalidOption(
          operation,
          'init',
          `'${name}' needs components ≤ min(samples, features) = ${Math.min(X.rows, X.cols)}, ` +
            `found ${k}; use init 'random' for more components`,
        ),
      )
    }
    const { W, H } = nndsvdCore(X, k, rng)
    const next = fill(X, rng)
    for (let q = 0; q < W.length; q++) if (W[q] === 0) W[q] = next()
    for (let q = 0; q < H.length; q++) if (H[q] === 0) H[q] = next()

    // It happens when X is so small that every entry falls below the threshold.
    return nonZeroStart(name, X, k, { W, H }, operation, `every entry fell below ${NNDSVD_EPSILON}`)
  },
})

const nndsvd = nndsvdVariant('nndsvd', () => () => 0)
const nndsvda = nndsvdVariant('nndsvda', (X) => {
  const mean = X.mean()
  return () => mean
})
const nndsvdar = nndsvdVariant('nndsvdar', (X, rng) => {
  const mean = X.mean()
  return () => Math.abs((mean * rng.normal()) / 100)
})

/** The built-in init strategies, by name. */
export const initStrategies: readonly InitStrategy[] = [random, nndsvd, nndsvda, nndsvdar]

/**
 * scikit-learn's default: `nndsvda` when components ≤ min(samples, features),
 * else `random`.
 */
export const defaultInit = (X: AnyMatrix, components: number): string =>
  components <= Math.min(X.rows, X.cols) ? 'nndsvda' : 'random'

/**
 * Checks user-given factors: shapes, finite, non-negative, and not all zero where X has an
 * entry (zeros cannot grow into a fit of it); for an all-zero X, zero factors are the fit,
 * as `initialize` gives them.
 */
export const customInit = (
  X: AnyMatrix,
  components: number,
  given: { readonly W: unknown; readonly H: unknown },
  op: string,
): Result<Factors> => {
  const zeroX = E.isLeft(checkNotAllZero(op, 'X', X))
  const check = (what: string, matrix: Matrix, rows: number, cols: number): Result<Matrix> =>
    matrix.rows !== rows || matrix.cols !== cols
      ? E.left(
          shapeMismatch(
            op,
            what,
            `shape ${showShape(rows, cols)}`,
            showShape(matrix.rows, matrix.cols),
          ),
        )
      : pipe(
          checkNonNegative(op, what, matrix),
          E.chain((ok) => (zeroX ? E.right(ok) : checkNotAllZero(op, what, ok))),
        )
  return pipe(
    asDense(op, 'custom W', given.W),
    E.chain((W) => check('custom W', W, X.rows, components)),
    E.mapLeft(concerning('init.W')),
    E.chain((W) =>
      pipe(
        asDense(op, 'custom H', given.H),
        E.chain((H) => check('custom H', H, components, X.cols)),
        E.mapLeft(concerning('init.H')),
        E.map((H): Factors => ({
          W: W as Matrix<string, 'components'>,
          H: H as Matrix<'components', string>,
        })),
      ),
    ),
  )
}
