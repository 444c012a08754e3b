/**
 * Masked NMF: entries of X marked missing (mask 0) are ignored by the fit,
 * minimizing ½‖M∘(X − W·H)‖²_F with the weighted multiplicative updates of
 * Lee & Seung, which never increase that objective:
 *
 *   W ← W ∘ ((M∘X)·Hᵀ) / ((M∘(W·H))·Hᵀ + ε)
 *   H ← H ∘ (Wᵀ·(M∘X)) / (Wᵀ·(M∘(W·H)) + ε)
 *
 * Run with `npx tsx examples/variants/masked.ts`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pathToFileURL } from 'node:url'
import {
  defineSolver,
  evaluate,
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
    const nextW = evaluate(
      W.mul(
        M.mul(X)
          .timesTransposed(H)
          .div(M.mul(W.times(H)).timesTransposed(H).plus(EPSILON)),
      ),
    )
    if (E.isLeft(nextW)) return nextW
    const W1 = lift(nextW.right)
    const nextH = evaluate(
      H.mul(W1.transposeTimes(M.mul(X)).div(W1.transposeTimes(M.mul(W1.times(H))).plus(EPSILON))),
    )
    if (E.isLeft(nextH)) return nextH
    return E.right({ state: { W: nextW.right, H: nextH.right }, stats: {} })
  })
  return defineSolver<Record<string, never>>({
    name: 'masked-mu',
    optionProps: {},
    defaults: {},
    capabilities: { losses: ['frobenius'], sparse: false, monotone: true, nonnegative: true },
    measure: 'relative decrease of the masked objective',
    rule: update,
    report: (_stats, state, problem) => {
      const current = objective(problem.X as Matrix, state)
      return { measure: current, objective: current }
    },
    converged: (current, first, tol) => current.measure <= tol * first.measure,
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
