/** The rule combinators of dsl/rules.ts: what `sweepColumns` accepts from a column rule. */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  Matrix,
  alternate,
  cd,
  coordinateMinimum,
  createRng,
  defineSolver,
  nmf,
  scalar,
  sweepColumns,
  type AnySolver,
  type ColumnRule,
  type ColumnView,
  type Expr,
  type One,
  type Problem,
} from 'nmfkit'
import { unwrap } from './fixture-helpers.ts'

/** A column rule whose `next` is `next(view)`, whatever its shape (types set aside). */
const columnRule = (next: (view: ColumnView) => Expr<string, string>): ColumnRule =>
  ((view: ColumnView) => ({ next: next(view) as Expr<string, One> })) as ColumnRule

// A is 4×3: a k×1 column (3×1) differs from a column of A (4×1).
const A = unwrap(
  Matrix.fromArrays<string, 'components'>([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [1, 1, 1],
  ]),
)
const G = unwrap(
  Matrix.fromArrays<'components', 'components'>([
    [2, 0, 0],
    [0, 2, 0],
    [0, 0, 2],
  ]),
)
const half = { factor: A, gram: G, cross: A }
const context = {
  problem: { shuffle: false, rng: createRng(0) } as unknown as Problem,
  options: {},
}

describe('sweepColumns', () => {
  it.each([
    ['a scalar', () => scalar(0.5), '1×1'],
    ['a column of G (k×1)', (view: ColumnView) => view.G.column(view.t), '3×1'],
    ['a row of A', (view: ColumnView) => view.A.row(0), '1×3'],
    ['all of A', (view: ColumnView) => view.A, '4×3'],
  ])("refuses %s as a column's next, naming the rule and the shape", (_, next, found) => {
    const outcome = sweepColumns(columnRule(next)).apply(half, context)
    if (E.isRight(outcome)) throw new Error('expected a Left, found a Right')
    expect(outcome.left._tag).toBe('ShapeMismatch')
    expect(outcome.left.message).toBe(
      "sweepColumns: expected the column rule's next for column 0 to have shape 4×1 " +
        `(rows×1, a column of A), found ${found}`,
    )
  })

  it('refuses a stat that is not a number, naming it (its first entry alone was summed)', () => {
    const rule = ((view: ColumnView) => ({
      next: view.A.column(view.t),
      stats: { violation: view.A.column(view.t).abs() },
    })) as unknown as ColumnRule
    const outcome = sweepColumns(rule).apply(half, context)
    if (E.isRight(outcome)) throw new Error('expected a Left, found a Right')
    expect(outcome.left).toMatchObject({
      _tag: 'ShapeMismatch',
      message:
        "sweepColumns: expected the column rule's stat 'violation' for column 0 to have " +
        'shape 1×1 (a number), found 4×1',
    })
    const summed = sweepColumns(((view: ColumnView) => ({
      next: view.A.column(view.t),
      stats: { violation: view.A.column(view.t).abs().sum() },
    })) as unknown as ColumnRule).apply(half, context)
    expect(unwrap(summed).stats).toEqual({
      violation: 1 + 4 + 7 + 1 + (2 + 5 + 8 + 1) + (3 + 6 + 9 + 1),
    })
  })

  it('takes a column of A', () => {
    const outcome = sweepColumns(columnRule((view) => view.A.column(view.t).mul(2))).apply(
      half,
      context,
    )
    expect(unwrap(outcome).state.factor.toArray()).toEqual(A.scale(2).toArray())
  })

  it("makes a DSL solver's step throw with the solver's name, not a NaN in W later", () => {
    const solver = defineSolver({
      ...cd,
      name: 'scalar-next',
      rule: alternate(sweepColumns(columnRule(() => scalar(0.5))), sweepColumns(coordinateMinimum)),
      report: () => ({ measure: 0 }),
    }) as AnySolver
    expect(() => nmf(A, { components: 2, solver })).toThrow(
      "scalar-next: sweepColumns: expected the column rule's next for column 0 to have " +
        'shape 4×1 (rows×1, a column of A), found 1×1',
    )
  })
})
