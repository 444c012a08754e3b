/**
 * Masked NMF: entries of X marked missing (mask 0) are ignored by the fit,
 * minimizing ½‖M∘(X − W·H)‖²_F with the weighted multiplicative updates of
 * Lee & Seung, which never increase that objective:
 *
 *   W ← W ∘ ((M∘X)·Hᵀ) / ((M∘(W·H))·Hᵀ)
 *   H ← H ∘ (Wᵀ·(M∘X)) / (Wᵀ·(M∘(W·H)))
 *
 * A denominator of 0 (an all-missing row or column, or a zero component) is
 * taken as ε (1e-12): its numerator is 0 too, or the entry it divides is, so
 * the entry becomes 0. Any other denominator is used as it is: ε added
 * to every one made the update shrink the factors a little at every step, which
 * raised the objective of data near 1e-6 (ε being absolute).
 *
 * It stops, as mu does, once an iteration decreases that objective by less than
 * `tol` relative to its value before the iteration (tol 0: never).
 *
 * Run with `npx tsx examples/variants/masked.ts`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pathToFileURL } from 'node:url'
import {
  defineSolver,
  evaluate,
  evaluateAll,
  lift,
  rule,
  value,
  where,
  type Expr,
  type Factors,
  type Matrix,
  type Solver,
} from 'nmfkit'
import { demoProblem } from './demo.ts'

/** What a denominator of 0 is taken as (an all-missing row or column, a zero component). */
const EPSILON = 1e-12

/** `factor ∘ numerator / denominator`, a zero denominator taken as EPSILON. */
const multiplied = <R extends string, C extends string>(
  factor: Expr<R, C>,
  numerator: Expr<R, C>,
  denominator: Expr<R, C>,
): Expr<R, C> =>
  // factor ∘ numerator first: a denominator near the smallest doubles (a factor near 0)
  // would make numerator / denominator overflow.
  factor.mul(numerator).div(where(denominator.eq(0), EPSILON, denominator))

/** A solver that fits X only where `mask` is non-zero (dense X of the mask's shape). */
export const maskedNmf = (mask: Matrix): Solver<Record<string, never>> => {
  const M = lift(mask)
  const objective = (X: Matrix, { W, H }: Factors): number => {
    const r = value(M.mul(lift(X).minus(lift(W).times(lift(H)))).sumSquares())
    return E.isRight(r) ? 0.5 * r.right : NaN
  }
  const update = rule<Factors>('masked multiplicative', (state, { problem }) => {
    const X = lift(problem.X as Matrix)
    const [W, H] = [lift(state.W), lift(state.H)]
    const WH = W.times(H)
    // The new W, and Σ (M∘(X − W·H))² before the update (for the report's relative
    // decrease): evaluated together, W·H is formed once.
    const firstHalf = evaluateAll([
      multiplied(W, M.mul(X).timesTransposed(H), M.mul(WH).timesTransposed(H)),
      M.mul(X.minus(WH)).sumSquares(),
    ])
    if (E.isLeft(firstHalf)) return firstHalf
    const [nextW, squares] = firstHalf.right
    const W1 = lift(nextW)
    const nextH = evaluate(
      multiplied(H, W1.transposeTimes(M.mul(X)), W1.transposeTimes(M.mul(W1.times(H)))),
    )
    if (E.isLeft(nextH)) return nextH
    const before = 0.5 * squares.get(0, 0)
    return E.right({ state: { W: nextW, H: nextH.right }, stats: { before } })
  })
  return defineSolver<Record<string, never>>({
    name: 'masked-mu',
    optionProps: {},
    defaults: {},
    capabilities: { losses: ['frobenius'], sparse: false, monotone: true, nonnegative: true },
    measure:
      'relative decrease of the masked objective over one iteration: ' +
      '(before − after) / before (0 when it was already 0)',
    rule: update,
    report: (stats, state, problem) => {
      const current = objective(problem.X as Matrix, state)
      const measure = stats.before > 0 ? (stats.before - current) / stats.before : 0
      return { measure, objective: current }
    },
    // As mu's rule: stop once an iteration decreases the objective by less than tol,
    // relatively; tol 0 turns the check off.
    converged: (current, _first, tol) => tol > 0 && current.measure < tol,
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mask, fit } = demoProblem()
  const result = fit(maskedNmf(mask))
  console.log(
    `masked NMF: objective ${result.history.at(-1)?.objective?.toFixed(4)} ` +
      `after ${result.nIter} iterations`,
  )
}
