/**
 * Multiplicative updates for the beta-divergence d_β(X | W·H) plus penalties,
 * as scikit-learn 1.2's `mu` solver computes them (Lee & Seung, 2001; the
 * exponent γ from Févotte & Idier, 2011, which keeps every β monotone).
 *
 * With Y = W·H, one iteration updates W, then H with the new W:
 *
 *   W ← W ∘ ( [(X ∘ Y^(β−2))·Hᵀ] / [Y^(β−1)·Hᵀ + l1W + l2W·W] )^γ
 *   H ← H ∘ ( [Wᵀ·(X ∘ Y^(β−2))] / [Wᵀ·Y^(β−1) + l1H + l2H·H] )^γ
 *
 * γ = 1/(2 − β) for β < 1, 1 for 1 ≤ β ≤ 2, 1/(β − 1) for β > 2. For β = 2
 * the bracketed products are X·Hᵀ and W·(H·Hᵀ); for β = 1 the denominator's
 * product is the row sums of H (column sums of W). After the W update, entries
 * below float64's epsilon are set to zero when β < 1, and after the H update
 * when β ≤ 1, which keeps the negative powers of small values stable.
 *
 * EPSILON guards: Y below EPSILON is EPSILON wherever Y is raised to a negative
 * power (numerator for β < 2, denominator for β < 1), and a denominator of
 * exactly zero is EPSILON (it is zero only for an all-zero component or row,
 * which then stays zero instead of becoming NaN). An X whose entries are all
 * at or below EPSILON would meet the first guard everywhere: `nmf` and `transform`
 * refuse it for every β ≠ 2 (core/beta-divergence.ts's checkAboveEpsilon).
 *
 * Every 10 iterations the fit checks e = sqrt(2·d_β) and stops when
 * (e_previous − e) / e_init < tol, e_previous being the last check's value. Where the
 * update runs in the module the check is computed there, on the factors in place; for
 * β = 2 on a dense X from ‖X‖² − 2⟨X, W·H⟩ + ‖W·H‖², ⟨X, W·H⟩ from the numerator of the
 * iteration's last update, unless the fit is close to X (solvers/mu-module.ts).
 *
 * One pass over the rows of X does both updates: row i of W depends only on
 * row i of X and on H, and as soon as it is new its share of H's numerator
 * (and, for β ∉ {1, 2}, denominator) is added. Y is formed at X's non-zeros,
 * plus one row at a time for the denominators when β ∉ {1, 2}; a CSR X is
 * never densified, and nothing of X's size is allocated.
 *
 * That pass, in TypeScript, is the reference. Where the WebAssembly module runs
 * (core/wasm.ts), the whole update runs in one layout of its memory: for β = 2
 * (dense or CSR X) as products, the same sums as the pass (frobeniusInModule);
 * for β = 1 on a dense X as a blocked pass of products, about 256 KiB of W·H at
 * a time (klDense), on a CSR X as the row pass with H's update after it (klCsr);
 * every other β as blocked products too (betaInModule; a CSR X's blocks of rows written
 * out dense, its denominators needing W·H at every entry anyway). Where the memory cannot
 * hold the whole update, the TypeScript pass and the module's row pass (rowPassFast) run.
 * The module keeps its own copy of X during the fit.
 *
 * The TypeScript pass is in solvers/mu-rows.ts, the module's paths in
 * solvers/mu-module.ts, solvers/mu-kl-module.ts and solvers/mu-beta-module.ts; this file
 * holds the update that chooses between them, the convergence check and the solver.
 */
import { declareForgetful } from './driver.ts'
import { addScaledRow, divergenceAndError, divergenceError } from '../core/beta-divergence.ts'
import { gemm, gramColumns, gramRows, transpose } from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import type { Factors, Problem, Solver, StepResult } from './contract.ts'
import { factorArray, recycle } from '../core/small-arrays.ts'
import { factorPenalty } from './products.ts'
import {
  frobeniusInModule,
  rowPassFast,
  type Measured,
  type NewFactors,
  type UpdateInModule,
} from './mu-module.ts'
import { klCsr, klDense } from './mu-kl-module.ts'
import { betaInModule } from './mu-beta-module.ts'
import { declareBatch, type Batch } from './batch.ts'
import { gammaOf, multiplyRow, rowPass, rowsOf } from './mu-rows.ts'

/** The factors and what the convergence check remembers. */
export interface MuState extends Factors {
  readonly iteration: number
  /** sqrt(2·d) at the initial factors. */
  readonly errorAtInit: number
  /** sqrt(2·d) at the last check (at the start before the first one). */
  readonly previousError: number
  /** The last check's relative decrease; Infinity before the first check. */
  readonly decrease: number
}

/** The fit checks its error once every this many iterations. */
export const CHECK_EVERY = 10

/**
 * The whole update in one layout of the module's memory, where it runs: every β, any X.
 * A step runs it once, a batch any number of times.
 */
const inModuleUpdate = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
): UpdateInModule | undefined =>
  problem.beta === 2
    ? frobeniusInModule(problem, W, H, updateH)
    : problem.beta === 1
      ? (problem.X.format === 'dense' ? klDense : klCsr)(problem, W, H, updateH)
      : betaInModule(problem, W, H, updateH)

/**
 * One iteration's new W (n×k) and, when `updateH`, new H (k×m); at a `check`, their
 * divergence and error where the update in the module computes them in place, as a batch
 * does (the same bits).
 */
const update = (
  problem: Problem,
  W: Float64Array,
  H: Float64Array,
  updateH: boolean,
  check: boolean,
): NewFactors & { readonly measured?: Measured } => {
  const { X, components: k, beta, penalties } = problem
  const n = X.rows
  const m = X.cols
  const fused = inModuleUpdate(problem, W, H, updateH)
  if (fused) {
    fused.iterate()
    const measured = check && fused.finite() ? fused.measure() : undefined
    // Field by field: a spread object goes through V8's generic path (see nextState).
    const out = fused.out()
    return { W: out.W, H: out.H, measured }
  }
  const gamma = gammaOf(beta)
  const fullRows = beta !== 1 && beta !== 2
  const rows = rowsOf(X)
  // Hᵀ and the other m×k arrays of this update are handed back at its end, during a fit
  // for the next iteration's (core/small-arrays.ts): on a large problem megabytes an
  // iteration.
  const Ht = transpose(H, k, m, factorArray(m * k))

  // What the W update needs of the current H: H·Hᵀ (β = 2) or its row sums (β = 1).
  const HHt = beta === 2 ? gramRows(H, k, m) : new Float64Array(0)
  const rowSumsH = new Float64Array(k)
  if (beta === 1) for (let j = 0; j < m; j++) addScaledRow(1, Ht, j * k, rowSumsH, 0, k)

  const pass =
    rowPassFast(problem, rows, W, Ht, rowSumsH, updateH, fullRows) ??
    rowPass(problem, rows, W, Ht, HHt, rowSumsH, updateH, fullRows)
  const { nextW, numeratorH, denominatorH } = pass
  if (!updateH) {
    recycle(Ht)
    return { W: nextW, H: undefined }
  }

  // H, as Hᵀ: its denominator is Hᵀ·(WᵀW) for β = 2 and W's column sums for β = 1.
  let denominator: Float64Array = denominatorH
  if (beta === 2) denominator = gemm(Ht, m, k, gramColumns(nextW, n, k), k)
  else if (beta === 1) {
    const sums = new Float64Array(k)
    for (let i = 0; i < n; i++) addScaledRow(1, nextW, i * k, sums, 0, k)
    denominator = factorArray(m * k)
    for (let j = 0; j < m; j++) denominator.set(sums, j * k)
  }
  const nextHt = factorArray(m * k)
  const floorH = beta <= 1 ? Number.EPSILON : 0
  const { l1H, l2H } = penalties
  for (let j = 0; j < m; j++) {
    multiplyRow(
      Ht,
      j * k,
      numeratorH,
      j * k,
      denominator,
      j * k,
      k,
      l1H,
      l2H,
      gamma,
      floorH,
      nextHt,
    )
  }
  // H (k×m) from Hᵀ, into an array the driver may hand back (core/small-arrays.ts).
  const nextH = transpose(nextHt, m, k, factorArray(k * m))
  // Read no more: arrays factorArray made go back (recycle leaves others alone).
  for (const array of [Ht, numeratorH, denominatorH, denominator, nextHt]) recycle(array)
  return { W: nextW, H: nextH }
}

/** d_β plus the penalties: the objective the updates decrease. */
const objectiveOf = (problem: Problem, W: Matrix, H: Matrix, divergence: number): number => {
  const { l1W, l2W, l1H, l2H } = problem.penalties
  return divergence + factorPenalty(l1W, l2W, W) + factorPenalty(l1H, l2H, H)
}

const step = (state: MuState, problem: Problem, updateH: boolean): StepResult<MuState> => {
  const { X, components: k } = problem
  // W with the current H, then H with the new W (transform keeps H fixed).
  const check = (state.iteration + 1) % CHECK_EVERY === 0
  const next = update(problem, valuesOf(state.W), valuesOf(state.H), updateH, check)
  return stepped(state, problem, wrapped(X.rows, X.cols, k, next), next.measured)
}

/** New factors as matrices. */
const wrapped = (n: number, m: number, k: number, next: NewFactors) => ({
  W: Matrix.unsafeWrap<string, 'components'>(n, k, next.W),
  H: next.H && Matrix.unsafeWrap<'components', string>(k, m, next.H),
})

/** The states `mu` makes: their fields, and no others. */
class OwnState implements MuState {
  constructor(
    readonly W: Matrix<string, 'components'>,
    readonly H: Matrix<'components', string>,
    readonly iteration: number,
    readonly errorAtInit: number,
    readonly previousError: number,
    readonly decrease: number,
  ) {}
}

/**
 * The state after `state`. One that `mu` made is made anew field by field: spreading it
 * took 8% of a notebook iteration (V8 copies a spread object through a generic path). Any
 * other (a plugin's `start` around mu's may add fields) is spread, its fields kept.
 */
const nextState = (
  state: MuState,
  W: Matrix<string, 'components'>,
  H: Matrix<'components', string>,
  iteration: number,
  previousError: number,
  decrease: number,
): MuState =>
  state instanceof OwnState
    ? new OwnState(W, H, iteration, state.errorAtInit, previousError, decrease)
    : { ...state, W, H, iteration, previousError, decrease }

/**
 * The result of the iteration after `state` that made `next`: at every 10th, the check,
 * with the divergence and error `measured` where a batch computed them in place.
 */
const stepped = (
  state: MuState,
  problem: Problem,
  next: {
    readonly W: Matrix<string, 'components'>
    readonly H: Matrix<'components', string> | undefined
  },
  measured?: Measured,
): StepResult<MuState> => {
  const { X } = problem
  const W = next.W
  const H = next.H ?? state.H

  const iteration = state.iteration + 1
  const { errorAtInit, previousError, decrease: before } = state
  if (iteration % CHECK_EVERY !== 0) {
    return { state: nextState(state, W, H, iteration, previousError, before), measure: before }
  }

  // The check: the decrease since the last one, relative to the error at init. An exact
  // start has nothing left to decrease; it counts as converged rather than dividing by zero.
  const { divergence, error } = measured ?? divergenceAndError(X, W, H, problem.beta)
  const decrease = errorAtInit === 0 ? 0 : (previousError - error) / errorAtInit
  return {
    state: nextState(state, W, H, iteration, error, decrease),
    measure: decrease,
    objective: objectiveOf(problem, W, H, divergence),
    details: { reconstructionError: error },
  }
}

/**
 * Iterations in a row (solvers/batch.ts) where the whole update runs in the module. A
 * check computes the divergence in place where the update can (β = 2, and every other β
 * but near 0 and 1, on a dense or a CSR X); elsewhere the batch ends there, and the check
 * computes it on factors copied out, as a step does.
 */
const batchOf =
  (updateH: boolean): Batch<Record<string, never>, MuState> =>
  (state, problem, _options, limit, proceed) => {
    const run = inModuleUpdate(problem, valuesOf(state.W), valuesOf(state.H), updateH)
    if (run === undefined) return undefined
    const { X, components: k } = problem
    const [n, m] = [X.rows, X.cols]
    let before = state
    for (let ran = 1; ; ran++) {
      run.iterate()
      const check = (before.iteration + 1) % CHECK_EVERY === 0
      // A check's divergence computed in place serves the result the batch ends with too.
      let measured: Measured | undefined
      const finite = run.finite()
      if (check && finite) measured = run.measure()
      if (ran < limit && finite) {
        if (!check || measured !== undefined) {
          const passed = stepped(before, problem, run.current(), measured)
          if (proceed(passed)) {
            before = passed.state
            continue
          }
        }
      }
      return stepped(before, problem, wrapped(n, m, k, run.out()), measured)
    }
  }

/** The solver, updating both factors (`nmf`) or W alone (`transform`). */
export const multiplicativeUpdates = (updateH: boolean): Solver<Record<string, never>, MuState> =>
  declareBatch(
    declareForgetful({
      name: 'mu',
      optionProps: {},
      defaults: {},
      capabilities: {
        losses: ['frobenius', 'kullback-leibler', 'itakura-saito', 'beta-divergence'],
        sparse: true,
        monotone: true,
        nonnegative: true,
        penalties: true,
      },
      measure:
        'decrease of sqrt(2·divergence) over the last 10 iterations, relative to its value at ' +
        'init (checked every 10 iterations; Infinity before the first check)',
      start: (problem, initial) => {
        const errorAtInit = divergenceError(problem.X, initial.W, initial.H, problem.beta)
        return new OwnState(initial.W, initial.H, 0, errorAtInit, errorAtInit, Infinity)
      },
      step: (state, problem) => step(state, problem, updateH),
      // tol 0 turns the check off, as in scikit-learn.
      converged: (current, _first, tol) =>
        tol > 0 && current.state.iteration % CHECK_EVERY === 0 && current.measure < tol,
    }),
    batchOf(updateH),
  )

/**
 * scikit-learn's multiplicative updates for any beta-divergence (`betaLoss`):
 * same guards, thresholds and stopping rule, so the same factors and the same
 * number of iterations.
 */
export const mu: Solver<Record<string, never>, MuState> = multiplicativeUpdates(true)
