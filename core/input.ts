/**
 * What `nmf` and its relatives accept as a matrix: a `Matrix`, a `CsrMatrix`,
 * nested arrays, or the fixtures' JSON object.
 */
import * as E from 'fp-ts/lib/Either.js'
import { fromJSON } from './codec.ts'
import { CsrMatrix, type AnyMatrix } from './csr.ts'
import { invalidMatrix, type Result } from './errors.ts'
import { describeValue, Matrix, valuesOf } from './matrix.ts'
import { attempt } from './guarded.ts'
import { keepResident } from './wasm.ts'

/** Nested arrays (one per row) or a JSON matrix object. */
export type MatrixInput = ReadonlyArray<ArrayLike<number>> | { readonly format?: string }

/** Any accepted input as a `Matrix` or `CsrMatrix`, or a `Left` naming what is wrong. */
export const asMatrix = <R extends string, C extends string>(
  operation: string,
  input: AnyMatrix<R, C> | MatrixInput,
): Result<AnyMatrix<R, C>> => E.map(resident<R, C>)(decodeMatrix(operation, input))

/**
 * X as a fit reads it every iteration: its storage, which nobody writes, is kept in the
 * kernels' WebAssembly memory between products (core/wasm.ts).
 */
const resident = <R extends string, C extends string>(X: AnyMatrix<R, C>): AnyMatrix<R, C> => {
  if (X.format === 'dense') keepResident(valuesOf(X))
  else keepResident(X.indptr, X.indices, X.data)
  return X
}

/**
 * `decode()`, or, when reading the caller's value threw (a getter or Proxy in nested arrays
 * or a JSON object), an `InvalidMatrix` that says so: `expected <what> as <kinds>, found one
 * that threw Error: … when read`.
 */
const guarded = <A>(operation: string, expected: string, decode: () => Result<A>): Result<A> => {
  const decoded = attempt(decode)
  return E.isRight(decoded)
    ? decoded.right
    : E.left(
        invalidMatrix(operation, `${expected}, found one that threw ${decoded.left} when read`),
      )
}

export const decodeMatrix = <R extends string, C extends string>(
  operation: string,
  input: AnyMatrix<R, C> | MatrixInput,
): Result<AnyMatrix<R, C>> =>
  guarded(operation, 'expected X as a Matrix, CsrMatrix, nested arrays or JSON', () =>
    decodeAny(operation, input),
  )

const decodeAny = <R extends string, C extends string>(
  operation: string,
  input: AnyMatrix<R, C> | MatrixInput,
): Result<AnyMatrix<R, C>> => {
  if (input instanceof Matrix || input instanceof CsrMatrix)
    return E.right(input as AnyMatrix<R, C>)
  if (Array.isArray(input)) {
    return E.mapLeft((error: { message: string }) =>
      invalidMatrix(operation, `X: ${error.message}`),
    )(Matrix.fromArrays<R, C>(input as ReadonlyArray<ArrayLike<number>>))
  }
  if (typeof input === 'object' && input !== null) {
    return E.mapLeft((error: { message: string }) =>
      invalidMatrix(operation, `X: ${error.message}`),
    )(fromJSON<R, C>(input))
  }
  return E.left(
    invalidMatrix(
      operation,
      `expected X as a Matrix, CsrMatrix, nested arrays or JSON, found ${describeValue(input)}`,
    ),
  )
}

/**
 * A dense factor given by the user (a custom W or H, a fitted H): a `Matrix`,
 * nested arrays, a CSR matrix (densified: factors are dense) or dense JSON.
 * Anything else is a `Left` that says what was found.
 */
export const asDense = (operation: string, what: string, input: unknown): Result<Matrix> =>
  guarded(operation, `expected ${what} as a Matrix or nested arrays`, () =>
    denseOf(operation, what, input),
  )

const denseOf = (operation: string, what: string, input: unknown): Result<Matrix> => {
  if (input instanceof Matrix) return E.right(input)
  if (input instanceof CsrMatrix) return E.right(input.toDense())
  if (Array.isArray(input) || (typeof input === 'object' && input !== null)) {
    const decoded = Array.isArray(input)
      ? Matrix.fromArrays(input as ReadonlyArray<ArrayLike<number>>)
      : E.map((matrix: AnyMatrix) => (matrix.format === 'dense' ? matrix : matrix.toDense()))(
          fromJSON(input),
        )
    return E.mapLeft((error: { message: string }) =>
      invalidMatrix(operation, `${what}: ${error.message}`),
    )(decoded)
  }
  return E.left(
    invalidMatrix(
      operation,
      `expected ${what} as a Matrix or nested arrays, ` + `found ${describeValue(input)}`,
    ),
  )
}
