/**
 * Coordinate descent for ½‖X − W·H‖²_F + penalties, as scikit-learn's `cd`
 * solver computes it (Fast HALS; Cichocki & Phan, 2009; Hsieh & Dhillon,
 * 2011), written in the DSL. The hand-written loop it replaced is kept in
 * bench/hand-written-cd.ts as the reference the DSL is timed against.
 *
 * Each half-sweep solves for one factor A (W, then Hᵀ with the new W) given
 * G (the other factor's Gram matrix) and C (X times the other factor), with
 * the L2 penalty on G's diagonal and the L1 penalty subtracted from C. The
 * components are visited one at a time, each column moving to the minimum of
 * its quadratic and projected onto a ≥ 0:
 *
 *   g   = A·G[:, t] − C[:, t]
 *   a_t ← max(0, a_t − g / G_tt)
 *
 * The convergence measure is the sum of |projected gradient| over both
 * half-sweeps; the fit stops when it falls to tol times its first value.
 */
import { declareBatch } from './batch.ts'
import { declareForgetful } from './driver.ts'
import { coordinateSweep, type SweepSettings } from '../core/kernels.ts'
import { defineSolver } from '../dsl/define.ts'
import { where } from '../dsl/expr.ts'
import {
  alternate,
  penalize,
  projectNonnegative,
  sweepColumns,
  withHFixed,
  withObjective,
  withNativeSweep,
  type ColumnRule,
  type HalfRule,
  type Stats,
} from '../dsl/rules.ts'
import type { Factors, Problem, Solver } from './contract.ts'
import { wSweepsInModule } from './fixed-h-sweeps.ts'
import {
  alternatingSweeps,
  batchInModule,
  oneIteration,
  sweepsBatch,
  type SweepPenalties,
} from './fused-sweeps.ts'
import { factorPenalty } from './products.ts'

/**
 * Column t to the minimum of its quadratic, a − g / G_tt (not projected), and
 * the projected gradient's size: at the bound a = 0 only a negative gradient
 * counts.
 */
export const coordinateMinimum: ColumnRule = ({ A, G, C, t }) => {
  const a = A.column(t)
  const gradient = A.times(G.column(t)).minus(C.column(t))
  const curvature = G.entry(t, t)

  // A zero curvature means the component is all zero: there is nothing to solve.
  const next = where(curvature.eq(0), a, a.minus(gradient.div(curvature)))

  const violation = where(a.eq(0), gradient.min(0), gradient).abs().sum()
  return { next, stats: { violation } }
}

/** How cd's sweeps move each entry: to the coordinate minimum, clipped at 0. */
const PROJECTED = { damped: false, gamma: 1, project: true } as const

/**
 * One column of coordinate descent: the coordinate minimum, projected onto a ≥ 0. Its
 * whole sweep also runs as one kernel (core/kernels.ts's coordinateSweep, the same
 * arithmetic in WebAssembly) wherever the kernel path allows it (on `auto`, every size).
 */
export const cdColumn: ColumnRule = withNativeSweep(
  projectNonnegative(coordinateMinimum),
  (A, rows, k, G, C, order) => {
    const swept = coordinateSweep(A, rows, k, G, C, order, PROJECTED)
    return swept && { A: swept.A, stats: { violation: swept.violation } }
  },
)

/** W's half-sweep with W's penalties; `transform` runs it alone, with H fixed. */
export const cdHalfW: HalfRule = penalize(({ problem: { penalties } }) => ({
  l1: penalties.l1W,
  l2: penalties.l2W,
}))(sweepColumns(cdColumn))

/** One iteration: W, then H with the new W, each with its penalties. */
const iteration = alternate(
  cdHalfW,
  penalize(({ problem: { penalties } }) => ({ l1: penalties.l1H, l2: penalties.l2H }))(
    withObjective(sweepColumns(cdColumn)),
  ),
)

/** W's penalties, for the module's sweeps of W. */
const penaltiesW = (problem: Problem) => ({ l1: problem.penalties.l1W, l2: problem.penalties.l2W })

/** The module's sweeps of cd: projected coordinate minima, each factor with its penalties. */
const sweepsOf = (problem: Problem): readonly [SweepSettings, SweepPenalties] => [
  PROJECTED,
  { W: penaltiesW(problem), H: { l1: problem.penalties.l1H, l2: problem.penalties.l2H } },
]

/** The measure and the objective of one iteration's stats. */
const report = (stats: Stats, state: Factors, problem: Problem) => {
  // The H half's objective holds H's penalties (folded into G and C); W's are added here
  // (without penalties on W, the pass over W would add exactly 0).
  const { l1W, l2W } = problem.penalties
  const measure = stats.violationW + stats.violationH
  return { measure, objective: stats.objectiveH + factorPenalty(l1W, l2W, state.W) }
}

/**
 * scikit-learn's coordinate descent. Same update order, same penalties, same
 * stopping rule, so the same factors and the same number of iterations.
 */
export const cd: Solver<Record<string, never>> = declareBatch(
  declareForgetful(
    defineSolver<Record<string, never>>({
      name: 'cd',
      optionProps: {},
      defaults: {},
      capabilities: {
        losses: ['frobenius'],
        sparse: true,
        monotone: true,
        nonnegative: true,
        penalties: true,
      },
      measure: 'projected-gradient violation',
      rule: iteration,
      // The whole iteration runs in the module where the kernel path allows it.
      native: (state, problem) => alternatingSweeps(state, problem, ...sweepsOf(problem)),
      report,
      // A first violation of zero means the initial factors are already stationary.
      converged: (current, first, tol) =>
        first.measure === 0 || current.measure / first.measure <= tol,
    }),
  ),
  // Whole iterations in a row in the module, where nothing runs between them.
  sweepsBatch(sweepsOf, report),
)

/** transform's measure: W's violation alone. */
const reportW = (stats: Stats) => ({ measure: stats.violationW })

/** The module's sweeps of W alone, H fixed (undefined where the module does not run them). */
const wSweeps = (state: Factors, problem: Problem) =>
  wSweepsInModule(state, problem, PROJECTED, penaltiesW(problem))

/**
 * `cd` with H fixed, for `transform`: W's half-sweep alone, its violation the measure. In
 * the module, X·Hᵀ and H·Hᵀ are formed once per layout and the sweeps run in a row
 * (solvers/fixed-h-sweeps.ts); the rule stays the reference.
 */
export const cdFixedH: Solver<Record<string, never>> = declareBatch(
  declareForgetful(
    defineSolver<Record<string, never>>({
      ...cd,
      rule: withHFixed(cdHalfW),
      native: (state, problem) => oneIteration(wSweeps(state, problem)),
      report: reportW,
    }),
  ),
  batchInModule(wSweeps, reportW),
)
