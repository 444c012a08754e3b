/**
 * Type tests for the DSL's named dimensions: products compile only when the
 * inner names agree, elementwise operations need the same names (or a
 * broadcast), and the free functions do not widen names to a union (`NoInfer`).
 * Each `@ts-expect-error` line holds exactly one mismatched call.
 */
import { describe, expectTypeOf, test } from 'vitest'
import type { Matrix, Result } from 'nmfkit'
import {
  dot,
  evaluate,
  lift,
  max,
  minus,
  plus,
  times,
  timesTransposed,
  transposeTimes,
  where,
  type Expr,
  type One,
  type Scalar,
} from 'nmfkit'

declare const X: Expr<'samples', 'features'>
declare const W: Expr<'samples', 'components'>
declare const H: Expr<'components', 'features'>
declare const M: Matrix<'samples', 'features'>

describe('products', () => {
  test('matching inner names compile and give the outer names', () => {
    expectTypeOf(W.times(H)).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(X.timesTransposed(H)).toEqualTypeOf<Expr<'samples', 'components'>>()
    expectTypeOf(W.transposeTimes(X)).toEqualTypeOf<Expr<'components', 'features'>>()
    expectTypeOf(H.gramRows()).toEqualTypeOf<Expr<'components', 'components'>>()
    expectTypeOf(W.gramColumns()).toEqualTypeOf<Expr<'components', 'components'>>()
    expectTypeOf(times(W, H)).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(lift(M)).toEqualTypeOf<Expr<'samples', 'features'>>()
  })

  test('mismatched inner names do not compile', () => {
    // @ts-expect-error inner names differ: features vs samples
    X.times(W)
    // @ts-expect-error inner names differ: components vs samples
    H.times(W)
    // @ts-expect-error column names differ: features vs components
    X.timesTransposed(W)
    // @ts-expect-error row names differ: components vs samples
    H.transposeTimes(X)
  })

  test('free functions reject mismatches instead of widening the names (NoInfer)', () => {
    // @ts-expect-error inner names differ: features vs samples
    times(X, W)
    // @ts-expect-error column names differ
    timesTransposed(X, W)
    // @ts-expect-error row names differ
    transposeTimes(H, X)
    expectTypeOf(timesTransposed(X, H)).toEqualTypeOf<Expr<'samples', 'components'>>()
    expectTypeOf(transposeTimes(W, X)).toEqualTypeOf<Expr<'components', 'features'>>()
  })
})

describe('elementwise operations', () => {
  test('same names or a broadcast compile', () => {
    expectTypeOf(X.plus(X)).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(X.minus(X.rowSums())).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(X.div(X.columnSums())).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(X.max(0)).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(W.column(0)).toEqualTypeOf<Expr<'samples', One>>()
    expectTypeOf(X.sum()).toEqualTypeOf<Scalar>()
    expectTypeOf(plus(X, 1)).toEqualTypeOf<Expr<'samples', 'features'>>()
    expectTypeOf(X.at(0, 0).set(1)).toEqualTypeOf<Result<Expr<'samples', 'features'>>>()
    expectTypeOf(evaluate(W.times(H))).toEqualTypeOf<Result<Matrix<'samples', 'features'>>>()
  })

  test('different names do not compile, in methods and in free functions', () => {
    // @ts-expect-error samples×components is not samples×features
    X.plus(W)
    // @ts-expect-error the transposed names are swapped
    X.mul(X.t())
    // @ts-expect-error a column of W (samples) is not a broadcast over components×features
    H.minus(W.column(0))
    // @ts-expect-error samples×components is not samples×features
    plus(X, W)
    // @ts-expect-error samples×components is not samples×features
    minus(X, W)
    // @ts-expect-error samples×components is not samples×features
    max(X, W)
    // @ts-expect-error samples×components is not samples×features
    dot(X, W)
    // @ts-expect-error a row of X is not samples×features: dot takes no broadcast
    X.dot(X.row(0))
    // @ts-expect-error the mask is samples×features, the branch samples×components
    where(X.gt(0), W, 0)
    // @ts-expect-error a column of W set into X
    X.atColumn(0).set(W.column(0).t())
  })
})
