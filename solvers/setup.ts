/**
 * What `nmf` settles before its solver runs, shared with `transform` and `initialize`:
 * that the solver takes X's format, the penalties and the loss (its `capabilities`), β of
 * the loss, the penalties in scikit-learn's scaling, and the first factors.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  betaOf,
  checkAboveEpsilon,
  checkBetaDomain,
  lossName,
  showBeta,
  type BetaLoss,
} from '../core/beta-divergence.ts'
import { invalidOption, overflow, showNumber, unsupported, type Result } from '../core/errors.ts'
import type { AnyMatrix } from '../core/csr.ts'
import { squaredFrobeniusNorm } from '../core/divergence.ts'
import { attempt } from '../core/guarded.ts'
import { describeValue } from '../core/matrix.ts'
import type { Rng } from '../core/rng.ts'
import { allFinite } from '../core/validate.ts'
import type { AnySolver, Factors, Penalties, Problem } from './contract.ts'
import { blameGivenStart, xTooLarge, type GivenStart } from './driver.ts'
import { customInit, defaultInit, initStrategies } from './init.ts'
import { solvers } from './resolve-solver.ts'

/** X itself, unless it is a CsrMatrix and `solver` declares that it takes none. */
export const checkSparse = (op: string, solver: AnySolver, X: AnyMatrix): Result<AnyMatrix> =>
  X.format === 'csr' && !solver.capabilities.sparse
    ? E.left(
        unsupported(
          op,
          `expected a dense X for solver '${solver.name}' (its capabilities.sparse is false), ` +
            `found a ${X.rows}×${X.cols} CsrMatrix; pass a dense Matrix, e.g. X.toDense()`,
          { input: 'X' },
        ),
      )
    : E.right(X)

/**
 * Nothing, unless there are penalties and `solver` does not declare that it applies them:
 * then an error on the first option that sets one (alphaW, else alphaH), naming both where
 * both do, rather than a fit without them.
 */
export const checkPenalties = (
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
  return pipe(
    checkBetaDomain(op, X, beta),
    E.chain(() => checkAboveEpsilon(op, X, beta)),
    E.map(() => beta),
  )
}

/**
 * The problem a solver sees (`nmf`'s, `transform`'s): its penalties in scikit-learn's
 * scaling, and ‖X‖²_F computed at its first read and kept, so that a fit whose solver never
 * reads it (`mu`) skips the pass over X (on a 2000×1000 X, about a third of an iteration of
 * `mu`).
 */
export const problemOf = (
  X: AnyMatrix,
  components: number,
  beta: number,
  options: {
    readonly alphaW: number
    readonly alphaH: number | 'same'
    readonly l1Ratio: number
    readonly shuffle: boolean
  },
  rng: Rng,
): Problem => {
  let squared: number | undefined
  return {
    X,
    components,
    get squaredNormX() {
      return (squared ??= squaredFrobeniusNorm(X))
    },
    beta,
    penalties: penalties(X, options.alphaW, options.alphaH, options.l1Ratio),
    shuffle: options.shuffle,
    rng,
  }
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

/** Products of the start below this are taken as finite without forming them. */
const SURELY_FINITE = 1e300

/**
 * `mu`'s first update (Frobenius loss) divides W by W·(H·Hᵀ): where that overflows, x/∞ is 0
 * and the update sets the entry to zero, a zero that multiplicative updates never leave. The
 * fit would go on without an error, W partly zero and a poor fit (`nndsvda`, which fills its
 * start's zeros with mean(X), did so in `nmf` on a uniform X of 1e104; in `transform`, an H
 * with a row of 1e152 on X near 1e10 zeroed that component's column of W). So the start is
 * refused where it overflows, naming what to scale: the start the caller gave (`given`) or X. Only W's denominator is the
 * start's: H's, (WᵀW)·H, is formed with the W that update made, not the start's W (a start of
 * W far above and H far below X's scale, whose start's WᵀW overflows, fits: the W update
 * brings W to X's scale first). Each entry of W·(H·Hᵀ) is at most k·n·w·h² (w, h the factors'
 * largest entries): below SURELY_FINITE, nothing is formed; above it, the product is.
 */
export const muStartFinite = (
  operation: string,
  X: AnyMatrix,
  initial: Factors,
  given: GivenStart | undefined,
  xAdvice?: string,
): Result<undefined> => {
  const { W, H } = initial
  const [w, h] = [W.max(), H.max()]
  if (W.cols * H.cols * w * h * h <= SURELY_FINITE) return E.right(undefined)
  const product = E.flatMap(H.timesTransposed(H), (gram) => W.times(gram))
  if (E.isRight(product) && allFinite(product.right.toFloat64Array())) return E.right(undefined)
  return E.left(
    overflow(
      operation,
      "the product W·(H·Hᵀ) of the start (mu's first update divides W by it)",
      Infinity,
      // The start the caller gave, where X is within the fit's sums; else X.
      blameGivenStart(given, initial, X.max()) ?? xTooLarge(X.max(), xAdvice),
    ),
  )
}
