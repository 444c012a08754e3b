/**
 * NMF of the handwritten digits (`data/digits.csv.gz`, 1797 images of 8×8
 * pixels): ten components, scikit-learn's default init (`nndsvda`) and at most
 * 200 iterations. scikit-learn 1.2 reaches a reconstruction error of 862.7 after
 * 200 iterations with `cd` (`test/fixtures/digits_cd_default_k10.json`).
 *
 * Run with `npm run example:digits`, or pick the solver:
 * `npm run example:digits -- --solver moving-average`.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { nmf, solvers, type Result } from 'nmfkit'
import { componentsSvg } from '../cli/svg.ts'
import { loadDigits } from './load-digits.ts'

const COMPONENTS = 10
const MAX_ITER = 200

/** The value of a `Right`; for a `Left`, its message on stderr and exit code 1. */
const orExit = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) {
    console.error(`error (${result.left._tag}): ${result.left.message}`)
    process.exit(1)
  }
  return result.right
}

const usage = `usage: npm run example:digits -- [--solver NAME]
  NAME is one of ${solvers.map((solver) => solver.name).join(', ')} (default cd)`

const parseSolver = (): string => {
  try {
    const { values } = parseArgs({
      options: { solver: { type: 'string', default: 'cd' }, help: { type: 'boolean' } },
    })
    if (values.help === true) {
      console.log(usage)
      process.exit(0)
    }
    return values.solver
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${usage}`)
    process.exit(1)
  }
}

const main = (): void => {
  const solver = parseSolver()
  const X = orExit(loadDigits())
  console.log(
    `digits: X ${X.rows}×${X.cols} (samples × pixels), values ${X.min()}..${X.max()}; ` +
      `solver ${solver}, components k = ${COMPONENTS}, init nndsvda (the default)`,
  )

  // The solver name is checked by nmf: an unknown one comes back as a Left.
  const started = performance.now()
  const fit = orExit(nmf(X, { components: COMPONENTS, solver, maxIter: MAX_ITER }))
  const elapsedMs = performance.now() - started

  const status = fit.converged ? 'converged' : 'did not converge'
  const tol = Number(fit.options.tol).toExponential().replace('e+', 'e')
  console.log(
    `reconstruction error ${fit.reconstructionError.toFixed(2)} after ${fit.nIter} iterations ` +
      `(${status}, tol ${tol}, at most ${MAX_ITER})`,
  )
  console.log(
    `wall time ${elapsedMs.toFixed(0)} ms including the init, ` +
      `${(elapsedMs / fit.nIter).toFixed(3)} ms per iteration`,
  )
  console.log(
    `W ${fit.W.rows}×${fit.W.cols}: mean ${fit.W.mean().toFixed(4)}; ` +
      `H ${fit.H.rows}×${fit.H.cols}: mean ${fit.H.mean().toFixed(4)}`,
  )

  // The parts: each row of H drawn as an 8×8 image; with NMF they look like pen strokes.
  const partsFile = 'digits-parts.svg'
  const title = `digits: the ${COMPONENTS} parts (rows of H), 8×8 pixels`
  writeFileSync(partsFile, componentsSvg(fit.H, { height: 8, width: 8 }, { title }))
  console.log(`parts: ${partsFile}, each row of H as an 8×8 image (white 0, black its largest)`)
}

main()
