/**
 * Sparseness on H only: coordinate descent on ½‖X − W·H‖²_F + λ·Σ h, the L1
 * penalty pushing H's entries to exactly 0 while W is unpenalized. The
 * penalty joins only H's half-sweep; each column step minimizes the penalized
 * objective exactly, so it never increases.
 *
 * Run with `npx tsx examples/variants/sparse-h.ts`.
 */
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import {
  alternate,
  cd,
  cdColumn,
  defineSolver,
  penalize,
  sweepColumns,
  withObjective,
  type Solver,
} from 'nmfkit'
import { demoProblem } from './demo.ts'

export interface SparseHOptions {
  /** λ, the L1 weight on H. */
  readonly sparsity: number
}

const sweep = sweepColumns(cdColumn)

/**
 * λ: a finite number ≥ 0. `t.number` would take a negative λ, a reward on Σ h that the
 * unpenalized W lets grow without bound (H up, W down), and NaN or ±Infinity, which make
 * H not finite: fits that failed iterations later, blaming the solver, not `sparsity`.
 */
const Sparsity = new t.Type<number, number, unknown>(
  'a finite number ≥ 0',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0,
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0 ? t.success(u) : t.failure(u, c),
  (a) => a,
)

export const sparseH: Solver<SparseHOptions> = defineSolver<SparseHOptions>({
  ...(cd as unknown as Solver<SparseHOptions>),
  name: 'cd-sparse-h',
  // Its one penalty is `sparsity`: nmf refuses alphaW and alphaH for it.
  capabilities: { ...cd.capabilities, penalties: false },
  optionProps: { sparsity: Sparsity },
  defaults: { sparsity: 1 },
  rule: alternate(
    sweep,
    penalize<SparseHOptions>(({ options }) => ({ l1: options.sparsity, l2: 0 }))(
      withObjective(sweep),
    ),
  ),
  report: (stats) => ({
    measure: stats.violationW + stats.violationH,
    objective: stats.objectiveH,
  }),
  converged: (current, first, tol) => first.measure === 0 || current.measure <= tol * first.measure,
})

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { fit } = demoProblem()
  const result = fit(sparseH, { sparsity: 2 })
  const zeros = result.H.toFloat64Array().filter((h) => h === 0).length
  console.log(`sparse H: ${zeros} of ${result.H.rows * result.H.cols} entries of H are 0`)
}
