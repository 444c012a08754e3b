/**
 * Milliseconds per iteration of nmfkit's cd, written in the DSL
 * (`solvers/cd.ts`), against the hand-written loop it replaced
 * (`bench/hand-written-cd.ts`) on two problems:
 *
 * - digits: `data/digits.csv.gz`, 1797×64, k = 10, nndsvda start;
 * - dense: a uniform random 2000×1000 X (seed 7), k = 20, random start.
 *
 * tol 0 and a fixed number of iterations, the start built once outside the
 * timed region; after a warm-up, the median of 9 timed fits (loop and DSL interleaved) is
 * reported, with
 * the ratio DSL / loop (the target is at most 1.25).
 *
 * Run with `npx tsx bench/dsl-vs-loop.ts`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { cd, createRng, initialize, Matrix, nmf, type AnySolver, type Result } from 'nmfkit'
import { loadDigits } from '../examples/load-digits.ts'
import { handWrittenCd } from './hand-written-cd.ts'

const REPETITIONS = 9

const orExit = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) {
    console.error(`error: ${result.left.message}`)
    process.exit(1)
  }
  return result.right
}

interface Problem {
  readonly name: string
  readonly X: Matrix
  readonly components: number
  readonly init: { readonly W: Matrix; readonly H: Matrix }
  readonly iterations: number
}

const digits = (): Problem => {
  const X = orExit(loadDigits())
  const init = orExit(initialize(X, 10, { init: 'nndsvda' }))
  return { name: 'digits 1797×64 k=10', X, components: 10, init, iterations: 50 }
}

const dense = (): Problem => {
  const rng = createRng(7)
  const X = orExit(Matrix.fromData(2000, 1000, Float64Array.from({ length: 2e6 }, rng.uniform)))
  const init = orExit(initialize(X, 20, { init: 'random', seed: 7 }))
  return { name: 'dense 2000×1000 k=20', X, components: 20, init, iterations: 10 }
}

/** One timed fit, ms per iteration. */
const timeFit = (problem: Problem, solver: AnySolver): number => {
  const started = performance.now()
  const result = orExit(
    nmf(problem.X, {
      components: problem.components,
      solver,
      init: problem.init,
      maxIter: problem.iterations,
      tol: 0,
    }),
  )
  if (result.nIter !== problem.iterations) throw new Error('stopped early')
  return (performance.now() - started) / problem.iterations
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

console.log(
  `Node ${process.version}; median of ${REPETITIONS} fits per solver after a warm-up, ` +
    'loop and DSL fits interleaved so that both see the same machine load',
)
console.log('problem                 loop ms/iter   DSL ms/iter   ratio')
for (const problem of [digits(), dense()]) {
  const loopTimes: number[] = []
  const dslTimes: number[] = []
  timeFit(problem, handWrittenCd as AnySolver)
  timeFit(problem, cd as AnySolver)
  for (let r = 0; r < REPETITIONS; r++) {
    loopTimes.push(timeFit(problem, handWrittenCd as AnySolver))
    dslTimes.push(timeFit(problem, cd as AnySolver))
  }
  const loop = median(loopTimes)
  const dsl = median(dslTimes)
  console.log(
    `${problem.name.padEnd(22)}  ${loop.toFixed(3).padStart(12)}  ${dsl.toFixed(3).padStart(12)}` +
      `  ${(dsl / loop).toFixed(2).padStart(6)}`,
  )
}
