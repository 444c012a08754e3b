/**
 * Type tests for `nmf`'s options: given a solver's name or a typed plugin, an option
 * that is misspelt or belongs to another solver does not compile. Each
 * `@ts-expect-error` line holds exactly one wrong call, so the directive fails the type
 * check if that call ever compiles.
 */
import { describe, expectTypeOf, test } from 'vitest'
import {
  cd,
  movingAverage,
  mu,
  nmf,
  transform,
  type AnySolver,
  type CommonNmfOptions,
  type Factorization,
  type Matrix,
  type NmfOptions,
  type Result,
  type Solver,
} from 'nmfkit'
import { relaxedCd } from '../examples/plugins/solver-plugin.ts'

declare const X: Matrix<'samples', 'features'>
declare const damped: Solver<{ readonly step: number }>
declare const someSolver: AnySolver
declare const someName: string
declare const H: Matrix<'components', 'features'>

describe('the common options', () => {
  test('compile with every solver, and the result keeps the names', () => {
    expectTypeOf(nmf(X, { components: 2, maxIter: 10, tol: 0, seed: 1 })).toEqualTypeOf<
      Result<Factorization<'samples', 'features'>>
    >()
    nmf(X, { components: 2, solver: 'mu', betaLoss: 'kullback-leibler', shuffle: true })
    nmf(X, { components: 2, solver: mu, alphaW: 0.1, alphaH: 'same', l1Ratio: 0.5 })
  })

  test('a misspelt one does not compile', () => {
    // @ts-expect-error maxiter is not an option (maxIter is)
    nmf(X, { components: 2, maxiter: 10 })
    // @ts-expect-error shufle is not an option of mu
    nmf(X, { components: 2, solver: 'mu', shufle: true })
    // @ts-expect-error components is required
    nmf(X, { maxIter: 10 })
  })
})

describe("a solver's own options", () => {
  test('go with that solver, by name or by value', () => {
    nmf(X, { components: 2, solver: 'moving-average', gamma: 0.5, nonnegative: false })
    nmf(X, { components: 2, solver: movingAverage, gamma: 0.5 })
    nmf(X, { components: 2, solver: damped, step: 0.5 })
    nmf(X, { components: 2, solver: relaxedCd, step: 0.5 })
  })

  test('do not compile with another solver or misspelt', () => {
    // @ts-expect-error gamma is moving-average's, not cd's
    nmf(X, { components: 2, solver: 'cd', gamma: 0.5 })
    // @ts-expect-error gamma is moving-average's, not the default solver's (cd)
    nmf(X, { components: 2, gamma: 0.5 })
    // @ts-expect-error gamma is moving-average's, not cd's
    nmf(X, { components: 2, solver: cd, gamma: 0.5 })
    // @ts-expect-error gama is misspelt
    nmf(X, { components: 2, solver: movingAverage, gama: 0.5 })
    // @ts-expect-error gamma is a number
    nmf(X, { components: 2, solver: 'moving-average', gamma: '0.5' })
    // @ts-expect-error the plugin's option is step
    nmf(X, { components: 2, solver: damped, steps: 0.5 })
    // @ts-expect-error docs/plugins.md's example: relaxed-cd's option is step
    nmf(X, { components: 2, solver: relaxedCd, stp: 0.5 })
  })

  test('an unknown name compiles, as any string does: nmf refuses it when it runs', () => {
    nmf(X, { components: 2, solver: 'cdd' })
  })
})

describe('a solver known only at run time', () => {
  test('takes any key: nmf checks them when it runs', () => {
    nmf(X, { components: 2, solver: someName, gamma: 0.5 })
    nmf(X, { components: 2, solver: someSolver, step: 0.5 })
    const options: NmfOptions = { components: 2, solver: 'moving-average', gamma: 0.5 }
    nmf(X, options)
    nmf(X, { ...options, solver: 'mu' as string })
  })
})

describe('code that names types or passes options through', () => {
  test('explicit names of the dimensions, with any solver', () => {
    const rows: number[][] = [[1]]
    expectTypeOf(
      nmf<'docs', 'words'>(rows, { components: 2, solver: 'mu', betaLoss: 'kullback-leibler' }),
    ).toEqualTypeOf<Result<Factorization<'docs', 'words'>>>()
    nmf<'docs', 'words'>(rows, { components: 2, solver: 'moving-average', gamma: 0.5 })
    // A plugin's options, or a solver known at run time: its type is the third argument.
    nmf<'docs', 'words', { readonly step: number }>(rows, {
      components: 2,
      solver: damped,
      step: 1,
    })
    nmf<'docs', 'words', AnySolver>(rows, { components: 2, solver: someSolver, anything: 1 })
    // @ts-expect-error still checked: maxiter is not an option
    nmf<'docs', 'words'>(rows, { components: 2, maxiter: 5 })
    // @ts-expect-error gamma is moving-average's, not cd's
    nmf<'docs', 'words'>(rows, { components: 2, solver: 'cd', gamma: 0.5 })
    // @ts-expect-error gama is misspelt
    nmf<'docs', 'words'>(rows, { components: 2, solver: 'moving-average', gama: 0.5 })
    // @ts-expect-error the plugin's option is step
    nmf<'docs', 'words'>(rows, { components: 2, solver: damped, steps: 0.5 })
    // @ts-expect-error maxiter is not an option of mu
    nmf<'docs', 'words'>(rows, { components: 2, solver: 'mu', maxiter: 5 })
  })

  test('helpers generic over the solver', () => {
    const byName = <S extends 'cd' | 'mu'>(solver: S) => nmf(X, { components: 2, solver })
    const byString = <S extends string>(solver: S) => nmf(X, { components: 2, solver, maxIter: 10 })
    const byPlugin = <S extends AnySolver>(solver: S) => nmf(X, { components: 2, solver })
    const withOwn = <O>(solver: Solver<O>, own: Partial<O>) =>
      nmf(X, { components: 2, solver, ...own })
    void [byName, byString, byPlugin, withOwn]
  })

  test('options in variables of the exported types', () => {
    const common: CommonNmfOptions = { components: 2 }
    nmf(X, common)
    nmf(X, { ...common, solver: 'mu' })
    const open: NmfOptions = { components: 2, solver: 'moving-average', gamma: 0.5 }
    nmf(X, open)
  })
})

describe("transform's solver", () => {
  test('is cd or mu, by name or by value', () => {
    transform(X, H, { solver: 'cd' })
    transform(X, H, { solver: 'mu', betaLoss: 'kullback-leibler' })
    transform(X, H, { solver: cd })
    transform(X, H, { solver: mu })
  })

  test('is no plugin: none has the W-only variant transform runs', () => {
    // @ts-expect-error moving-average has no transform
    transform(X, H, { solver: 'moving-average' })
    // @ts-expect-error nor has the movingAverage value
    transform(X, H, { solver: movingAverage })
    // @ts-expect-error a plugin of the guide
    transform(X, H, { solver: relaxedCd })
    // @ts-expect-error a plugin known only at run time
    transform(X, H, { solver: someSolver })
  })
})
