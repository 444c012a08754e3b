/** Reading the scikit-learn fixtures in test/fixtures (see its README). */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import {
  fromJSON,
  Matrix,
  setKernelPath,
  type AnyMatrix,
  type KernelPath,
  type NmfOptions,
  type TransformOptions,
} from 'nmfkit'

/** Largest difference over the largest entry, the fixtures' measure of agreement. */
export const relativeDifference = (
  found: ArrayLike<number>,
  expected: ArrayLike<number>,
): number => {
  if (found.length !== expected.length) return Infinity
  let largestDifference = 0
  let largestEntry = 0
  for (let q = 0; q < expected.length; q++) {
    largestDifference = Math.max(largestDifference, Math.abs(found[q] - expected[q]))
    largestEntry = Math.max(largestEntry, Math.abs(expected[q]))
  }
  return largestDifference / largestEntry
}

export interface DenseJson {
  readonly rows: number
  readonly cols: number
  readonly data: number[]
}

// The fixtures are JSON written by a script; their fields are read as needed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fixture = Record<string, any>

export const readFixture = (name: string): Fixture =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url)), 'utf8'),
  )

/** A matrix from a fixture, failing the test when it does not decode. */
export const matrixOf = (json: unknown): AnyMatrix => {
  const decoded = fromJSON(json)
  if (E.isLeft(decoded)) throw new Error(decoded.left.message)
  return decoded.right
}

export const denseOf = (json: DenseJson): Matrix => {
  const decoded = Matrix.fromData(json.rows, json.cols, json.data)
  if (E.isLeft(decoded)) throw new Error(decoded.left.message)
  return decoded.right
}

/** The Right of an Either, or a thrown error with the Left's message. */
export const unwrap = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** `run()` on one kernel path, the previous path restored afterwards. */
export const onPath = <A>(path: KernelPath, run: () => A): A => {
  const previous = setKernelPath(path)
  try {
    return run()
  } finally {
    setKernelPath(previous)
  }
}

/**
 * `nmf`'s options for a fit fixture, as scikit-learn (or, for `moving_average_*`, the
 * notebook) ran it: its solver, loss, penalties, iterations and tolerance, and its
 * starting factors when it has them.
 */
export const fitOptions = (fixture: Fixture): NmfOptions => {
  const { params } = fixture
  return {
    components: params.n_components,
    maxIter: params.max_iter,
    tol: params.tol,
    ...(fixture.name.startsWith('moving_average')
      ? { solver: 'moving-average', gamma: params.gamma, nonnegative: false }
      : {
          solver: params.solver,
          betaLoss: params.beta_loss,
          alphaW: params.alpha_W,
          alphaH: params.alpha_H,
          l1Ratio: params.l1_ratio,
        }),
    ...(fixture.W0 === undefined
      ? {}
      : { init: { W: denseOf(fixture.W0), H: denseOf(fixture.H0) } }),
  } as NmfOptions
}

/** `transform`'s options for a transform fixture, as scikit-learn ran it. */
export const transformOptions = (fixture: Fixture): TransformOptions => {
  const { params } = fixture
  return {
    solver: params.solver,
    betaLoss: params.beta_loss,
    maxIter: params.max_iter,
    tol: params.tol,
    alphaW: params.alpha_W,
    l1Ratio: params.l1_ratio,
  }
}

/**
 * What `script` (module code, run from the repository's root through tsx, in a process of
 * its own with the collector at hand as `globalThis.gc`) writes to its standard output.
 */
export const outputWithCollector = (script: string): string =>
  execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )

/**
 * Runs `setup` in a process of its own (see `outputWithCollector`), then collects twice,
 * each time after the current task (whose end a WeakRef's target outlives, and nmfkit's
 * leftover arrays too), and says whether the collector freed the target of `watched`, a
 * WeakRef that `setup` declares.
 */
export const freedInChild = (setup: string): boolean =>
  outputWithCollector(`${setup}
    await new Promise((resolve) => setTimeout(resolve, 0))
    globalThis.gc()
    await new Promise((resolve) => setTimeout(resolve, 0))
    globalThis.gc()
    process.stdout.write(String(watched.deref() === undefined))
  `) === 'true'

/**
 * The built-in solvers with the options that change their whole iterations in the module
 * (penalties, shuffled components, unclipped steps, the KL loss): the cases that
 * test/fused.test.ts and test/batch.test.ts run each fit of.
 */
export const SOLVER_CASES: readonly (readonly [string, Partial<NmfOptions>])[] = [
  ['cd', { solver: 'cd' }],
  ['cd, penalized', { solver: 'cd', alphaW: 0.05, alphaH: 0.02, l1Ratio: 0.4 }],
  ['cd, shuffled', { solver: 'cd', shuffle: true }],
  ['moving-average', { solver: 'moving-average' }],
  ['moving-average, unclipped', { solver: 'moving-average', gamma: 0.7, nonnegative: false }],
  ['mu', { solver: 'mu' }],
  ['mu, penalized', { solver: 'mu', alphaW: 0.05, alphaH: 0.05, l1Ratio: 0.5 }],
  ['mu, KL', { solver: 'mu', betaLoss: 'kullback-leibler' }],
]
