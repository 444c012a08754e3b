/**
 * Bad input to `nmf` and `initialize`: each gets a tagged error whose message says what
 * and where.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { CsrMatrix, Matrix, cd, compare, initialize, nmf, transform, type NmfError } from 'nmfkit'

const X = [
  [1, 0, 2],
  [0, 3, 1],
  [1, 1, 1],
]

const failure = (result: E.Either<NmfError, unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

const dense = (rows: number, cols: number, value: number): Matrix => Matrix.fill(rows, cols, value)

describe('nmf rejects bad X', () => {
  it.each([
    [
      'a negative entry',
      [
        [1, -2],
        [0, 1],
      ],
      'NegativeInput',
      'nmf: expected X to be non-negative, found -2 at row 0, column 1',
    ],
    [
      'NaN',
      [
        [1, NaN],
        [0, 1],
      ],
      'NonFiniteInput',
      'nmf: expected X to be finite, found NaN at row 0, column 1',
    ],
    [
      'Infinity',
      [
        [1, 2],
        [Infinity, 1],
      ],
      'NonFiniteInput',
      'nmf: expected X to be finite, found Infinity at row 1, column 0',
    ],
    [
      '-Infinity',
      [
        [1, 2],
        [1, -Infinity],
      ],
      'NonFiniteInput',
      'found -Infinity at row 1, column 1',
    ],
    ['no rows', [], 'InvalidMatrix', 'expected at least one row and one column, found 0×0'],
    ['an empty row', [[]], 'InvalidMatrix', 'expected at least one row and one column, found 1×0'],
    [
      'a ragged row',
      [[1, 2], [1]],
      'InvalidMatrix',
      'expected row 1 to have 2 entries (as row 0), found 1',
    ],
  ])('%s', (_label, input, tag, message) => {
    const error = failure(nmf(input as number[][], { components: 1 }))
    expect(error._tag).toBe(tag)
    expect(error.message).toContain(message)
  })

  it('NaN hidden in a CSR matrix', () => {
    const csr = CsrMatrix.fromParts(2, 3, [0, 1, 2], [2, 0], [1, NaN])
    if (E.isLeft(csr)) throw new Error(csr.left.message)
    expect(failure(nmf(csr.right, { components: 1 })).message).toBe(
      'nmf: expected X to be finite, found NaN at row 1, column 0',
    )
  })
})

describe('nmf rejects bad options', () => {
  it.each([
    [{ components: 0 }, "nmf: option 'components': expected an integer ≥ 1, found 0"],
    [{ components: 1.5 }, "nmf: option 'components': expected an integer ≥ 1, found 1.5"],
    [{}, "nmf: option 'components': is required: expected an integer ≥ 1"],
    [{ components: 1, maxIter: 0 }, "nmf: option 'maxIter': expected an integer ≥ 1, found 0"],
    // Past 2^53 an integer can no longer be counted to: a loop to it would never end.
    [
      { components: 1, maxIter: 1e300 },
      "nmf: option 'maxIter': expected an integer ≥ 1, found 1e+300",
    ],
    [{ components: 1, tol: -1 }, "nmf: option 'tol': expected a finite number ≥ 0, found -1"],
    [{ components: 1, l1Ratio: 2 }, "nmf: option 'l1Ratio': expected a number in [0, 1], found 2"],
    [
      { components: 1, alphaW: -0.5 },
      "nmf: option 'alphaW': expected a finite number ≥ 0, found -0.5",
    ],
    [
      { components: 1, alphaH: 'x' },
      'nmf: option \'alphaH\': expected a finite number ≥ 0, found "x"',
    ],
    [{ components: 1, seed: 1.5 }, "nmf: option 'seed': expected an integer, found 1.5"],
    [{ components: 1, shuffle: 'yes' }, 'nmf: option \'shuffle\': expected boolean, found "yes"'],
    [
      { components: 1, foo: 1 },
      "nmf: option 'foo': not a known option; known options are components, solver, init",
    ],
    [{ components: 1, gamma: 0.5 }, "nmf: option 'gamma': not a known option"],
    [
      { components: 1, solver: 'moving-average', gamma: 0 },
      "nmf: option 'gamma': expected a number in (0, 1], found 0",
    ],
    [
      { components: 1, solver: 'moving-average', gamma: 1.5 },
      "nmf: option 'gamma': expected a number in (0, 1], found 1.5",
    ],
    [
      { components: 1, solver: 'als' },
      "nmf: option 'solver': expected one of 'cd', 'moving-average', 'mu' or a solver plugin, " +
        "found 'als'",
    ],
    [
      { components: 1, init: 'svd' },
      "nmf: option 'init': expected one of 'random', 'nndsvd', 'nndsvda', 'nndsvdar' " +
        "or { W, H }, found 'svd'",
    ],
    [
      { components: 4, init: 'nndsvd' },
      "option 'init': 'nndsvd' needs components ≤ min(samples, features) = 3, found 4",
    ],
  ])('%j', (options, message) => {
    const error = failure(nmf(X, options as never))
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toContain(message)
  })

  it('the moving-average options are known to it', () => {
    const fit = nmf(X, { components: 1, solver: 'moving-average', gamma: 0.5, nonnegative: true })
    expect(E.isRight(fit)).toBe(true)
  })
})

describe('penalties go only to a solver that applies them', () => {
  const refusal = (name: string, found: string) =>
    `nmf: option '${found.slice(0, 6)}': solver '${name}' does not apply penalties (its capabilities.penalties is not ` +
    `true), found ${found}: leave alphaW and alphaH at 0, or use a solver that applies ` +
    `them ('cd', 'mu')`

  it.each([
    [{ alphaW: 1 }, "alphaW 1 and alphaH 'same'"],
    [{ alphaW: 0.5, alphaH: 0 }, 'alphaW 0.5'],
    [{ alphaH: 0.25 }, 'alphaH 0.25'],
    [{ alphaW: 0.5, alphaH: 2, l1Ratio: 1 }, 'alphaW 0.5 and alphaH 2'],
  ])('moving-average refuses %o instead of fitting without them', (penalties, found) => {
    const error = failure(nmf(X, { components: 1, solver: 'moving-average', ...penalties }))
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toBe(refusal('moving-average', found))
  })

  it('a plugin refuses them unless its capabilities declare them', () => {
    const plugin = { ...cd, name: 'cd-copy', capabilities: { ...cd.capabilities } }
    const { penalties: _applies, ...undeclared } = cd.capabilities
    const silent = { ...plugin, capabilities: undeclared }
    expect(failure(nmf(X, { components: 1, solver: silent, alphaW: 1 })).message).toBe(
      refusal('cd-copy', "alphaW 1 and alphaH 'same'"),
    )
    // Declared, the same solver applies them: the fit differs from one without.
    const withPenalties = nmf(X, { components: 1, solver: plugin, alphaW: 1, maxIter: 5 })
    const without = nmf(X, { components: 1, solver: plugin, maxIter: 5 })
    if (E.isLeft(withPenalties) || E.isLeft(without)) throw new Error('expected two fits')
    expect(withPenalties.right.W.toArray()).not.toEqual(without.right.W.toArray())
  })

  it('l1Ratio alone sets no penalty, and nothing is refused', () => {
    expect(E.isRight(nmf(X, { components: 1, solver: 'moving-average', l1Ratio: 1 }))).toBe(true)
    expect(E.isRight(nmf(X, { components: 1, solver: 'moving-average', alphaW: 0 }))).toBe(true)
  })
})

describe('custom init is checked', () => {
  it.each([
    [
      'W of the wrong shape',
      { W: dense(2, 2, 1), H: dense(2, 3, 1) },
      'ShapeMismatch',
      'nmf: expected custom W to have shape 3×2, found 2×2',
    ],
    [
      'H of the wrong shape',
      { W: dense(3, 2, 1), H: dense(2, 4, 1) },
      'ShapeMismatch',
      'nmf: expected custom H to have shape 2×3, found 2×4',
    ],
    [
      'a negative W',
      { W: dense(3, 2, -1), H: dense(2, 3, 1) },
      'NegativeInput',
      'nmf: expected custom W to be non-negative, found -1 at row 0, column 0',
    ],
    [
      'an all-zero H',
      { W: dense(3, 2, 1), H: dense(2, 3, 0) },
      'InvalidMatrix',
      'nmf: expected custom H to have a non-zero entry, found only zeros',
    ],
    [
      'NaN in W',
      { W: dense(3, 2, NaN), H: dense(2, 3, 1) },
      'NonFiniteInput',
      'nmf: expected custom W to be finite, found NaN at row 0, column 0',
    ],
  ])('%s', (_label, init, tag, message) => {
    const error = failure(nmf(X, { components: 2, init }))
    expect(error._tag).toBe(tag)
    expect(error.message).toBe(message)
  })

  it('initialize checks components too', () => {
    expect(failure(initialize(X, 0)).message).toBe(
      "initialize: option 'components': expected an integer ≥ 1, found 0",
    )
  })
})

describe('legal edge cases give finite factors', () => {
  it.each(['cd', 'moving-average'])('a zero row and a zero column with %s', (solver) => {
    const withZeros = [
      [0, 0, 0, 0],
      [1, 2, 0, 3],
      [3, 1, 0, 1],
      [2, 2, 0, 0],
    ]
    for (const init of ['random', 'nndsvd', 'nndsvda', 'nndsvdar'] as const) {
      const fit = nmf(withZeros, { components: 2, solver, init })
      if (E.isLeft(fit)) throw new Error(fit.left.message)
      const { W, H } = fit.right
      for (const value of [...W.toFloat64Array(), ...H.toFloat64Array()]) {
        expect(Number.isFinite(value)).toBe(true)
      }
      expect(Number.isFinite(fit.right.reconstructionError)).toBe(true)
      if (solver === 'cd') {
        // With cd, the row of W for the zero row and the column of H for the zero column go to
        // zero.
        expect(W.row(0)).toEqual([0, 0])
        expect(H.column(2)).toEqual([0, 0])
      }
    }
  })

  it('more components than min(samples, features) falls back to the random init', () => {
    const fit = nmf(X, { components: 4 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.options.init).toBe('random')
    expect(fit.right.W.cols).toBe(4)
  })
})

describe('what a JavaScript caller may pass', () => {
  it('custom init as nested arrays works like Matrix values', () => {
    const W = [
      [1, 1],
      [1, 1],
      [1, 1],
    ]
    const H = [
      [1, 1, 1],
      [1, 0, 1],
    ]
    const fromArrays = nmf(X, { components: 2, init: { W, H } as never, maxIter: 5 })
    const fromMatrices = nmf(X, {
      components: 2,
      init: { W: Matrix.fill(3, 2, 1), H: Matrix.fromArrays(H) as never },
      maxIter: 5,
    })
    expect(E.isRight(fromArrays)).toBe(true)
    if (E.isRight(fromArrays) && E.isRight(fromMatrices)) {
      expect(fromArrays.right.W.toArray()).toEqual(fromMatrices.right.W.toArray())
    }
  })

  it('no options is an error, not a TypeError', () => {
    expect(failure(nmf(X, undefined as never)).message).toBe(
      "nmf: option 'options': expected an object (e.g. { components: 2 }), found undefined",
    )
  })

  it('a string entry is an error that names it, not a coercion', () => {
    expect(
      failure(
        nmf(
          [
            [1, '2' as never],
            [3, 4],
          ],
          { components: 1 },
        ),
      ).message,
    ).toBe('nmf: X: Matrix.fromArrays: expected a number at row 0, column 1, found "2"')
  })

  it('compare checks its arguments', () => {
    const fit = nmf(X, { components: 2 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(failure(compare(fit.right, undefined as never)).message).toBe(
      'compare: expected the second factorization to have Matrix fields W and H, found undefined',
    )
    expect(
      failure(compare(fit.right, fit.right, { comparators: ['norms' as never] })).message,
    ).toBe(
      "compare: option 'comparators': expected comparator values (e.g. norms, aligned) or " +
        "withOptions(...), found 'norms' at index 0",
    )
    expect(failure(compare(fit.right, fit.right, { foo: 1 } as never)).message).toBe(
      "compare: option 'foo': not a known option; known options are comparators, X",
    )
  })

  it('transform takes H as nested arrays too', () => {
    const fit = nmf(X, { components: 2 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    const fromArrays = transform(X, fit.right.H.toArray() as never)
    const fromMatrix = transform(X, fit.right.H)
    if (E.isLeft(fromArrays) || E.isLeft(fromMatrix)) throw new Error('transform failed')
    expect(fromArrays.right.W.toArray()).toEqual(fromMatrix.right.W.toArray())
    expect(failure(transform(X, undefined as never)).message).toBe(
      'transform: expected H as a Matrix or nested arrays, found undefined',
    )
  })
})
