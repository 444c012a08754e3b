/**
 * Solvers whose factors may go negative (`capabilities.nonnegative: false`): coordinate
 * descent without the projection onto W, H ≥ 0. `unclipped` is correct, and keeps the
 * laws (test/laws.test.ts); `signedKl` declares the KL loss alone, whose objective is not
 * defined for negative factors, for the message of the monotone law
 * (test/kit/broken.kit.ts).
 */
import { Matrix, type Factors, type Problem, type Solver } from 'nmfkit'
import { dense } from './broken-solvers.ts'

/** ½‖X − W·H‖²_F of X (n×m) and the factors' entries, row-major. */
const halfSquaredError = (
  x: Float64Array,
  w: Float64Array,
  h: Float64Array,
  [n, m, k]: readonly [number, number, number],
): number => {
  let sum = 0
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let product = 0
      for (let t = 0; t < k; t++) product += w[i * k + t] * h[t * m + j]
      sum += (x[i * m + j] - product) ** 2
    }
  }
  return 0.5 * sum
}

/**
 * One sweep of exact coordinate descent on ½‖X − W·H‖²_F, without projection: each row t of
 * H moves to the minimum of the objective along it, h_t ← h_t + w_tᵀ(X − W·H) / ‖w_t‖², then
 * each column of W likewise. Each move minimizes the objective along a line, so it never
 * increases.
 */
const sweep = (problem: Problem, W: Factors['W'], H: Factors['H']): Factors => {
  const X = dense(problem.X)
  const [n, m, k] = [X.rows, X.cols, problem.components]
  const x = X.toFloat64Array()
  const w = W.toFloat64Array()
  const h = H.toFloat64Array()
  const residual = (i: number, j: number) => {
    let product = 0
    for (let q = 0; q < k; q++) product += w[i * k + q] * h[q * m + j]
    return x[i * m + j] - product
  }
  for (let t = 0; t < k; t++) {
    let norm = 0
    for (let i = 0; i < n; i++) norm += w[i * k + t] ** 2
    if (norm === 0) continue
    for (let j = 0; j < m; j++) {
      let gradient = 0
      for (let i = 0; i < n; i++) gradient += w[i * k + t] * residual(i, j)
      h[t * m + j] += gradient / norm
    }
  }
  for (let t = 0; t < k; t++) {
    let norm = 0
    for (let j = 0; j < m; j++) norm += h[t * m + j] ** 2
    if (norm === 0) continue
    for (let i = 0; i < n; i++) {
      let gradient = 0
      for (let j = 0; j < m; j++) gradient += h[t * m + j] * residual(i, j)
      w[i * k + t] += gradient / norm
    }
  }
  return {
    W: Matrix.unsafeWrap<string, 'components'>(n, k, w),
    H: Matrix.unsafeWrap<'components', string>(k, m, h),
  }
}

/** Coordinate descent on ½‖X − W·H‖²_F with factors of any sign; reports that objective. */
export const unclipped: Solver<Record<string, never>> = {
  name: 'unclipped-cd',
  optionProps: {},
  defaults: {},
  capabilities: { losses: ['frobenius'], sparse: false, monotone: true, nonnegative: false },
  measure: 'relative decrease of ½‖X − W·H‖²_F',
  start: (_problem, initial) => initial,
  step: (state, problem) => {
    const X = dense(problem.X)
    const shape = [X.rows, X.cols, problem.components] as const
    const x = X.toFloat64Array()
    const before = halfSquaredError(x, state.W.toFloat64Array(), state.H.toFloat64Array(), shape)
    const next = sweep(problem, state.W, state.H)
    const after = halfSquaredError(x, next.W.toFloat64Array(), next.H.toFloat64Array(), shape)
    return {
      state: next,
      measure: before === 0 ? 0 : (before - after) / before,
      objective: after,
    }
  },
  converged: (current, _first, tol) => current.measure <= tol,
}

/**
 * Declares the KL loss alone and factors of any sign, and turns W[0, 0] negative in each
 * step: d_β for β = 1 has no value at its factors.
 */
export const signedKl: Solver<Record<string, never>> = {
  ...unclipped,
  name: 'signed-kl',
  capabilities: { ...unclipped.capabilities, losses: ['kullback-leibler'] },
  measure: 'none: it runs maxIter iterations',
  step: (state, problem) => {
    const next = sweep(problem, state.W, state.H)
    const W = next.W.map((value, i, t) => (i === 0 && t === 0 ? -1 - Math.abs(value) : value))
    return { state: { W, H: next.H }, measure: Infinity }
  },
  converged: () => false,
}
