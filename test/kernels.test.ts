/**
 * Tests of core/kernels.ts: every kernel against a naive triple loop on random
 * shapes (1×1 and inner size 1 included), and no kernel writes into its inputs,
 * on both paths: the TypeScript reference and the WebAssembly module forced for
 * every size (its whole tiles, edges and tails all come up at sizes 1..9).
 *
 * Tolerance, stated once: entry (i, j) of a kernel's result must lie within
 * REL_TOL · Σ_l |a_il|·|b_lj| of the naive sum. A sum of at most 7 rounded
 * products is off by at most about 7·2⁻⁵³ ≈ 8e-16 of that scale, so 1e-12
 * accepts any summation order and still fails on a missing or wrong term.
 * Transposes move values without arithmetic and are compared exactly.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsrMatrix } from '../core/csr.ts'
import {
  csrTimesDense,
  csrTimesDenseT,
  csrTransposeTimesDense,
  dot,
  gemm,
  gemmNT,
  gemmTN,
  gramColumns,
  gramRows,
  transpose,
  type CsrParts,
} from '../core/kernels.ts'
import { fastPathAvailable, setKernelPath, type KernelPath } from '../core/wasm.ts'

const REL_TOL = 1e-12
const RUNS = { numRuns: 150 }

/** A size, 1 about a third of the time so that 1×1 and inner size 1 come up often. */
const size = fc.oneof(
  fc.constant(1),
  fc.integer({ min: 1, max: 7 }),
  fc.integer({ min: 1, max: 9 }),
)
const entry = fc.oneof(
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 100_000), weight: 4 },
  { arbitrary: fc.constant(0), weight: 1 },
)
const sparseEntry = fc.oneof(
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 100_000), weight: 1 },
  { arbitrary: fc.constant(0), weight: 2 },
)
const values = (length: number, of = entry): fc.Arbitrary<Float64Array> =>
  fc.array(of, { minLength: length, maxLength: length }).map((data) => Float64Array.from(data))

/** A row-major matrix as its storage and shape. */
interface Dense {
  readonly values: Float64Array
  readonly rows: number
  readonly cols: number
}

/** The naive product of op(A) and op(B), where op transposes when asked; also Σ|a|·|b|. */
const naive = (
  a: Dense,
  transposeA: boolean,
  b: Dense,
  transposeB: boolean,
): { product: Float64Array; scale: Float64Array; rows: number; cols: number } => {
  const at = (m: Dense, t: boolean, i: number, j: number): number =>
    t ? m.values[j * m.cols + i] : m.values[i * m.cols + j]
  const rows = transposeA ? a.cols : a.rows
  const inner = transposeA ? a.rows : a.cols
  const cols = transposeB ? b.rows : b.cols
  expect(transposeB ? b.cols : b.rows).toBe(inner)
  const product = new Float64Array(rows * cols)
  const scale = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0
      let abs = 0
      for (let l = 0; l < inner; l++) {
        sum += at(a, transposeA, i, l) * at(b, transposeB, l, j)
        abs += Math.abs(at(a, transposeA, i, l) * at(b, transposeB, l, j))
      }
      product[i * cols + j] = sum
      scale[i * cols + j] = abs
    }
  }
  return { product, scale, rows, cols }
}

const expectClose = (actual: Float64Array, expected: ReturnType<typeof naive>): void => {
  expect(actual.length).toBe(expected.rows * expected.cols)
  for (let q = 0; q < actual.length; q++) {
    const gap = Math.abs(actual[q] - expected.product[q])
    if (gap > REL_TOL * expected.scale[q]) {
      throw new Error(`entry ${q}: ${actual[q]} vs ${expected.product[q]} (gap ${gap})`)
    }
  }
}

const denseOf = (rows: number, cols: number, of = entry): fc.Arbitrary<Dense> =>
  values(rows * cols, of).map((data) => ({ values: data, rows, cols }))

/** A rows×cols matrix of entries in [−0.25, 0.75) from a seeded congruential sequence. */
const byHand = (seed: number, rows: number, cols: number): Dense => {
  let state = seed
  const next = (): number =>
    (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.25
  return { values: Float64Array.from({ length: rows * cols }, next), rows, cols }
}

/** A sparse matrix: its canonical CSR parts and the same matrix dense. */
const csrOf = (rows: number, cols: number): fc.Arbitrary<{ csr: CsrParts; dense: Dense }> =>
  denseOf(rows, cols, sparseEntry).map((dense) => {
    const indptr = [0]
    const indices: number[] = []
    const data: number[] = []
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const value = dense.values[i * cols + j]
        if (value !== 0) {
          indices.push(j)
          data.push(value)
        }
      }
      indptr.push(indices.length)
    }
    const built = CsrMatrix.fromParts(rows, cols, indptr, indices, data)
    if (E.isLeft(built)) throw new Error(built.left.message)
    return { csr: built.right, dense }
  })

/** Snapshots of the inputs, to check after a call that nothing changed. */
const snapshot = (...arrays: ArrayLike<number>[]): number[][] => arrays.map((a) => Array.from(a))

const three = fc.tuple(size, size, size)

describe.each(['reference', 'wasm'] as const)('the %s kernels', (path) => {
  let previous: KernelPath
  beforeAll(() => {
    previous = setKernelPath(path)
    // The WebAssembly path must really run here, or its tests would test the reference twice.
    if (path === 'wasm') expect(fastPathAvailable()).toBe(true)
  })
  afterAll(() => {
    setKernelPath(previous)
  })

  /**
   * A product against the naive sum: close on either path, and bit for bit on the
   * module's, whose products sum each entry in order of l as the naive loop does (the
   * reference sums some in another order).
   */
  const expectNaive = (out: Float64Array, expected: ReturnType<typeof naive>): void => {
    expectClose(out, expected)
    if (path === 'wasm') expect(Array.from(out)).toEqual(Array.from(expected.product))
  }

  describe('dense products', () => {
    test.prop([three.chain(([n, p, m]) => fc.tuple(denseOf(n, p), denseOf(p, m)))], RUNS)(
      'gemm: A·B',
      ([A, B]) => {
        const before = snapshot(A.values, B.values)
        const out = gemm(A.values, A.rows, A.cols, B.values, B.cols)
        expectClose(out, naive(A, false, B, false))
        expect(snapshot(A.values, B.values)).toEqual(before)
      },
    )

    test.prop([three.chain(([n, p, m]) => fc.tuple(denseOf(n, p), denseOf(m, p)))], RUNS)(
      'gemmNT: A·Bᵀ',
      ([A, B]) => {
        const before = snapshot(A.values, B.values)
        const out = gemmNT(A.values, A.rows, A.cols, B.values, B.rows)
        expectClose(out, naive(A, false, B, true))
        expect(snapshot(A.values, B.values)).toEqual(before)
      },
    )

    test.prop([three.chain(([n, p, m]) => fc.tuple(denseOf(n, p), denseOf(n, m)))], RUNS)(
      'gemmTN: Aᵀ·B',
      ([A, B]) => {
        const before = snapshot(A.values, B.values)
        const out = gemmTN(A.values, A.rows, A.cols, B.values, B.cols)
        expectClose(out, naive(A, true, B, false))
        expect(snapshot(A.values, B.values)).toEqual(before)
      },
    )

    it("A·B with a short inner dimension and 15 columns: every part of the module's row-pair path", () => {
      // 5 rows (two pairs and one row alone) by 15 columns (8, 4, 2 and 1 side by side),
      // 3 terms an entry: each entry summed in order of l, bit for bit the naive sum there.
      const A = byHand(5, 5, 3)
      const B = byHand(6, 3, 15)
      expectNaive(gemm(A.values, A.rows, A.cols, B.values, B.cols), naive(A, false, B, false))
    })

    it('A·B along a long inner dimension runs in blocks of l, tiles and edges carrying their sums', () => {
      // 53 rows by 23 columns (five tiles and an edge of three), 500 terms: A is the larger
      // also in each thread's part (28 rows and 25, the second with an edge row; on one
      // thread 13 tiles and an edge row), so the module takes 178 terms at a time (B's rows,
      // 32 KiB) and every running sum carries across three blocks: the tiles', the edge's
      // (four rows by two columns, then by one) and the edge row's in groups of 8, 8, 4, 2
      // and 1 columns. Its sum in order of l is the naive one, bit for bit.
      const A = byHand(3, 53, 500)
      const B = byHand(4, 500, 23)
      expectNaive(gemm(A.values, A.rows, A.cols, B.values, B.cols), naive(A, false, B, false))
    })

    it('Aᵀ·B with rows of A 512 bytes or more apart runs in shorter blocks of l, each entry still summed in order', () => {
      // 130 rows of 600 and of 512 (4 800 and 4 096 bytes): the module takes at most 40
      // rows of A in a block there, so each running sum carries across four blocks; of 300
      // (2 400 bytes), at most 64, three blocks. Its sum in order of l is then the naive
      // one, bit for bit (the reference sums in another order).
      for (const p of [600, 512, 300]) {
        const A = byHand(11, 130, p)
        const B = byHand(12, 130, 6)
        expectNaive(gemmTN(A.values, A.rows, A.cols, B.values, B.cols), naive(A, true, B, false))
      }
    })

    test.prop([fc.tuple(size, size).chain(([n, p]) => denseOf(n, p))], RUNS)(
      'gramColumns: Aᵀ·A, exactly symmetric',
      (A) => {
        const before = snapshot(A.values)
        const out = gramColumns(A.values, A.rows, A.cols)
        expectClose(out, naive(A, true, A, false))
        const p = A.cols
        for (let l = 0; l < p; l++)
          for (let r = 0; r < l; r++) expect(out[l * p + r]).toBe(out[r * p + l])
        expect(snapshot(A.values)).toEqual(before)
      },
    )

    test.prop([fc.tuple(size, size).chain(([n, p]) => denseOf(n, p))], RUNS)(
      'gramRows: A·Aᵀ, exactly symmetric',
      (A) => {
        const before = snapshot(A.values)
        const out = gramRows(A.values, A.rows, A.cols)
        expectClose(out, naive(A, false, A, true))
        const n = A.rows
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++) expect(out[i * n + j]).toBe(out[j * n + i])
        expect(snapshot(A.values)).toEqual(before)
      },
    )

    test.prop([fc.tuple(size, size).chain(([n, m]) => denseOf(n, m))], RUNS)(
      'transpose moves a_ij to (j, i)',
      (A) => {
        const before = snapshot(A.values)
        const out = transpose(A.values, A.rows, A.cols)
        expect(out.length).toBe(A.values.length)
        for (let i = 0; i < A.rows; i++) {
          for (let j = 0; j < A.cols; j++)
            expect(out[j * A.rows + i]).toBe(A.values[i * A.cols + j])
        }
        expect(snapshot(A.values)).toEqual(before)
      },
    )

    test.prop([size.chain((n) => fc.tuple(values(n), values(n)))], RUNS)('dot', ([a, b]) => {
      const asRow = { values: a, rows: 1, cols: a.length }
      const asColumn = { values: b, rows: b.length, cols: 1 }
      expectClose(Float64Array.of(dot(a, b)), naive(asRow, false, asColumn, false))
    })
  })

  describe('sparse-times-dense products', () => {
    test.prop([three.chain(([n, m, k]) => fc.tuple(csrOf(n, m), denseOf(m, k)))], RUNS)(
      'csrTimesDense: X·B',
      ([X, B]) => {
        const before = snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)
        const out = csrTimesDense(X.csr, B.values, B.cols)
        expectClose(out, naive(X.dense, false, B, false))
        expect(snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)).toEqual(before)
      },
    )

    test.prop([three.chain(([n, m, k]) => fc.tuple(csrOf(n, m), denseOf(k, m)))], RUNS)(
      'csrTimesDenseT: X·Bᵀ',
      ([X, B]) => {
        const before = snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)
        const out = csrTimesDenseT(X.csr, B.values, B.rows)
        expectClose(out, naive(X.dense, false, B, true))
        expect(snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)).toEqual(before)
      },
    )

    test.prop([three.chain(([n, m, k]) => fc.tuple(csrOf(n, m), denseOf(n, k)))], RUNS)(
      'csrTransposeTimesDense: Xᵀ·B',
      ([X, B]) => {
        const before = snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)
        const out = csrTransposeTimesDense(X.csr, B.values, B.cols)
        expectClose(out, naive(X.dense, true, B, false))
        expect(snapshot(X.csr.indptr, X.csr.indices, X.csr.data, B.values)).toEqual(before)
      },
    )
  })

  describe('smallest shapes by hand', () => {
    const one = (value: number): Float64Array => Float64Array.of(value)

    it('1×1 by 1×1', () => {
      expect(Array.from(gemm(one(3), 1, 1, one(-2), 1))).toEqual([-6])
      expect(Array.from(gemmNT(one(3), 1, 1, one(-2), 1))).toEqual([-6])
      expect(Array.from(gemmTN(one(3), 1, 1, one(-2), 1))).toEqual([-6])
      expect(Array.from(gramColumns(one(3), 1, 1))).toEqual([9])
      expect(Array.from(gramRows(one(3), 1, 1))).toEqual([9])
      expect(Array.from(transpose(one(3), 1, 1))).toEqual([3])
      const x: CsrParts = {
        rows: 1,
        cols: 1,
        indptr: Int32Array.of(0, 1),
        indices: Int32Array.of(0),
        data: one(3),
      }
      expect(Array.from(csrTimesDense(x, one(-2), 1))).toEqual([-6])
      expect(Array.from(csrTimesDenseT(x, one(-2), 1))).toEqual([-6])
      expect(Array.from(csrTransposeTimesDense(x, one(-2), 1))).toEqual([-6])
    })

    it('inner size 1: a column times a row is the outer product', () => {
      const column = Float64Array.of(1, 2, 3) // 3×1
      const row = Float64Array.of(4, 5) // 1×2
      const outer = [4, 5, 8, 10, 12, 15]
      expect(Array.from(gemm(column, 3, 1, row, 2))).toEqual(outer)
      expect(Array.from(gemmNT(column, 3, 1, row, 2))).toEqual(outer) // row read as 2×1
      expect(Array.from(gemmTN(Float64Array.of(1, 2, 3), 1, 3, row, 2))).toEqual(outer)
      expect(Array.from(gramRows(column, 3, 1))).toEqual([1, 2, 3, 2, 4, 6, 3, 6, 9])
      expect(Array.from(gramColumns(column, 3, 1))).toEqual([14])
    })
  })
})
