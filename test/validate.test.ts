/**
 * Tests of core/validate.ts: each check returns its input unchanged or a Left
 * that names the first bad entry (row-major order) by row and column, for dense
 * and CSR matrices alike.
 *
 * Tolerance, stated once: none; these checks compare values exactly.
 */
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { CsrMatrix, Matrix, type AnyMatrix, type NmfError, type Result } from 'nmfkit'
import {
  allFinite,
  checkFinite,
  checkNonNegative,
  checkNonNegativeInput,
  checkNotAllZero,
} from '../core/validate.ts'
import { Matrix as CoreMatrix, ownMatrix } from '../core/matrix.ts'
import { foundFinite } from '../core/found-finite.ts'
import { fastModule, layout, viewOf } from '../core/wasm.ts'

const RUNS = { numRuns: 150 }

const unwrap = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, found Left: ${result.left.message}`)
  return result.right
}

const errorOf = <A>(result: Result<A>): NmfError => {
  if (E.isRight(result)) throw new Error('expected Left, found Right')
  return result.left
}

const dense = (arrays: number[][]): Matrix => unwrap(Matrix.fromArrays(arrays))

/** The same matrix dense and as CSR (built from unsorted parts, to test the order). */
const both = (arrays: number[][]): [string, AnyMatrix][] => {
  const indptr = [0]
  const indices: number[] = []
  const data: number[] = []
  for (const row of arrays) {
    // Stored right to left; fromParts sorts them.
    for (let j = row.length - 1; j >= 0; j--) {
      if (row[j] !== 0) {
        indices.push(j)
        data.push(row[j])
      }
    }
    indptr.push(indices.length)
  }
  const csr = unwrap(CsrMatrix.fromParts(arrays.length, arrays[0].length, indptr, indices, data))
  return [
    ['dense', dense(arrays)],
    ['csr', csr],
  ]
}

const op = 'nmf'

describe('checkFinite', () => {
  const arrays = [
    [1, 2, 3, 4],
    [5, -6, Number.POSITIVE_INFINITY, Number.NaN],
    [Number.NaN, 0, 0, 1],
  ]
  it.each(both(arrays))('%s: names the first non-finite entry', (_kind, matrix) => {
    const error = errorOf(checkFinite(op, 'X', matrix))
    expect(error).toMatchObject({ _tag: 'NonFiniteInput', operation: op, row: 1, col: 2 })
    expect(error.message).toBe('nmf: expected X to be finite, found Infinity at row 1, column 2')
  })

  it.each(both([[0, 0, -Infinity]]))('%s: -Infinity in the last column', (_kind, matrix) => {
    expect(errorOf(checkFinite(op, 'W', matrix)).message).toBe(
      'nmf: expected W to be finite, found -Infinity at row 0, column 2',
    )
  })

  it.each(both([[0, -1e300, 2.5]]))('%s: returns the same matrix when finite', (_kind, matrix) => {
    expect(unwrap(checkFinite(op, 'X', matrix))).toBe(matrix)
  })
})

describe('checkNonNegativeInput', () => {
  it('passes over the stored values once, whichever Matrix holds them', () => {
    // nmf and transform read a caller's Matrix into one of their own over the same storage
    // every call (core/input.ts, ownMatrix). A write into that storage, which no Matrix
    // allows, shows whether a later call passes over the values again: it does not.
    const values = Float64Array.from([1, 2, 3, 4])
    const X = CoreMatrix.unsafeWrap(2, 2, values)
    expect(unwrap(checkNonNegativeInput(op, 'X', X))).toBe(X)
    values[3] = -1
    const again = ownMatrix(X)
    if (E.isLeft(again)) throw new Error(again.left)
    expect(unwrap(checkNonNegativeInput(op, 'X', again.right))).toBe(again.right)
    // Other storage with the same values is passed over.
    const copy = CoreMatrix.unsafeWrap(2, 2, values.slice())
    expect(errorOf(checkNonNegativeInput(op, 'X', copy)).message).toBe(
      'nmf: expected X to be non-negative, found -1 at row 1, column 1',
    )
  })

  it("checks a CsrMatrix every time: a caller holds its parts' arrays", () => {
    const X = unwrap(CsrMatrix.fromParts(2, 2, [0, 1, 2], [0, 1], [1, 2]))
    expect(unwrap(checkNonNegativeInput(op, 'X', X))).toBe(X)
    X.data[1] = -2
    expect(errorOf(checkNonNegativeInput(op, 'X', X)).message).toBe(
      'nmf: expected X to be non-negative, found -2 at row 1, column 1',
    )
  })
})

describe('checkNonNegative', () => {
  it.each(
    both([
      [1, 0, 2],
      [3, -0.5, Number.NaN],
      [-7, 1, 1],
    ]),
  )('%s: a negative entry before a NaN is a NegativeInput', (_kind, matrix) => {
    const error = errorOf(checkNonNegative(op, 'X', matrix))
    expect(error).toMatchObject({ _tag: 'NegativeInput', row: 1, col: 1, value: -0.5 })
    expect(error.message).toBe('nmf: expected X to be non-negative, found -0.5 at row 1, column 1')
  })

  it.each(
    both([
      [1, 0, 2],
      [Number.NaN, -0.5, 3],
    ]),
  )('%s: a NaN before a negative entry is a NonFiniteInput', (_kind, matrix) => {
    const error = errorOf(checkNonNegative(op, 'X', matrix))
    expect(error).toMatchObject({ _tag: 'NonFiniteInput', row: 1, col: 0 })
    expect(error.message).toBe('nmf: expected X to be finite, found NaN at row 1, column 0')
  })

  it.each(both([[0.5, -1.234567891]]))('%s: shows 6 significant digits', (_kind, matrix) => {
    expect(errorOf(checkNonNegative(op, 'H', matrix)).message).toBe(
      'nmf: expected H to be non-negative, found -1.23457 at row 0, column 1',
    )
  })

  it.each(both([[0, -0, 3]]))('%s: -0 counts as non-negative', (_kind, matrix) => {
    expect(unwrap(checkNonNegative(op, 'X', matrix))).toBe(matrix)
  })
})

describe('checkNotAllZero', () => {
  it.each(
    both([
      [0, 0],
      [0, 0],
    ]),
  )('%s: only zeros is an InvalidMatrix Left', (_kind, matrix) => {
    const error = errorOf(checkNotAllZero(op, 'X', matrix))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe('nmf: expected X to have a non-zero entry, found only zeros')
  })

  it('CSR with only stored zeros is a Left', () => {
    const X = unwrap(CsrMatrix.fromParts(1, 3, [0, 2], [2, 0], [0, 0]))
    expect(X.nnz).toBe(2)
    expect(errorOf(checkNotAllZero(op, 'X', X))._tag).toBe('InvalidMatrix')
  })

  it.each(
    both([
      [0, 0],
      [0, 1e-300],
    ]),
  )('%s: one non-zero at the end passes', (_kind, matrix) => {
    expect(unwrap(checkNotAllZero(op, 'X', matrix))).toBe(matrix)
  })
})

describe('the first bad entry, on random matrices', () => {
  const size = fc.integer({ min: 1, max: 6 })
  const value = fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }), weight: 5 },
    { arbitrary: fc.double({ max: -Number.MIN_VALUE, noDefaultInfinity: true }), weight: 1 },
    { arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity), weight: 1 },
  )
  const matrices = fc.tuple(size, size).chain(([rows, cols]) =>
    fc.array(fc.array(value, { minLength: cols, maxLength: cols }), {
      minLength: rows,
      maxLength: rows,
    }),
  )

  /** The first (row, col) in row-major order where `bad` holds. */
  const firstWhere = (arrays: number[][], bad: (x: number) => boolean) => {
    for (let i = 0; i < arrays.length; i++) {
      for (let j = 0; j < arrays[i].length; j++) if (bad(arrays[i][j])) return { row: i, col: j }
    }
    return undefined
  }

  test.prop([matrices], RUNS)('checks agree with a scan in row-major order', (arrays) => {
    const nonFinite = firstWhere(arrays, (x) => !Number.isFinite(x))
    const badSign = firstWhere(arrays, (x) => !Number.isFinite(x) || x < 0)
    const nonZero = firstWhere(arrays, (x) => x !== 0)
    for (const [, matrix] of both(arrays)) {
      const finite = checkFinite(op, 'X', matrix)
      if (nonFinite === undefined) expect(unwrap(finite)).toBe(matrix)
      else expect(errorOf(finite)).toMatchObject(nonFinite)

      const sign = checkNonNegative(op, 'X', matrix)
      if (badSign === undefined) expect(unwrap(sign)).toBe(matrix)
      else {
        const error = errorOf(sign)
        expect(error).toMatchObject(badSign)
        const x = arrays[badSign.row][badSign.col]
        expect(error._tag).toBe(Number.isFinite(x) ? 'NegativeInput' : 'NonFiniteInput')
      }

      const zero = checkNotAllZero(op, 'X', matrix)
      expect(E.isRight(zero)).toBe(nonZero !== undefined)
    }
  })
})

describe('allFinite, in TypeScript and in the module', () => {
  const bad = [NaN, Infinity, -Infinity]
  const good = [0, -0, 1e308, -1e308, 5e-324, 1]
  const module = () => {
    const wasm = fastModule(Infinity, 0)
    if (wasm === undefined) throw new Error('the module did not load')
    return (values: Float64Array) => {
      const at = layout(wasm, [], [Math.max(1, values.length) * 8])
      if (at === undefined) throw new Error('no memory')
      viewOf(wasm, at[0], values.length).set(values)
      return wasm.allFinite(at[0], values.length) === 1
    }
  }

  it.each([0, 1, 2, 3, 4, 5, 7, 8, 9, 33])(
    '%i entries: true when all are finite, false for any NaN or ±Infinity anywhere',
    (count) => {
      const inModule = module()
      const values = Float64Array.from({ length: count }, (_, q) => good[q % good.length])
      expect(allFinite(values)).toBe(true)
      expect(inModule(values)).toBe(true)
      for (let place = 0; place < count; place++) {
        for (const value of bad) {
          const one = Float64Array.from(values)
          one[place] = value
          expect(allFinite(one), `${value} at ${place}`).toBe(false)
          expect(inModule(one), `${value} at ${place}, in the module`).toBe(false)
        }
      }
    },
  )

  it("takes a kernel's finding once: the next check scans again", () => {
    const values = Float64Array.from([1, 2, 3])
    foundFinite(values)
    values[1] = NaN // written after the finding, against the promise
    expect(allFinite(values)).toBe(true)
    expect(allFinite(values)).toBe(false)
  })
})
