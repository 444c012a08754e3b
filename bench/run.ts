/**
 * Times one iteration of each built-in solver on two problems:
 *
 * - notebook: the seed notebook's random 0/1 matrix, 100×20, k = 4;
 * - digits: `data/digits.csv.gz`, 1797×64, k = 10.
 *
 * The first factors are built once per problem, outside the timed region (a
 * uniform random start for the notebook, as the notebook does; scikit-learn's
 * default `nndsvda` for digits), and every timed fit starts from them. With
 * tol 0 each fit runs exactly maxIter iterations. After untimed warm-up fits
 * (at least one, and at least 300 ms; the first samples the resident set size
 * after every iteration), the fit is timed `--repetitions` times (default 7,
 * at least 5) and the median wall time per iteration is reported. Peak RSS is
 * the largest `process.memoryUsage().rss` seen so far in the process, so it
 * includes whatever earlier problems left behind.
 *
 * Run with `npm run bench`; `npm run bench -- --json` prints one JSON object per
 * problem and solver, one per line.
 */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import {
  createRng,
  initialize,
  Matrix,
  nmf,
  type Factors,
  type NmfOptions,
  type Result,
} from 'nmfkit'
import { loadDigits } from '../examples/load-digits.ts'

/** One benchmark problem: X, its components, a fixed start and how many iterations to time. */
interface BenchProblem {
  readonly name: string
  readonly X: Matrix
  readonly components: number
  readonly initial: Factors
  readonly iterations: number
}

/** One line of the results. */
interface Measurement {
  readonly problem: string
  readonly solver: string
  readonly msPerIter: number
  /** The fastest and the slowest repetition, ms per iteration. */
  readonly range: readonly [number, number]
  readonly peakRssMb: number
  readonly iterations: number
  readonly repetitions: number
  /** X's shape, `rows×cols`. */
  readonly shape: string
  readonly components: number
}

const SOLVERS = ['cd', 'moving-average'] as const
const MIN_REPETITIONS = 5
/** Untimed fits run for at least this long before the timed ones. */
const WARM_UP_MS = 300

/** The value of a `Right`; for a `Left`, its message on stderr and exit code 1. */
const orExit = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) {
    console.error(`error (${result.left._tag}): ${result.left.message}`)
    process.exit(1)
  }
  return result.right
}

const megabytes = (bytes: number): number => bytes / (1024 * 1024)

let peakRss = process.memoryUsage().rss
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The notebook's problem: 0/1 entries with probability 1/2, a uniform [0, 1) start. */
const notebookProblem = (): BenchProblem => {
  const rng = createRng(2024)
  const draw = <R extends string, C extends string>(
    rows: number,
    cols: number,
    entry: () => number,
  ): Matrix<R, C> =>
    orExit(Matrix.fromData<R, C>(rows, cols, Float64Array.from({ length: rows * cols }, entry)))
  const X = draw<'samples', 'features'>(100, 20, () => (rng.uniform() < 0.5 ? 1 : 0))
  const W = draw<'samples', 'components'>(100, 4, rng.uniform)
  const H = draw<'components', 'features'>(4, 20, rng.uniform)
  return { name: 'notebook', X, components: 4, initial: { W, H }, iterations: 200 }
}

/** The digits with scikit-learn's default start, computed once. */
const digitsProblem = (): BenchProblem => {
  const X = orExit(loadDigits())
  const initial = orExit(initialize(X, 10, { init: 'nndsvda' }))
  return { name: 'digits', X, components: 10, initial, iterations: 100 }
}

const measure = (problem: BenchProblem, solver: string, repetitions: number): Measurement => {
  const options: NmfOptions = {
    components: problem.components,
    solver,
    init: problem.initial,
    maxIter: problem.iterations,
    tol: 0,
  }
  const run = (extra: Partial<NmfOptions> = {}): number => {
    const started = performance.now()
    const fit = orExit(nmf(problem.X, { ...options, ...extra }))
    const elapsed = performance.now() - started
    if (fit.nIter !== problem.iterations) {
      console.error(
        `error: ${problem.name}/${solver} stopped after ${fit.nIter} iterations, ` +
          `expected ${problem.iterations} (tol 0)`,
      )
      process.exit(1)
    }
    return elapsed
  }

  // Warm-up: lets V8 compile and optimize the hot loops; the first fit samples RSS inside the fit.
  const warmUpStarted = performance.now()
  run({ onIteration: sampleRss })
  while (performance.now() - warmUpStarted < WARM_UP_MS) run()

  const perIteration: number[] = []
  for (let r = 0; r < repetitions; r++) {
    perIteration.push(run() / problem.iterations)
    sampleRss()
  }
  return {
    problem: problem.name,
    solver,
    msPerIter: Number(median(perIteration).toPrecision(4)),
    range: [
      Number(Math.min(...perIteration).toPrecision(4)),
      Number(Math.max(...perIteration).toPrecision(4)),
    ],
    peakRssMb: Number(megabytes(peakRss).toFixed(1)),
    iterations: problem.iterations,
    repetitions,
    shape: `${problem.X.rows}×${problem.X.cols}`,
    components: problem.components,
  }
}

const parseArguments = (): { json: boolean; repetitions: number } => {
  try {
    const { values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        repetitions: { type: 'string', default: '7' },
      },
    })
    const repetitions = Number(values.repetitions)
    if (!Number.isInteger(repetitions) || repetitions < MIN_REPETITIONS) {
      throw new Error(
        `--repetitions: expected an integer ≥ ${MIN_REPETITIONS}, found '${values.repetitions}'`,
      )
    }
    return { json: values.json, repetitions }
  } catch (error) {
    console.error(
      `error: ${(error as Error).message}\n` + 'usage: npm run bench -- [--json] [--repetitions N]',
    )
    process.exit(1)
  }
}

const main = (): void => {
  const { json, repetitions } = parseArguments()
  const problems = [notebookProblem(), digitsProblem()]
  const results: Measurement[] = []
  for (const problem of problems) {
    for (const solver of SOLVERS) {
      const result = measure(problem, solver, repetitions)
      results.push(result)
      if (json) {
        const { problem: name, solver: solverName, msPerIter, peakRssMb, iterations } = result
        const line = { problem: name, solver: solverName, msPerIter, peakRssMb, iterations }
        console.log(JSON.stringify({ ...line, repetitions }))
      }
    }
  }
  if (json) return

  console.log(
    `Node ${process.version}, ${repetitions} timed repetitions after a warm-up, ` +
      'median wall time per iteration',
  )
  const header = [
    'problem',
    'X',
    'k',
    'solver',
    'iterations',
    'ms/iter',
    'min–max',
    'peak RSS (MB)',
  ]
  const rows = results.map((r) => [
    r.problem,
    r.shape,
    String(r.components),
    r.solver,
    String(r.iterations),
    String(r.msPerIter),
    `${r.range[0]}–${r.range[1]}`,
    String(r.peakRssMb),
  ])
  const widths = header.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c].length)),
  )
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ')
  console.log(line(header))
  console.log(line(widths.map((width) => '-'.repeat(width))))
  for (const row of rows) console.log(line(row))
}

main()
