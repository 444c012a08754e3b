/**
 * The benchmark's problems, built from fixed seeds (the digits from the repository's data):
 * X, the components, the start both sides fit from, and how many iterations and timed fits
 * a row makes. Shared by bench/run.ts and bench/memory-probe.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  createRng,
  CsrMatrix,
  initialize,
  Matrix,
  type AnyMatrix,
  type Factors,
  type Result,
} from '../index.ts'
import { loadDigits } from '../examples/load-digits.ts'

export const PROBLEMS = ['notebook', 'digits', 'dense', 'sparse'] as const

/** One benchmark problem: X, its components, a fixed start and how to time it. */
export interface BenchProblem {
  readonly name: string
  readonly X: AnyMatrix
  readonly components: number
  readonly initial: Factors
  readonly iterations: number
  readonly repetitions: number
}

/** The value of a `Right`; for a `Left`, its message on stderr and exit code 1. */
export const orExit = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) {
    console.error(`error (${result.left._tag}): ${result.left.message}`)
    process.exit(1)
  }
  return result.right
}

const dense = <R extends string, C extends string>(
  rows: number,
  cols: number,
  entry: () => number,
): Matrix<R, C> =>
  orExit(Matrix.fromData<R, C>(rows, cols, Float64Array.from({ length: rows * cols }, entry)))

/** W and H uniform in [0, scale), scale = √(mean(X) / k) as scikit-learn's `random` init. */
const uniformStart = (X: AnyMatrix, components: number, seed: number): Factors => {
  const rng = createRng(seed)
  const mean = X.format === 'csr' ? sum(X.data) / (X.rows * X.cols) : X.mean()
  const scale = Math.sqrt(mean / components)
  return {
    W: dense(X.rows, components, () => scale * rng.uniform()),
    H: dense(components, X.cols, () => scale * rng.uniform()),
  }
}

const sum = (values: ArrayLike<number>): number => {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]
  return total
}

/** The notebook's problem: 0/1 entries with probability 1/2, a uniform [0, 1) start. */
const notebookProblem = (): BenchProblem => {
  const rng = createRng(2024)
  const X = dense<'samples', 'features'>(100, 20, () => (rng.uniform() < 0.5 ? 1 : 0))
  const W = dense<'samples', 'components'>(100, 4, rng.uniform)
  const H = dense<'components', 'features'>(4, 20, rng.uniform)
  return {
    name: 'notebook',
    X,
    components: 4,
    initial: { W, H },
    iterations: 200,
    repetitions: 7,
  }
}

/** The digits with scikit-learn's default start, computed once. */
const digitsProblem = (): BenchProblem => {
  const X = orExit(loadDigits())
  const initial = orExit(initialize(X, 10, { init: 'nndsvda' }))
  return {
    name: 'digits',
    X,
    components: 10,
    initial,
    iterations: 100,
    repetitions: 7,
  }
}

/** Uniform [0, 1) entries, 2000×1000, k = 20. */
const denseProblem = (): BenchProblem => {
  const rng = createRng(2000)
  const X = dense(2000, 1000, rng.uniform)
  return {
    name: 'dense',
    X,
    components: 20,
    initial: uniformStart(X, 20, 2001),
    iterations: 20,
    repetitions: 5,
  }
}

/** 20000×5000 with 25 distinct random columns per row (0.5%), values uniform in (0, 1]. */
const sparseProblem = (): BenchProblem => {
  const rows = 20000
  const cols = 5000
  const perRow = 25
  const rng = createRng(20000)
  const indptr = new Int32Array(rows + 1)
  const indices = new Int32Array(rows * perRow)
  const data = new Float64Array(rows * perRow)
  // Typed arrays and marks rather than a Set and an array per row: the same draws, the same
  // X, without tens of MiB of garbage in the process whose memory is measured.
  const taken = new Uint8Array(cols)
  for (let i = 0; i < rows; i++) {
    const row = indices.subarray(i * perRow, (i + 1) * perRow)
    for (let q = 0; q < perRow;) {
      const column = Math.floor(rng.uniform() * cols)
      if (taken[column] === 1) continue
      taken[column] = 1
      row[q++] = column
    }
    row.sort()
    for (let q = 0; q < perRow; q++) {
      taken[row[q]] = 0
      data[i * perRow + q] = 1 - rng.uniform()
    }
    indptr[i + 1] = (i + 1) * perRow
  }
  const X = orExit(CsrMatrix.fromParts(rows, cols, indptr, indices, data))
  return {
    name: 'sparse',
    X,
    components: 20,
    initial: uniformStart(X, 20, 20001),
    iterations: 20,
    repetitions: 5,
  }
}

export const builders: Record<(typeof PROBLEMS)[number], () => BenchProblem> = {
  notebook: notebookProblem,
  digits: digitsProblem,
  dense: denseProblem,
  sparse: sparseProblem,
}
