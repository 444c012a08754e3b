/**
 * Type tests for named dimensions: a product compiles only when the inner
 * dimension names agree, and its result carries the outer names. Each
 * `@ts-expect-error` line holds exactly one mismatched call, so the directive
 * fails the type check if that call ever compiles.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expectTypeOf, test } from 'vitest'
import { CsrMatrix, fromJSON, inverseTransform, Matrix, type AnyMatrix, type Result } from 'nmfkit'

declare const X: Matrix<'samples', 'features'>
declare const W: Matrix<'samples', 'components'>
declare const H: Matrix<'components', 'features'>
declare const Ht: Matrix<'features', 'components'>
declare const Xs: CsrMatrix<'samples', 'features'>

describe('the phantom names are checked', () => {
  test('matrices with different names are not interchangeable', () => {
    expectTypeOf(X).not.toEqualTypeOf<Matrix<'samples', 'components'>>()
    expectTypeOf(X).not.toExtend<Matrix<'samples', 'components'>>()
    expectTypeOf(X).not.toExtend<Matrix<'features', 'samples'>>()
    expectTypeOf(X).toExtend<Matrix>() // names are optional: Matrix<string, string>
    expectTypeOf(Xs).not.toExtend<CsrMatrix<'samples', 'components'>>()
    // @ts-expect-error a samples×features matrix is not a samples×components one
    const wrong: Matrix<'samples', 'components'> = X
    void wrong
  })

  test('transpose swaps the names', () => {
    expectTypeOf(X.transpose()).toEqualTypeOf<Matrix<'features', 'samples'>>()
    expectTypeOf(Xs.transpose()).toEqualTypeOf<CsrMatrix<'features', 'samples'>>()
  })
})

describe('Matrix.times', () => {
  test('inner names that agree compile, and the result has the outer names', () => {
    expectTypeOf(X.times(Ht)).toEqualTypeOf<Result<Matrix<'samples', 'components'>>>()
    expectTypeOf(W.times(H)).toEqualTypeOf<Result<Matrix<'samples', 'features'>>>()
    const product = W.times(H)
    if (E.isRight(product)) {
      expectTypeOf(product.right).toEqualTypeOf<Matrix<'samples', 'features'>>()
      expectTypeOf(product.right).not.toEqualTypeOf<Matrix<'samples', 'components'>>()
    }
  })

  test('samples×features times samples×components does not compile', () => {
    // @ts-expect-error inner names differ: features vs samples
    X.times(W)
    // @ts-expect-error inner names differ: components vs features
    W.times(X)
    expectTypeOf(X.times).parameter(0).not.toExtend<Matrix<'samples', 'components'>>()
  })
})

describe('Matrix.timesTransposed (A·Bᵀ)', () => {
  test('column names that agree compile', () => {
    // X (samples×features) · Hᵀ (features×components)
    expectTypeOf(X.timesTransposed(H)).toEqualTypeOf<Result<Matrix<'samples', 'components'>>>()
  })

  test('column names that differ do not compile', () => {
    // @ts-expect-error column names differ: features vs components
    X.timesTransposed(W)
  })
})

describe('Matrix.transposeTimes (Aᵀ·B)', () => {
  test('row names that agree compile', () => {
    // Wᵀ (components×samples) · X (samples×features)
    expectTypeOf(W.transposeTimes(X)).toEqualTypeOf<Result<Matrix<'components', 'features'>>>()
  })

  test('row names that differ do not compile', () => {
    // @ts-expect-error row names differ: components vs samples
    H.transposeTimes(X)
  })
})

describe('CsrMatrix.times', () => {
  test('inner names that agree compile, and the result is a dense matrix', () => {
    expectTypeOf(Xs.times(Ht)).toEqualTypeOf<Result<Matrix<'samples', 'components'>>>()
  })

  test('samples×features times samples×components does not compile', () => {
    // @ts-expect-error inner names differ: features vs samples
    Xs.times(W)
  })
})

describe('elementwise operations keep both names', () => {
  test('plus, minus and zipWith need the same names', () => {
    expectTypeOf(X.plus(X)).toEqualTypeOf<Result<Matrix<'samples', 'features'>>>()
    expectTypeOf(X.map((value) => value * 2)).toEqualTypeOf<Matrix<'samples', 'features'>>()
    // @ts-expect-error samples×components is not samples×features
    X.plus(W)
    // @ts-expect-error samples×components is not samples×features
    X.minus(W)
    // @ts-expect-error the transposed names are swapped
    X.zipWith(X.transpose(), (a, b) => a + b)
  })
})

describe('constructors take the names as type arguments', () => {
  test('fromArrays, fromData, zeros, fromParts, fromDense, fromJSON', () => {
    expectTypeOf(Matrix.fromArrays<'samples', 'features'>([[1]])).toEqualTypeOf<
      Result<Matrix<'samples', 'features'>>
    >()
    expectTypeOf(Matrix.fromData<'k', 'features'>(1, 1, [1])).toEqualTypeOf<
      Result<Matrix<'k', 'features'>>
    >()
    expectTypeOf(Matrix.zeros<'samples', 'k'>(1, 1)).toEqualTypeOf<Matrix<'samples', 'k'>>()
    expectTypeOf(CsrMatrix.fromParts<'samples', 'features'>(1, 1, [0, 0], [], [])).toEqualTypeOf<
      Result<CsrMatrix<'samples', 'features'>>
    >()
    expectTypeOf(CsrMatrix.fromDense(X)).toEqualTypeOf<CsrMatrix<'samples', 'features'>>()
    expectTypeOf(fromJSON<'samples', 'features'>({})).toEqualTypeOf<
      Result<AnyMatrix<'samples', 'features'>>
    >()
  })
})

describe('inverseTransform', () => {
  test('takes nested arrays as well as matrices, as transform takes H', () => {
    expectTypeOf(inverseTransform([[1, 2]], [[1], [2]])).toEqualTypeOf<Result<Matrix>>()
    const W = Matrix.zeros<'samples', 'components'>(1, 2)
    const H = Matrix.zeros<'components', 'words'>(2, 3)
    expectTypeOf(inverseTransform(W, H)).toEqualTypeOf<Result<Matrix<'samples', 'words'>>>()
    expectTypeOf(inverseTransform(W, [[1], [2]])).toEqualTypeOf<Result<Matrix<'samples'>>>()
  })
})
