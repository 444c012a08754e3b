/**
 * Decoding matrices from JSON, in the format of the fixtures:
 * `{ "format": "dense", "rows", "cols", "data" }` with row-major data, or
 * `{ "format": "csr", "rows", "cols", "indptr", "indices", "data" }`.
 * `format` may be left out for dense matrices.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { invalidMatrix, type NmfError, type Result } from './errors.ts'
import { CsrMatrix, type AnyMatrix } from './csr.ts'
import { matrixOfData, showFound } from './matrix.ts'
import { readGuarded } from './matrix-shared.ts'

const numbers = t.array(t.number)

const DenseJson = t.intersection([
  t.type({ rows: t.number, cols: t.number, data: numbers }),
  t.partial({ format: t.literal('dense') }),
])

const CsrJson = t.type({
  format: t.literal('csr'),
  rows: t.number,
  cols: t.number,
  indptr: numbers,
  indices: numbers,
  data: numbers,
})

/** Names the first failing path of an io-ts decode, e.g. `data[3]: expected number, found "x"`. */
export const describeErrors = (errors: t.Errors): string => {
  const parts = errorParts(errors)
  if (parts === undefined) return 'invalid value'
  const { path, expected, found } = parts
  return `${path === '' ? 'value' : path}: expected ${expected}, found ${found}`
}

/**
 * The first failure of an io-ts decode as its path (`data[3]`, `a.b`), the name
 * of the type expected there and the value found, as messages show them.
 */
export const errorParts = (
  errors: t.Errors,
): { readonly path: string; readonly expected: string; readonly found: string } | undefined => {
  const first = errors[0]
  if (first === undefined) return undefined
  let path = ''
  for (let i = 1; i < first.context.length; i++) {
    const parent = first.context[i - 1].type
    const key = first.context[i].key
    // Intersections and unions add their member index to the context; it is not a path step.
    if (parent instanceof t.IntersectionType || parent instanceof t.UnionType) continue
    path = parent instanceof t.ArrayType ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`
  }
  // A value that fails a union fails each of its members; the union's name says all it takes.
  let last = first.context.length - 1
  while (last > 0 && first.context[last - 1].type instanceof t.UnionType) last--
  const expected = first.context[last]?.type.name ?? 'a valid value'
  return { path, expected, found: showFound(first.value) }
}

/** An error of a constructor, reported as the public operation that called it. */
const renamed = <A>(operation: string, result: Result<A>): Result<A> =>
  E.mapLeft((error: NmfError): NmfError => ({
    ...error,
    operation,
    message: error.message.replace(/^[A-Za-z.]+: /, `${operation}: `),
  }))(result)

const decodeWith = <A>(
  codec: t.Decoder<unknown, A>,
  value: unknown,
  operation: string,
): Result<A> =>
  pipe(
    codec.decode(value),
    E.mapLeft((errors): NmfError => invalidMatrix(operation, describeErrors(errors))),
  )

/**
 * A dense `Matrix` or a `CsrMatrix` from the fixtures' JSON format. An object whose reads
 * throw (a getter or a Proxy trap) is an `InvalidMatrix` that says what it threw.
 *
 * @example
 * fromJSON({ format: 'dense', rows: 1, cols: 2, data: [0, 1] }) // Right(Matrix 1×2)
 */
export const fromJSON = <R extends string = string, C extends string = string>(
  value: unknown,
): Result<AnyMatrix<R, C>> =>
  readGuarded('fromJSON', 'a matrix in JSON (format, rows, cols, data)', () =>
    matrixOfJSON<R, C>(value),
  )

/**
 * `fromJSON` without its guard: a getter or Proxy trap of the caller's that throws is let
 * through, for a caller that guards a larger read (core/input.ts).
 */
export const matrixOfJSON = <R extends string = string, C extends string = string>(
  value: unknown,
): Result<AnyMatrix<R, C>> => {
  const operation = 'fromJSON'
  const format =
    typeof value === 'object' && value !== null ? (value as { format?: unknown }).format : undefined
  if (format === 'csr') {
    return pipe(
      decodeWith(CsrJson, value, operation),
      E.chain((csr) =>
        renamed(
          operation,
          CsrMatrix.fromParts<R, C>(csr.rows, csr.cols, csr.indptr, csr.indices, csr.data),
        ),
      ),
    )
  }
  if (format !== undefined && format !== 'dense') {
    return E.left(
      invalidMatrix(operation, `format: expected "dense" or "csr", found ${showFound(format)}`),
    )
  }
  return pipe(
    decodeWith(DenseJson, value, operation),
    E.chain((dense) => renamed(operation, matrixOfData<R, C>(dense.rows, dense.cols, dense.data))),
  )
}
