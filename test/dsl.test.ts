/**
 * The evaluator against the reference interpreter on random expressions and
 * shapes (generated code and closures alike), explain's text, immutable
 * updates, and the errors for shapes that do not fit.
 */
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { test as property } from '@fast-check/vitest'
import {
  CsrMatrix,
  evaluate,
  evaluateAll,
  explain,
  interpret,
  dot,
  lift,
  Matrix,
  plus,
  scalar,
  times,
  value,
  where,
  type Expr,
  type Result,
  type Scalar,
} from 'nmfkit'
import { unwrap } from './fixture-helpers.ts'

/** Relative agreement of two results; NaN agrees with NaN and ±Infinity with itself. */
const TOLERANCE = 1e-9

const agree = (a: Matrix, b: Matrix): boolean => {
  if (a.rows !== b.rows || a.cols !== b.cols) return false
  const x = a.toFloat64Array()
  const y = b.toFloat64Array()
  for (let q = 0; q < x.length; q++) {
    if (Object.is(x[q], y[q])) continue
    if (!(Math.abs(x[q] - y[q]) <= TOLERANCE * Math.max(1, Math.abs(x[q]), Math.abs(y[q]))))
      return false
  }
  return true
}

const matrixArb = (rows: number, cols: number): fc.Arbitrary<Matrix> =>
  fc
    .array(fc.double({ min: -4, max: 4, noNaN: true }), {
      minLength: rows * cols,
      maxLength: rows * cols,
    })
    .map((data) => unwrap(Matrix.fromData(rows, cols, data)))

const unaries = ['neg', 'abs', 'sqrt', 'square', 'exp'] as const
const binaries = ['plus', 'minus', 'mul', 'div', 'max', 'min', 'eq', 'gt', 'lt'] as const

/** A random expression of shape rows×cols, built from every kind of node. */
const exprArb = (rows: number, cols: number, depth: number): fc.Arbitrary<Expr> => {
  const leaf = fc.oneof(
    matrixArb(rows, cols).map((m) => lift(m)),
    matrixArb(cols, rows).map((m) => lift(m).t()),
    // A column of a wider matrix plus a row vector: both broadcast to rows×cols.
    fc
      .tuple(fc.nat(2), matrixArb(1, cols))
      .chain(([extra, row]) =>
        fc
          .tuple(fc.nat(cols + extra - 1), matrixArb(rows, cols + extra))
          .map(([j, m]) => (lift(m).column(j) as Expr).plus(lift(row))),
      ),
  )
  if (depth === 0) return leaf
  const sub = (r: number, c: number): fc.Arbitrary<Expr> => exprArb(r, c, depth - 1)
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    fc.tuple(fc.constantFrom(...unaries), sub(rows, cols)).map(([op, a]) => a[op]()),
    fc
      .tuple(
        fc.constantFrom(...binaries),
        sub(rows, cols),
        fc.oneof(
          sub(rows, cols),
          sub(rows, 1),
          sub(1, cols),
          fc.double({ min: -3, max: 3, noNaN: true }),
        ),
      )
      .map(([op, a, b]) => a[op](b as Expr)),
    fc
      .tuple(sub(rows, cols), sub(rows, cols), sub(rows, cols))
      .map(([m, a, b]) => where(m.gt(0), a, b)),
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.nat(2))
      .chain(([inner, kind]) =>
        kind === 0
          ? fc.tuple(sub(rows, inner), sub(inner, cols)).map(([a, b]) => a.times(b))
          : kind === 1
            ? fc.tuple(sub(rows, inner), sub(cols, inner)).map(([a, b]) => a.timesTransposed(b))
            : fc.tuple(sub(inner, rows), sub(inner, cols)).map(([a, b]) => a.transposeTimes(b)),
      ),
    rows === cols
      ? fc
          .tuple(fc.integer({ min: 1, max: 4 }), fc.boolean())
          .chain(([inner, side]) =>
            side
              ? sub(rows, inner).map((a) => a.gramRows())
              : sub(inner, rows).map((a) => a.gramColumns()),
          )
      : leaf,
    cols === 1 ? sub(rows, 3).map((a) => a.rowSums()) : sub(rows, cols).map((a) => a.mul(2)),
    sub(rows, cols).chain((a) =>
      fc.tuple(fc.nat(rows - 1), fc.nat(cols - 1)).map(([i, j]) => {
        const updated = a.at(i, j).set(a.entry(0, 0).plus(1))
        return E.isRight(updated) ? updated.right : a
      }),
    ),
  )
}

const shapedExpr = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
  .chain(([rows, cols]) => exprArb(rows, cols, 2))

describe('evaluate agrees with the reference interpreter', () => {
  property.prop([shapedExpr], { numRuns: 150 })('generated code, random expressions', (e) => {
    expect(agree(unwrap(evaluate(e)), unwrap(interpret(e)))).toBe(true)
  })

  property.prop([shapedExpr], { numRuns: 100 })('closures, random expressions', (e) => {
    expect(agree(unwrap(evaluate(e, { codegen: false })), unwrap(interpret(e)))).toBe(true)
  })

  property.prop([shapedExpr], { numRuns: 50 })('reductions of random expressions', (e) => {
    const reductions = [e.sum(), e.sumSquares(), e.norm(), e.maxEntry(), e.minEntry()]
    for (const reduced of [...reductions, e.columnSums()]) {
      expect(agree(unwrap(evaluate(reduced)), unwrap(interpret(reduced)))).toBe(true)
    }
  })

  property.prop([shapedExpr], { numRuns: 50 })('several outputs at once', (e) => {
    const [whole, total] = unwrap(evaluateAll([e, e.abs().sum()]))
    expect(agree(whole, unwrap(interpret(e)))).toBe(true)
    expect(agree(total, unwrap(interpret(e.abs().sum())))).toBe(true)
  })
})

describe('norm scales as Matrix.frobeniusNorm does', () => {
  const A = unwrap(
    Matrix.fromArrays([
      [1, 2, 3],
      [4, 5, 6],
    ]),
  )
  /** The norm by generated code, by closures and by the interpreter. */
  const norms = (e: Scalar): number[] => [
    unwrap(value(e)),
    unwrap(value(e, { codegen: false })),
    unwrap(interpret(e)).toFloat64Array()[0],
  ]
  const scaled = (factor: number): Matrix =>
    unwrap(Matrix.fromArrays(A.toArray().map((row) => row.map((a) => a * factor))))

  it.each([1e200, 1e-200, 1e155, 1e-155, 2 ** -1060, 1])(
    'of A·%s, fused, read in place, or in a column, on every path',
    (factor) => {
      const expected = scaled(factor).frobeniusNorm()
      expect(expected).toBeGreaterThan(0)
      expect(expected).toBeLessThan(Infinity)
      expect(norms(lift(A).mul(factor).norm())).toEqual([expected, expected, expected])
      expect(norms(lift(scaled(factor)).norm())).toEqual([expected, expected, expected])
      // Row 1 of A, read in place as a column of Aᵀ.
      const column = unwrap(Matrix.fromArrays([[4 * factor], [5 * factor], [6 * factor]]))
      const inColumn = lift(scaled(factor)).t().column(1).norm()
      expect(norms(inColumn)).toEqual(Array(3).fill(column.frobeniusNorm()))
    },
  )

  it('beside other reductions in one loop, and Infinity or 0 only beyond range', () => {
    const big = lift(A).mul(1e200)
    const [norm, sum] = unwrap(evaluateAll([big.norm(), big.sum()]))
    expect(norm.toFloat64Array()[0]).toBe(scaled(1e200).frobeniusNorm())
    expect(sum.toFloat64Array()[0]).toBeCloseTo(2.1e201, -190)
    expect(norms(lift(A).mul(1e300).mul(1e10).norm())).toEqual([Infinity, Infinity, Infinity])
    expect(norms(lift(A).mul(0).norm())).toEqual([0, 0, 0])
    expect(norms(lift(A).div(0).norm())).toEqual([Infinity, Infinity, Infinity])
    expect(norms(lift(A).minus(2).log().norm()).every(Number.isNaN)).toBe(true)
    // One NaN among zeros, and among entries whose squares underflow.
    for (const factor of [0, 1e-200]) {
      const oneNaN = where(lift(A).eq(1), lift(A).mul(0).div(0), lift(A).mul(factor))
      expect(norms(oneNaN.norm()).every(Number.isNaN)).toBe(true)
    }
  })

  it('two norms, an array and a sum in one loop, each where it belongs, at every scale', () => {
    for (const factor of [1e200, 1e-200, 0, 1]) {
      const e = lift(A).mul(factor)
      const other = e.minus(lift(A).mul(factor / 2))
      const [norm, whole, otherNorm, sum] = unwrap(
        evaluateAll([e.norm(), e, other.norm(), e.sum()]),
      )
      expect(norm.toFloat64Array()[0]).toBe(scaled(factor).frobeniusNorm())
      expect(whole.toArray()).toEqual(scaled(factor).toArray())
      expect(otherNorm.toFloat64Array()[0]).toBe(unwrap(evaluate(other)).frobeniusNorm())
      expect(sum.toFloat64Array()[0]).toBe(unwrap(value(e.sum())))
    }
  })

  it.each([1e200, 1e-200, 2 ** -1060])(
    'of a matrix–vector product computed in the loop, at A·%s',
    (factor) => {
      const v = unwrap(Matrix.fromArrays([[1], [-2], [3]]))
      const product = lift(scaled(factor)).times(lift(v)).mul(1)
      const expected = unwrap(evaluate(product)).frobeniusNorm()
      expect(expected).toBeGreaterThan(0)
      expect(norms(product.norm())).toEqual([expected, expected, expected])
    },
  )

  it('dot is the plain sum, at the extremes as its doc comment says', () => {
    const row = (values: number[]) => lift(unwrap(Matrix.fromArrays([values])))
    const dots = (a: number[], b: number[]) => norms(row(a).dot(row(b)))
    expect(dots([1e154, 1e154], [1e154, 1e154])).toEqual([Infinity, Infinity, Infinity])
    expect(dots([1e-200], [1e-200])).toEqual([0, 0, 0])
    expect(dots([1e200, 1e200], [1e200, 1e100]).every((d) => d === Infinity)).toBe(true)
    // Products that cancel: the exact sum, 0, is a double, but the plain sum is not.
    expect(dots([1e200, 1e200], [1e200, -1e200]).every(Number.isNaN)).toBe(true)
  })

  property.prop([shapedExpr, fc.constantFrom(2 ** 600, 2 ** -600)], { numRuns: 50 })(
    'of random expressions scaled by 2^±600: the norm of their values',
    (e, factor) => {
      const expected = unwrap(evaluate(e.mul(factor))).frobeniusNorm()
      for (const found of norms(e.mul(factor).norm())) {
        // Not agree(): it lets Infinity pass for any huge number.
        const close = Math.abs(found - expected) <= TOLERANCE * Math.abs(expected)
        expect(Object.is(found, expected) || close).toBe(true)
      }
    },
  )
})

describe('plans cached by structure', () => {
  // One structure, many columns, constants and leaves: the cached plan reads them at run time.
  property.prop(
    [
      fc.integer({ min: 2, max: 6 }),
      fc.integer({ min: 2, max: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.double({ min: -3, max: 3, noNaN: true })), {
        minLength: 2,
        maxLength: 6,
      }),
    ],
    { numRuns: 30 },
  )('a column update for every t and constant agrees with the interpreter', (n, k, cases) => {
    const A = lift(
      unwrap(
        Matrix.fromData(
          n,
          k,
          Float64Array.from({ length: n * k }, (_, q) => (q % 5) - 2),
        ),
      ),
    )
    const G = lift(
      unwrap(
        Matrix.fromData(
          k,
          k,
          Float64Array.from({ length: k * k }, (_, q) => q + 1),
        ),
      ),
    )
    for (const [index, c] of cases) {
      const t = index % k
      const next = A.column(t)
        .minus(A.times(G.column(t)).minus(c).div(G.entry(t, t)))
        .max(0)
      expect(agree(unwrap(evaluate(next)), unwrap(interpret(next)))).toBe(true)
      expect(agree(unwrap(evaluate(next, { codegen: false })), unwrap(interpret(next)))).toBe(true)
    }
    // An index outside the matrix is still a Left once the structure is cached.
    expect(E.isLeft(evaluate(A.column(k).plus(1)))).toBe(true)
    expect(E.isLeft(evaluate(A.column(0).plus(1)))).toBe(false)
    expect(E.isLeft(evaluate(A.column(k).plus(1)))).toBe(true)
  })
})

const W = lift(
  unwrap(
    Matrix.fromArrays<'samples', 'components'>([
      [1, 2],
      [3, 4],
      [5, 0],
    ]),
  ),
)
const H = lift(
  unwrap(
    Matrix.fromArrays<'components', 'features'>([
      [1, 0, 2],
      [0, 1, 1],
    ]),
  ),
)
const dense = unwrap(
  Matrix.fromArrays<'samples', 'features'>([
    [1, 0, 2],
    [0, 1, 1],
    [3, 0, 0],
  ]),
)
const X = lift(dense)
const Xs = lift(CsrMatrix.fromDense(dense))

describe('explain', () => {
  it('shows kernels, temporaries and one fused loop for an elementwise chain', () => {
    const update = W.mul(X.timesTransposed(H)).div(W.times(H.gramRows())).max(0)
    expect(explain(update)).toBe(
      [
        'inputs: A0 dense 3×2, A1 dense 3×3, A2 dense 2×3',
        't0 = gemmNT(A1, A2) 3×2',
        't1 = gramRows(A2) 2×2',
        't2 = gemm(A0, t1) 3×2',
        'fused loop 3×2 (generated): t3 = max(div(mul(A0, t0), t2), 0)',
        'results: t3 3×2',
      ].join('\n'),
    )
  })

  it('sends CSR products to the CSR kernels and never densifies', () => {
    expect(explain(Xs.transposeTimes(W))).toContain('csrTransposeTimesDense(A0, A1) 3×2')
    expect(explain(Xs.timesTransposed(H))).toContain('csrTimesDenseT(A0, A1) 3×2')
    expect(explain(Xs.plus(1))).toMatch(
      /^error: evaluate: a CSR matrix \(A0\) can only be multiplied/,
    )
  })

  it('reads columns and entries in place, and fuses a reduction with the update', () => {
    const gram = H.gramRows()
    const grad = W.times(gram.column(1)).minus(X.timesTransposed(H).column(1))
    const text = explain([W.column(1).minus(grad.div(gram.entry(1, 1))), grad.abs().sum()], {
      codegen: false,
    })
    expect(text.match(/fused loop/g)).toHaveLength(1)
    expect(text).toContain('fused loop 3×1 (closures)')
    expect(text.match(/gramRows/g)).toHaveLength(1)
  })
})

describe('values, updates and errors', () => {
  it('reductions, norms and entries', () => {
    expect(unwrap(value(X.sum()))).toBe(8)
    expect(unwrap(value(X.norm()))).toBeCloseTo(4, 12)
    expect(unwrap(value(W.entry(2, 0)))).toBe(5)
    expect(unwrap(value(scalar(2).plus(3)))).toBe(5)
    expect(unwrap(evaluate(X.rowSums())).toArray()).toEqual([[3], [2], [3]])
  })

  it('at(i, j).set(v) is a new value; the old one is unchanged', () => {
    const updated = unwrap(W.at(1, 1).set(9))
    expect(unwrap(evaluate(updated)).toArray()).toEqual([
      [1, 2],
      [3, 9],
      [5, 0],
    ])
    expect(unwrap(evaluate(W)).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 0],
    ])
    const column = unwrap(W.atColumn(0).set(W.column(1).mul(2)))
    expect(unwrap(evaluate(column)).toArray()).toEqual([
      [4, 2],
      [8, 4],
      [0, 0],
    ])
  })

  it('add(v) adds v at the place alone, on the compiled and the interpreted path', () => {
    const cases: [Result<Expr<string, string>>, number[][]][] = [
      [
        W.at(0, 0).add(100),
        [
          [101, 2],
          [3, 4],
          [5, 0],
        ],
      ],
      [
        W.at(2, 1).add(scalar(10)),
        [
          [1, 2],
          [3, 4],
          [5, 10],
        ],
      ],
      [
        W.atColumn(0).add(W.column(1)),
        [
          [3, 2],
          [7, 4],
          [5, 0],
        ],
      ],
      [
        W.atRow(1).add(W.row(0)),
        [
          [1, 2],
          [4, 6],
          [5, 0],
        ],
      ],
    ]
    for (const [updated, expected] of cases) {
      expect(unwrap(evaluate(unwrap(updated))).toArray()).toEqual(expected)
      expect(unwrap(interpret(unwrap(updated))).toArray()).toEqual(expected)
    }
  })

  it('a value of another shape than its place is a Left, never written in part', () => {
    const unnamed = lift(
      unwrap(
        Matrix.fromArrays([
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
        ]),
      ),
    )
    // Compiles without names: a column of two entries for a column of three.
    const short = lift(
      unwrap(
        Matrix.fromArrays([
          [100, 200],
          [300, 400],
        ]),
      ),
    ).column(0)
    for (const [updated, message] of [
      [
        unnamed.atColumn(1).set(short),
        'Expr.atColumn: expected the value for column 1 of a 3×4 matrix to have shape 3×1, ' +
          'found 2×1',
      ],
      [
        unnamed.atColumn(1).add(short),
        'Expr.atColumn: expected the value for column 1 of a 3×4 matrix to have shape 3×1, ' +
          'found 2×1',
      ],
      [
        // Types erased: a row for a column, the whole matrix for a row, a column for an entry.
        W.atColumn(0).set(W.column(1).t() as never),
        'Expr.atColumn: expected the value for column 0 of a 3×2 matrix to have shape 3×1, ' +
          'found 1×3',
      ],
      [
        W.atRow(2).set(W as never),
        'Expr.atRow: expected the value for row 2 of a 3×2 matrix to have shape 1×2, found 3×2',
      ],
      [
        W.at(1, 0).add(W.column(0) as never),
        'Expr.at: expected the value for entry (1, 0) of a 3×2 matrix to have shape 1×1, ' +
          'found 3×1',
      ],
    ] as const) {
      expect(E.isLeft(updated) && updated.left).toMatchObject({ _tag: 'ShapeMismatch', message })
    }
  })

  it('a position outside the matrix is a Left, never clamped', () => {
    const outside = W.at(3, 0).set(1)
    expect(E.isLeft(outside) && outside.left.message).toBe(
      'Expr.at: expected the row index to have a value in 0..2, found 3',
    )
    expect(E.isLeft(W.at(0, -1).set(1))).toBe(true)
    expect(E.isLeft(W.atColumn(2).set(W.column(0)))).toBe(true)
    const entry = evaluate(W.entry(0, 2))
    expect(E.isLeft(entry) && entry.left.message).toBe(
      'Expr.entry: expected the column index to have a value in 0..1, found 2',
    )
  })

  it('sizes that do not fit are a Left at evaluation', () => {
    const other = lift(unwrap(Matrix.fromArrays<'components', 'features'>([[1, 2]])))
    const product = evaluate(W.times(other))
    expect(E.isLeft(product) && product.left._tag).toBe('ShapeMismatch')
    // Named by the method that was called (plus, minus), not by the node it made.
    const sum = evaluate(H.plus(other))
    expect(E.isLeft(sum) && sum.left.message).toBe(
      'Expr.plus: expected the right operand to have shape 2×3 or a broadcast of it, found 1×2',
    )
    const difference = evaluate(H.minus(other))
    expect(E.isLeft(difference) && difference.left.message).toMatch(/^Expr\.minus: /)
    const quotient = evaluate(H.div(other))
    expect(E.isLeft(quotient) && quotient.left.message).toMatch(/^Expr\.div: /)
  })

  it('names the product method called and the factors as given when their sizes do not fit', () => {
    const A = lift(
      unwrap(
        Matrix.fromArrays<'a', 'b'>([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    )
    const B = lift(
      unwrap(
        Matrix.fromArrays<'b', 'a'>([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    )
    const message = (result: Result<Matrix>): string | false =>
      E.isLeft(result) && result.left.message
    expect(message(evaluate(A.timesTransposed(B as never)))).toBe(
      'Expr.timesTransposed: expected the right factor of a 2×3 matrix to have 3 columns, ' +
        'found 3×2',
    )
    expect(message(evaluate(A.transposeTimes(B as never)))).toBe(
      'Expr.transposeTimes: expected the right factor of a 2×3 matrix to have 2 rows, found 3×2',
    )
    expect(message(evaluate(A.times(A as never)))).toBe(
      'Expr.times: expected the right factor of a 2×3 matrix to have 3 rows, found 2×3',
    )
    // The free function, named as called.
    expect(message(evaluate(times(A, A as never)))).toBe(
      'times: expected the right factor of a 2×3 matrix to have 3 rows, found 2×3',
    )
  })

  it("names the free functions as called, and where's arguments, when shapes do not broadcast", () => {
    const A = lift(
      unwrap(
        Matrix.fromArrays<'a', 'b'>([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    )
    const tall = lift(
      unwrap(
        Matrix.fromArrays([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    ) as never
    const message = (result: Result<Matrix>): string | false =>
      E.isLeft(result) && result.left._tag === 'ShapeMismatch' && result.left.message
    expect(message(evaluate(plus(A, tall)))).toBe(
      'plus: expected the second operand to have shape 2×3 or a broadcast of it, found 3×2',
    )
    expect(message(evaluate(where(A.gt(2), tall, 0)))).toBe(
      "where: expected then to have the mask's shape 2×3 or a broadcast of it, found 3×2",
    )
    expect(message(evaluate(where(A.gt(2), 1, tall)))).toBe(
      "where: expected otherwise to have the mask's and then's shape 2×3 or a broadcast of it, " +
        'found 3×2',
    )
    // A row mask stretched to then's rows: otherwise is checked against both.
    const row = lift(unwrap(Matrix.fromArrays<'one', 'b'>([[1, 0, 1]]))) as never
    expect(message(evaluate(where(row, A, tall)))).toBe(
      "where: expected otherwise to have the mask's and then's shape 2×3 or a broadcast of it, " +
        'found 3×2',
    )
  })

  it('names dot, as the caller wrote it, when the factors differ in shape, and never stretches one', () => {
    const square = unwrap(
      Matrix.fromArrays([
        [1, 2],
        [3, 4],
      ]),
    )
    const A = lift(square)
    const wide = lift(unwrap(Matrix.fromArrays([[1, 2, 3]])))
    const row = lift(unwrap(Matrix.fromArrays([[10, 100]])))
    const message = (result: Result<unknown>): string | false =>
      E.isLeft(result) && result.left._tag === 'ShapeMismatch' && result.left.message
    const expected = (operation: string, first: string, other: string): string =>
      `${operation}: expected the other factor to have the first's shape ${first} ` +
      `(dot does not broadcast), found ${other}`
    // It named Expr.mul and its right operand, the product dot is made of.
    for (const [product, operation] of [
      [A.dot(wide), 'Expr.dot'],
      [dot(A, wide), 'dot'],
    ] as const) {
      const wanted = expected(operation, '2×2', '1×3')
      expect(message(value(product))).toBe(wanted)
      expect(message(value(product, { codegen: false }))).toBe(wanted)
      expect(message(interpret(product))).toBe(wanted)
      expect(explain(product)).toBe(`error: ${wanted}`)
    }
    // A one-row factor was stretched over the other: Σ_ij a_ij·b_j, 640 here, as a Right; and
    // so it still was once the same sum of products, which does broadcast, had been planned.
    expect(unwrap(value(A.mul(row).sum()))).toBe(640)
    expect(message(value(A.dot(row)))).toBe(expected('Expr.dot', '2×2', '1×2'))
    expect(message(value(row.dot(A)))).toBe(expected('Expr.dot', '1×2', '2×2'))
    expect(message(value(dot(A, row)))).toBe(expected('dot', '2×2', '1×2'))
    expect(message(interpret(A.dot(row)))).toBe(expected('Expr.dot', '2×2', '1×2'))
  })

  it('dot is one fused loop, planned and valued as the sum of the entrywise product', () => {
    const B = lift(
      unwrap(
        Matrix.fromArrays<'samples', 'components'>([
          [2, 0],
          [1, 1],
          [0, 3],
        ]),
      ),
    )
    expect(explain(W.dot(B))).toBe(
      [
        'inputs: A0 dense 3×2, A1 dense 3×2',
        'fused loop 3×2 (generated): t0 = sum(mul(A0, A1))',
        'results: t0 1×1',
      ].join('\n'),
    )
    expect(explain(dot(W, B))).toBe(explain(W.mul(B).sum()))
    for (const codegen of [true, false]) {
      expect(unwrap(value(W.dot(B), { codegen }))).toBe(2 + 3 + 4 + 0)
      expect(unwrap(value(dot(W, B), { codegen }))).toBe(9)
    }
  })

  it('refuses, where it is given, an operand or leaf that the types rule out (JavaScript)', () => {
    const M = unwrap(
      Matrix.fromArrays([
        [1, 2],
        [3, 4],
      ]),
    )
    const X = lift(M)
    const refusals: Array<[() => unknown, string]> = [
      [() => scalar('3' as never), 'scalar: expected a number, found "3"'],
      [
        () => lift([[1, 2]] as never),
        'lift: expected a Matrix or CsrMatrix, found nested arrays (Matrix.fromArrays makes a ' +
          'matrix of them, lift an expression)',
      ],
      [
        () => lift(Object.create(Matrix.prototype) as never),
        'lift: expected a Matrix or CsrMatrix, found an object that passes instanceof Matrix ' +
          'but is not one (rows undefined, cols undefined): make matrices with ' +
          'Matrix.fromArrays or Matrix.fromData',
      ],
      [
        () => X.plus('x' as never),
        'Expr.plus: expected the operand to be an expression or a number, found "x"',
      ],
      [
        () => X.mul(null as never),
        'Expr.mul: expected the operand to be an expression or a number, found null',
      ],
      [
        () => X.times(M as never),
        'Expr.times: expected the right factor to be an expression, found a Matrix (lift ' +
          'makes an expression of a matrix)',
      ],
      [
        () => X.at(0, 0).set('5' as never),
        'Expr.at: expected the value to be an expression or a number, found "5"',
      ],
      [
        () => X.atColumn(0).set(5 as never),
        'Expr.atColumn: expected the value to be an expression, found 5',
      ],
      [
        () => X.column('1' as never),
        'Expr.column: expected the column index to be a number, found "1"',
      ],
      [() => X.at(0, '1' as never), 'Expr.at: expected the column index to be a number, found "1"'],
      [
        // A number would be stretched over X: 2·Σ x_ij, as a Right.
        () => X.dot(2 as never),
        'Expr.dot: expected the other factor to be an expression, found 2',
      ],
      // The free forms name themselves for either operand (they named the method).
      [
        () => plus(X, 'x' as never),
        'plus: expected the second operand to be an expression or a number, found "x"',
      ],
      [() => times(X, 2 as never), 'times: expected the right factor to be an expression, found 2'],
      [() => dot(X, 2 as never), 'dot: expected the other factor to be an expression, found 2'],
      [
        () => where(X.gt(0), 'x' as never, 0),
        'where: expected then to be an expression or a number, found "x"',
      ],
      // Evaluating something that is no expression: it was "Cannot read properties of
      // undefined (reading 'kind')".
      [
        () => evaluate(M as never),
        'evaluate: expected its argument to be an expression, found a Matrix (lift makes an ' +
          'expression of a matrix)',
      ],
      [() => value(3 as never), 'value: expected its argument to be an expression, found 3'],
      [() => explain(3 as never), 'explain: expected its argument to be an expression, found 3'],
      [
        () => interpret(3 as never),
        'interpret: expected its argument to be an expression, found 3',
      ],
      [
        () => evaluateAll([X, 3 as never]),
        'evaluateAll: expected the entry at 1 to be an expression, found 3',
      ],
      [
        // A hole in the array (map skipped it, and it reached the planner).
        // eslint-disable-next-line no-sparse-arrays
        () => evaluateAll([X, , X] as never),
        'evaluateAll: expected the entry at 1 to be an expression, found nothing',
      ],
      [
        () => evaluateAll(X as never),
        'evaluateAll: expected an array of expressions, found one expression (evaluate takes one)',
      ],
      [
        () => where(M as never, 1, 0),
        'where: expected the mask to be an expression, found a Matrix (lift makes an ' +
          'expression of a matrix)',
      ],
    ]
    for (const [build, message] of refusals) {
      let thrown: unknown
      try {
        build()
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(TypeError)
      expect((thrown as TypeError).message).toBe(message)
    }
    // Before, a string constant was joined as text: '3' + 1 gave 31, as a Right.
    expect(value(scalar(3).plus(1))).toEqual(E.right(4))
  })

  it('stretches any operand along a dimension of size 1, whatever its names say', () => {
    // A vector the DSL made, evaluated and lifted again (typed Matrix<One, C>), and a
    // one-row matrix typed samples×features: the run time sees only their sizes.
    const four = lift(
      unwrap(
        Matrix.fromArrays<'samples', 'features'>([
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 4],
        ]),
      ),
    )
    const sums = lift(unwrap(evaluate(four.columnSums())))
    expect(unwrap(evaluate(four.div(sums))).toArray()[3]).toEqual([0.4, 0.4])
    const sample = lift(unwrap(Matrix.fromArrays<'samples', 'features'>([[1, 2]])))
    expect(unwrap(evaluate(four.minus(sample))).toArray()).toEqual([
      [0, -1],
      [1, 0],
      [2, 1],
      [3, 2],
    ])
    // Sizes other than 1 that differ are a mismatch.
    const three = lift(
      unwrap(
        Matrix.fromArrays<'samples', 'features'>([
          [1, 1],
          [2, 2],
          [3, 3],
        ]),
      ),
    )
    expect(E.isLeft(evaluate(four.minus(three)))).toBe(true)
  })

  it('value of an expression that is not 1×1 is a Left naming its shape, not its first entry', () => {
    const notScalar = lift(
      unwrap(
        Matrix.fromArrays([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    ) as unknown as Scalar
    for (const codegen of [true, false]) {
      const found = value(notScalar, { codegen })
      expect(E.isLeft(found) && found.left).toMatchObject({
        _tag: 'ShapeMismatch',
        message:
          'value: expected the expression to have shape 1×1 (a number; evaluate gives a ' +
          'matrix), found 2×3',
      })
    }
    expect(E.isLeft(value(W.column(0) as unknown as Scalar))).toBe(true)
  })

  it('evaluation never changes its inputs', () => {
    const before = dense.toFloat64Array()
    unwrap(evaluate(unwrap(X.at(0, 0).set(7)).mul(2)))
    expect(dense.toFloat64Array()).toEqual(before)
  })
})
