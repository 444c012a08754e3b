/**
 * The "moving-average" coordinate descent of the notebook nmfkit started
 * from, written in the DSL: the column sweep of `cd`, damped and unprojected.
 *
 * Like `cd` it visits one component at a time, W first and then H with the new
 * W; instead of jumping to each column's coordinate minimum it moves a
 * fraction γ of the way there:
 *
 *   target_t = a_t − (A·G[:, t] − C[:, t]) / G_tt     (cd's coordinate minimum)
 *   a_t     ← a_t + γ·(target_t − a_t)
 *
 * With `nonnegative: false` this is the notebook's update exactly, and the
 * factors do go negative; with `nonnegative: true` (the default) each updated
 * column is clipped at 0. It has no penalties. It stops when both ‖ΔW‖_F and
 * ‖ΔH‖_F over an iteration are at most tol.
 *
 * That tolerance is absolute, as in the notebook's loop, and kept so (the notebook's
 * fixtures pin it): `cd`'s is relative to its first iteration's measure, this one is not.
 * When X is s times larger, W and H are each √s times larger, and so are ΔW and ΔH: the
 * same tol asks for much less at a small scale than at a large one. On a uniform 40×30 X
 * (`createRng(3)`, k = 4, default options), at 1e-6 the first iteration's changes are
 * already below 1e-4: it stops after 1 iteration, `converged: true`, with an error 14%
 * above the converged fit's. At scale 1 it converges after 6,775 iterations, at 1e4 after
 * 16,690: with the default maxIter of 200, `converged: false` at both. So scaling X to
 * entries near 1 (divide it by its mean or its largest entry; W·H scales with it) is not
 * enough alone: give a maxIter that suffices too (6,775 here), or a looser tol. tol·√s for
 * X s times the X that tol suits keeps what tol asks for, and reproduces the run exactly
 * only from the random start: X·s with tol·√s runs the same iterations as X with tol
 * (5,976 here), W and H √s times as large (bit for bit for s a power of 4). From the default
 * nndsvda start, which does not scale with X, the counts differ: 1,924 at 1e-6, 6,775 at 1,
 * 11,494 at 1e4.
 */
import { declareBatch } from './batch.ts'
import { declareForgetful } from './driver.ts'
import * as t from 'io-ts'
import { coordinateSweep, type SweepSettings } from '../core/kernels.ts'
import { defineSolver } from '../dsl/define.ts'
import {
  alternate,
  damp,
  measureChange,
  projectNonnegative,
  sweepColumns,
  withNativeSweep,
  withObjective,
  type ColumnRule,
  type Stats,
} from '../dsl/rules.ts'
import { coordinateMinimum } from './cd.ts'
import type { Solver } from './contract.ts'
import { alternatingSweeps, sweepsBatch, type SweepPenalties } from './fused-sweeps.ts'

/** The options of the moving-average solver. */
export interface MovingAverageOptions {
  /** The step fraction γ in (0, 1]; 1 is plain coordinate descent without projection. */
  readonly gamma: number
  /** Clip each updated entry at 0. */
  readonly nonnegative: boolean
}

/** γ in (0, 1]: 0 would never move, above 1 overshoots the coordinate minimum. */
const Gamma = new t.Type<number, number, unknown>(
  'a number in (0, 1]',
  (u): u is number => typeof u === 'number' && u > 0 && u <= 1,
  (u, c) => (typeof u === 'number' && u > 0 && u <= 1 ? t.success(u) : t.failure(u, c)),
  (a) => a,
)

/** How the sweeps move each entry: γ of the way to the minimum, clipped when asked. */
const settingsOf = (options: MovingAverageOptions): SweepSettings => ({
  damped: true,
  gamma: options.gamma,
  project: options.nonnegative,
})

/** The solver has no penalties. */
const NO_PENALTIES = { W: { l1: 0, l2: 0 }, H: { l1: 0, l2: 0 } } as const

/** cd's coordinate minimum, damped by γ, clipped only when asked, its change measured. */
export const movingAverageColumn: ColumnRule<MovingAverageOptions> = withNativeSweep(
  measureChange(
    projectNonnegative(
      damp<MovingAverageOptions>((options) => options.gamma)(coordinateMinimum),
      (options) => options.nonnegative,
    ),
  ),
  // The whole sweep as one WebAssembly kernel where the kernel path allows it; the
  // expressions above are the reference.
  (A, rows, k, G, C, order, options) => {
    const swept = coordinateSweep(A, rows, k, G, C, order, settingsOf(options))
    return (
      swept && {
        A: swept.A,
        stats: { violation: swept.violation, squaredChange: swept.squaredChange },
      }
    )
  },
)

const sweep = sweepColumns(movingAverageColumn)

/** The module's sweeps of the solver: its settings, no penalties. */
const sweepsOf = (options: MovingAverageOptions): readonly [SweepSettings, SweepPenalties] => [
  settingsOf(options),
  NO_PENALTIES,
]

/** The measure, the objective and the changes of one iteration's stats. */
const report = (stats: Stats) => {
  const deltaW = Math.sqrt(stats.squaredChangeW)
  const deltaH = Math.sqrt(stats.squaredChangeH)
  return {
    measure: Math.max(deltaW, deltaH),
    objective: stats.objectiveH,
    details: { deltaW, deltaH },
  }
}

/** The notebook's damped coordinate descent, γ = 0.1 and clipping at 0 by default. */
export const movingAverage: Solver<MovingAverageOptions> = declareBatch(
  declareForgetful(
    defineSolver<MovingAverageOptions>({
      name: 'moving-average',
      optionProps: { gamma: Gamma, nonnegative: t.boolean },
      defaults: { gamma: 0.1, nonnegative: true },
      capabilities: { losses: ['frobenius'], sparse: true, monotone: false, nonnegative: true },
      measure: 'largest Frobenius norm of an iteration’s change of W or H',
      rule: alternate(sweep, withObjective(sweep)),
      // The whole iteration runs in the module where the kernel path allows it.
      native: (state, problem, options) => alternatingSweeps(state, problem, ...sweepsOf(options)),
      report,
      // The notebook loops while either change exceeds tol.
      converged: (current, _first, tol) => current.measure <= tol,
    }),
  ),
  // Whole iterations in a row in the module, where nothing runs between them.
  sweepsBatch((_problem, options) => sweepsOf(options), report),
)
