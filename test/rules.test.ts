/**
 * The rule combinators of dsl/rules.ts: what `sweepColumns` accepts from a column rule, and
 * the objective `withObjective` reports around or inside `penalize`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  Matrix,
  alternate,
  cd,
  coordinateMinimum,
  createRng,
  defineSolver,
  factorPenalty,
  nmf,
  penalize,
  projectNonnegative,
  rule,
  scalar,
  sweepColumns,
  withObjective,
  type AnySolver,
  type ColumnRule,
  type ColumnView,
  type Expr,
  type Factors,
  type HalfRule,
  type NmfError,
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

  it('makes the step throw naming the rule and what it returned in a Left that holds no NmfError', () => {
    const leftWith = (left: unknown) =>
      defineSolver({
        ...cd,
        name: 'left-rule',
        rule: rule<Factors>('mine', () => E.left(left as NmfError)),
        report: () => ({ measure: 0 }),
      }) as AnySolver
    const expected = "in a Left (as sweepColumns' ShapeMismatch)"
    expect(() => nmf(A, { components: 2, solver: leftWith('oops') })).toThrow(
      `left-rule: its rule 'mine' returned a Left of 'oops', expected an NmfError ${expected}`,
    )
    expect(() =>
      nmf(A, { components: 2, solver: leftWith({ _tag: 'Weird', message: 'w' }) }),
    ).toThrow(
      "left-rule: its rule 'mine' returned a Left of an object with _tag 'Weird', expected an " +
        `NmfError ${expected}`,
    )
    expect(() => nmf(A, { components: 2, solver: leftWith(undefined) })).toThrow(
      `left-rule: its rule 'mine' returned a Left of undefined, expected an NmfError ${expected}`,
    )
    // An NmfError's own message, after the solver's name.
    const own = { _tag: 'InvalidOption', operation: 'mine', option: 'x', message: 'mine: no' }
    expect(() => nmf(A, { components: 2, solver: leftWith(own) })).toThrow('left-rule: mine: no')
  })
})

describe('withObjective and penalize, in either order', () => {
  // cd rebuilt from its parts, H's half written both ways: the objective is the same and is
  // the true penalized objective (before, withObjective outside penalize left H's penalty out).
  const column = projectNonnegative(coordinateMinimum)
  const onW = penalize(({ problem: { penalties } }) => ({ l1: penalties.l1W, l2: penalties.l2W }))
  const onH = penalize(({ problem: { penalties } }) => ({ l1: penalties.l1H, l2: penalties.l2H }))
  const rebuilt = (name: string, halfH: HalfRule) =>
    defineSolver({
      ...cd,
      name,
      rule: alternate(onW(sweepColumns(column)), halfH),
      // W's penalties are added here, as cd's report does; H's come from withObjective.
      report: (stats, state, problem) => ({
        measure: stats.violationW + stats.violationH,
        objective:
          stats.objectiveH + factorPenalty(problem.penalties.l1W, problem.penalties.l2W, state.W),
      }),
    }) as AnySolver
  const orders = [
    ['withObjective(penalize(wH)(sweep))', withObjective(onH(sweepColumns(column)))],
    ['penalize(wH)(withObjective(sweep))', onH(withObjective(sweepColumns(column)))],
  ] as const

  const rng = createRng(5)
  const X = unwrap(
    Matrix.fromData(
      9,
      7,
      Float64Array.from({ length: 63 }, () => rng.uniform() * 3),
    ),
  )
  // Penalties as nmf scales them (scikit-learn's): W's by the features, H's by the samples.
  const [alphaW, alphaH, l1Ratio] = [0.2, 0.05, 0.3]
  const [l1W, l2W] = [7 * alphaW * l1Ratio, 7 * alphaW * (1 - l1Ratio)]
  const [l1H, l2H] = [9 * alphaH * l1Ratio, 9 * alphaH * (1 - l1Ratio)]
  /** ½‖X − W·H‖²_F + l1·Σ + ½·l2·Σ² of W and of H, entry by entry. */
  const penalizedObjective = (W: Matrix, H: Matrix): number => {
    let residual = 0
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < X.cols; j++) {
        let product = 0
        for (let t = 0; t < W.cols; t++) product += W.get(i, t) * H.get(t, j)
        residual += (X.get(i, j) - product) ** 2
      }
    }
    const penalty = (M: Matrix, l1: number, l2: number) =>
      M.toFloat64Array().reduce((sum, value) => sum + l1 * value + 0.5 * l2 * value * value, 0)
    return 0.5 * residual + penalty(W, l1W, l2W) + penalty(H, l1H, l2H)
  }
  const options = {
    components: 3,
    alphaW,
    alphaH,
    l1Ratio,
    init: 'random' as const,
    seed: 2,
    tol: 0,
  }

  it.each(orders)('%s reports the true penalized objective after every iteration', (_, halfH) => {
    const solver = rebuilt('rebuilt-cd', halfH)
    for (let maxIter = 1; maxIter <= 5; maxIter++) {
      const fit = unwrap(nmf(X, { ...options, solver, maxIter }))
      const reported = fit.history[maxIter - 1].objective ?? NaN
      const truth = penalizedObjective(fit.W, fit.H)
      expect(Math.abs(reported - truth) / truth, `iteration ${maxIter}`).toBeLessThan(1e-12)
    }
  })

  it('both orders report what the built-in cd reports', () => {
    const builtIn = unwrap(nmf(X, { ...options, solver: 'cd', maxIter: 5 }))
    for (const [name, halfH] of orders) {
      const fit = unwrap(nmf(X, { ...options, solver: rebuilt('rebuilt-cd', halfH), maxIter: 5 }))
      fit.history.forEach((entry, i) => {
        const expected = builtIn.history[i].objective ?? NaN
        const difference = Math.abs((entry.objective ?? NaN) - expected) / expected
        expect(difference, `${name}, iteration ${i + 1}`).toBeLessThan(1e-12)
      })
    }
  })
})
