/**
 * Tests of core/codec.ts: decoding the fixtures' JSON format into Matrix and
 * CsrMatrix, error messages that name the failing path, round trips, and the
 * fixture files themselves.
 *
 * Tolerance, stated once: none. JSON carries a float64 exactly (shortest
 * round-trip digits), so decoded values are compared exactly; the only loss is
 * the sign of zero, which === ignores.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { CsrMatrix, fromJSON, Matrix, type AnyMatrix, type NmfError, type Result } from 'nmfkit'
import { describeErrors } from '../core/codec.ts'

const RUNS = { numRuns: 100 }

const unwrap = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, found Left: ${result.left.message}`)
  return result.right
}

const errorOf = <A>(result: Result<A>): NmfError => {
  if (E.isRight(result)) throw new Error('expected Left, found Right')
  return result.left
}

const fixturesDirectory = new URL('./fixtures/', import.meta.url)
const readFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, fixturesDirectory), 'utf8')) as Record<string, unknown>

/** Equal entries under === (0 and -0 agree), same shape. */
const expectSameEntries = (actual: AnyMatrix, expected: AnyMatrix): void => {
  expect(actual.shape).toEqual(expected.shape)
  const a = actual.toArray().flat()
  const b = expected.toArray().flat()
  for (let q = 0; q < a.length; q++) {
    if (a[q] !== b[q]) throw new Error(`entry ${q}: ${a[q]} !== ${b[q]}`)
  }
}

describe('decoding', () => {
  it('a dense matrix', () => {
    const X = unwrap(fromJSON({ format: 'dense', rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] }))
    expect(X).toBeInstanceOf(Matrix)
    expect(X.format).toBe('dense')
    expect(X.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
  })

  it('a dense matrix without `format`', () => {
    const X = unwrap(fromJSON({ rows: 3, cols: 1, data: [7, 8, 9] }))
    expect(X).toBeInstanceOf(Matrix)
    expect(X.toArray()).toEqual([[7], [8], [9]])
  })

  it('a CSR matrix, canonicalized like fromParts', () => {
    const X = unwrap(
      fromJSON({
        format: 'csr',
        rows: 2,
        cols: 3,
        indptr: [0, 3, 4],
        indices: [2, 0, 2, 1],
        data: [1, 5, 10, 7],
      }),
    )
    expect(X).toBeInstanceOf(CsrMatrix)
    expect(X.format).toBe('csr')
    expect(X.toJSON()).toEqual({
      format: 'csr',
      rows: 2,
      cols: 3,
      indptr: [0, 2, 3],
      indices: [0, 2, 1],
      data: [5, 11, 7],
    })
  })
})

describe('errors name the path', () => {
  it.each([
    [
      'a string in data',
      { format: 'dense', rows: 1, cols: 3, data: [1, 2, 'x'] },
      'fromJSON: data[2]: expected number, found "x"',
    ],
    [
      'missing rows',
      { cols: 3, data: [1, 2, 3] },
      'fromJSON: rows: expected number, found nothing',
    ],
    [
      'rows as a string',
      { rows: '1', cols: 3, data: [1, 2, 3] },
      'fromJSON: rows: expected number, found "1"',
    ],
    [
      'data not an array',
      { rows: 1, cols: 1, data: 5 },
      'fromJSON: data: expected Array<number>, found 5',
    ],
    [
      'an unknown format',
      { format: 'coo', rows: 1, cols: 1, data: [1] },
      'fromJSON: format: expected "dense" or "csr", found "coo"',
    ],
    [
      'a null format',
      { format: null, rows: 1, cols: 1, data: [1] },
      'fromJSON: format: expected "dense" or "csr", found null',
    ],
    [
      'a BigInt format',
      { format: 1n, rows: 1, cols: 1, data: [1] },
      'fromJSON: format: expected "dense" or "csr", found 1n (a BigInt)',
    ],
    [
      'a BigInt for rows',
      { rows: 1n, cols: 1, data: [1] },
      'fromJSON: rows: expected number, found 1n (a BigInt)',
    ],
    [
      'a symbol in data',
      { rows: 1, cols: 1, data: [Symbol('x')] },
      'fromJSON: data[0]: expected number, found a symbol (Symbol(x))',
    ],
    [
      'a string in CSR indices',
      { format: 'csr', rows: 1, cols: 2, indptr: [0, 2], indices: [0, 'a'], data: [1, 2] },
      'fromJSON: indices[1]: expected number, found "a"',
    ],
    [
      'CSR without indices',
      { format: 'csr', rows: 1, cols: 2, indptr: [0, 1], data: [1] },
      'fromJSON: indices: expected Array<number>, found nothing',
    ],
  ])('%s', (_name, value, message) => {
    const error = errorOf(fromJSON(value))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.operation).toBe('fromJSON')
    expect(error.message).toBe(message)
  })

  it.each([[42], [null], ['matrix'], [[1, 2]]])('a non-object (%j) is a Left', (value) => {
    const error = errorOf(fromJSON(value))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toMatch(/^fromJSON: value: expected \{ rows: number, .*\}, found /)
    expect(error.message.endsWith(`found ${JSON.stringify(value)}`)).toBe(true)
  })

  it('well-typed JSON with a wrong size is a Left named for fromJSON', () => {
    const error = errorOf(fromJSON({ rows: 2, cols: 3, data: [1, 2] }))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe('fromJSON: expected data to have 6 entries (2×3), found 2')
  })

  it('well-typed CSR JSON with a bad index is a Left named for fromJSON', () => {
    const value = { format: 'csr', rows: 1, cols: 2, indptr: [0, 1], indices: [2], data: [1] }
    const error = errorOf(fromJSON(value))
    expect(error._tag).toBe('InvalidMatrix')
    expect(error.message).toBe('fromJSON: expected column indices in 0..1, found indices[0] = 2')
  })

  it('describeErrors names nested paths and the first failure only', () => {
    const codec = t.type({ items: t.array(t.type({ weight: t.number })) })
    const decoded = codec.decode({ items: [{ weight: 1 }, { weight: 'x' }, { weight: null }] })
    if (E.isRight(decoded)) throw new Error('expected the decode to fail')
    expect(describeErrors(decoded.left)).toBe('items[1].weight: expected number, found "x"')
    expect(describeErrors([])).toBe('invalid value')
  })

  it('describeErrors names what a union takes, not only its first member', () => {
    const weight = t.union([t.number, t.union([t.literal('auto'), t.null])], 'a number or auto')
    const codec = t.type({ items: t.array(t.type({ weight })) })
    const decoded = codec.decode({ items: [{ weight: 'x' }] })
    if (E.isRight(decoded)) throw new Error('expected the decode to fail')
    expect(describeErrors(decoded.left)).toBe(
      'items[0].weight: expected a number or auto, found "x"',
    )
  })
})

describe('round trips', () => {
  const size = fc.integer({ min: 1, max: 6 })
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
  const denseMatrix = fc
    .tuple(size, size)
    .chain(([rows, cols]) =>
      fc
        .array(finite, { minLength: rows * cols, maxLength: rows * cols })
        .map((data) => unwrap(Matrix.fromData(rows, cols, data))),
    )
  const sparseMatrix = fc
    .tuple(size, size)
    .chain(([rows, cols]) =>
      fc
        .array(fc.oneof(fc.constant(0), finite), { minLength: rows * cols, maxLength: rows * cols })
        .map((data) => CsrMatrix.fromDense(unwrap(Matrix.fromData(rows, cols, data)))),
    )

  test.prop([denseMatrix], RUNS)('dense: toJSON → fromJSON, directly and through text', (A) => {
    const direct = unwrap(fromJSON(A.toJSON()))
    expect(direct).toBeInstanceOf(Matrix)
    expect(direct.toJSON()).toEqual(A.toJSON())
    const viaText = unwrap(fromJSON(JSON.parse(JSON.stringify(A))))
    expect(viaText).toBeInstanceOf(Matrix)
    expectSameEntries(viaText, A)
  })

  test.prop([sparseMatrix], RUNS)('CSR: toJSON → fromJSON, directly and through text', (X) => {
    const direct = unwrap(fromJSON(X.toJSON()))
    expect(direct).toBeInstanceOf(CsrMatrix)
    expect(direct.toJSON()).toEqual(X.toJSON())
    const viaText = unwrap(fromJSON(JSON.parse(JSON.stringify(X))))
    expect(viaText).toBeInstanceOf(CsrMatrix)
    expectSameEntries(viaText, X)
  })
})

describe('fixtures', () => {
  it('the dense X of cd_binary_100x20_k4 and its W0 without `format`', () => {
    const fixture = readFixture('cd_binary_100x20_k4.json')
    const raw = fixture.X as { data: number[] }
    const X = unwrap(fromJSON(fixture.X))
    expect(X).toBeInstanceOf(Matrix)
    expect(X.shape).toEqual([100, 20])
    expect(X.toArray()[0]).toEqual(raw.data.slice(0, 20))
    expect(X.toArray()[99]).toEqual(raw.data.slice(99 * 20))
    expect(
      X.toArray()
        .flat()
        .every((value) => value === 0 || value === 1),
    ).toBe(true)
    const W0 = unwrap(fromJSON(fixture.W0))
    expect(W0).toBeInstanceOf(Matrix)
    expect(W0.shape).toEqual([100, 4])
  })

  it('the CSR X of cd_sparse_200x150_k6', () => {
    const fixture = readFixture('cd_sparse_200x150_k6.json')
    const raw = fixture.X as { indptr: number[]; indices: number[]; data: number[] }
    const X = unwrap(fromJSON(fixture.X))
    if (!(X instanceof CsrMatrix)) throw new Error('expected a CsrMatrix')
    expect(X.shape).toEqual([200, 150])
    expect(X.nnz).toBe(1500)
    expect(Array.from(X.indptr)).toEqual(raw.indptr)
    expect(X.get(0, raw.indices[0])).toBe(raw.data[0])
    expect(X.get(0, raw.indices[0])).toBe(1.9190677658094106)
  })

  const withX = readdirSync(fixturesDirectory)
    .filter((name) => name.endsWith('.json'))
    .filter((name) => 'X' in readFixture(name))
  it('there are fixtures to read', () => expect(withX.length).toBeGreaterThanOrEqual(10))

  it.each(withX)('%s: X decodes with the shape its JSON states', (name) => {
    const raw = readFixture(name).X as { format?: string; rows: number; cols: number }
    const X = unwrap(fromJSON(raw))
    expect(X.format).toBe(raw.format ?? 'dense')
    expect(X.shape).toEqual([raw.rows, raw.cols])
  })
})
