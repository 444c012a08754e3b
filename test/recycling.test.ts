/**
 * Factor arrays reused between iterations (core/small-arrays.ts and the driver). A whole
 * iteration in the module makes a new W and H; the driver hands back the arrays of a state
 * it will read no more, for the next iteration to fill. None of this may show: fits agree
 * bit for bit with fits that reuse nothing, a solver nmfkit did not declare forgetful keeps
 * its states intact, and a fit's result is never reused by a later fit. What waits for reuse
 * when a fit ends passes to the next fit of the same task, and is let go when the task ends.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  cd,
  createRng,
  CsrMatrix,
  Matrix,
  movingAverage,
  mu,
  nmf,
  type Factorization,
  type Factors,
  type NmfOptions,
  type AnySolver,
} from 'nmfkit'
import { valuesOf } from '../core/matrix.ts'
import { foundFinite } from '../core/found-finite.ts'
import { allFinite } from '../core/validate.ts'
import {
  dropSpares,
  duringFit,
  factorArray,
  keepArray,
  LEFTOVERS_PER_LENGTH,
  recycle,
  SPARES_PER_LENGTH,
} from '../core/small-arrays.ts'
import { declareForgetful } from '../solvers/driver.ts'
import { freedInChild, onPath, outputWithCollector } from './fixture-helpers.ts'

afterEach(() => dropSpares())

describe('factorArray and recycle', () => {
  // 1000 entries are 8000 bytes: over the 4 KiB of the shared blocks.
  it('hands a recycled array out once, to the next request of its length', () =>
    duringFit(() => {
      const array = factorArray(1000)
      recycle(array)
      expect(factorArray(999)).not.toBe(array)
      expect(factorArray(1000)).toBe(array)
      expect(factorArray(1000)).not.toBe(array)
    }))

  it("forgets a kernel's finding that an array is finite when it hands the array out again", () =>
    duringFit(() => {
      const array = factorArray(1000)
      foundFinite(array)
      recycle(array)
      const again = factorArray(1000)
      expect(again).toBe(array)
      again[500] = NaN
      expect(allFinite(again)).toBe(false)
    }))

  it('takes an array handed back twice only once', () =>
    duringFit(() => {
      const array = factorArray(1000)
      recycle(array)
      recycle(array)
      expect(factorArray(1000)).toBe(array)
      expect(factorArray(1000)).not.toBe(array)
    }))

  it('recycles small arrays (views into a shared block) alike', () =>
    duringFit(() => {
      const small = factorArray(100)
      expect(small.byteLength).toBeLessThan(small.buffer.byteLength)
      recycle(small)
      expect(factorArray(100)).toBe(small)
    }))

  it('leaves alone arrays it did not make and kept ones', () =>
    duringFit(() => {
      const foreign = new Float64Array(1000)
      recycle(foreign)
      expect(factorArray(1000)).not.toBe(foreign)

      const kept = factorArray(1000)
      keepArray(kept)
      recycle(kept)
      expect(factorArray(1000)).not.toBe(kept)
    }))

  it('takes nothing back outside a fit, where nothing would end the wait', () => {
    // Lengths no other test uses: what earlier tests left over cannot be handed out here.
    const array = factorArray(1235)
    recycle(array)
    expect(factorArray(1235)).not.toBe(array)
  })

  it('hands out, after a fit ends, what waited for it, to later fits of the same task', () => {
    const length = 1234
    const made = Array.from({ length: SPARES_PER_LENGTH }, () => factorArray(length))
    duringFit(() => {
      for (const array of made) recycle(array)
    })
    // LEFTOVERS_PER_LENGTH of a length pass on (the first handed back), each handed out once.
    const handedOut = made.map(() => factorArray(length))
    const passed = made.slice(0, LEFTOVERS_PER_LENGTH)
    for (const array of passed) expect(handedOut).toContain(array)
    for (const array of made.slice(LEFTOVERS_PER_LENGTH)) expect(handedOut).not.toContain(array)
    expect(new Set(handedOut).size).toBe(handedOut.length)
  })

  it('lets what waited for an ended fit go when the current task ends', () => {
    const freed = freedInChild(`
      const arrays = await import('./core/small-arrays.ts')
      let array = arrays.factorArray(1000)
      const watched = new WeakRef(array)
      arrays.duringFit(() => arrays.recycle(array))
      array = undefined
    `)
    expect(freed).toBe(true)
  })

  it("keeps only the last fit's leftovers: fits of many sizes in one task hold no more", () => {
    // Same length: the next fit takes it. Another length ended in between: gone.
    const first = factorArray(1237)
    duringFit(() => recycle(first))
    const second = factorArray(1238)
    duringFit(() => recycle(second))
    expect(factorArray(1237)).not.toBe(first)
    expect(factorArray(1238)).toBe(second)

    // And the collector can free the earlier fit's within the same task: a finalizer (which,
    // unlike a WeakRef, does not keep its target alive until the task ends) reports it.
    const output = outputWithCollector(`
      const arrays = await import('./core/small-arrays.ts')
      let freed = false
      const registry = new FinalizationRegistry(() => { freed = true })
      let array = arrays.factorArray(1000)
      registry.register(array, 'array')
      arrays.duringFit(() => arrays.recycle(array))
      array = undefined
      arrays.duringFit(() => arrays.recycle(arrays.factorArray(2000)))
      globalThis.gc()
      // No collection after this: only the one above, within the task, can have freed it.
      await new Promise((resolve) => setTimeout(resolve, 20))
      process.stdout.write(String(freed))
    `)
    expect(output).toBe('true')
  })
})

// W is 300×6 and H 6×100: both over 4 KiB, so arrays of their own (smaller ones are views
// into shared blocks, recycled alike).
const rng = createRng(7)
const unwrap = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}
/** A rows×cols matrix of uniform entries in [0, scale). */
const uniformMatrix = <R extends string = string, C extends string = string>(
  rows: number,
  cols: number,
  scale = 1,
): Matrix<R, C> =>
  unwrap(
    Matrix.fromData<R, C>(
      rows,
      cols,
      Array.from({ length: rows * cols }, () => scale * rng.uniform()),
    ),
  )

const X = uniformMatrix(300, 100)
const start: Factors = { W: uniformMatrix(300, 6, 0.3), H: uniformMatrix(6, 100, 0.3) }

const sparseX = CsrMatrix.fromDense(X)

/** A fit of 25 iterations from `start`, of X or (with `sparse: true`) X as a CsrMatrix. */
const fit = (
  solver: AnySolver,
  { sparse, ...extra }: Partial<NmfOptions> & { sparse?: boolean } = {},
): Factorization =>
  onPath('wasm', () =>
    unwrap(
      nmf(sparse === true ? sparseX : X, {
        components: 6,
        solver,
        init: start,
        maxIter: 25,
        tol: 0,
        ...extra,
      }),
    ),
  )

const cases: readonly [string, AnySolver, Partial<NmfOptions> & { sparse?: boolean }][] = [
  ['cd', cd, {}],
  ['moving-average', movingAverage, {}],
  ['mu', mu, {}],
  ['mu, Kullback–Leibler', mu, { betaLoss: 'kullback-leibler' }],
  // CSR X: the Frobenius update in the module, and KL's row pass.
  ['cd, CSR X', cd, { sparse: true }],
  ['mu, CSR X', mu, { sparse: true }],
  ['mu, Kullback–Leibler, CSR X', mu, { betaLoss: 'kullback-leibler', sparse: true }],
]

/** A solver that runs `solver`'s steps and calls `see` with every state it makes. */
const watching = (solver: AnySolver, see: (state: Factors) => void): AnySolver => ({
  ...solver,
  step: (state, problem, options) => {
    const result = solver.step(state, problem, options)
    see(result.state)
    return result
  },
})

describe('recycling on a small problem (factors are views into shared blocks)', () => {
  const small = uniformMatrix(20, 10)
  const smallStart: Factors = { W: uniformMatrix(20, 3), H: uniformMatrix(3, 10) }
  const run = (solver: AnySolver) =>
    onPath('wasm', () =>
      unwrap(nmf(small, { components: 3, solver, init: smallStart, maxIter: 25, tol: 0 })),
    )

  it.each([
    ['cd', cd],
    ['mu', mu],
  ] as const)('%s: reuses its views and ends at the same bits', (_name, solver) => {
    const arrays = new Set<Float64Array>()
    const recycled = run(
      declareForgetful(watching(solver, (state) => arrays.add(valuesOf(state.H)))),
    )
    const fresh = run({ ...solver })
    expect(arrays.size).toBeLessThanOrEqual(4)
    expect(valuesOf(recycled.W)).toEqual(valuesOf(fresh.W))
    expect(valuesOf(recycled.H)).toEqual(valuesOf(fresh.H))
    // The result has arrays of its own, not views into a shared block.
    for (const values of [valuesOf(recycled.W), valuesOf(recycled.H)]) {
      expect(values.byteLength).toBe(values.buffer.byteLength)
    }
  })
})

describe.each(cases)('recycling in a fit of %s', (_name, solver, extra) => {
  it('reuses factor arrays and ends at the same bits as a fit that reuses none', () => {
    const arrays = new Set<Float64Array>()
    const recycled = fit(
      declareForgetful(watching(solver, (state) => arrays.add(valuesOf(state.W)))),
      extra,
    )
    // A copy of the solver is not declared forgetful: every iteration gets new arrays.
    const fresh = fit({ ...solver }, extra)

    // 25 iterations: W from two or three arrays in turn, not 25 new ones.
    expect(arrays.size).toBeLessThanOrEqual(4)
    expect(valuesOf(recycled.W)).toEqual(valuesOf(fresh.W))
    expect(valuesOf(recycled.H)).toEqual(valuesOf(fresh.H))
    expect(recycled.history).toEqual(fresh.history)
  })

  it('keeps every state intact for a solver that was not declared forgetful', () => {
    const states: [Factors, Float64Array, Float64Array][] = []
    fit(
      watching(solver, (state) =>
        states.push([state, valuesOf(state.W).slice(), valuesOf(state.H).slice()]),
      ),
      extra,
    )
    expect(states).toHaveLength(25)
    for (const [state, W, H] of states) {
      expect(valuesOf(state.W)).toEqual(W)
      expect(valuesOf(state.H)).toEqual(H)
    }
  })

  it('never reuses the arrays of a result, also as the start of a later fit', () => {
    const first = fit(solver, extra)
    const W = valuesOf(first.W).slice()
    const H = valuesOf(first.H).slice()
    fit(solver, { ...extra, init: { W: first.W, H: first.H } })
    fit(solver, extra)
    expect(valuesOf(first.W)).toEqual(W)
    expect(valuesOf(first.H)).toEqual(H)
  })
})
