/**
 * Two solver plugins, as docs/plugins.md walks through them:
 *
 * - `relaxedCd`, written with the DSL: coordinate descent that moves each
 *   column only a fraction `step` of the way to its coordinate minimum, then
 *   projects onto w ≥ 0 (defineSolver + column-rule combinators);
 * - `plainMu`, written by hand against the Solver contract: Lee and Seung's
 *   multiplicative updates for ½‖X − W·H‖², in plain loops.
 *
 * Run with `npx tsx examples/plugins/solver-plugin.ts`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { pathToFileURL } from 'node:url'
import {
  alternate,
  coordinateMinimum,
  createRng,
  damp,
  defineSolver,
  Matrix,
  measureChange,
  nmf,
  projectNonnegative,
  sweepColumns,
  withObjective,
  type AnySolver,
  type Factorization,
  type Factors,
  type Solver,
} from 'nmfkit'

// ---------------------------------------------------------------------------
// 1. A solver from update rules (the DSL).

/** The options of `relaxedCd`. */
export interface RelaxedOptions {
  /** The fraction of the way to each column's coordinate minimum, in (0, 1]. */
  readonly step: number
}

/** A number in (0, 1]; anything else is an `InvalidOption` naming `step`. */
const Fraction = new t.Type<number, number, unknown>(
  'a number in (0, 1]',
  (u): u is number => typeof u === 'number' && u > 0 && u <= 1,
  (u, c) => (typeof u === 'number' && u > 0 && u <= 1 ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** One column: cd's coordinate minimum, damped by `step`, projected, its change measured. */
const relaxedColumn = measureChange(
  projectNonnegative(damp<RelaxedOptions>((options) => options.step)(coordinateMinimum)),
)

/** Coordinate descent with relaxed steps; stops when W and H move by at most tol. */
export const relaxedCd: Solver<RelaxedOptions> = defineSolver<RelaxedOptions>({
  name: 'relaxed-cd',
  optionProps: { step: Fraction },
  defaults: { step: 0.5 },
  capabilities: { losses: ['frobenius'], sparse: true, monotone: true, nonnegative: true },
  measure: 'largest Frobenius norm of an iteration’s change of W or H',
  rule: alternate(sweepColumns(relaxedColumn), withObjective(sweepColumns(relaxedColumn))),
  report: (stats) => ({
    measure: Math.sqrt(Math.max(stats.squaredChangeW, stats.squaredChangeH)),
    objective: stats.objectiveH,
  }),
  converged: (current, _first, tol) => current.measure <= tol,
})

// ---------------------------------------------------------------------------
// 2. A solver by hand, against the contract in solvers/contract.ts.

/** The options of `plainMu`. */
export interface PlainMuOptions {
  /** Added to every denominator, so that a zero row or column never divides by 0. */
  readonly epsilon: number
}

/** A finite number > 0; anything else (0, a negative, NaN, Infinity) is an `InvalidOption`. */
const Positive = new t.Type<number, number, unknown>(
  'a finite number > 0',
  (u): u is number => typeof u === 'number' && u > 0 && u < Infinity,
  (u, c) => (typeof u === 'number' && u > 0 && u < Infinity ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** A rows×cols matrix of a step's new entries (`Matrix.fromData` copies them). */
const matrixOf = <R extends string, C extends string>(
  rows: number,
  cols: number,
  data: Float64Array,
): Matrix<R, C> => {
  const made = Matrix.fromData<R, C>(rows, cols, data)
  // Cannot fail: the shape is the factor's, and the entries are numbers.
  if (E.isLeft(made)) throw new Error(made.left.message)
  return made.right
}

/** out (n×m) = A (n×p) · B (p×m), or with `transposeB` A · Bᵀ for B of m×p. */
const multiply = (
  a: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  m: number,
  transposeB: boolean,
): Float64Array => {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0
      for (let l = 0; l < p; l++) sum += a[i * p + l] * (transposeB ? b[j * p + l] : b[l * m + j])
      out[i * m + j] = sum
    }
  }
  return out
}

/** Aᵀ (m×n) for A of n×m. */
const transposed = (a: Float64Array, n: number, m: number): Float64Array => {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]
  return out
}

/** factor ∘ numerator / (denominator + ε), a new array. */
const scaled = (
  factor: Float64Array,
  numerator: Float64Array,
  denominator: Float64Array,
  epsilon: number,
): Float64Array => factor.map((value, q) => (value * numerator[q]) / (denominator[q] + epsilon))

/**
 * Lee and Seung's multiplicative updates (2001) for ½‖X − W·H‖²:
 *
 *   H ← H ∘ (WᵀX) / (WᵀW·H),   W ← W ∘ (X·Hᵀ) / (W·H·Hᵀ)
 *
 * Dense X only (`capabilities.sparse` is false).
 */
export const plainMu: Solver<PlainMuOptions> = {
  name: 'plain-mu',
  optionProps: { epsilon: Positive },
  defaults: { epsilon: 1e-10 },
  capabilities: { losses: ['frobenius'], sparse: false, monotone: true, nonnegative: true },
  measure: 'relative decrease of the objective',
  start: (_problem, initial) => initial,
  step: (state: Factors, problem, options) => {
    const { X, components: k } = problem
    if (X.format !== 'dense') throw new Error('plain-mu: X must be dense')
    const [n, m] = [X.rows, X.cols]
    const x = X.toFloat64Array()
    const w = state.W.toFloat64Array()
    const h = state.H.toFloat64Array()

    // H first, with the current W: H ← H ∘ (WᵀX) / (WᵀW·H).
    const wt = transposed(w, n, k)
    const wtx = multiply(wt, k, n, x, m, false)
    const wtwh = multiply(multiply(wt, k, n, w, k, false), k, k, h, m, false)
    const nextH = scaled(h, wtx, wtwh, options.epsilon)

    // Then W, with the new H: W ← W ∘ (X·Hᵀ) / (W·H·Hᵀ).
    const xht = multiply(x, n, m, nextH, k, true)
    const whht = multiply(w, n, k, multiply(nextH, k, m, nextH, k, true), k, false)
    const nextW = scaled(w, xht, whht, options.epsilon)

    // The measure: how much ½‖X − W·H‖² fell in this step, relative to before it.
    const before = halfError(x, w, h, n, k, m)
    const objective = halfError(x, nextW, nextH, n, k, m)
    return {
      state: { W: matrixOf(n, k, nextW), H: matrixOf(k, m, nextH) },
      measure: before === 0 ? 0 : (before - objective) / before,
      objective,
    }
  },
  converged: (current, _first, tol) => current.measure <= tol,
}

/** ½‖X − W·H‖² for W (n×k) and H (k×m). */
const halfError = (
  x: Float64Array,
  w: Float64Array,
  h: Float64Array,
  n: number,
  k: number,
  m: number,
): number => {
  const reconstruction = multiply(w, n, k, h, m, false)
  let error = 0
  for (let q = 0; q < x.length; q++) error += 0.5 * (x[q] - reconstruction[q]) ** 2
  return error
}

// ---------------------------------------------------------------------------
// 3. Using them: a plugin is a plain value, passed as `solver`.

const describe = (label: string, fit: Factorization): string => {
  const objectives = fit.history.map((entry) => entry.objective ?? NaN)
  const monotone = objectives.every((value, i) => i === 0 || value <= objectives[i - 1] + 1e-9)
  return (
    `${label}: reconstruction error ${fit.reconstructionError.toFixed(4)} after ` +
    `${fit.nIter} iterations (${fit.converged ? 'converged' : 'not converged'}); ` +
    `objective never increased: ${monotone ? 'yes' : 'no'}`
  )
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rng = createRng(3)
  const X = Matrix.fromData(
    40,
    15,
    Float64Array.from({ length: 600 }, () => rng.uniform() * 4),
  )
  if (E.isLeft(X)) throw new Error(X.left.message)
  const fit = (solver: AnySolver, options: Record<string, unknown>): Factorization => {
    const result = nmf(X.right, {
      components: 4,
      init: 'random',
      seed: 3,
      maxIter: 300,
      tol: 1e-6,
      solver,
      ...options,
    })
    if (E.isLeft(result)) throw new Error(result.left.message)
    return result.right
  }
  console.log(describe('relaxed-cd, step 0.5', fit(relaxedCd, { step: 0.5 })))
  console.log(describe('plain-mu', fit(plainMu, {})))
  const rejected = nmf(X.right, { components: 4, solver: relaxedCd, step: 2 })
  console.log(`step 2 is rejected: ${E.isLeft(rejected) ? rejected.left.message : 'no'}`)
}
