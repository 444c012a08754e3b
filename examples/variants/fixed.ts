/**
 * Semi-supervised NMF: some columns of W (known components' loadings) and
 * some rows of H (known components) are held at their initial values while
 * coordinate descent fits the rest. Each free column still moves to the
 * minimum of its quadratic, so the objective never increases.
 *
 * Run with `npx tsx examples/variants/fixed.ts`.
 */
import { pathToFileURL } from 'node:url'
import {
  alternate,
  cd,
  cdColumn,
  defineSolver,
  sweepColumns,
  type ColumnRule,
  type Solver,
} from 'nmfkit'
import { demoProblem } from './demo.ts'

/** The column rule, except that the listed components keep their values. */
const holding =
  (fixed: readonly number[], columnRule: ColumnRule): ColumnRule =>
  (view, options) =>
    fixed.includes(view.t) ? { next: view.A.column(view.t) } : columnRule(view, options)

/** cd with columns `fixedW` of W and rows `fixedH` of H held fixed. */
export const fixedComponents = (
  fixedW: readonly number[],
  fixedH: readonly number[],
): Solver<Record<string, never>> =>
  defineSolver<Record<string, never>>({
    ...cd,
    name: 'cd-fixed',
    // Its sweeps leave out cd's penalties, so nmf refuses alphaW and alphaH for it.
    capabilities: { ...cd.capabilities, penalties: false },
    rule: alternate(
      sweepColumns(holding(fixedW, cdColumn)),
      sweepColumns(holding(fixedH, cdColumn)),
    ),
    report: (stats) => ({ measure: (stats.violationW ?? 0) + (stats.violationH ?? 0) }),
    converged: (current, first, tol) =>
      first.measure === 0 || current.measure <= tol * first.measure,
  })

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { fit } = demoProblem()
  const result = fit(fixedComponents([0], [1]))
  console.log(
    `fixed components: error ${result.reconstructionError.toFixed(4)} ` +
      `after ${result.nIter} iterations`,
  )
}
