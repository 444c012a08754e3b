/**
 * Masked NMF: entries of X marked missing (mask 0) are ignored by the fit,
 * minimizing ½‖M∘(X − W·H)‖²_F with the weighted multiplicative updates of
 * Lee & Seung, which never increase that objective:
 *
 *   W ← W ∘ ((M∘X)·Hᵀ) / ((M∘(W·H))·Hᵀ + ε)
 *   H ← H ∘ (Wᵀ·(M∘X)) / (Wᵀ·(M∘(W·H)) + ε)
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
  type Factors,
  type Matrix,
  type Solver,
} from 'nmfkit'
import { demoProblem } from './demo.ts'

/** Keeps a denominator away from 0 (an all-missing row or column). */
const EPSILON = 1e-12

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
      W.mul(M.mul(X).timesTransposed(H).div(M.mul(WH).timesTransposed(H).plus(EPSILON))),
      M.mul(X.minus(WH)).sumSquares(),
    ])
    if (E.isLeft(firstHalf)) return firstHalf
    const [nextW, squares] = firstHalf.right
    const W1 = lift(nextW)
    const nextH = evaluate(
      H.mul(W1.transposeTimes(M.mul(X)).div(W1.transposeTimes(M.mul(W1.times(H))).plus(EPSILON))),
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
