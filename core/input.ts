/**
 * What `nmf` and its relatives accept as a matrix: a `Matrix`, a `CsrMatrix`,
 * nested arrays, or the fixtures' JSON object.
 */
import * as E from 'fp-ts/lib/Either.js'
import { matrixOfJSON } from './codec.ts'
import { CsrMatrix, type AnyMatrix } from './csr.ts'
import { invalidMatrix, type Result } from './errors.ts'
import { describeValue, Matrix, matrixOfArrays, ownMatrix, valuesOf } from './matrix.ts'
import { readGuarded } from './matrix-shared.ts'
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

export const decodeMatrix = <R extends string, C extends string>(
  operation: string,
  input: AnyMatrix<R, C> | MatrixInput,
): Result<AnyMatrix<R, C>> =>
  readGuarded(operation, 'X as a Matrix, CsrMatrix, nested arrays or JSON', () =>
    decodeAny(operation, input),
  )

const decodeAny = <R extends string, C extends string>(
  operation: string,
  input: AnyMatrix<R, C> | MatrixInput,
): Result<AnyMatrix<R, C>> => {
  // A Matrix read once into one of nmfkit's own: a Proxy of one passes instanceof.
  if (input instanceof Matrix) {
    return E.mapLeft((found: string) =>
      invalidMatrix(
        operation,
        `expected X as a Matrix, CsrMatrix, nested arrays or JSON, found ${found}`,
      ),
    )(ownMatrix(input as Matrix<R, C>))
  }
  if (input instanceof CsrMatrix) return E.right(input as AnyMatrix<R, C>)
  if (Array.isArray(input)) {
    return E.mapLeft((error: { message: string }) =>
      invalidMatrix(operation, `X: ${error.message}`),
    )(matrixOfArrays<R, C>(input as ReadonlyArray<ArrayLike<number>>))
  }
  if (typeof input === 'object' && input !== null) {
    const either = eitherFound(input)
    if (either !== undefined) {
      return E.left(
        invalidMatrix(
          operation,
          `expected X as a Matrix, CsrMatrix, nested arrays or JSON, found ${either}`,
        ),
      )
    }
    return E.mapLeft((error: { message: string }) =>
      invalidMatrix(operation, `X: ${error.message}`),
    )(matrixOfJSON<R, C>(input))
  }
  return E.left(
    invalidMatrix(
      operation,
      `expected X as a Matrix, CsrMatrix, nested arrays or JSON, found ${describeValue(input)}`,
    ),
  )
}

/**
 * What an fp-ts Either given where a matrix belongs is, for a message (Matrix.fromArrays,
 * Matrix.fromData and CsrMatrix.fromParts return one): undefined for anything else.
 */
const eitherFound = (input: object): string | undefined => {
  const { _tag: tag, left } = input as { _tag?: unknown; left?: unknown }
  if (tag === 'Right')
    return 'a Right (an Either, which Matrix.fromArrays returns): pass its .right'
  if (tag !== 'Left') return undefined
  const message =
    typeof left === 'object' && left !== null && 'message' in left ? String(left.message) : ''
  return `a Left (an Either${message === '' ? '' : ` holding "${message}"`}): no matrix was made`
}

/**
 * A dense factor given by the user (a custom W or H, a fitted H): a `Matrix`,
 * nested arrays, a CSR matrix (densified: factors are dense) or dense JSON.
 * Anything else is a `Left` that says what was found.
 */
export const asDense = (operation: string, what: string, input: unknown): Result<Matrix> =>
  readGuarded(operation, `${what} as a Matrix or nested arrays`, () =>
    denseOf(operation, what, input),
  )

const denseOf = (operation: string, what: string, input: unknown): Result<Matrix> => {
  if (input instanceof Matrix) {
    return E.mapLeft((found: string) =>
      invalidMatrix(operation, `expected ${what} as a Matrix or nested arrays, found ${found}`),
    )(ownMatrix(input))
  }
  if (input instanceof CsrMatrix) return E.right(input.toDense())
  const either = typeof input === 'object' && input !== null ? eitherFound(input) : undefined
  if (either !== undefined) {
    return E.left(
      invalidMatrix(operation, `expected ${what} as a Matrix or nested arrays, found ${either}`),
    )
  }
  if (Array.isArray(input) || (typeof input === 'object' && input !== null)) {
    const decoded = Array.isArray(input)
      ? matrixOfArrays(input as ReadonlyArray<ArrayLike<number>>)
      : E.map((matrix: AnyMatrix) => (matrix.format === 'dense' ? matrix : matrix.toDense()))(
          matrixOfJSON(input),
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
