/** The `norms` comparator: the notebook's metrics, checked on small hand-made factors. */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  aligned,
  checkComparable,
  compare,
  nmf,
  norms,
  optionsCodec,
  type Comparator,
  type NmfError,
  withOptions,
  type NormsReport,
} from 'nmfkit'
import { reconstruction } from '../examples/plugins/comparator-plugin.ts'
// Internal: the report without the refusal of metrics beyond the largest double.
import { normsReport } from '../solvers/norms.ts'

const matrix = (rows: number[][]): Matrix => {
  const result = Matrix.fromArrays(rows)
  if (E.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

/** A comparator plugin that counts its calls. */
const countingComparator = () => {
  let count = 0
  const counting: Comparator<{ comparator: 'counting' }, object> = {
    name: 'counting',
    options: optionsCodec('counting options', {}, {}),
    compare: () => {
      count++
      return E.right({ comparator: 'counting' })
    },
  }
  return { counting, calls: () => count }
}

describe('norms', () => {
  const a = {
    W: matrix([
      [1, 0],
      [0, 2],
    ]),
    H: matrix([[1, 1]]),
  }
  const b = {
    W: matrix([
      [1, 3],
      [0, -2],
    ]),
    H: matrix([[0, 1]]),
  }

  it('reports the notebook metrics for W and H', () => {
    const result = compare(a, b, { comparators: [norms] })
    if (E.isLeft(result)) throw new Error(result.left.message)
    const report = result.right.reports[0] as NormsReport
    // W differences: 0, 3, 0, 4 → ‖·‖_F = 5 over 4 entries.
    expect(report.W.frobeniusPerEntry).toBeCloseTo(5 / 4, 15)
    expect(report.W.maxAbsDifference).toBe(4)
    expect(report.W.meanAbsDifference).toBe(7 / 4)
    expect(report.W.b).toEqual({ max: 3, min: -2, mean: 0.5, frobeniusNorm: Math.sqrt(14) })
    expect(report.H.maxAbsDifference).toBe(1)
    expect(report.H.a.frobeniusNorm).toBeCloseTo(Math.SQRT2, 15)
  })

  it('is the default comparator and gives zeros for identical factorizations', () => {
    const result = compare(a, a)
    if (E.isLeft(result)) throw new Error(result.left.message)
    const report = result.right.reports[0] as NormsReport
    expect(report.comparator).toBe('norms')
    expect(report.W.maxAbsDifference).toBe(0)
    expect(report.H.frobeniusPerEntry).toBe(0)
  })

  it.each([1e-200, 1e-160, 1e160, 1e300])(
    'gives the norms and means of factors at %s as they are, not 0 or Infinity',
    (scale) => {
      const scaled = (pair: typeof a) => ({
        W: pair.W.map((value) => value * scale),
        H: pair.H.map((value) => value * scale),
      })
      const result = compare(scaled(a), scaled(b), { comparators: [norms] })
      if (E.isLeft(result)) throw new Error(result.left.message)
      const report = result.right.reports[0] as NormsReport
      expect(report.W.frobeniusPerEntry / scale).toBeCloseTo(5 / 4, 14)
      expect(report.W.meanAbsDifference / scale).toBeCloseTo(7 / 4, 14)
      expect(report.W.b.frobeniusNorm / scale).toBeCloseTo(Math.sqrt(14), 14)
      expect(report.W.b.mean / scale).toBeCloseTo(0.5, 14)
      expect(report.H.a.frobeniusNorm / scale).toBeCloseTo(Math.SQRT2, 14)
    },
  )

  it('takes the mean of entries near the largest double without overflow', () => {
    // Their sum, 3.2e308, is beyond the largest double; their norm, 1.6e308, is not.
    const big = {
      W: matrix([[0.8e308, 0.8e308, 0.8e308, 0.8e308]]),
      H: matrix([[1], [1], [1], [1]]),
    }
    const result = compare(big, big, { comparators: [norms] })
    if (E.isLeft(result)) throw new Error(result.left.message)
    const report = result.right.reports[0] as NormsReport
    expect(report.W.a.mean / 0.8e308).toBeCloseTo(1, 14)
    expect(report.W.a.frobeniusNorm / 1.6e308).toBeCloseTo(1, 14)
  })

  it('refuses a metric beyond the largest double, naming it, as aligned does', () => {
    // Finite factors whose norm (2.27e308) or difference (2e308) no double holds: a report
    // of Infinity would not be JSON. The metric named is the one out of range: with a
    // difference of 2e308 over 2 entries, ‖A − B‖_F / 2 is 1e308, the max 2e308.
    const big = { W: matrix([[1.5e308, 1.7e308]]), H: matrix([[1], [1]]) }
    const negative = { W: matrix([[-1e308, 0]]), H: big.H }
    const positive = { W: matrix([[1e308, 0]]), H: big.H }
    // The metrics in range are right, from the halves' differences.
    const halves = normsReport(negative, positive)
    expect(halves.W.frobeniusPerEntry).toBe(1e308)
    expect(halves.W.meanAbsDifference).toBe(1e308)
    expect(halves.W.maxAbsDifference).toBe(Infinity)
    for (const [first, second, metric] of [
      [big, big, 'W.a.frobeniusNorm'],
      [negative, positive, 'W.maxAbsDifference'],
    ] as const) {
      const results: ReadonlyArray<E.Either<NmfError, unknown>> = [
        compare(first, second, { comparators: [norms] }),
        norms.compare(first, second, {}, {}),
      ]
      for (const result of results) {
        if (E.isRight(result)) throw new Error('expected a Left, found a Right')
        expect(result.left._tag).toBe('NonFiniteInput')
        expect(result.left.message).toBe(
          `compare: expected the norms metric ${metric} to be finite, found Infinity; ` +
            'it is beyond the largest double (1.80e308)',
        )
      }
    }
  })

  it('refuses factors with an infinite entry, without hanging', () => {
    const H = matrix([
      [1, 2],
      [3, 4],
    ])
    const infinite = {
      W: matrix([
        [1, Infinity],
        [2, 3],
      ]),
      H,
    }
    const finite = {
      W: matrix([
        [1, 1],
        [2, 3],
      ]),
      H,
    }
    const message =
      'compare: expected W of the first factorization to be finite, found Infinity at row 0, column 1'
    for (const result of [
      compare(infinite, finite, { comparators: [norms] }),
      norms.compare(infinite, finite, {}, {}),
    ]) {
      expect(E.isLeft(result) && result.left._tag).toBe('NonFiniteInput')
      expect(E.isLeft(result) && result.left.message).toBe(message)
    }
  })

  it('refuses NaN and ±Infinity in any factor, called by compare or on its own', () => {
    const cases = [
      ['W', 'first', { W: a.W.map(() => NaN), H: a.H }, b, 'NaN at row 0, column 0'],
      [
        'H',
        'first',
        { W: a.W, H: a.H.map((v, i, j) => (j === 1 ? -Infinity : v)) },
        b,
        '-Infinity at row 0, column 1',
      ],
      [
        'W',
        'second',
        a,
        { W: b.W.map((v, i) => (i === 1 ? NaN : v)), H: b.H },
        'NaN at row 1, column 0',
      ],
      ['H', 'second', a, { W: b.W, H: b.H.map(() => Infinity) }, 'Infinity at row 0, column 0'],
    ] as const
    for (const [factor, which, first, second, found] of cases) {
      const results: ReadonlyArray<E.Either<NmfError, unknown>> = [
        compare(first, second, { comparators: [norms] }),
        compare(first, second),
        norms.compare(first, second, {}, {}),
      ]
      for (const result of results) {
        if (E.isRight(result)) throw new Error('expected a Left, found a Right')
        expect(result.left._tag).toBe('NonFiniteInput')
        expect(result.left.message).toBe(
          `compare: expected ${factor} of the ${which} factorization to be finite, found ${found}`,
        )
      }
    }
  })

  it('refuses an X that is not finite, dense or CSR, before any comparator runs', () => {
    const { counting, calls } = countingComparator()
    const nan = matrix([
      [1, 0],
      [0, NaN],
    ])
    const infinite = CsrMatrix.fromDense(
      matrix([
        [0, Infinity],
        [1, 0],
      ]),
    )
    for (const [X, found] of [
      [nan, 'NaN at row 1, column 1'],
      [infinite, 'Infinity at row 0, column 1'],
    ] as const) {
      // A pair whose W·H is X's shape, 2×2, as aligned needs.
      const pair = { W: matrix([[1], [2]]), H: matrix([[1, 1]]) }
      const results: ReadonlyArray<E.Either<NmfError, unknown>> = [
        compare(pair, pair, { X }),
        compare(pair, pair, { comparators: [counting], X }),
        compare(pair, pair, { comparators: [aligned], X }),
        aligned.compare(pair, pair, { X }, { tolerance: 1e-6 }),
      ]
      for (const result of results) {
        if (E.isRight(result)) throw new Error('expected a Left, found a Right')
        expect(result.left._tag).toBe('NonFiniteInput')
        expect(result.left.message).toBe(`compare: expected X to be finite, found ${found}`)
      }
    }
    expect(calls()).toBe(0)
  })

  it('gives no comparator, a plugin included, factors that are not finite', () => {
    const { counting, calls } = countingComparator()
    const result = compare(a, { W: b.W, H: b.H.map(() => NaN) }, { comparators: [counting] })
    expect(E.isLeft(result) && result.left.message).toBe(
      'compare: expected H of the second factorization to be finite, found NaN at row 0, column 0',
    )
    expect(calls()).toBe(0)
    expect(E.isRight(compare(a, b, { comparators: [counting] }))).toBe(true)
    expect(calls()).toBe(1)
  })

  it('names the shapes when the factorizations differ in shape', () => {
    const other = { W: matrix([[1], [2]]), H: matrix([[1, 1]]) }
    const result = compare(other, a)
    expect(E.isLeft(result) && result.left.message).toBe(
      'compare: expected W of the second factorization to have shape 2×1 (1 component, as the ' +
        'first has), found 2×2',
    )
    // a's own W (2×2) and H (1×2) do not fit together: a is no reference, and is named.
    const reversed = compare(a, other)
    expect(E.isLeft(reversed) && reversed.left.message).toBe(
      'compare: expected H of the first factorization to have 2 rows (as W has 2 columns), ' +
        'found 1×2',
    )
  })
})

describe("compare: a refusal of a matrix names the argument it is about ('input')", () => {
  const a = {
    W: matrix([
      [1, 0],
      [0, 2],
    ]),
    H: matrix([
      [1, 1],
      [0, 1],
    ]),
  }
  const refused = (result: E.Either<NmfError, unknown>) => {
    if (E.isRight(result)) throw new Error('expected a Left, found a Right')
    return { tag: result.left._tag, input: result.left.input }
  }

  it("names a or b, or the factor of it that is not a Matrix, as compare's parameters", () => {
    expect(refused(compare(undefined as never, a))).toEqual({ tag: 'InvalidMatrix', input: 'a' })
    expect(refused(compare(a, { W: a.W, H: [[1]] } as never))).toEqual({
      tag: 'InvalidMatrix',
      input: 'b.H',
    })
  })

  it("names b's factor when the shapes differ (a is the reference), or X", () => {
    const wide = { W: a.W, H: matrix([[1, 1, 1]]) }
    expect(refused(compare(a, wide))).toEqual({ tag: 'ShapeMismatch', input: 'b.H' })
    expect(refused(compare(a, a, { X: Matrix.zeros(3, 2) }))).toEqual({
      tag: 'ShapeMismatch',
      input: 'X',
    })
    // W and H of one factorization that do not fit together: H is named, as W is the basis.
    const broken = { W: a.W, H: matrix([[1, 1]]) }
    expect(refused(compare(broken, broken, { comparators: [aligned] }))).toEqual({
      tag: 'ShapeMismatch',
      input: 'a.H',
    })
  })

  it("names a's H when a's own W and H do not fit together, not b's matching factor", () => {
    const W = Matrix.fill(5, 2, 1)
    const fits = { W, H: Matrix.fill(2, 4, 1) }
    const misfit = { W, H: Matrix.fill(3, 4, 1) }
    for (const comparators of [[norms], [aligned]]) {
      const result = compare(misfit, fits, { comparators })
      expect(E.isLeft(result) && result.left).toMatchObject({
        _tag: 'ShapeMismatch',
        input: 'a.H',
        message:
          'compare: expected H of the first factorization to have 2 rows (as W has 2 ' +
          'columns), found 3×4',
      })
    }
    expect(refused(compare(fits, misfit))).toEqual({ tag: 'ShapeMismatch', input: 'b.H' })
    const checked = checkComparable('reconstruction', misfit, fits, undefined)
    expect(E.isLeft(checked) && checked.left.input).toBe('a.H')
  })

  it('refuses an object made from Matrix.prototype, or an array, as the factor it is', () => {
    const hollow = Object.create(Matrix.prototype) as Matrix
    const result = compare({ W: hollow, H: a.H }, a)
    expect(E.isLeft(result) && result.left).toMatchObject({
      _tag: 'InvalidMatrix',
      input: 'a.W',
      message:
        'compare: expected W of the first factorization to be a Matrix, found an object that ' +
        'passes instanceof Matrix but is not one (rows undefined, cols undefined): make ' +
        'matrices with Matrix.fromArrays or Matrix.fromData',
    })
    const arrays = compare(a, { W: [[1, 0]], H: a.H } as never)
    expect(E.isLeft(arrays) && arrays.left).toMatchObject({
      _tag: 'InvalidMatrix',
      input: 'b.W',
      message:
        'compare: expected W of the second factorization to be a Matrix, found nested arrays ' +
        '(Matrix.fromArrays makes one of nested arrays)',
    })
    const number = compare(5 as never, a)
    expect(E.isLeft(number) && number.left.message).toBe(
      'compare: expected the first factorization to have Matrix fields W and H, found a ' +
        'number (5)',
    )
    // X as nested arrays or JSON, which nmf takes, is taken as nmf takes it (it was refused):
    // the same reports as the Matrix.
    const withX = (X: unknown) => compare(a, a, { comparators: [aligned, norms], X: X as never })
    const asMatrix = withX(
      matrix([
        [1, 1],
        [1, 1],
      ]),
    )
    expect(E.isRight(asMatrix)).toBe(true)
    for (const X of [
      [
        [1, 1],
        [1, 1],
      ],
      { rows: 2, cols: 2, data: [1, 1, 1, 1] },
    ]) {
      expect(withX(X)).toEqual(asMatrix)
    }
    // Malformed, it is refused as the option X, with what nmf would say of it.
    expect(withX([[1, 1], [1]])).toEqual(
      E.left({
        _tag: 'InvalidOption',
        operation: 'compare',
        option: 'X',
        input: 'X',
        message:
          "compare: option 'X': Matrix.fromArrays: expected row 1 to have 2 entries (as row 0), " +
          'found 1',
      }),
    )
    // In the option's words, whatever was found (an Either by mistake, a string).
    const message = (X: unknown) => {
      const result = withX(X)
      return E.isLeft(result) && result.left.message
    }
    expect(message(E.right([[1]]))).toBe(
      "compare: option 'X': expected a Matrix, CsrMatrix, nested arrays or JSON, found a " +
        'Right (an Either, which Matrix.fromArrays returns): pass its .right',
    )
    expect(message('abc')).toBe(
      "compare: option 'X': expected a Matrix, CsrMatrix, nested arrays or JSON, found a " +
        'string (abc)',
    )
    expect(E.isLeft(withX(5)) && withX(5)).toMatchObject({
      left: {
        message:
          "compare: option 'X': expected a Matrix, CsrMatrix, nested arrays or JSON, " +
          'found a number (5)',
      },
    })
  })

  it('names the factor or X with an entry that is not finite', () => {
    const withNaN = { W: a.W, H: a.H.map((v, i) => (i === 1 ? NaN : v)) }
    expect(refused(compare(withNaN, a))).toEqual({ tag: 'NonFiniteInput', input: 'a.H' })
    expect(refused(compare(a, { W: a.W.map(() => Infinity), H: a.H }))).toEqual({
      tag: 'NonFiniteInput',
      input: 'b.W',
    })
    expect(refused(compare(a, a, { X: Matrix.fill(2, 2, NaN) }))).toEqual({
      tag: 'NonFiniteInput',
      input: 'X',
    })
  })

  it('is set by the checks plugins call, and absent from a metric that overflows', () => {
    const wide = { W: a.W, H: matrix([[1, 1, 1]]) }
    const checked = checkComparable('reconstruction', a, wide, undefined)
    expect(E.isLeft(checked) && checked.left.input).toBe('b.H')
    const huge = { W: matrix([[1e308], [1e308]]), H: matrix([[1e308, 1]]) }
    const tiny = { W: matrix([[-1e308], [0]]), H: huge.H }
    expect(refused(compare(huge, tiny, { comparators: [norms] }))).toEqual({
      tag: 'NonFiniteInput',
      input: undefined,
    })
  })
})

describe('compare refuses an X with a negative entry, as nmf does', () => {
  const pair = { W: matrix([[1], [2]]), H: matrix([[1, 1]]) }
  const negative = matrix([
    [1, -1],
    [0, 2],
  ])

  it('dense or CSR, with the entry and its place, before any comparator runs', () => {
    const { counting, calls } = countingComparator()
    for (const X of [negative, CsrMatrix.fromDense(negative)]) {
      const results: ReadonlyArray<E.Either<NmfError, unknown>> = [
        compare(pair, pair, { X }),
        compare(pair, pair, { comparators: [counting], X }),
        aligned.compare(pair, pair, { X }, { tolerance: 1e-6 }),
      ]
      for (const result of results) {
        if (E.isRight(result)) throw new Error('expected a Left, found a Right')
        expect(result.left).toMatchObject({
          _tag: 'NegativeInput',
          input: 'X',
          row: 0,
          col: 1,
          value: -1,
          message: 'compare: expected X to be non-negative, found -1 at row 0, column 1',
        })
      }
    }
    expect(calls()).toBe(0)
    // nmf's words for the same X.
    const fit = nmf(negative, { components: 1 })
    expect(E.isLeft(fit) && fit.left.message).toBe(
      'nmf: expected X to be non-negative, found -1 at row 0, column 1',
    )
  })

  it('takes negative factors (moving-average makes them), and -0 in X', () => {
    const signed = { W: matrix([[-1], [2]]), H: matrix([[1, -1]]) }
    const X = matrix([
      [-0, 1],
      [2, 0],
    ])
    expect(E.isRight(compare(signed, pair, { X }))).toBe(true)
  })
})

describe('what a comparator plugin is given', () => {
  const X = matrix([
    [1, 2, 0],
    [0, 1, 3],
    [2, 0, 1],
  ])
  const fitOf = (seed: number) => {
    const fit = nmf(X, { components: 2, init: 'random', seed, maxIter: 20 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    return fit.right
  }
  /** A plugin that reports what it was given: nIter, the history's length, identity. */
  const seeing: Comparator<object, object> = {
    name: 'seeing',
    options: optionsCodec('seeing options', {}, {}),
    compare: (a, b) =>
      E.right({
        comparator: 'seeing',
        nIter: [(a as { nIter?: number }).nIter, (b as { nIter?: number }).nIter],
        history: Array.isArray((a as { history?: unknown }).history),
        same: a === b,
      }),
  }

  it("the caller's factorizations' other fields (nIter, history), beside W and H read once", () => {
    const [fa, fb] = [fitOf(1), fitOf(2)]
    const result = compare(fa, fb, { comparators: [seeing] })
    if (E.isLeft(result)) throw new Error(result.left.message)
    expect(result.right.reports[0]).toEqual({
      comparator: 'seeing',
      nIter: [fa.nIter, fb.nIter],
      history: true,
      same: false,
    })
  })

  it('one object for a factorization given twice', () => {
    const fit = fitOf(3)
    const result = compare(fit, fit, { comparators: [seeing] })
    if (E.isLeft(result)) throw new Error(result.left.message)
    expect(result.right.reports[0]).toMatchObject({ same: true })
  })
})

describe('what compare takes from a comparator plugin, as nmf holds a solver plugin to its contract', () => {
  const pair = { W: matrix([[1], [2]]), H: matrix([[1, 1]]) }
  /** A plugin named `name` whose compare returns `result`. */
  const returning = (result: unknown, name: unknown = 'odd'): Comparator =>
    ({
      name,
      options: optionsCodec('odd options', {}, {}),
      compare: () => result,
    }) as Comparator
  const refusal = (comparator: Comparator) => {
    const result = compare(pair, pair, { comparators: [norms, comparator] })
    if (E.isRight(result)) throw new Error('expected a Left, found a Right')
    return result.left
  }
  const onComparators = (message: string) => ({
    _tag: 'InvalidOption',
    operation: 'compare',
    option: 'comparators',
    message: `compare: option 'comparators': ${message}`,
  })

  it('an NmfError in a Left as it is, and anything else as an error on comparators', () => {
    const own = checkComparable('odd', pair, pair, matrix([[1, 2]]))
    if (E.isRight(own)) throw new Error('expected a Left, found a Right')
    expect(refusal(returning(own))).toBe(own.left)
    expect(refusal(returning(E.left('oops')))).toEqual(
      onComparators(
        "comparator 'odd': its compare returned a Left of 'oops', expected an NmfError in a " +
          'Left (e.g. the Left of checkComparable)',
      ),
    )
    // A tag nmfkit does not know, or a known one without an operation, is no NmfError.
    for (const left of [
      { _tag: 'NotAKind', operation: 'odd', message: 'custom' },
      { _tag: 'InvalidOption', option: 'x', message: 'custom' },
    ]) {
      expect(refusal(returning(E.left(left))).message).toBe(
        "compare: option 'comparators': comparator 'odd': its compare returned a Left of an " +
          `object with _tag '${left._tag}', expected an NmfError in a Left (e.g. the Left of ` +
          'checkComparable)',
      )
    }
    expect(refusal(returning(E.left(undefined))).message).toContain('a Left of undefined,')
    // An Error is 'an Error' (it was 'a Error').
    expect(refusal(returning(E.left(new Error('boom')))).message).toContain('a Left of an Error,')
    const trap = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom')
        },
      },
    )
    expect(refusal(returning(E.left(trap))).message).toContain(
      'a Left of an object that threw Error: boom when read,',
    )
  })

  it('a report that is no object, or does not name its comparator, is an error on comparators', () => {
    expect(refusal(returning(E.right({ comparator: 'other' })))).toEqual(
      onComparators(
        "comparator 'odd': its compare returned a report whose comparator field is 'other', " +
          "expected 'odd' (a report names the comparator that made it)",
      ),
    )
    expect(refusal(returning(E.right({ value: 1 }))).message).toBe(
      "compare: option 'comparators': comparator 'odd': its compare returned a report whose " +
        "comparator field is undefined, expected 'odd' (a report names the comparator that " +
        'made it)',
    )
    for (const [report, found] of [
      [5, 'a number (5)'],
      [null, 'null'],
      [[{ comparator: 'odd' }], 'an array'],
    ] as const) {
      expect(refusal(returning(E.right(report))).message).toBe(
        `compare: option 'comparators': comparator 'odd': its compare returned ${found} as ` +
          "its report, expected an object whose comparator field is 'odd'",
      )
    }
    const unreadable = Object.defineProperty({}, 'comparator', {
      get: () => {
        throw new Error('boom')
      },
    })
    expect(refusal(returning(E.right(unreadable))).message).toBe(
      "compare: option 'comparators': comparator 'odd': its compare returned a report that " +
        'threw Error: boom when read',
    )
    // What a report holds besides its name is the plugin's to choose.
    const result = compare(pair, pair, {
      comparators: [returning(E.right({ comparator: 'odd', count: 12n }))],
    })
    expect(E.isRight(result) && result.right.reports).toEqual([{ comparator: 'odd', count: 12n }])
  })

  it('an optionsCodec whose defaults its props refuse, or a prop that is no codec, before any runs', () => {
    const { counting, calls } = countingComparator()
    const made = (props: t.Props, defaults: object) => ({
      ...reconstruction,
      options: optionsCodec('r', props, defaults) as typeof reconstruction.options,
    })
    expect(
      compare(pair, pair, {
        comparators: [counting, made({ tolerance: t.number }, { tolerance: 'x' })],
      }),
    ).toEqual(
      E.left(
        onComparators(
          "expected the options codec of comparator 'reconstruction' (optionsCodec 'r') to " +
            'have defaults.tolerance, number (as its props.tolerance decodes), found a string (x)',
        ),
      ),
    )
    const notCodec = made({ tolerance: 5 } as never, { tolerance: 0.05 })
    expect(
      compare(pair, pair, {
        comparators: [counting, withOptions(notCodec, { tolerance: 0.1 })],
      }),
    ).toEqual(
      E.left(
        onComparators(
          "expected the options codec of comparator 'reconstruction' (optionsCodec 'r') to " +
            'have props.tolerance, an io-ts codec, found a number (5)',
        ),
      ),
    )
    expect(calls()).toBe(0)
    // An option without a default is required, as a solver plugin's is.
    const required = compare(pair, pair, { comparators: [made({ tolerance: t.number }, {})] })
    expect(E.isLeft(required) && required.left).toEqual({
      _tag: 'InvalidOption',
      operation: 'compare',
      option: 'reconstruction.tolerance',
      message:
        "compare: option 'reconstruction.tolerance': expected number, found none (it is " +
        "required: 'r' has no default for it)",
    })
  })

  it('a comparator without a name, a non-empty string, is refused before any runs', () => {
    const { counting, calls } = countingComparator()
    for (const [name, found] of [
      [undefined, 'undefined'],
      [5, 'a number (5)'],
      ['', 'an empty string'],
    ] as const) {
      const nameless = withOptions(
        { ...reconstruction, name } as unknown as typeof reconstruction,
        { tolerance: -1 },
      )
      const result = compare(pair, pair, { comparators: [counting, nameless] })
      expect(result).toEqual(
        E.left(
          onComparators(
            `expected the comparator at index 1 to have name, a non-empty string, found ${found}`,
          ),
        ),
      )
    }
    expect(calls()).toBe(0)
  })
})
