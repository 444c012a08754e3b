/**
 * The two kernel paths on scikit-learn's fixtures: every fit, initialization
 * and transform of test/fixtures run once on the TypeScript reference kernels
 * and once with the WebAssembly module forced for every product (`'wasm'`).
 * They must take the same number of iterations and agree to 1e-12 (largest
 * difference over the largest entry), and the WebAssembly result must still
 * match scikit-learn as test/fixtures.test.ts requires of the reference (1e-9).
 *
 * Also: the embedded module is the one wasm/kernels.ts compiles to, the path
 * switch and its environment variable, and that only arrays registered as
 * unchanging are kept in the module's memory between calls.
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  fastPathAvailable,
  initialize,
  kernelMemoryBytes,
  kernelPath,
  nmf,
  releaseKernelMemory,
  setKernelPath,
  setKernelThreads,
  transform,
  type KernelPath,
  type Matrix,
} from 'nmfkit'
import * as E from 'fp-ts/lib/Either.js'
import {
  coordinateSweep,
  csrTimesDense,
  csrTransposeTimesDense,
  gemm,
  gemmNT,
  gemmTN,
  gramColumns,
  gramRows,
  moduleMultiplyEntries,
  moduleMuRows,
  moduleProduct,
  muChunk,
  muRowsScratch,
} from '../core/kernels.ts'
import * as reference from '../core/kernels-reference.ts'
import { inParallel, takenBackCalls, THREAD_MIN_WORK, workerRunning } from '../core/threads.ts'
import { Matrix as CoreMatrix, valuesOf } from '../core/matrix.ts'
import { squaredFrobeniusError } from '../core/divergence.ts'
import { createRng, type Rng } from '../core/rng.ts'
import { sweepColumns, type ColumnRule } from '../dsl/rules.ts'
import { cdColumn } from '../solvers/cd.ts'
import { movingAverageColumn } from '../solvers/moving-average.ts'
import type { Problem } from '../solvers/contract.ts'
import {
  fastModule,
  keepResident,
  layout,
  sharedModuleInUse,
  viewOf,
  withResidentScope,
} from '../core/wasm.ts'
import { compileKernels, embedding, OUTPUT } from '../wasm/build.ts'
import {
  denseOf,
  freedInChild,
  fitOptions,
  matrixOf,
  onPath,
  readFixture,
  relativeDifference,
  transformOptions,
  unwrap,
  type Fixture,
} from './fixture-helpers.ts'

const PATH_AGREEMENT = 1e-12
const SKLEARN_AGREEMENT = 1e-9

interface Outcome {
  readonly nIter: number | undefined
  readonly W: Float64Array
  readonly H: Float64Array | undefined
}

const fitFixture = (fixture: Fixture): Outcome => {
  const fit = unwrap(nmf(matrixOf(fixture.X), fitOptions(fixture)))
  return { nIter: fit.nIter, W: fit.W.toFloat64Array(), H: fit.H.toFloat64Array() }
}

const initializeFixture = (fixture: Fixture): Outcome => {
  const start = unwrap(
    initialize(matrixOf(fixture.X), fixture.params.n_components, { init: fixture.params.init }),
  )
  return { nIter: undefined, W: start.W.toFloat64Array(), H: start.H.toFloat64Array() }
}

const transformFixture = (fixture: Fixture): Outcome => {
  const result = unwrap(
    transform(matrixOf(fixture.X), denseOf(fixture.H), transformOptions(fixture)),
  )
  return { nIter: result.nIter, W: result.W.toFloat64Array(), H: undefined }
}

const FITS = [
  'cd_binary_100x20_k4',
  'cd_l1_60x30_k5',
  'cd_l2_60x30_k5',
  'cd_l1l2_60x30_k5',
  'cd_sparse_200x150_k6',
  'digits_cd_default_k10',
  'moving_average_binary_100x20_k4',
  'mu_beta0.5_60x30_k3',
  'mu_beta1.5_60x30_k3',
  'mu_beta3_60x30_k3',
  'mu_frobenius_60x30_k3',
  'mu_is_60x30_k3',
  'mu_kl_60x30_k3',
  'mu_kl_reg_60x30_k3',
  'mu_kl_sparse_200x150_k6',
]

const cases: readonly [string, (fixture: Fixture) => Outcome][] = [
  ...FITS.map((name) => [name, fitFixture] as [string, (fixture: Fixture) => Outcome]),
  ['init_nndsvd_40x25_k5', initializeFixture],
  ['init_nndsvda_40x25_k5', initializeFixture],
  ['transform_cd_25x30_k4', transformFixture],
  ['transform_mu_kl_25x30_k4', transformFixture],
]

describe('the WebAssembly path agrees with the reference on every fixture', () => {
  it('runs here (Node 20 has WebAssembly SIMD)', () => {
    expect(fastPathAvailable()).toBe(true)
  })

  it.each(cases)('%s', (name, run) => {
    const fixture = readFixture(name)
    const reference = onPath('reference', () => run(fixture))
    const fast = onPath('wasm', () => run(fixture))
    expect(fast.nIter).toBe(reference.nIter)
    expect(relativeDifference(fast.W, reference.W)).toBeLessThan(PATH_AGREEMENT)
    if (reference.H !== undefined && fast.H !== undefined) {
      expect(relativeDifference(fast.H, reference.H)).toBeLessThan(PATH_AGREEMENT)
    }
    const { expected } = fixture
    expect(relativeDifference(fast.W, expected.W.data)).toBeLessThan(SKLEARN_AGREEMENT)
    if (fast.H !== undefined) {
      expect(relativeDifference(fast.H, expected.H.data)).toBeLessThan(SKLEARN_AGREEMENT)
    }
  })

  it.each(['cd_sparse_200x150_k6', 'mu_kl_sparse_200x150_k6'])(
    '%s: CSR and dense X give the same fit on the WebAssembly path',
    (name) => {
      const fixture = readFixture(name)
      const X = matrixOf(fixture.X) as CsrMatrix
      const dense = onPath('wasm', () => fitFixture({ ...fixture, X: X.toDense().toJSON() }))
      const sparse = onPath('wasm', () => fitFixture(fixture))
      expect(sparse.nIter).toBe(dense.nIter)
      expect(relativeDifference(sparse.W, dense.W)).toBeLessThan(PATH_AGREEMENT)
    },
  )
})

describe('the embedded module', () => {
  // After editing wasm/kernels.ts, `npm run build:wasm` embeds the new module.
  it('is what wasm/kernels.ts compiles to', async () => {
    const compiled = embedding(await compileKernels())
    expect(readFileSync(OUTPUT, 'utf8')).toBe(compiled)
  })
})

// The path this run started with (NMFKIT_KERNELS may set it), restored after each test.
const initialPath = kernelPath()

/** Threads back on and the kernel path as it was when the tests began. */
const threadsAndPathAsBefore = (): void => {
  setKernelThreads(true)
  setKernelPath(initialPath)
}

describe('choosing the path', () => {
  afterEach(() => {
    setKernelPath(initialPath)
  })

  it('setKernelPath returns the previous choice and rejects anything else', () => {
    setKernelPath('auto')
    expect(setKernelPath('reference')).toBe('auto')
    expect(kernelPath()).toBe('reference')
    expect(() => setKernelPath('fast' as KernelPath)).toThrow(
      "setKernelPath: expected 'auto', 'reference' or 'wasm', found \"fast\"",
    )
    expect(kernelPath()).toBe('reference')
  })

  const pathInChild = (value: string): string =>
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./core/wasm.ts').then((m) => process.stdout.write(m.kernelPath()))",
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, NMFKIT_KERNELS: value },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )

  it('NMFKIT_KERNELS sets the starting path; an unknown value is an error naming it', () => {
    expect(pathInChild('reference')).toBe('reference')
    expect(pathInChild('wasm')).toBe('wasm')
    expect(pathInChild('')).toBe('auto')
    expect(() => pathInChild('fast')).toThrow(/NMFKIT_KERNELS must be .* found "fast"/)
  })
})

describe("the module's memory", () => {
  afterEach(() => {
    setKernelPath(initialPath)
  })

  const square = (n: number, value: (q: number) => number): Float64Array =>
    Float64Array.from({ length: n * n }, (_, q) => value(q))

  it('copies every operand again unless it is registered as unchanging', () => {
    setKernelPath('wasm')
    const n = 96 // 72 KiB per operand: large enough to be kept resident
    const a = square(n, (q) => q % 7)
    const b = square(n, (q) => (q % 5) - 2)
    const first = gemm(a, n, n, b, n)
    // A caller's own scratch array, changed between calls, is read afresh.
    a[0] += 1
    const second = gemm(a, n, n, b, n)
    expect(second[0] - first[0]).toBe(b[0])
    expect(Array.from(second.subarray(n))).toEqual(Array.from(first.subarray(n)))
  })

  it('keeps a registered array in its scope until another one replaces it', () => {
    setKernelPath('wasm')
    const n = 96
    const a = square(n, (q) => q % 3)
    const b = square(n, (q) => q % 11)
    withResidentScope(() => {
      keepResident(a)
      const first = gemm(a, n, n, b, n)
      // Registered arrays must not change; this one does, to show which copy is read: the
      // kept one, while nothing else has replaced it...
      a[0] += 1
      expect(Array.from(gemm(a, n, n, b, n))).toEqual(Array.from(first))
      // ...and the new value once another registered array has taken its place.
      const other = square(n, () => 1)
      keepResident(other)
      gemm(other, n, n, b, n)
      expect(gemm(a, n, n, b, n)[0] - first[0]).toBe(b[0])
    })
  })

  it('forgets the kept arrays when the scope ends, and keeps none outside one', () => {
    setKernelPath('wasm')
    const n = 96
    const a = square(n, (q) => q % 3)
    const b = square(n, (q) => q % 11)
    const first = withResidentScope(() => {
      keepResident(a)
      return gemm(a, n, n, b, n)
    })
    a[0] += 1
    expect(gemm(a, n, n, b, n)[0] - first[0]).toBe(b[0])
    keepResident(a) // outside a scope: nothing is kept
    a[0] += 1
    expect(gemm(a, n, n, b, n)[0] - first[0]).toBe(2 * b[0])
  })

  it('a CsrMatrix changed between two fits is read afresh by the second', () => {
    setKernelPath('auto')
    const rows = 600 // 96 KiB of values: large enough to be kept during a fit
    const cols = 200
    const indptr = Int32Array.from({ length: rows + 1 }, (_, i) => i * 20)
    const indices = Int32Array.from(
      { length: rows * 20 },
      (_, q) => (q * 7 + Math.floor(q / 20)) % cols,
    )
    const data = Float64Array.from({ length: rows * 20 }, (_, q) => 1 + (q % 13))
    const X = unwrap(CsrMatrix.fromParts(rows, cols, indptr, indices, data))
    const options = { components: 4, maxIter: 20, tol: 0 }
    unwrap(nmf(X, options))
    X.data[0] *= 1000 // a CsrMatrix's parts are read-only by contract; a change still counts
    const again = unwrap(nmf(X, options))
    const copy = unwrap(CsrMatrix.fromParts(rows, cols, X.indptr, X.indices, X.data))
    const fresh = unwrap(nmf(copy, options))
    expect(again.W.toFloat64Array()).toEqual(fresh.W.toFloat64Array())
  })

  it('a call larger than the 4 GiB of wasm32 memory is refused, not wrapped around', () => {
    setKernelPath('wasm')
    expect(fastPathAvailable()).toBe(true)
    const wasm = fastModule(Infinity)
    if (wasm === undefined) throw new Error('the module did not load')
    // Sizes only: nothing of this size is allocated.
    expect(layout(wasm, [], [2 ** 32 + 8])).toBeUndefined()
    expect(layout(wasm, [], [2 ** 31, 2 ** 31])).toBeUndefined()
  })
})

describe('CsrMatrix and dense inputs on the fast path', () => {
  it('the digits fixture fits the same as CSR', () => {
    const fixture = readFixture('digits_cd_default_k10')
    const X = matrixOf(fixture.X) as Matrix
    const options = { components: 10, maxIter: 50, tol: 0 }
    const dense = unwrap(nmf(X, options))
    const sparse = unwrap(nmf(CsrMatrix.fromDense(X), options))
    expect(relativeDifference(sparse.W.toFloat64Array(), dense.W.toFloat64Array())).toBeLessThan(
      PATH_AGREEMENT,
    )
  })
})

describe('the column sweeps as one kernel', () => {
  // The DSL's expressions are the reference; the kernel must give the same columns and
  // stats, whatever the order and with columns at the bound and zero curvatures.
  const random = (length: number, seed: number, zeros = 0): Float64Array => {
    let state = seed
    return Float64Array.from({ length }, () => {
      state = (state * 1103515245 + 12345) % 2147483648
      const u = state / 2147483648
      return u < zeros ? 0 : u
    })
  }

  const rules = [
    ['cd', cdColumn, {}],
    ['moving-average', movingAverageColumn, { gamma: 0.3, nonnegative: true }],
    ['moving-average unclipped', movingAverageColumn, { gamma: 1, nonnegative: false }],
  ] as const
  const shapes = [
    [1, 1, false],
    [7, 3, false],
    [30, 5, true],
    [200, 9, true],
  ] as const
  const cases = rules.flatMap(([name, rule, options]) =>
    shapes.map(([rows, k, shuffle]) => [name, rows, k, shuffle, rule, options] as const),
  )

  it.each(cases)('%s: rows %i, k %i, shuffled %s', (_name, rows, k, shuffle, rule, options) => {
    const A = CoreMatrix.unsafeWrap<string, 'components'>(rows, k, random(rows * k, rows + k, 0.3))
    const B = random(k * 11, 3 * k)
    const gram = Float64Array.from({ length: k * k }, (_, q) => {
      const [s, t] = [Math.floor(q / k), q % k]
      let sum = 0
      for (let j = 0; j < 11; j++) sum += B[s * 11 + j] * B[t * 11 + j]
      return s === 0 || t === 0 ? 0 : sum // component 0 is all zero: zero curvature
    })
    const G = CoreMatrix.unsafeWrap<'components', 'components'>(k, k, gram)
    const C = CoreMatrix.unsafeWrap<string, 'components'>(rows, k, random(rows * k, 7 * rows))
    const problem = { shuffle, rng: createRng(rows) } as unknown as Problem
    const sweep = (path: KernelPath) =>
      onPath(path, () => {
        const outcome = sweepColumns(rule as ColumnRule<typeof options>).apply(
          { factor: A, gram: G, cross: C },
          { problem: { ...problem, rng: createRng(rows) }, options },
        )
        if (E.isLeft(outcome)) throw new Error(outcome.left.message)
        return outcome.right
      })
    const reference = sweep('reference')
    const fast = sweep('wasm')
    const [found, expected] = [valuesOf(fast.state.factor), valuesOf(reference.state.factor)]
    if (expected.every((value) => value === 0)) expect(found).toEqual(expected)
    else expect(relativeDifference(found, expected)).toBeLessThan(PATH_AGREEMENT)
    expect(Object.keys(fast.stats).sort()).toEqual(Object.keys(reference.stats).sort())
    for (const [name, value] of Object.entries(reference.stats)) {
      expect(Math.abs(fast.stats[name] - value)).toBeLessThanOrEqual(
        PATH_AGREEMENT * Math.abs(value),
      )
    }
    expect(valuesOf(A)).toEqual(random(rows * k, rows + k, 0.3)) // the input is unchanged
  })
})

describe('the second thread', () => {
  afterEach(threadsAndPathAsBefore)

  it('starts on a host with two cores and gives the same products bit for bit', () => {
    setKernelPath('auto')
    const [n, p, m] = [400, 400, 27] // 4.3 million multiply-adds: above THREAD_MIN_WORK
    expect(n * p * m).toBeGreaterThanOrEqual(THREAD_MIN_WORK)
    let state = 5
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state / 2147483648
    }
    const a = Float64Array.from({ length: n * p }, next)
    const b = Float64Array.from({ length: p * m }, next)
    const bt = Float64Array.from({ length: m * p }, next)
    setKernelThreads(false)
    const one = [gemm(a, n, p, b, m), gemmNT(a, n, p, bt, m), gemmTN(a, n, p, a, p)]
    setKernelThreads(true)
    const two = [gemm(a, n, p, b, m), gemmNT(a, n, p, bt, m), gemmTN(a, n, p, a, p)]
    expect(workerRunning()).toBe(availableParallelism() >= 2)
    two.forEach((product, index) => expect(product).toEqual(one[index]))
    expect(two[0]).toEqual(reference.gemm(a, n, p, b, m))
  })

  it.each([5, 10, 13])(
    'splits a product of %i rows (a Gram) between the threads by halves of its rows, bit for bit',
    (k) => {
      setKernelPath('auto')
      const n = 3000
      expect(n * k * k).toBeGreaterThanOrEqual(THREAD_MIN_WORK)
      const rng = createRng(k)
      const a = Float64Array.from({ length: n * k }, () => rng.uniform() - 0.4)
      setKernelThreads(false)
      const one = gramColumns(a, n, k)
      setKernelThreads(true)
      const two = gramColumns(a, n, k)
      expect(two).toEqual(one)
      expect(two).toEqual(reference.gramColumns(a, n, k))
    },
  )

  it("splits mu's entrywise update between the threads, bit for bit (an odd count)", () => {
    setKernelPath('auto')
    const wasm = fastModule(Infinity, 0)
    if (wasm === undefined) throw new Error('the module did not load')
    // 14 401 entries: above the threads' threshold, and odd, so a part ends on a single one.
    const count = 14_401
    const rng = createRng(9)
    const [A, N, D] = [0, 1, 2].map(() => Float64Array.from({ length: count }, () => rng.uniform()))
    const run = (threads: boolean) => {
      setKernelThreads(threads)
      const at = layout(wasm, [A, N, D], [count * 8])
      if (at === undefined) throw new Error('no memory')
      const parallel = moduleMultiplyEntries(
        wasm,
        at[0],
        at[1],
        at[2],
        count,
        at[3],
        2 ** -52,
        0.01,
        0.2,
        1,
        0,
      )
      return { parallel, out: viewOf(wasm, at[3], count).slice() }
    }
    const one = run(false)
    const two = run(true)
    expect(one.parallel).toBe(false)
    expect(two.parallel).toBe(availableParallelism() >= 2)
    expect(two.out).toEqual(one.out)
  })

  it.each([
    [1, 7, 1, 0, 0, 'W'],
    [5, 9, 3, 0.01, 0.2, 'W'],
    [683, 64, 10, 0, 0, 'W'],
    [1797, 64, 10, 0.05, 0.1, 'W'],
    [97, 40, 300, 0, 0.3, 'W'],
    [3, 1, 1, 0, 0, 'Hᵀ'],
    [1797, 409, 10, 0.05, 0.1, 'Hᵀ'],
    [31, 6, 2, 0, 0, 'Hᵀ'],
    [40, 97, 300, 0.01, 0, 'Hᵀ'],
  ] as const)(
    "runs mu's Frobenius update (%i×%i, k %i, l1 %s, l2 %s, of %s) in one call, bit for bit",
    (n, m, k, l1, l2, factor) => {
      setKernelPath('auto')
      const wasm = fastModule(Infinity, 0)
      if (wasm === undefined) throw new Error('the module did not load')
      // W's rows are X's (n), Hᵀ's X's columns (m), read down X: Xᵀ·W.
      const [rows, inner] = factor === 'W' ? [n, m] : [m, n]
      const [rowStep, innerStep] = factor === 'W' ? [m, 1] : [1, m]
      // One partial chunk, or several and a partial one (k 10: 819 rows; k 300: 27).
      expect(rows % muChunk(k)).toBeGreaterThan(0)
      const rng = createRng(n + k)
      const draw = (length: number) => Float64Array.from({ length }, () => rng.uniform())
      const [X, B, F] = [draw(n * m), draw(inner * k), draw(rows * k)]
      const G = reference.gramColumns(B, inner, k)
      const size = rows * k * 8
      const run = (threads: boolean, fused: boolean) => {
        setKernelThreads(threads)
        const at = layout(wasm, [X, B, F, G], [size, size, size, muRowsScratch(k)])
        if (at === undefined) throw new Error('no memory')
        const [x, b, f, g, numerator, denominator, out, scratch] = at
        const eps = 2 ** -52
        if (fused) {
          moduleMuRows(
            wasm,
            x,
            rows,
            inner,
            rowStep,
            innerStep,
            b,
            k,
            f,
            g,
            scratch,
            out,
            eps,
            l1,
            l2,
          )
        } else {
          moduleProduct(wasm, x, rows, inner, rowStep, innerStep, b, k, numerator)
          moduleProduct(wasm, f, rows, k, k, 1, g, k, denominator)
          moduleMultiplyEntries(wasm, f, numerator, denominator, rows * k, out, eps, l1, l2, 1, 0)
        }
        return viewOf(wasm, out, rows * k).slice()
      }
      const expected = run(false, false)
      expect(run(false, true)).toEqual(expected)
      expect(run(true, true)).toEqual(expected)
    },
  )

  it.each([
    ['kullback-leibler', false],
    [1.5, false],
    [0.5, false],
    [3, false],
    [1.5, true],
  ] as const)(
    "runs mu's blocked pass for β %s (CSR %s) on two threads, the same to rounding",
    (betaLoss, sparse) => {
      setKernelPath('auto')
      // 300×200, k = 20: four products (six for β ≠ 1) of 1.2 million multiply-adds per pass,
      // in blocks of 81 rows for β ≠ 1 (a CSR X's written out dense).
      const values = unwrap(
        CoreMatrix.fromData(
          300,
          200,
          Float64Array.from({ length: 60_000 }, (_, q) => ((q * 37) % 101) / 10),
        ),
      )
      const X = sparse ? CsrMatrix.fromDense(values) : values
      const options = { components: 20, solver: 'mu', betaLoss, maxIter: 30, tol: 0 } as const
      setKernelThreads(false)
      const one = unwrap(nmf(X, options))
      setKernelThreads(true)
      const two = unwrap(nmf(X, options))
      expect(workerRunning()).toBe(availableParallelism() >= 2)
      expect(relativeDifference(two.W.toFloat64Array(), one.W.toFloat64Array())).toBeLessThan(
        PATH_AGREEMENT,
      )
      expect(relativeDifference(two.H.toFloat64Array(), one.H.toFloat64Array())).toBeLessThan(
        PATH_AGREEMENT,
      )
      const reference = onPath('reference', () => unwrap(nmf(X, options)))
      expect(relativeDifference(two.W.toFloat64Array(), reference.W.toFloat64Array())).toBeLessThan(
        PATH_AGREEMENT,
      )
    },
  )

  it("runs transform's blocked pass for β 1.5 on a CSR X, on two threads and one", () => {
    setKernelPath('auto')
    // W alone: no sums of H in the scratch, a CSR block written out dense. 300×200 (blocks
    // of 81 rows, split between the threads), and 2×5000 on 200 components (k above n).
    for (const [n, m, k] of [
      [300, 200, 3],
      [2, 5000, 200],
    ]) {
      const values = unwrap(
        CoreMatrix.fromData(
          n,
          m,
          Float64Array.from({ length: n * m }, (_, q) => (q % 7 === 0 ? ((q * 37) % 101) / 10 : 0)),
        ),
      )
      const X = CsrMatrix.fromDense(values)
      const H = unwrap(
        CoreMatrix.fromData(
          k,
          m,
          Float64Array.from({ length: k * m }, (_, q) => 0.1 + ((q * 13) % 17) / 17),
        ),
      )
      const options = { solver: 'mu', betaLoss: 1.5, maxIter: 20, tol: 0 } as const
      const reference = onPath('reference', () => unwrap(transform(X, H, options)))
      for (const threads of [true, false]) {
        setKernelThreads(threads)
        for (const Y of [X, values]) {
          const fit = unwrap(transform(Y, H, options))
          expect(
            relativeDifference(fit.W.toFloat64Array(), reference.W.toFloat64Array()),
          ).toBeLessThan(PATH_AGREEMENT)
        }
      }
      setKernelThreads(true)
    }
  })

  it('runs CSR products on two threads: X·B bit for bit, Xᵀ·B from two partial sums', () => {
    setKernelPath('auto')
    // 2000×1000 with 200 stored entries per row (more in the first rows), k = 11: 4.6
    // million multiply-adds per product.
    const rows = 2000
    const cols = 1000
    const k = 11
    const counts = Array.from({ length: rows }, (_, i) => (i < 100 ? 400 : 200))
    const indptr = new Int32Array(rows + 1)
    for (let i = 0; i < rows; i++) indptr[i + 1] = indptr[i] + counts[i]
    const indices = new Int32Array(indptr[rows])
    for (let i = 0; i < rows; i++) {
      for (let q = 0; q < counts[i]; q++) indices[indptr[i] + q] = (i * 7 + q * 5) % cols
    }
    const data = Float64Array.from({ length: indptr[rows] }, (_, q) => 1 + (q % 9) / 9)
    const X = unwrap(CsrMatrix.fromParts(rows, cols, indptr, indices, data))
    expect(X.data.length * k).toBeGreaterThanOrEqual(THREAD_MIN_WORK)
    const B = Float64Array.from({ length: cols * k }, (_, q) => (q % 23) / 23)
    const Bt = Float64Array.from({ length: rows * k }, (_, q) => (q % 19) / 19)
    setKernelThreads(false)
    const one = [csrTimesDense(X, B, k), csrTransposeTimesDense(X, Bt, k)]
    setKernelThreads(true)
    const two = [csrTimesDense(X, B, k), csrTransposeTimesDense(X, Bt, k)]
    expect(workerRunning()).toBe(availableParallelism() >= 2)
    expect(two[0]).toEqual(one[0])
    expect(relativeDifference(two[1], one[1])).toBeLessThan(1e-14)
    expect(relativeDifference(two[1], reference.csrTransposeTimesDense(X, Bt, k))).toBeLessThan(
      1e-14,
    )
  })
})

describe("the module's products over long inner dimensions", () => {
  afterEach(() => {
    setKernelPath(initialPath)
  })

  // Past about 32 KiB of B (16 KiB where A is read down its columns: gemmTN, gramColumns)
  // the module sums in blocks of l, carrying each running sum on, two steps of l at a time
  // with an odd step left over: every entry must still be the reference's sum in order, bit
  // for bit.
  it.each([
    [37, 1000, 11],
    [9, 3000, 1],
    [300, 513, 7],
    [6, 4099, 5],
    [5, 1797, 10], // B the larger factor: a last row across all its columns, columns past 8
    [7, 900, 13],
  ])('A %i×%i times B with %i columns', (n, p, m) => {
    let state = n + p + m
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state / 2147483648 - 0.3
    }
    const a = Float64Array.from({ length: n * p }, next)
    const b = Float64Array.from({ length: p * m }, next)
    const bt = Float64Array.from({ length: m * p }, next)
    const found = onPath('wasm', () => [
      gemm(a, n, p, b, m),
      gemmNT(a, n, p, bt, m),
      gramColumns(a, p, n), // a as p×n: n×n over p rows
      gramRows(a, n, p), // n×n over p columns
      gemmTN(a, p, n, b, m), // a as p×n, read down its columns
    ])
    expect(found[0]).toEqual(reference.gemm(a, n, p, b, m))
    expect(found[1]).toEqual(reference.gemmNT(a, n, p, bt, m))
    expect(found[2]).toEqual(reference.gramColumns(a, p, n))
    expect(found[3]).toEqual(reference.gramRows(a, n, p))
    // (The reference gemmTN adds four rows' terms at a time; its gemm sums in order.)
    expect(found[4]).toEqual(reference.gemm(reference.transpose(a, p, n), n, p, b, m))
  })
})

describe("the module's products over short inner dimensions", () => {
  // Up to 20 terms an entry and at least 8 columns (W·H, W·(H·Hᵀ) for k ≥ 8), the module
  // runs a row of the result at a time, 8, 4, 2 and 1 columns side by side: every entry
  // must still be the reference's sum in order, bit for bit, on either side of the bounds.
  it.each([
    [100, 4, 20],
    [7, 1, 8],
    [3, 20, 15],
    [33, 21, 9], // 21 terms: the tiles
    [40, 10, 7], // 7 columns: the tiles
    [5, 13, 64],
    [1797, 10, 11],
  ])('A %i×%i times B with %i columns', (n, p, m) => {
    let state = 7 * n + p + m
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state / 2147483648 - 0.3
    }
    const a = Float64Array.from({ length: n * p }, next)
    const b = Float64Array.from({ length: p * m }, next)
    // gemmTN reads a as p×n down its columns (the module's rowStep 1).
    const found = onPath('wasm', () => [gemm(a, n, p, b, m), gemmTN(a, p, n, b, m)])
    expect(found[0]).toEqual(reference.gemm(a, n, p, b, m))
    expect(found[1]).toEqual(reference.gemm(reference.transpose(a, p, n), n, p, b, m))
  })
})

describe("the module's multiplicative update, two entries at a time", () => {
  it('is the scalar update on every entry: zero denominators, the floor, an odd count', () => {
    const wasm = fastModule(Infinity, 0)
    if (wasm === undefined) throw new Error('the module did not load')
    const count = 11
    const A = Float64Array.from({ length: count }, (_, q) => (q === 4 ? 0 : 0.25 + q / 8))
    const N = Float64Array.from({ length: count }, (_, q) => (q === 2 ? 0 : (q % 5) / 3))
    const D = Float64Array.from({ length: count }, (_, q) => (q % 3 === 0 ? 0 : q / 7))
    const [eps, floor] = [2 ** -52, 0.05]
    for (const [l1, l2] of [
      [0, 0],
      [0.01, 0.2],
    ]) {
      const at = layout(wasm, [A, N, D], [count * 8])
      if (at === undefined) throw new Error('no memory')
      wasm.multiplyEntries(at[0], at[1], at[2], count, at[3], eps, l1, l2, 1, floor)
      const found = new Float64Array(wasm.memory.buffer, at[3], count).slice()
      const expected = A.map((a, q) => {
        let d = D[q] + l1 + l2 * a
        if (d === 0) d = eps
        const next = a * (N[q] / d)
        return next < floor ? 0 : next
      })
      expect(found).toEqual(expected)
      expect(expected.filter((value) => value === 0).length).toBeGreaterThan(1)
    }
  })
})

describe('a worker part that the worker has not begun', () => {
  afterEach(() => {
    setKernelPath(initialPath)
  })

  it.skipIf(availableParallelism() < 2)(
    'is taken back and run by the calling thread, with the same result',
    () => {
      setKernelPath('auto')
      const [n, p, m] = [300, 60, 8] // 144 000 multiply-adds: two threads
      const a = Float64Array.from({ length: n * p }, (_, q) => (q % 11) / 11)
      const b = Float64Array.from({ length: p * m }, (_, q) => (q % 7) / 7)
      const expected = reference.gemm(a, n, p, b, m)
      expect(gemm(a, n, p, b, m)).toEqual(expected) // starts the worker
      const before = takenBackCalls()
      const wasm = fastModule(Infinity, 0)
      if (wasm === undefined) throw new Error('the module did not load')
      const at = layout(wasm, [a, b], [n * m * 8])
      if (at === undefined) throw new Error('no memory')
      const sleeper = new Int32Array(new SharedArrayBuffer(4))
      // The worker can still win the race on a loaded machine (the caller descheduled right
      // after posting): rounds go on, each checked, until one part was taken back.
      for (let round = 0; round < 5 || (takenBackCalls() === before && round < 200); round++) {
        // Let the worker fall asleep, then post a call whose calling part is empty: the
        // caller is done before the sleeping worker can claim its part.
        Atomics.wait(sleeper, 0, 0, 20)
        const worker = [at[0], n, p, p * 8, 8, at[1], m, at[2]]
        const run = (args: readonly number[]) =>
          wasm.gemmStrided(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7])
        new Float64Array(wasm.memory.buffer, at[2], n * m).fill(NaN)
        const ran = inParallel(
          sharedModuleInUse(),
          wasm.memory,
          n * p * m,
          'gemmStrided',
          worker,
          () => {},
          run,
        )
        expect(ran).toBe(true)
        expect(new Float64Array(wasm.memory.buffer, at[2], n * m)).toEqual(expected)
      }
      expect(takenBackCalls()).toBeGreaterThan(before)
    },
  )
})

describe('after the worker failed once', () => {
  afterEach(threadsAndPathAsBefore)

  it.skipIf(availableParallelism() < 2)(
    'a later threaded sweep runs each half once: the same as on one thread',
    () => {
      setKernelPath('auto')
      const [rows, k] = [3001, 6]
      const A = Float64Array.from({ length: rows * k }, (_, q) => (q % 29) / 29)
      const C = Float64Array.from({ length: rows * k }, (_, q) => (q % 31) / 31)
      const G = Float64Array.from({ length: k * k }, (_, q) => (q % (k + 1) === 0 ? 2 : 0.1))
      const order = [0, 1, 2, 3, 4, 5]
      const settings = { damped: false, gamma: 1, project: true }
      setKernelThreads(false)
      const one = coordinateSweep(A, rows, k, G, C, order, settings)
      setKernelThreads(true)
      // A worker call on offsets past the memory traps in the worker: it reports the
      // failure, and threads are off until allowed again.
      const wasm = fastModule(Infinity, 0)
      if (wasm === undefined || one === undefined) throw new Error('the module did not load')
      const [n, p, m] = [300, 60, 8]
      const a = Float64Array.from({ length: n * p }, (_, q) => (q % 11) / 11)
      expect(gemm(a, n, p, a.subarray(0, p * m), m)).toEqual(
        reference.gemm(a, n, p, a.subarray(0, p * m), m),
      )
      const past = 0xffff_0000 // beyond any memory the module has here
      const trap = [past, n, p, p * 8, 8, past, m, past]
      // The caller's part waits 20 ms, long enough for the worker to begin (and trap).
      const busy = () => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
      let fallbacks = 0
      inParallel(sharedModuleInUse(), wasm.memory, n * p * m, 'gemmStrided', trap, busy, () => {
        fallbacks++
      })
      expect(fallbacks).toBe(1)
      setKernelThreads(true)
      const two = coordinateSweep(A, rows, k, G, C, order, settings)
      expect(two?.A).toEqual(one.A)
      expect(Math.abs((two?.violation ?? NaN) - one.violation)).toBeLessThan(1e-14 * one.violation)
    },
  )
})

describe('the sweeps on two threads', () => {
  afterEach(threadsAndPathAsBefore)

  it.each([
    ['cd', { damped: false, gamma: 1, project: true }],
    ['moving-average', { damped: true, gamma: 0.3, project: false }],
  ] as const)('%s: every entry bit for bit, the stats to rounding', (_name, settings) => {
    setKernelPath('auto')
    // 3001 rows (odd: the halves differ), k = 6: 108 036 multiply-adds.
    const [rows, k] = [3001, 6]
    expect(rows * k * k).toBeGreaterThanOrEqual(THREAD_MIN_WORK)
    const A = Float64Array.from({ length: rows * k }, (_, q) => (q % 7 === 0 ? 0 : (q % 29) / 29))
    const C = Float64Array.from({ length: rows * k }, (_, q) => (q % 31) / 31)
    const G = Float64Array.from({ length: k * k }, (_, q) => {
      const [s, t] = [Math.floor(q / k), q % k]
      return s === t ? 2 + s : 0.1 * ((s + t) % 3)
    })
    const order = [3, 0, 5, 1, 4, 2]
    setKernelThreads(false)
    const one = coordinateSweep(A, rows, k, G, C, order, settings)
    setKernelThreads(true)
    const two = coordinateSweep(A, rows, k, G, C, order, settings)
    if (one === undefined || two === undefined) throw new Error('the module did not run')
    expect(workerRunning()).toBe(availableParallelism() >= 2)
    expect(two.A).toEqual(one.A)
    expect(Math.abs(two.violation - one.violation)).toBeLessThan(1e-14 * one.violation)
    expect(Math.abs(two.squaredChange - one.squaredChange)).toBeLessThan(1e-14 * one.squaredChange)
    expect(one.violation).toBeGreaterThan(0)
    expect(one.squaredChange).toBeGreaterThan(0)
  })
})

describe('releasing the memory while the worker runs', () => {
  afterEach(() => {
    setKernelPath(initialPath)
  })

  it('the next products run on the new memory, with a new worker', () => {
    setKernelPath('auto')
    const [n, p, m] = [400, 400, 27]
    const a = Float64Array.from({ length: n * p }, (_, q) => (q % 17) / 17)
    const b = Float64Array.from({ length: p * m }, (_, q) => (q % 13) / 13)
    const expected = reference.gemm(a, n, p, b, m)
    expect(gemm(a, n, p, b, m)).toEqual(expected)
    releaseKernelMemory()
    expect(kernelMemoryBytes()).toBe(0)
    expect(gemm(a, n, p, b, m)).toEqual(expected)
    expect(workerRunning()).toBe(availableParallelism() >= 2)
  })
})

describe('releaseKernelMemory', () => {
  it('lets the collector take the old memory (nothing of nmfkit keeps it)', () => {
    // In a process of its own, with the collector at hand: a product large enough to grow
    // the memory, a weak reference to that memory, the release, then a collection.
    const collected = freedInChild(`
      const kernels = await import('./core/kernels.ts')
      const wasm = await import('./core/wasm.ts')
      wasm.setKernelPath('wasm')
      const a = new Float64Array(300 * 300).fill(1)
      kernels.gemm(a, 300, 300, a, 300)
      const watched = new WeakRef(wasm.fastModule(1).memory)
      wasm.releaseKernelMemory()
    `)
    expect(collected).toBe(true)
  })
})

/** Matrices of entries uniform in [0, 1), drawn from `rng`. */
const uniformMatrices =
  (rng: Rng) =>
  (rows: number, cols: number): CoreMatrix =>
    CoreMatrix.unsafeWrap(rows, cols, Float64Array.from({ length: rows * cols }, rng.uniform))

/**
 * squaredFrobeniusError on the module with two threads and with one, then on the reference
 * path (the caller's afterEach restores the path and threads).
 */
const errorThreeWays = (X: CoreMatrix | CsrMatrix, W: CoreMatrix, H: CoreMatrix) => {
  setKernelPath('wasm')
  setKernelThreads(true)
  const twoThreads = squaredFrobeniusError(X, W, H)
  setKernelThreads(false)
  const oneThread = squaredFrobeniusError(X, W, H)
  setKernelPath('reference')
  return { twoThreads, oneThread, reference: squaredFrobeniusError(X, W, H) }
}

describe('the dense Frobenius error on two threads', () => {
  afterEach(threadsAndPathAsBefore)

  it.skipIf(availableParallelism() < 2)(
    'is the same number on one thread and two, and agrees with the reference',
    () => {
      const matrix = uniformMatrices(createRng(11))
      // Two threads from 2^16 multiply-adds; one row (the worker's half empty), two, odd
      // counts, rows wider than a block, and a shape below the threshold (one thread).
      for (const [n, m, k] of [
        [301, 200, 8],
        [1, 70_000, 1],
        [2, 40_000, 1],
        [9, 8_193, 4],
        [3, 7, 2],
      ]) {
        const [X, W, H] = [matrix(n, m), matrix(n, k), matrix(k, m)]
        const { twoThreads, oneThread, reference: expected } = errorThreeWays(X, W, H)
        expect(twoThreads).toBe(oneThread)
        expect(Math.abs(twoThreads - expected) / expected).toBeLessThan(1e-12)
      }
      expect(workerRunning()).toBe(true)
    },
  )
})

describe("a CSR X's Frobenius error on two threads", () => {
  afterEach(threadsAndPathAsBefore)

  it.skipIf(availableParallelism() < 2)(
    'is the same number on the reference path, one thread and two, and agrees with a plain sum',
    () => {
      const rng = createRng(12)
      const matrix = uniformMatrices(rng)
      // About a third of the entries stored, some rows empty; k from 1 to 9 and 20 covers
      // each pattern of the module's lanes (k mod 4, and k below 4); 2^16 multiply-adds and
      // more run on two threads; one row puts every entry in the first half.
      const sparse = (rows: number, cols: number) =>
        CsrMatrix.fromDense(
          CoreMatrix.unsafeWrap(
            rows,
            cols,
            Float64Array.from({ length: rows * cols }, (_, q) =>
              Math.floor(q / cols) % 5 === 3 || rng.uniform() < 0.66 ? 0 : rng.uniform(),
            ),
          ),
        )
      for (const [n, m, k] of [
        [400, 300, 1],
        [400, 300, 2],
        [400, 300, 3],
        [400, 300, 4],
        [400, 300, 5],
        [400, 300, 6],
        [400, 300, 7],
        [300, 200, 9],
        [200, 150, 20],
        [1, 20_000, 8],
        [7, 5, 3],
      ]) {
        const X = sparse(n, m)
        const [W, H] = [matrix(n, k), matrix(k, m)]
        const { twoThreads, oneThread, reference } = errorThreeWays(X, W, H)
        expect(twoThreads).toBe(oneThread)
        expect(reference).toBe(oneThread)
        // The same terms summed plainly, entry by entry in order.
        const [w, h] = [valuesOf(W), valuesOf(H)]
        let squaredNormX = 0
        let cross = 0
        for (let i = 0; i < n; i++) {
          for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
            const [value, j] = [X.data[q], X.indices[q]]
            let wh = 0
            for (let t = 0; t < k; t++) wh += w[i * k + t] * h[t * m + j]
            squaredNormX += value * value
            cross += value * wh
          }
        }
        let quadratic = 0
        for (let s = 0; s < k; s++) {
          for (let t = 0; t < k; t++) {
            let ws = 0
            let hs = 0
            for (let i = 0; i < n; i++) ws += w[i * k + s] * w[i * k + t]
            for (let j = 0; j < m; j++) hs += h[s * m + j] * h[t * m + j]
            quadratic += ws * hs
          }
        }
        const plain = squaredNormX - 2 * cross + quadratic
        expect(Math.abs(oneThread - plain) / plain).toBeLessThan(1e-12)
      }
      expect(workerRunning()).toBe(true)
      // One stored entry, whose (W·H)_11 then shows in the error's last bits: the module's
      // lanes and the reference's order of its k terms agree bit for bit (terms of many
      // sizes, so that another order rounds otherwise).
      const spread = () => rng.uniform() * 2 ** Math.floor(20 * rng.uniform() - 10)
      for (const k of [4, 5, 6, 7, 9, 20]) {
        for (let draw = 0; draw < 20; draw++) {
          const X = CsrMatrix.fromDense(CoreMatrix.unsafeWrap(1, 1, Float64Array.of(spread())))
          const W = CoreMatrix.unsafeWrap(1, k, Float64Array.from({ length: k }, spread))
          const H = CoreMatrix.unsafeWrap(k, 1, Float64Array.from({ length: k }, spread))
          setKernelPath('wasm')
          const inModule = squaredFrobeniusError(X, W, H)
          setKernelPath('reference')
          expect(squaredFrobeniusError(X, W, H)).toBe(inModule)
        }
      }
    },
  )
})
