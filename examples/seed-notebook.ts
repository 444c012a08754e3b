/**
 * The notebook nmfkit started from (`/work/shared/seed/`), as a program:
 *
 * 1. a random 0/1 matrix X, 100 samples × 20 features;
 * 2. one random start W0 (100×4), H0 (4×20), uniform in [0, 1), shared by every fit;
 * 3. scikit-learn's coordinate descent (`cd`) and the notebook's damped
 *    "moving-average" coordinate descent (γ = 0.1), without and with clipping at 0;
 * 4. the notebook's comparison of the results by norms and entrywise differences.
 *
 * Every number comes from one `Rng` with a fixed seed, so every run prints the
 * same factors (the times vary). The notebook visited the components in a
 * random order in its moving-average updates; here they are visited in order
 * 0..k-1 (`shuffle: false`, the default), as in the fixture
 * `test/fixtures/moving_average_binary_100x20_k4.json`.
 *
 * Run with `npm run example`.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  aligned,
  compare,
  formatReport,
  createRng,
  Matrix,
  nmf,
  norms,
  type Factorization,
  type NmfOptions,
  type Result,
  type Rng,
} from 'nmfkit'

const SEED = 2024
const SAMPLES = 100
const FEATURES = 20
const COMPONENTS = 4
const MAX_ITER = 500
const TOL = 1e-4

/** The value of a `Right`; for a `Left`, its message on stderr and exit code 1. */
const orExit = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) {
    console.error(`error (${result.left._tag}): ${result.left.message}`)
    process.exit(1)
  }
  return result.right
}

/** A number for a line of output: 4 significant digits, small or large ones in e-notation. */
const show = (value: number): string => {
  if (value === 0 || !Number.isFinite(value)) return String(value)
  const magnitude = Math.abs(value)
  return magnitude < 1e-3 || magnitude >= 1e6
    ? value.toExponential(3)
    : String(Number(value.toPrecision(4)))
}

/** A tolerance as people write it: `1e-4`, not `0.0001`. */
const showTol = (value: number): string =>
  value === 0
    ? '0'
    : value
        .toExponential()
        .replace(/\.?0*e([+-])/, 'e$1')
        .replace('e+', 'e')

/** `rows×cols`, the way nmfkit writes a shape. */
const shapeOf = (matrix: Matrix): string => `${matrix.rows}×${matrix.cols}`

/** The notebook's four numbers for one matrix, each with its name. */
const summary = (name: string, matrix: Matrix): string =>
  `${name} ${shapeOf(matrix)}: max ${show(matrix.max())}, min ${show(matrix.min())}, ` +
  `mean ${show(matrix.mean())}, Frobenius norm ${show(matrix.frobeniusNorm())}`

/** A rows×cols matrix of uniform draws in [0, 1), row by row, like `np.random.random`. */
const uniformMatrix = <R extends string, C extends string>(
  rng: Rng,
  rows: number,
  cols: number,
): Result<Matrix<R, C>> =>
  Matrix.fromData<R, C>(rows, cols, Float64Array.from({ length: rows * cols }, rng.uniform))

/** Runs one fit, prints its numbers and wall time, and returns it. */
const timedFit = (
  label: string,
  X: Matrix<'samples', 'features'>,
  options: NmfOptions,
): Factorization<'samples', 'features'> => {
  const started = performance.now()
  const fit = orExit(nmf(X, options))
  const elapsedMs = performance.now() - started
  const status = fit.converged ? 'converged' : 'did not converge'
  console.log(`\n${label}`)
  console.log(`  ${summary('W', fit.W)}`)
  console.log(`  ${summary('H', fit.H)}`)
  console.log(
    `  reconstruction error ${show(fit.reconstructionError)} after ${fit.nIter} iterations ` +
      `(${status}, tol ${showTol(Number(fit.options.tol))}, at most ${fit.options.maxIter})`,
  )
  const last = fit.history[fit.history.length - 1]
  console.log(`  final convergence measure ${show(last.measure)} (${fit.solver.measure})`)
  if (last.details !== undefined) {
    const details = Object.entries(last.details).map(([name, value]) => `${name} ${show(value)}`)
    console.log(`  last iteration: ${details.join(', ')}`)
  }
  console.log(`  wall time ${elapsedMs.toFixed(1)} ms`)
  return fit
}

const main = (): void => {
  const rng = createRng(SEED)

  // The data: each entry 1 with probability 1/2, then the shared start, from the same stream.
  const X = orExit(
    Matrix.fromData<'samples', 'features'>(
      SAMPLES,
      FEATURES,
      Float64Array.from({ length: SAMPLES * FEATURES }, () => (rng.uniform() < 0.5 ? 1 : 0)),
    ),
  )
  const W0 = orExit(uniformMatrix<'samples', 'components'>(rng, SAMPLES, COMPONENTS))
  const H0 = orExit(uniformMatrix<'components', 'features'>(rng, COMPONENTS, FEATURES))

  console.log(`seed ${SEED}`)
  console.log(`X ${shapeOf(X)} of 0/1 entries, ${X.sum()} ones; components k = ${COMPONENTS}`)
  console.log(`W0 ${shapeOf(W0)}, H0 ${shapeOf(H0)}; uniform in [0, 1), shared by all fits`)
  console.log(summary('W0', W0))
  console.log(summary('H0', H0))

  const init = { W: W0, H: H0 }
  const cdFit = timedFit('cd (scikit-learn coordinate descent)', X, {
    components: COMPONENTS,
    solver: 'cd',
    init,
    maxIter: MAX_ITER,
    tol: TOL,
  })
  const unclipped = timedFit('moving-average, gamma 0.1, nonnegative: false (the notebook)', X, {
    components: COMPONENTS,
    solver: 'moving-average',
    init,
    maxIter: MAX_ITER,
    tol: TOL,
    gamma: 0.1,
    nonnegative: false,
  })
  const clipped = timedFit('moving-average, gamma 0.1, nonnegative: true', X, {
    components: COMPONENTS,
    solver: 'moving-average',
    init,
    maxIter: MAX_ITER,
    tol: TOL,
    gamma: 0.1,
    nonnegative: true,
  })

  for (const [nameB, fit] of [
    ['moving-average (nonnegative: false)', unclipped],
    ['moving-average (nonnegative: true)', clipped],
  ] as const) {
    // norms compares entry by entry; aligned first matches components up to
    // permutation and scale, then says which ones differ and by how much.
    const result = orExit(compare(cdFit, fit, { comparators: [norms, aligned], X }))
    console.log(`\ncompare cd with ${nameB}`)
    console.log(formatReport(result, { a: 'cd', b: nameB }))
  }
  console.log(
    '\nWall times include V8 compiling the hot loops on first use; ' +
      '`npm run bench` times warmed-up iterations.',
  )
}

main()
