/**
 * Whole iterations in the module (solvers/fused-sweeps.ts for cd and moving-average, mu's
 * frobeniusInModule, klDense and klCsr): they replace the DSL rules and mu's update on the
 * WebAssembly path. Every fit here runs on the TypeScript reference and on the forced
 * WebAssembly path; both must take the same iterations, report the same measures and
 * objectives, and end at the same factors, to 1e-12. The shapes include fewer rows than a
 * tile, k = 1 and odd k; the options penalties, shuffled components and unclipped steps;
 * X dense and CSR.
 */
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  CsrMatrix,
  Matrix,
  nmf,
  transform,
  type AnyMatrix,
  type KernelPath,
  type NmfOptions,
} from 'nmfkit'
import { valuesOf } from '../core/matrix.ts'
import {
  F64,
  fastModule,
  keepCopies,
  keptAt,
  keptCopiesUsed,
  layout,
  setKernelPath,
  viewOf,
  type KernelModule,
} from '../core/wasm.ts'
import { onPath, relativeDifference, SOLVER_CASES } from './fixture-helpers.ts'
import { createRng } from '../core/rng.ts'
import { withHFixed } from '../dsl/rules.ts'
import { cdHalfW } from '../solvers/cd.ts'
import type { Factors, Problem } from '../solvers/contract.ts'
import { wSweepsInModule } from '../solvers/fixed-h-sweeps.ts'
import { squaredFrobeniusNorm } from '../core/divergence.ts'

const AGREEMENT = 1e-12

const uniform = (length: number, seed: number, zeros = 0): number[] => {
  let state = seed
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648
    const u = state / 2147483648
    return u < zeros ? 0 : u
  })
}

const dense = (rows: number, cols: number, data: readonly number[]): Matrix => {
  const matrix = Matrix.fromData(rows, cols, data)
  if (E.isLeft(matrix)) throw new Error(matrix.left.message)
  return matrix.right
}

const fitOn = (path: KernelPath, X: AnyMatrix, options: NmfOptions) =>
  onPath(path, () => {
    const fit = nmf(X, options)
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    return fit.right
  })

/** Within 1e-12 of `scale`, or the same (both undefined, or both Infinity). */
const close = (found: number | undefined, expected: number | undefined, scale: number): boolean =>
  found === expected ||
  (found !== undefined && expected !== undefined && Math.abs(found - expected) <= AGREEMENT * scale)

const shapes = [
  [3, 5, 2],
  [7, 9, 1],
  [30, 17, 5],
  [64, 40, 8],
] as const

const solvers: readonly (readonly [string, Partial<NmfOptions>])[] = [
  ...SOLVER_CASES,
  [
    'mu, KL, penalized',
    { solver: 'mu', betaLoss: 'kullback-leibler', alphaW: 0.05, alphaH: 0.05, l1Ratio: 0.5 },
  ],
  // betaInModule's weights: loops of their own for β = 0.5 and 1.5, powers for others.
  ['mu, β = 1.5, penalized', { solver: 'mu', betaLoss: 1.5, alphaW: 0.05, l1Ratio: 0.5 }],
  ['mu, β = 0.5', { solver: 'mu', betaLoss: 0.5 }],
  ['mu, β = 3', { solver: 'mu', betaLoss: 3, alphaH: 0.05 }],
  ['mu, β = 2.5', { solver: 'mu', betaLoss: 2.5 }],
]

describe('whole iterations in the module agree with the reference', () => {
  // Every one also runs its whole iteration on a CSR X.
  const cases = solvers.flatMap(([name, options]) =>
    shapes.flatMap(([n, m, k]) =>
      [false, true].map((sparse) => [name, n, m, k, sparse, options] as const),
    ),
  )
  it.each(cases)('%s: %i×%i, k %i, CSR %s', (_name, n, m, k, sparse, solverOptions) => {
    const values = dense(n, m, uniform(n * m, n * m + k, 0.2))
    const X: AnyMatrix = sparse ? CsrMatrix.fromDense(values) : values
    const options = {
      components: k,
      maxIter: 60,
      tol: 1e-6,
      init: 'random',
      seed: 7,
      ...solverOptions,
    } as NmfOptions
    const reference = fitOn('reference', X, options)
    const fused = fitOn('wasm', X, options)
    expect(fused.nIter).toBe(reference.nIter)
    expect(fused.history.length).toBe(reference.history.length)
    // A measure is compared on the scale its stopping rule compares it with: cd's violation
    // and moving-average's change against the first iteration's (near convergence they are
    // sums that cancel, and their own digits are few), mu's decrease as it is (already
    // relative to the error at init). Objectives against their own size.
    const scale = solverOptions.solver === 'mu' ? 1 : reference.history[0].measure
    fused.history.forEach((entry, index) => {
      const expected = reference.history[index]
      const objectiveScale = Math.abs(expected.objective ?? 0)
      expect(close(entry.measure, expected.measure, scale), `measure at ${index + 1}`).toBe(true)
      expect(
        close(entry.objective, expected.objective, objectiveScale),
        `objective at ${index + 1}`,
      ).toBe(true)
    })
    expect(relativeDifference(valuesOf(fused.W), valuesOf(reference.W))).toBeLessThan(AGREEMENT)
    expect(relativeDifference(valuesOf(fused.H), valuesOf(reference.H))).toBeLessThan(AGREEMENT)
  })

  it.each(shapes)('mu, Itakura-Saito: %i×%i, k %i (X without zeros)', (n, m, k) => {
    const X = dense(
      n,
      m,
      uniform(n * m, n * m + k).map((x) => x + 0.05),
    )
    const options = { components: k, solver: 'mu', betaLoss: 'itakura-saito', maxIter: 60 }
    const reference = fitOn('reference', X, { ...options, tol: 1e-6, seed: 7 } as NmfOptions)
    const fused = fitOn('wasm', X, { ...options, tol: 1e-6, seed: 7 } as NmfOptions)
    expect(fused.nIter).toBe(reference.nIter)
    fused.history.forEach((entry, index) => {
      const expected = reference.history[index]
      const objectiveScale = Math.abs(expected.objective ?? 0)
      expect(close(entry.measure, expected.measure, 1), `measure at ${index + 1}`).toBe(true)
      expect(close(entry.objective, expected.objective, objectiveScale)).toBe(true)
    })
    expect(relativeDifference(valuesOf(fused.W), valuesOf(reference.W))).toBeLessThan(AGREEMENT)
    expect(relativeDifference(valuesOf(fused.H), valuesOf(reference.H))).toBeLessThan(AGREEMENT)
  })

  it('mu, β = 1.5 where W·H is below ε: a weight y^0.5 of y itself, y^−0.5 of ε', () => {
    // y = 1e-18 in both entries of a pair, then in one of them: the denominator's weight is
    // √y (1e-9), not √ε (1.5e-8), which would make W's denominator 15 times too large.
    for (const h1 of [1e-9, 1]) {
      const X = dense(1, 2, [1, 1])
      const init = { W: dense(1, 1, [1e-9]), H: dense(1, 2, [1e-9, h1]) }
      const options = { components: 1, solver: 'mu', betaLoss: 1.5, init, maxIter: 3, tol: 0 }
      const reference = fitOn('reference', X, options as NmfOptions)
      const fused = fitOn('wasm', X, options as NmfOptions)
      expect(relativeDifference(valuesOf(fused.W), valuesOf(reference.W))).toBeLessThan(AGREEMENT)
      expect(relativeDifference(valuesOf(fused.H), valuesOf(reference.H))).toBeLessThan(AGREEMENT)
    }
  })

  it.each([
    [1, 3, 1, false],
    [7, 5, 3, true],
    [30, 17, 5, false],
    [64, 40, 8, true],
  ])(
    "transform's cd, %i×%i, k %i, CSR %s: the module's sweeps of W are the rule's, bit for bit",
    (n, m, k, sparse) => {
      // X·Hᵀ and H·Hᵀ formed once (solvers/fixed-h-sweeps.ts) against every iteration (the
      // rule): penalties, shuffled orders drawn from one seed each, 12 iterations.
      const values = dense(n, m, uniform(n * m, n + m + k, 0.3))
      const X: AnyMatrix = sparse ? CsrMatrix.fromDense(values) : values
      const H = dense(k, m, uniform(k * m, 3 * k + m)) as Matrix<'components', string>
      const start = { W: dense(n, k, uniform(n * k, 2 * n + k)) as Matrix<string, 'components'>, H }
      for (const [shuffle, l1W, l2W] of [
        [false, 0, 0],
        [true, 0.05, 0.1],
      ] as const) {
        const problemOf = (): Problem => ({
          X,
          components: k,
          squaredNormX: squaredFrobeniusNorm(X),
          beta: 2,
          penalties: { l1W, l2W, l1H: 0, l2H: 0 },
          shuffle,
          rng: createRng(9),
        })
        const [byRule, byModule] = [problemOf(), problemOf()]
        // The rule's 12 iterations first: its products lay out the module's memory, which
        // the sweeps in place must have to themselves.
        const rule = withHFixed(cdHalfW)
        const expected: [number, number[]][] = []
        let state: Factors = start
        for (let iteration = 0; iteration < 12; iteration++) {
          const stepped = onPath('wasm', () => rule.apply(state, { problem: byRule, options: {} }))
          if (E.isLeft(stepped)) throw new Error(stepped.left.message)
          state = stepped.right.state
          expected.push([stepped.right.stats.violationW, Array.from(valuesOf(state.W))])
        }
        onPath('wasm', () => {
          const settings = { damped: false, gamma: 1, project: true }
          const swept = wSweepsInModule(start, byModule, settings, { l1: l1W, l2: l2W })
          if (swept === undefined) throw new Error('expected the module')
          for (const [violation, W] of expected) {
            expect(swept.iterate().violationW).toBe(violation)
            expect(Array.from(valuesOf(swept.current().W))).toEqual(W)
            expect(swept.current().H).toBe(H)
          }
        })
      }
    },
  )

  it("does not write into X when W's starting array is X's own", () => {
    // k = m: a W of X's shape may share X's array; the iteration must not update it in place.
    const data = uniform(12 * 3, 5)
    const X = dense(12, 3, data)
    const H = dense(3, 3, uniform(9, 11))
    for (const solver of ['cd', 'mu', 'moving-average']) {
      const options = { components: 3, solver, maxIter: 5, tol: 0, init: { W: X, H } }
      const fused = fitOn('wasm', X, options as NmfOptions)
      const copy = fitOn('wasm', dense(12, 3, data), {
        ...options,
        init: { W: dense(12, 3, data), H },
      } as NmfOptions)
      expect(valuesOf(X)).toEqual(Float64Array.from(data))
      expect(valuesOf(fused.W)).toEqual(valuesOf(copy.W))
    }
  })

  it('gives results whose arrays are their own, not views into a shared block', () => {
    const X = dense(10, 6, uniform(60, 3))
    const fit = fitOn('auto', X, { components: 2, maxIter: 3, tol: 0, seed: 1 })
    for (const factor of [fit.W, fit.H]) {
      const values = valuesOf(factor)
      expect(values.byteOffset).toBe(0)
      expect(values.buffer.byteLength).toBe(values.byteLength)
    }
    const H = fit.H as Matrix<'components', string>
    const moved = onPath('auto', () => transform(X, H, { maxIter: 3, tol: 0 }))
    if (E.isLeft(moved)) throw new Error(moved.left.message)
    expect(valuesOf(moved.right.W).buffer.byteLength).toBe(valuesOf(moved.right.W).byteLength)
    expect(moved.right.H).toBe(H) // transform's H is the one given, not a copy
  })
})

describe('factors an iteration leaves in the module', () => {
  // Each whole iteration leaves its new W and H in the module's memory, and the next one
  // reads them there instead of copying them in again, until anything else lays the memory
  // out. A fit whose callback runs another fit (which lays it out every iteration) must
  // copy them in every time, and end at the same bits. A fit without a callback runs its
  // iterations in batches (solvers/batch.ts), which keep the factors in place without
  // copying them out at all between iterations: the same bits again.
  const X = dense(40, 12, uniform(480, 21, 0.1))
  // One iteration: it keeps nothing it finds again itself.
  const inner = dense(9, 7, uniform(63, 4))
  const innerFit = () => {
    const fit = nmf(inner, { components: 2, maxIter: 1, tol: 0, seed: 3 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
  }
  const callbacks = { batched: undefined, stepped: () => undefined, interrupted: innerFit }
  const run = (options: NmfOptions, how: keyof typeof callbacks) =>
    fitOn('wasm', X, { ...options, onIteration: callbacks[how] })

  it.each(solvers)('%s: the same bits with the copies kept or made again', (_name, options) => {
    const iterations = 12
    const all = { components: 4, maxIter: iterations, tol: 0, seed: 5, ...options } as NmfOptions
    const before = keptCopiesUsed()
    const kept = run(all, 'stepped')
    // W and H were found in place by every iteration but the first: mu's error check at
    // iteration 10 is computed in place too, as a batch computes it.
    expect(keptCopiesUsed() - before).toBe(2 * (iterations - 1))
    const between = keptCopiesUsed()
    const copied = run(all, 'interrupted')
    expect(keptCopiesUsed()).toBe(between)
    const batched = run(all, 'batched')
    for (const other of [copied, batched]) {
      expect(valuesOf(kept.W)).toEqual(valuesOf(other.W))
      expect(valuesOf(kept.H)).toEqual(valuesOf(other.H))
      expect(kept.history).toEqual(other.history)
    }
  })

  it('transform keeps W in place, and copies the H it was given in every time', () => {
    const fit = fitOn('wasm', X, { components: 3, maxIter: 5, tol: 0, seed: 2 })
    for (const [solver, betaLoss] of [
      ['mu', 'frobenius'],
      ['mu', 'kullback-leibler'],
      ['cd', 'frobenius'],
    ] as const) {
      const before = keptCopiesUsed()
      const options = { solver, betaLoss, maxIter: 6, tol: 0 } as const
      const stepwise = (how: keyof typeof callbacks) => {
        const moved = onPath('wasm', () =>
          transform(X, fit.H, { ...options, onIteration: callbacks[how] }),
        )
        if (E.isLeft(moved)) throw new Error(moved.left.message)
        return moved.right
      }
      const kept = stepwise('stepped')
      // W after every iteration but the first; the caller's H never (the caller owns it).
      expect(keptCopiesUsed() - before).toBe(5)
      for (const how of ['interrupted', 'batched'] as const) {
        const other = stepwise(how)
        expect(valuesOf(kept.W)).toEqual(valuesOf(other.W))
        expect(kept.history).toEqual(other.history)
        expect(other.H).toBe(fit.H)
      }
    }
  })

  it('forgets an array handed out again: a fit whose path leaves the module and comes back', () => {
    // On the reference path mu makes its new H with factorArray, which can hand out an
    // array the record still names, and lays nothing out. H's zeros (which mu keeps) sit
    // where the entries are compared, so only the record's forgetting can tell.
    const [n, m, k] = [30, 20, 3]
    const values = uniform(k * m, 13).map((value) => value + 0.05)
    for (const place of [0, (k * m - 1) >> 1, k * m - 1]) values[place] = 0
    const init = { W: dense(n, k, uniform(n * k, 11)), H: dense(k, m, values) }
    const Xs = dense(n, m, uniform(n * m, 7))
    for (const betaLoss of ['frobenius', 'kullback-leibler'] as const) {
      const options = { components: k, solver: 'mu', betaLoss, init, maxIter: 8, tol: 0 } as const
      const switching = (fresh: boolean) =>
        fitOn('wasm', Xs, {
          ...options,
          onIteration: ({ iteration }) => {
            if (iteration === 1) setKernelPath('reference')
            if (iteration === 4) setKernelPath('wasm')
            if (fresh) onPath('wasm', innerFit)
          },
        })
      const switched = switching(false)
      const copied = switching(true)
      expect(valuesOf(switched.W)).toEqual(valuesOf(copied.W))
      expect(valuesOf(switched.H)).toEqual(valuesOf(copied.H))
      const reference = fitOn('reference', Xs, options)
      expect(relativeDifference(valuesOf(switched.H), valuesOf(reference.H))).toBeLessThan(
        AGREEMENT,
      )
    }
  })

  it('forgets them when the fit ends, whether or not it lays the memory out', () => {
    // 600×1, k 1 on 'auto': the final error (600 multiply-adds) runs in TypeScript, which
    // lays nothing out, and W (4.8 KB) is the result's own array, not a copy of it.
    const column = dense(600, 1, uniform(600, 3))
    const fit = fitOn('auto', column, { components: 1, solver: 'mu', maxIter: 5, tol: 0 })
    const W = valuesOf(fit.W)
    expect(W.buffer.byteLength).toBe(W.byteLength)
    const wasm = fastModule(1, 0) as KernelModule
    expect(keptAt(wasm, W)).toBeUndefined()
  })

  it('forgets them at the next layout, and refuses an array written since', () => {
    const wasm = fastModule(1, 0) as KernelModule
    const at = layout(wasm, [], [5 * F64, 5 * F64]) as number[]
    const values = Float64Array.from([1, 2, 3, 4, 5])
    viewOf(wasm, at[1], 5).set(values)
    keepCopies(wasm, [values], [at[1]])
    expect(keptAt(wasm, Float64Array.from(values))).toBeUndefined() // another array
    expect(keptAt(wasm, values)).toBe(at[1])
    for (const place of [0, 2, 4]) {
      const changed = Float64Array.from(values)
      keepCopies(wasm, [changed], [at[1]])
      changed[place] = -0 // a different bit pattern is enough
      expect(keptAt(wasm, changed), `entry ${place}`).toBeUndefined()
    }
    keepCopies(wasm, [values], [at[1]])
    layout(wasm, [], [F64])
    expect(keptAt(wasm, values)).toBeUndefined()
  })
})
