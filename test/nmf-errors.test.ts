/**
 * Bad input to `nmf` and `initialize`: each gets a tagged error whose message says what
 * and where.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  aligned,
  createRng,
  betaDivergence,
  fromJSON,
  cd,
  compare,
  frobeniusError,
  initialize,
  inverseTransform,
  maximumAssignment,
  movingAverage,
  nmf,
  setKernelThreads,
  transform,
  withOptions,
  type AnySolver,
  type NmfError,
} from 'nmfkit'
import { reconstruction } from '../examples/plugins/comparator-plugin.ts'
import { relaxedCd } from '../examples/plugins/solver-plugin.ts'
// Internal: the penalties' scaling.
import { penalties } from '../solvers/setup.ts'
import { valuesOf } from '../core/matrix.ts'
import { unwrap } from './fixture-helpers.ts'

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

describe('an Either where a matrix belongs says so', () => {
  // Matrix.fromArrays and its relatives return an Either; forgetting `.right` is easy.
  const made = Matrix.fromArrays([
    [1, 2],
    [3, 4],
  ])
  const failed = Matrix.fromArrays([[1, 2], [3]])
  const right = 'found a Right (an Either, which Matrix.fromArrays returns): pass its .right'

  it.each([
    [
      'nmf, X',
      () => nmf(made as never, { components: 1 }),
      `nmf: expected X as a Matrix, CsrMatrix, nested arrays or JSON, ${right}`,
    ],
    [
      'betaDivergence, X',
      () => betaDivergence(made as never, unwrap(made), unwrap(made), 2),
      `betaDivergence: expected X as a Matrix, CsrMatrix, nested arrays or JSON, ${right}`,
    ],
    [
      'transform, H',
      () => transform(unwrap(made), made as never),
      `transform: expected H as a Matrix or nested arrays, ${right}`,
    ],
    [
      'inverseTransform, W',
      () => inverseTransform(made as never, unwrap(made)),
      `inverseTransform: expected W as a Matrix or nested arrays, ${right}`,
    ],
    [
      'nmf, a Left',
      () => nmf(failed as never, { components: 1 }),
      'nmf: expected X as a Matrix, CsrMatrix, nested arrays or JSON, found a Left (an ' +
        'Either holding "Matrix.fromArrays: expected row 1 to have 2 entries (as row 0), ' +
        'found 1"): no matrix was made',
    ],
  ])('%s', (_name, run, message) => {
    const result: E.Either<NmfError, unknown> = run()
    if (E.isRight(result)) throw new Error('expected a Left')
    expect(result.left._tag).toBe('InvalidMatrix')
    expect(result.left.message).toBe(message)
  })
})

describe('nmf rejects bad options', () => {
  it.each([
    [{ components: 0 }, "nmf: option 'components': expected an integer ≥ 1, found 0"],
    [{ components: 1.5 }, "nmf: option 'components': expected an integer ≥ 1, found 1.5"],
    [{}, "nmf: option 'components': expected an integer ≥ 1, found none (it is required)"],
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
      "nmf: option 'alphaH': expected a finite number ≥ 0 or 'same', found \"x\"",
    ],
    [
      { components: 1, seed: 1.5 },
      "nmf: option 'seed': expected an integer of at most 2^53 − 1 in size, found 1.5",
    ],
    [
      { components: 1, seed: 2 ** 60 },
      "nmf: option 'seed': expected an integer of at most 2^53 − 1 in size, found " +
        '1152921504606847000',
    ],
    [
      { components: 1, solver: null },
      "nmf: option 'solver': expected a solver name or plugin, found null",
    ],
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
    `nmf: option '${found.slice(0, 6)}': solver '${name}' does not apply penalties ` +
    '(its capabilities.penalties is not ' +
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

  it("an all-zero X takes all-zero factors, initialize's start for it, as nmf's own starts give", () => {
    const zero = dense(3, 3, 0)
    const start = unwrap(initialize(zero, 2))
    expect(valuesOf(start.W).every((v) => v === 0)).toBe(true)
    for (const solver of ['cd', 'mu', 'moving-average'] as const) {
      const fromStart = unwrap(nmf(zero, { components: 2, init: start, solver }))
      const own = unwrap(nmf(zero, { components: 2, solver }))
      expect([fromStart.nIter, fromStart.reconstructionError]).toEqual([own.nIter, 0])
      expect(valuesOf(fromStart.W).every((v) => v === 0)).toBe(true)
    }
    // Where X has an entry, zeros cannot grow into a fit of it: refused, as before.
    const one = unwrap(
      Matrix.fromArrays([
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    )
    expect(failure(nmf(one, { components: 2, init: start })).message).toBe(
      'nmf: expected custom W to have a non-zero entry, found only zeros',
    )
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

describe('a value of any kind in an option is described in a Left, never thrown', () => {
  const circular: Record<string, unknown> = {}
  circular.self = circular
  const throwingGetter = {
    get value(): number {
      throw new Error('read')
    },
  }
  const values: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a BigInt', 2n, '2n (a BigInt)'],
    ['a circular object', circular, 'an object'],
    ['an object holding a BigInt', { k: 2n }, 'an object'],
    ['an object whose getter throws', throwingGetter, 'an object'],
    ['a symbol', Symbol('k'), 'a symbol (Symbol(k))'],
    ['a function', () => 2, 'a function'],
    // Not as the primitive itself: 'expected an integer ≥ 1, found 2' would contradict itself.
    ['a Number object', new Number(2), '2 (a Number object)'],
    ['a String object', new String('2'), '"2" (a String object)'],
  ]
  const fit = nmf(X, { components: 2, init: 'random' })
  if (E.isLeft(fit)) throw new Error(fit.left.message)
  const { H } = fit.right
  const calls: ReadonlyArray<readonly [string, (value: unknown) => E.Either<NmfError, unknown>]> = [
    ["nmf: option 'components'", (value) => nmf(X, { components: value as number })],
    ["nmf: option 'seed'", (value) => nmf(X, { components: 1, seed: value as number })],
    ["nmf: option 'tol'", (value) => nmf(X, { components: 1, tol: value as number })],
    [
      "nmf: option 'betaLoss'",
      (value) => nmf(X, { components: 1, solver: 'mu', betaLoss: value as number }),
    ],
    [
      "nmf: option 'gamma'",
      (value) => nmf(X, { components: 1, solver: 'moving-average', gamma: value as number }),
    ],
    [
      "nmf: option 'step'",
      (value) => nmf(X, { components: 1, solver: relaxedCd, step: value as number }),
    ],
    ["transform: option 'maxIter'", (value) => transform(X, H, { maxIter: value as number })],
    ["initialize: option 'components'", (value) => initialize(X, value as number)],
    [
      "compare: option 'aligned.tolerance'",
      (value) =>
        compare(fit.right, fit.right, {
          comparators: [withOptions(aligned, { tolerance: value as number })],
        }),
    ],
    [
      "compare: option 'reconstruction.tolerance'",
      (value) =>
        compare(fit.right, fit.right, {
          comparators: [withOptions(reconstruction, { tolerance: value as number })],
        }),
    ],
  ]
  const cases = calls.flatMap(([where, call]) =>
    values.map(([kind, value, found]) => [where, kind, call, value, found] as const),
  )

  it.each(cases)('%s: %s', (where, _kind, call, value, found) => {
    const error = failure(call(value))
    expect(error._tag).toBe('InvalidOption')
    expect(error.message).toMatch(new RegExp(`^${where}: expected .+, found `))
    expect(error.message.endsWith(`, found ${found}`)).toBe(true)
  })
})

describe('options are read by name, however an object has them', () => {
  it('inherited (Object.create(defaults)): 3 iterations, not 200', () => {
    const defaults = { maxIter: 3, tol: 0 }
    const own = (extra: object) => Object.assign(Object.create(defaults) as object, extra)
    const fit = nmf(X, own({ components: 2 }) as never)
    expect(E.isRight(fit) && fit.right.nIter).toBe(3)
    const H = E.isRight(fit) ? fit.right.H : undefined
    const transformed = transform(X, H as Matrix, own({}) as never)
    expect(E.isRight(transformed) && transformed.right.nIter).toBe(3)
    const seeded = initialize(X, 2, Object.assign(Object.create({ init: 'random' }), { seed: 5 }))
    expect(seeded).toEqual(initialize(X, 2, { init: 'random', seed: 5 }))
  })

  it("a class's getters and properties that are not enumerable, as reading by name did", () => {
    class Options {
      get components() {
        return 2
      }
      get maxIter() {
        return 3
      }
    }
    const fit = nmf(X, new Options() as never)
    expect(E.isRight(fit) && fit.right.nIter).toBe(3)
    const hidden = Object.defineProperty({ components: 2 }, 'maxIter', { value: 4 })
    const fitted = nmf(X, hidden)
    expect(E.isRight(fitted) && fitted.right.nIter).toBe(4)
    // A solver's own option, known once the solver is: moving-average's gamma.
    const gamma = Object.defineProperty(
      { components: 2, solver: 'moving-average', maxIter: 5, tol: 0 },
      'gamma',
      { value: 0.5 },
    )
    expect(nmf(X, gamma as never)).toEqual(
      nmf(X, { components: 2, solver: 'moving-average', maxIter: 5, tol: 0, gamma: 0.5 }),
    )
    const H = E.isRight(fit) ? fit.right.H : undefined
    const transformed = transform(
      X,
      H as Matrix,
      new (class {
        get maxIter() {
          return 3
        }
      })() as never,
    )
    expect(E.isRight(transformed) && transformed.right.nIter).toBe(3)
    const seeded = initialize(
      X,
      2,
      new (class {
        get init() {
          return 'random' as const
        }
        get seed() {
          return 5
        }
      })(),
    )
    expect(seeded).toEqual(initialize(X, 2, { init: 'random', seed: 5 }))
  })

  it("what a prototype adds besides options is not an option (a constructor's method)", () => {
    function Options(this: Record<string, unknown>) {
      this.components = 2
      this.maxIter = 3
    }
    Options.prototype.helper = () => 0
    const fit = nmf(X, new (Options as unknown as new () => object)() as never)
    expect(E.isRight(fit) && fit.right.nIter).toBe(3)
  })
})

describe('a getter or Proxy that throws when nmfkit reads it is an error on its option', () => {
  const boom = (): never => {
    throw new Error('boom')
  }
  /** An object whose `key` is a getter that throws. */
  const throwing = (key: string, base: object = {}): never =>
    Object.defineProperty({ ...base }, key, { get: boom, enumerable: true }) as never
  const trap = new Proxy({}, { get: boom, has: boom, ownKeys: boom }) as never
  const optionOf = (result: E.Either<NmfError, unknown>): string | undefined =>
    (failure(result) as { option?: string }).option
  const refused = (result: E.Either<NmfError, unknown>) => {
    const { _tag, message } = failure(result)
    return { _tag, option: optionOf(result), message }
  }
  const fit = nmf(X, { components: 2 })
  if (E.isLeft(fit)) throw new Error(fit.left.message)
  const { H } = fit.right

  it('onIteration: not a function, named as the other options are', () => {
    expect(refused(nmf(X, { components: 1, onIteration: null as never }))).toEqual({
      _tag: 'InvalidOption',
      option: 'onIteration',
      message: "nmf: option 'onIteration': expected a function, found null",
    })
    expect(failure(transform(X, H, { onIteration: 3 as never })).message).toBe(
      "transform: option 'onIteration': expected a function, found 3",
    )
  })

  it('signal: its aborted throwing when read, at validation (it threw out of nmf)', () => {
    const signal = throwing('aborted')
    expect(refused(nmf(X, { components: 1, signal }))).toEqual({
      _tag: 'InvalidOption',
      option: 'signal',
      message:
        "nmf: option 'signal': expected an AbortSignal, found an object whose aborted threw " +
        'Error: boom when read',
    })
    expect(failure(transform(X, H, { signal })).message).toBe(
      "transform: option 'signal': expected an AbortSignal, found an object whose aborted " +
        'threw Error: boom when read',
    )
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(failure(nmf(X, { components: 1, signal: proxy as never })).message).toMatch(
      /^nmf: option 'signal': .* whose aborted threw TypeError: .*revoked when read$/,
    )
  })

  it('signal: its aborted throwing only during the fit, after the iteration it throws', () => {
    let reads = 0
    const signal = {
      get aborted(): boolean {
        reads++
        // Read when the options are checked, before the first iteration, after the first.
        if (reads > 3) throw new TypeError('gone')
        return false
      },
    } as AbortSignal
    expect(refused(nmf(X, { components: 1, signal, tol: 0 }))).toEqual({
      _tag: 'InvalidOption',
      option: 'signal',
      message:
        "nmf: option 'signal': expected an AbortSignal, found an object whose aborted threw " +
        'TypeError: gone when read after iteration 2',
    })
  })

  it('the options object: a key that throws, keys that cannot be listed; each read once', () => {
    expect(refused(nmf(X, throwing('tol', { components: 1 })))).toEqual({
      _tag: 'InvalidOption',
      option: 'tol',
      message:
        "nmf: option 'tol': expected a value that can be read, found one that threw " +
        'Error: boom when read',
    })
    expect(failure(nmf(X, trap)).message).toBe(
      "nmf: option 'options': expected an object (e.g. { components: 2 }), found one that " +
        'threw Error: boom when its keys were listed',
    )
    expect(optionOf(transform(X, H, trap))).toBe('options')
    expect(optionOf(initialize(X, 1, throwing('seed')))).toBe('seed')
    const reads: Record<string, number> = {}
    const counted = Object.fromEntries(
      Object.entries({ components: 1, tol: 1e-3, solver: 'mu', init: 'random' }).map(
        ([key, value]) => [key, value],
      ),
    )
    const watched = new Proxy(counted, {
      get: (target, key, receiver) => {
        if (typeof key === 'string') reads[key] = (reads[key] ?? 0) + 1
        return Reflect.get(target, key, receiver) as unknown
      },
    })
    expect(E.isRight(nmf(X, watched as never))).toBe(true)
    expect(reads).toEqual({ components: 1, tol: 1, solver: 1, init: 1 })
  })

  it('init: { W, H } whose W or H throws when read', () => {
    const init = throwing('W', { H })
    const message =
      "option 'init': expected a strategy name or { W, H }, found an object that threw " +
      'Error: boom when read'
    expect(refused(nmf(X, { components: 2, init }))).toEqual({
      _tag: 'InvalidOption',
      option: 'init',
      message: `nmf: ${message}`,
    })
    expect(failure(initialize(X, 2, { init })).message).toBe(`initialize: ${message}`)
    expect(optionOf(nmf(X, { components: 2, init: trap }))).toBe('init')
  })

  it("solver: a plugin's member, capabilities or options that throw when read", () => {
    const plugin = (changes: object): never => ({ ...cd, name: 'mine', ...changes }) as never
    const solverError = (solver: never) => {
      const error = failure(nmf(X, { components: 1, solver }))
      expect(error).toMatchObject({ _tag: 'InvalidOption', option: 'solver' })
      return error.message
    }
    expect(solverError(throwing('step', { ...cd, name: 'mine' }))).toBe(
      "nmf: option 'solver': expected the solver plugin 'mine' to have step, a function, " +
        'found one that threw Error: boom when read',
    )
    expect(solverError(throwing('name', cd))).toBe(
      "nmf: option 'solver': expected the solver plugin to have name, a non-empty string, " +
        'found one that threw Error: boom when read',
    )
    expect(solverError(plugin({ capabilities: throwing('penalties', cd.capabilities) }))).toBe(
      "nmf: option 'solver': expected the solver plugin 'mine' to have " +
        'capabilities.penalties, true, false or nothing, found one that threw Error: boom ' +
        'when read',
    )
    expect(solverError(plugin({ optionProps: trap }))).toBe(
      "nmf: option 'solver': expected the solver plugin 'mine' to have optionProps and " +
        'defaults that can be read, found one that threw Error: boom when read',
    )
    expect(
      solverError(plugin({ optionProps: { x: throwing('is', t.number) }, defaults: {} })),
    ).toBe(
      "nmf: option 'solver': expected the solver plugin 'mine' to have optionProps.x, an " +
        'io-ts codec, found one that threw Error: boom when read',
    )
    expect(solverError(trap)).toBe(
      "nmf: option 'solver': expected a solver name or plugin, found an object that threw " +
        'Error: boom when read',
    )
    // As nmf calls it: an option that is no solver, not a solver without a transform.
    expect(refused(transform(X, H, { solver: trap }))).toEqual({
      _tag: 'InvalidOption',
      option: 'solver',
      message:
        "transform: option 'solver': expected solver 'cd' or 'mu' (the name, or nmfkit's own " +
        'cd or mu value), found an object that threw Error: boom when read',
    })
    expect(refused(transform(X, H, { solver: new Proxy(cd, { get: boom }) as never })).option).toBe(
      'solver',
    )
  })

  it('compare: a factorization, an option or a comparator entry that throws when read', () => {
    const first = failure(compare(throwing('W', fit.right), fit.right))
    expect(first).toMatchObject({ _tag: 'InvalidMatrix', input: 'a' })
    expect(first.message).toBe(
      'compare: expected the first factorization to have Matrix fields W and H, found an ' +
        'object that threw Error: boom when read',
    )
    expect(optionOf(compare(fit.right, fit.right, throwing('X')))).toBe('X')
    const prototypeTrap = new Proxy({}, { getPrototypeOf: boom }) as never
    expect(failure(compare(fit.right, fit.right, { X: prototypeTrap })).message).toBe(
      "compare: option 'X': expected a Matrix, CsrMatrix, nested arrays or JSON, found an " +
        'object that threw ' +
        'Error: boom when read',
    )
    for (const entry of [trap, throwing('compare', reconstruction), throwing('options', {})]) {
      expect(failure(compare(fit.right, fit.right, { comparators: [entry] })).message).toBe(
        "compare: option 'comparators': expected comparator values (e.g. norms, aligned) or " +
          'withOptions(...), found one that threw Error: boom when read at index 0',
      )
    }
    // Not an array: it threw that comparators.findIndex is not a function.
    expect(failure(compare(fit.right, fit.right, { comparators: 'norms' as never })).message).toBe(
      "compare: option 'comparators': expected an array of comparators (e.g. [norms, aligned]), " +
        "found 'norms'",
    )
  })

  it("compare: a comparator's options with a getter or Proxy that throws", () => {
    const refusal = (options: object) =>
      refused(compare(fit.right, fit.right, { comparators: [withOptions(aligned, options)] }))
    expect(refusal(throwing('tolerance'))).toEqual({
      _tag: 'InvalidOption',
      option: 'aligned.tolerance',
      message:
        "compare: option 'aligned.tolerance': expected a value that can be read, found one " +
        'that threw Error: boom when read',
    })
    expect(refusal(new Proxy({}, { ownKeys: boom }))).toEqual({
      _tag: 'InvalidOption',
      option: 'aligned',
      message:
        "compare: option 'aligned': expected an object of options, found one that threw " +
        'Error: boom when its keys were listed',
    })
    expect(refusal(trap).option).toBe('aligned')
    // An unknown key is refused as such, before its value is read.
    expect(refusal(throwing('tol')).message).toBe(
      "compare: option 'aligned.tol': not a known option; known options are tolerance",
    )
  })

  it('compare: a comparator plugin whose compare or decode returns no Either', () => {
    const returning = (compareResult: unknown, decoded: unknown = E.right({})) =>
      ({
        name: 'odd',
        options: { decode: () => decoded },
        compare: () => compareResult,
      }) as never
    expect(failure(compare(fit.right, fit.right, { comparators: [returning(undefined)] }))).toEqual(
      expect.objectContaining({
        _tag: 'InvalidOption',
        option: 'comparators',
        message:
          "compare: option 'comparators': comparator 'odd': its compare returned undefined, " +
          'expected an Either (E.right(...) or E.left(...))',
      }),
    )
    expect(
      failure(compare(fit.right, fit.right, { comparators: [returning(E.right(1), 5)] })).message,
    ).toBe(
      "compare: option 'comparators': comparator 'odd': its options codec's decode returned " +
        'a number (5), expected an Either (E.right(...) or E.left(...))',
    )
    // A Left that is no io-ts Errors: the option is named, the detail generic.
    expect(
      failure(compare(fit.right, fit.right, { comparators: [returning(E.right(1), E.left(7))] }))
        .message,
    ).toBe("compare: option 'odd': invalid value")
  })

  it('a matrix as nested arrays or JSON that throws when read: InvalidMatrix on its input', () => {
    const row = Object.defineProperty([1, 2, 3], 1, { get: boom })
    const refusal = (result: E.Either<NmfError, unknown>) => {
      const { _tag, input, message } = failure(result)
      return { _tag, input, message }
    }
    expect(refusal(nmf([row, [1, 1, 1]], { components: 1 }))).toEqual({
      _tag: 'InvalidMatrix',
      input: 'X',
      message:
        'nmf: expected X as a Matrix, CsrMatrix, nested arrays or JSON, found one that threw ' +
        'Error: boom when read',
    })
    expect(refusal(transform(X, [row]))).toEqual({
      _tag: 'InvalidMatrix',
      input: 'H',
      message:
        'transform: expected H as a Matrix or nested arrays, found one that threw Error: boom ' +
        'when read',
    })
    const init = { W: [[1], [1], [1]], H: [row] } as never
    expect(refusal(nmf(X, { components: 1, init }))).toMatchObject({
      _tag: 'InvalidMatrix',
      input: 'init.H',
    })
    const json = Object.defineProperty({ rows: 1, cols: 3 }, 'data', {
      get: boom,
      enumerable: true,
    })
    expect(refusal(betaDivergence(json as never, [[1]], [[1, 1, 1]], 'frobenius'))).toMatchObject({
      _tag: 'InvalidMatrix',
      input: 'X',
    })
    expect(refusal(inverseTransform(trap, H))).toMatchObject({ _tag: 'InvalidMatrix', input: 'W' })
  })

  it('a Matrix in a Proxy that throws (it passes instanceof) is an error on its input', () => {
    const proxied = (matrix: Matrix): never => new Proxy(matrix, { get: boom }) as never
    const refusal = (result: E.Either<NmfError, unknown>) => {
      const { _tag, input, option, message } = failure(result) as NmfError & { option?: string }
      return { _tag, input, option, message }
    }
    const W = Matrix.fill(3, 2, 1)
    expect(refusal(nmf(X, { components: 2, init: { W: proxied(W), H } }))).toEqual({
      _tag: 'InvalidMatrix',
      input: 'init.W',
      option: undefined,
      message:
        'nmf: expected custom W as a Matrix or nested arrays, found one that threw Error: boom ' +
        'when read',
    })
    expect(refusal(nmf(proxied(Matrix.fill(3, 3, 1)), { components: 1 }))).toMatchObject({
      _tag: 'InvalidMatrix',
      input: 'X',
    })
    expect(refusal(transform(X, proxied(H)))).toEqual({
      _tag: 'InvalidMatrix',
      input: 'H',
      option: undefined,
      message:
        'transform: expected H as a Matrix or nested arrays, found one that threw Error: boom ' +
        'when read',
    })
    expect(refusal(compare({ ...fit.right, W: proxied(fit.right.W) }, fit.right))).toEqual({
      _tag: 'InvalidMatrix',
      input: 'a.W',
      option: undefined,
      message:
        'compare: expected W of the first factorization to be a Matrix, found one that threw ' +
        'Error: boom when read',
    })
    expect(refusal(compare(fit.right, fit.right, { X: proxied(Matrix.fill(3, 3, 1)) }))).toEqual({
      _tag: 'InvalidOption',
      input: 'X',
      option: 'X',
      message:
        "compare: option 'X': expected a Matrix, CsrMatrix, nested arrays or JSON, found an " +
        'object that threw ' +
        'Error: boom when read',
    })
    // A Proxy whose reads answer is read once: the fit runs on a Matrix of nmfkit's own, and
    // transform still returns the H it was given.
    const quiet = new Proxy(H, {})
    const moved = transform(X, quiet)
    expect(E.isRight(moved) && moved.right.H).toBe(quiet)
  })

  it('Matrix.fromArrays, Matrix.fromData and fromJSON return a Left for reads that throw', () => {
    expect(failure(Matrix.fromArrays(new Proxy([[1]], { get: boom })))).toEqual({
      _tag: 'InvalidMatrix',
      operation: 'Matrix.fromArrays',
      message:
        'Matrix.fromArrays: expected an array of rows of numbers, found one that threw ' +
        'Error: boom when read',
    })
    expect(failure(Matrix.fromData(1, 1, new Proxy([1], { get: boom }))).message).toBe(
      'Matrix.fromData: expected data as an array of numbers, found one that threw ' +
        'Error: boom when read',
    )
    const json = {
      format: 'dense',
      rows: 1,
      cols: 1,
      get data(): never {
        throw new Error('d')
      },
    }
    expect(failure(fromJSON(json))).toEqual({
      _tag: 'InvalidMatrix',
      operation: 'fromJSON',
      message:
        'fromJSON: expected a matrix in JSON (format, rows, cols, data), found one that threw ' +
        'Error: d when read',
    })
  })

  it("a solver plugin's start or step returning a result that throws when read", () => {
    const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities } }
    const refusal = (solver: object) => {
      const { _tag, option, message } = failure(
        nmf(X, { components: 1, solver: solver as AnySolver }),
      ) as NmfError & { option?: string }
      return { _tag, option, message }
    }
    type State = { W: Matrix; H: Matrix }
    const stepping = (result: (state: State) => object) => ({ ...copy, step: result })
    expect(refusal(stepping((state) => throwing('measure', { state })))).toEqual({
      _tag: 'InvalidOption',
      option: 'solver',
      message:
        "nmf: option 'solver': solver 'x': its step at iteration 1 returned a result that " +
        'threw Error: boom when read',
    })
    expect(
      refusal(stepping((state) => ({ state, measure: 1, details: throwing('change') }))).message,
    ).toBe(
      "nmf: option 'solver': solver 'x': its step at iteration 1 returned a result that " +
        'threw Error: boom when read',
    )
    expect(refusal(stepping(() => trap)).option).toBe('solver')
    expect(
      refusal(stepping((state) => ({ state: { ...state, W: new Proxy(state.W, { get: boom }) } })))
        .option,
    ).toBe('solver')
    expect(refusal({ ...copy, start: () => trap })).toEqual({
      _tag: 'InvalidOption',
      option: 'solver',
      message:
        "nmf: option 'solver': solver 'x': the state its start returned threw Error: boom " +
        'when its W was read',
    })
    const proxiedStart = (_: unknown, initial: State) => ({
      ...initial,
      H: new Proxy(initial.H, { get: boom }),
    })
    expect(refusal({ ...copy, start: proxiedStart }).message).toBe(
      "nmf: option 'solver': solver 'x': its start returned a state that threw Error: boom " +
        'when read',
    )
  })

  it("a plugin's own code is not guarded: what it throws leaves nmf and compare as thrown", () => {
    const throwsInStep = { ...cd, name: 'thrower', step: boom } as never
    expect(() => nmf(X, { components: 1, solver: throwsInStep })).toThrow('boom')
    const throwsInCompare = { ...reconstruction, compare: boom } as never
    expect(() => compare(fit.right, fit.right, { comparators: [throwsInCompare] })).toThrow('boom')
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
    // What was passed instead, with its value where it has one.
    expect(failure(nmf(X, 2 as never)).message).toBe(
      "nmf: option 'options': expected an object (e.g. { components: 2 }), found a number (2)",
    )
    expect(failure(nmf(X, [2] as never)).message).toBe(
      "nmf: option 'options': expected an object (e.g. { components: 2 }), found an array",
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

  it('a row that is not an array is an error, not a matrix without columns', () => {
    expect(failure(Matrix.fromArrays([1, 2, 3] as never)).message).toBe(
      'Matrix.fromArrays: expected row 0 to be an array of numbers, found a number (1) ' +
        '(a matrix is an array of rows, e.g. [[1, 2, 3]])',
    )
    expect(failure(nmf([[1, 2], 3] as never, { components: 1 })).message).toBe(
      'nmf: X: Matrix.fromArrays: expected row 1 to be an array of numbers, found a number (3) ' +
        '(a matrix is an array of rows, e.g. [[1, 2, 3]])',
    )
    expect(failure(Matrix.fromArrays(null as never)).message).toBe(
      'Matrix.fromArrays: expected an array of rows, found null',
    )
    expect(failure(Matrix.fromData(1, 2, null as never)).message).toBe(
      'Matrix.fromData: expected data as an array of numbers, found null',
    )
    expect(failure(CsrMatrix.fromParts(2, 3, null as never, [], [])).message).toBe(
      'CsrMatrix.fromParts: expected indptr as an array of numbers, found null',
    )
    // Typed arrays and other array-likes are rows too.
    const typed = Matrix.fromArrays([Float64Array.of(1, 2), { length: 2, 0: 3, 1: 4 }])
    expect(E.isRight(typed) && typed.right.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('fromData takes numbers only, and a BigInt is named, not a crash', () => {
    expect(failure(Matrix.fromData(1, 2, ['1', 'b'] as never)).message).toBe(
      'Matrix.fromData: expected a number at data[0], found "1"',
    )
    expect(failure(Matrix.fromData(1, 2, [1, null] as never)).message).toBe(
      'Matrix.fromData: expected a number at data[1], found null',
    )
    expect(failure(Matrix.fromArrays([[1n, 2n]] as never)).message).toBe(
      'Matrix.fromArrays: expected a number at row 0, column 0, found 1n (a BigInt)',
    )
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(failure(Matrix.fromData(1, 1, [circular] as never)).message).toBe(
      'Matrix.fromData: expected a number at data[0], found an object',
    )
    expect(failure(Matrix.fromArrays([[1, () => 1]] as never)).message).toBe(
      'Matrix.fromArrays: expected a number at row 0, column 1, found a function',
    )
  })

  it('initialize needs components and an options object', () => {
    expect(failure(initialize(X, undefined as never)).message).toBe(
      "initialize: option 'components': expected an integer ≥ 1, found none (it is required)",
    )
    expect(failure(initialize(X, 2, null as never)).message).toBe(
      "initialize: option 'options': expected an object (e.g. { init: 'random' }), found null",
    )
    expect(failure(transform(X, [[1, 1, 1]], null as never)).message).toBe(
      "transform: option 'options': expected an object (e.g. { solver: 'mu' }), found null",
    )
  })

  it('initialize refuses components among its options, where it was ignored', () => {
    expect(failure(initialize(X, 2, { components: 1 } as never)).message).toBe(
      "initialize: option 'components': expected it as the second argument of " +
        'initialize(X, components, options) alone, found it in the options too: a number (1)',
    )
    // The known options are the options' own: components is not among them.
    expect(failure(initialize(X, 2, { comp: 1 } as never)).message).toBe(
      "initialize: option 'comp': not a known option; known options are seed, init",
    )
  })

  it('a product, sum or divergence of something that is not a Matrix is an error', () => {
    const M = Matrix.fill(2, 2, 1)
    expect(failure(M.times(undefined as never)).message).toBe(
      'Matrix.times: expected the right factor to be a Matrix, found undefined',
    )
    expect(failure(M.timesTransposed([[1, 2]] as never)).message).toBe(
      'Matrix.timesTransposed: expected the right factor to be a Matrix, found nested arrays ' +
        '(Matrix.fromArrays makes one of nested arrays)',
    )
    expect(failure(M.transposeTimes(CsrMatrix.fromDense(M) as never)).message).toBe(
      'Matrix.transposeTimes: expected the right factor to be a Matrix, found a CsrMatrix',
    )
    expect(failure(M.plus(5 as never)).message).toBe(
      'Matrix.plus: expected the other matrix to be a Matrix, found a number (5)',
    )
    expect(failure(CsrMatrix.fromDense(M).times(null as never)).message).toBe(
      'CsrMatrix.times: expected the right factor to be a Matrix, found null',
    )
    expect(failure(betaDivergence(5 as never, M, M, 2)).message).toBe(
      'betaDivergence: expected X as a Matrix, CsrMatrix, nested arrays or JSON, found a ' +
        'number (5)',
    )
    expect(failure(maximumAssignment([[1]] as never)).message).toBe(
      'maximumAssignment: expected the weights to be a Matrix, found nested arrays ' +
        '(Matrix.fromArrays makes one of nested arrays)',
    )
    expect(() => frobeniusError(M, M, Matrix.fill(3, 2, 1))).toThrow(
      new RangeError(
        'frobeniusError: expected W (n×k) and H (k×m) for X of 2×2, found W 2×2 and H 3×2',
      ),
    )
    expect(() => frobeniusError(M, [[1]] as never, M)).toThrow(
      new TypeError('frobeniusError: expected W to be a Matrix, found nested arrays'),
    )
  })

  it('inverseTransform takes nested arrays, as transform does, and names a missing factor', () => {
    const rebuilt = inverseTransform([[1, 2]] as never, [[1], [2]] as never)
    expect(E.isRight(rebuilt) && rebuilt.right.toArray()).toEqual([[5]])
    expect(failure(inverseTransform(undefined as never, Matrix.fill(1, 1, 1))).message).toBe(
      'inverseTransform: expected W as a Matrix or nested arrays, found undefined',
    )
  })

  it('signal must be an AbortSignal, and setKernelThreads a boolean', () => {
    expect(failure(nmf(X, { components: 1, signal: 5 as never })).message).toBe(
      "nmf: option 'signal': expected an AbortSignal, found 5",
    )
    expect(() => setKernelThreads('no' as never)).toThrow(
      new TypeError('setKernelThreads: expected true or false, found "no"'),
    )
    // A string that reads as a boolean is shown as the string it is.
    expect(() => setKernelThreads('false' as never)).toThrow(
      new TypeError('setKernelThreads: expected true or false, found "false"'),
    )
    expect(() => setKernelThreads(0 as never)).toThrow(
      new TypeError('setKernelThreads: expected true or false, found 0'),
    )
    // An object is described, not converted: its toString may throw, or not exist.
    const unconvertible = [
      [Object.create(null), 'an object'],
      [
        {
          toString: () => {
            throw new Error('boom')
          },
        },
        'an object',
      ],
      [() => true, 'a function'],
    ] as const
    for (const [value, found] of unconvertible) {
      expect(() => setKernelThreads(value as never)).toThrow(
        new TypeError(`setKernelThreads: expected true or false, found ${found}`),
      )
    }
  })

  it('a plugin without the members of a Solver is refused, naming the member', () => {
    const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities } }
    const refused = (solver: unknown) =>
      failure(nmf(X, { components: 1, solver: solver as AnySolver })).message
    expect(refused({ name: 'x', step: 1 })).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have optionProps, an object of " +
        'io-ts codecs, found undefined',
    )
    const losses =
      "nmf: option 'solver': expected the solver plugin 'x' to have capabilities.losses, a " +
      "non-empty array of loss names ('frobenius', 'kullback-leibler', 'itakura-saito', " +
      "'beta-divergence'), found "
    const declaring = (value: unknown) => ({
      ...copy,
      capabilities: { ...cd.capabilities, losses: value },
    })
    expect(refused(declaring('frobenius'))).toBe(`${losses}a string (frobenius)`)
    // Not the user's betaLoss's fault: a solver must handle a loss, one nmfkit knows.
    expect(refused(declaring([]))).toBe(`${losses}an empty array`)
    expect(refused(declaring(['frobenius', 'l1']))).toBe(`${losses}an array with 'l1'`)
    expect(refused(declaring([2]))).toBe(`${losses}an array with a number (2)`)
    expect(refused({ ...copy, name: '' })).toBe(
      "nmf: option 'solver': expected the solver plugin to have name, a non-empty string, " +
        'found an empty string',
    )
    expect(refused({ ...copy, converged: undefined })).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have converged, a function, " +
        'found undefined',
    )
  })

  it("a plugin's options may not be named as nmf's own: its default would win", () => {
    const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities } }
    const refused = (solver: unknown) =>
      failure(nmf(X, { components: 2, solver: solver as AnySolver }))
    const seeded = refused({ ...copy, optionProps: { seed: t.number }, defaults: { seed: 5 } })
    expect(seeded._tag).toBe('InvalidOption')
    expect(seeded.message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to name only options of its own, " +
        "found seed in its optionProps and defaults: seed is one of nmf's own options, which " +
        "every solver takes; give the plugin's option another name",
    )
    expect(refused({ ...copy, defaults: { maxIter: 7 } }).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to name only options of its own, " +
        "found maxIter in its defaults: maxIter is one of nmf's own options, which every " +
        "solver takes; give the plugin's option another name",
    )
    const both = { optionProps: { tol: t.string, rate: t.number }, defaults: { maxIter: 7 } }
    expect(refused({ ...copy, ...both }).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to name only options of its own, " +
        'found maxIter in its defaults and tol in its optionProps: maxIter and tol are ' +
        "nmf's own options, which every solver takes; give the plugin's options other names",
    )
    // The defaults are read for their names, so they must be an object.
    expect(refused({ ...copy, defaults: undefined }).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have defaults, an object of " +
        'option values, found undefined',
    )
  })

  it("a plugin's defaults are values of its own options' codecs", () => {
    const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities } }
    const refused = (solver: unknown) =>
      failure(nmf(X, { components: 2, solver: solver as AnySolver }))
    const fast = refused({ ...copy, optionProps: { rate: t.number }, defaults: { rate: 'fast' } })
    expect(fast._tag).toBe('InvalidOption')
    expect(fast.message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have defaults.rate, number (as " +
        'its optionProps.rate decodes), found a string (fast)',
    )
    const gamma = { ...movingAverage, name: 'x', defaults: { gamma: 2, nonnegative: true } }
    expect(refused(gamma).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have defaults.gamma, a number " +
        'in (0, 1] (as its optionProps.gamma decodes), found a number (2)',
    )
    // A default is checked with its codec's is, so an object with decode alone is no codec.
    const decodeOnly = { rate: { decode: t.number.decode } }
    expect(refused({ ...copy, optionProps: decodeOnly, defaults: { rate: 1 } }).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have optionProps.rate, an io-ts " +
        'codec, found an object',
    )
    // A default of no option would be recorded as an option of the fit.
    expect(refused({ ...copy, optionProps: {}, defaults: { rate: 1 } }).message).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have defaults only for its " +
        'optionProps, found defaults.rate, which optionProps does not name',
    )
    // An option without a default is required: the solver never gets undefined for it.
    let given: unknown
    const rate = {
      ...copy,
      optionProps: { rate: t.number },
      defaults: {},
      start: (problem: never, initial: never, options: unknown) => {
        given = options
        return cd.start(problem, initial, options as never)
      },
    }
    const missing = failure(nmf(X, { components: 2, solver: rate }))
    expect(missing).toMatchObject({ _tag: 'InvalidOption', option: 'rate' })
    expect(missing.message).toBe(
      "nmf: option 'rate': expected number, found none (it is required: solver 'x' has no " +
        'default for it)',
    )
    expect(given).toBeUndefined()
    // Given as undefined is not given.
    const unset = { components: 2, solver: rate, rate: undefined } as never
    expect(failure(nmf(X, unset)).message).toBe(missing.message)
    const fitWithRate = nmf(X, { components: 2, solver: rate, rate: 0.5 } as never)
    expect(E.isRight(fitWithRate) && fitWithRate.right.options.rate).toBe(0.5)
    expect(given).toEqual({ rate: 0.5 })
    // Named as a member of every object, it is required all the same: the solver never gets
    // Object.prototype's function for it.
    for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
      given = undefined
      const inherited = { ...rate, optionProps: { [name]: t.number } }
      const left = failure(nmf(X, { components: 2, solver: inherited }))
      expect(left).toMatchObject({ _tag: 'InvalidOption', option: name })
      expect(left.message).toBe(
        `nmf: option '${name}': expected number, found none (it is required: solver 'x' has ` +
          'no default for it)',
      )
      expect(given).toBeUndefined()
    }
    // An option whose codec takes undefined may be left out.
    const optional = { ...copy, optionProps: { rate: t.union([t.number, t.undefined]) } }
    expect(E.isRight(nmf(X, { components: 2, solver: { ...optional, defaults: {} } }))).toBe(true)
    // A codec that throws when asked about undefined is the plugin's error, not a throw.
    const label = new t.Type<string, string, unknown>(
      'a label',
      (u): u is string => typeof u === 'string',
      (u, c) => ((u as string).trim() === '' ? t.failure(u, c) : t.success(u as string)),
      (a) => a,
    )
    const throwing = { ...copy, optionProps: { label }, defaults: {} }
    expect(failure(nmf(X, { components: 2, solver: throwing })).message).toBe(
      "nmf: option 'solver': solver 'x': its optionProps.label, asked whether label may be " +
        'left out (given undefined), threw TypeError: Cannot read properties of undefined ' +
        "(reading 'trim')",
    )
    const slow = { ...copy, optionProps: { rate: t.number }, defaults: { rate: 0.5 } }
    const fit = nmf(X, { components: 2, solver: slow })
    expect(E.isRight(fit) && fit.right.options.rate).toBe(0.5)
  })

  it("what a plugin's start and step return is checked before it is used", () => {
    const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities } }
    const refused = (solver: unknown) =>
      failure(nmf(X, { components: 1, solver: solver as AnySolver })).message
    expect(refused({ ...copy, start: () => undefined })).toBe(
      "nmf: option 'solver': solver 'x': its start returned undefined, expected a state with " +
        'Matrix values W and H',
    )
    expect(refused({ ...copy, step: () => null })).toBe(
      "nmf: option 'solver': solver 'x': its step at iteration 1 returned null, expected " +
        '{ state, measure }',
    )
    const withState = (state: (s: { H: Matrix }) => object, measure: unknown) => ({
      ...copy,
      step: (s: { W: Matrix; H: Matrix }) => ({ state: state(s), measure }),
    })
    expect(refused(withState((s) => ({ W: { rows: 3, cols: 1 }, H: s.H }), 1))).toBe(
      "nmf: option 'solver': solver 'x': the W of the state its step at iteration 1 returned " +
        'is an object, expected a Matrix',
    )
    expect(refused(withState((s) => s, undefined))).toBe(
      "nmf: option 'solver': solver 'x': the measure its step at iteration 1 returned is " +
        'undefined, expected a number',
    )
    expect(refused(withState((s) => s, 'small'))).toBe(
      "nmf: option 'solver': solver 'x': the measure its step at iteration 1 returned is a " +
        'string (small), expected a number',
    )
    expect(
      refused({ ...copy, step: (s: Matrix) => ({ state: s, measure: 1, objective: 'x' }) }),
    ).toBe(
      "nmf: option 'solver': solver 'x': the objective its step at iteration 1 returned is a " +
        'string (x), expected a number or nothing',
    )
    // details a plain object: an array would be kept as it is, a Map as {}.
    for (const [details, found] of [
      [[1, 2], 'an array'],
      [new Map([['change', 1]]), 'a Map'],
      [null, 'null'],
    ] as const) {
      expect(refused({ ...copy, step: (s: Matrix) => ({ state: s, measure: 1, details }) })).toBe(
        "nmf: option 'solver': solver 'x': the details its step at iteration 1 returned is " +
          `${found}, expected a plain object of numbers or nothing`,
      )
    }
    const bare = Object.assign(Object.create(null) as object, { change: 1 })
    const fit = nmf(X, {
      components: 1,
      maxIter: 1,
      solver: { ...copy, step: (s: Matrix) => ({ state: s, measure: 1, details: bare }) } as never,
    })
    expect(E.isRight(fit) && fit.right.history[0].details).toEqual({ change: 1 })
    const detail = { state: undefined as unknown, measure: 1, details: { change: 'x' } }
    expect(refused({ ...copy, step: (s: unknown) => ({ ...detail, state: s }) })).toBe(
      "nmf: option 'solver': solver 'x': the detail 'change' its step at iteration 1 returned " +
        'is a string (x), expected a number',
    )
    expect(refused({ ...copy, converged: () => 'yes' })).toBe(
      "nmf: option 'solver': solver 'x': its converged after iteration 1 returned a string " +
        '(yes), expected true or false',
    )
    expect(refused({ ...copy, optionProps: { rate: 5 } })).toBe(
      "nmf: option 'solver': expected the solver plugin 'x' to have optionProps.rate, an io-ts " +
        'codec, found a number (5)',
    )
    expect(E.isRight(nmf(X, { components: 1, solver: copy }))).toBe(true)
  })

  it.each([true, false])(
    "a factor of a plugin's state that passes instanceof Matrix without being one " +
      '(nonnegative: %s) is an error on solver that names the factor, not a TypeError',
    (nonnegative) => {
      const copy = { ...cd, name: 'x', capabilities: { ...cd.capabilities, nonnegative } }
      const refusal = (solver: object) => {
        const { _tag, option, message } = failure(
          nmf(X, { components: 1, solver: solver as AnySolver }),
        ) as NmfError & { option?: string }
        return { _tag, option, message }
      }
      const fake = (rows: number, cols: number) =>
        Object.assign(Object.create(Matrix.prototype) as Matrix, { rows, cols })
      type State = { W: Matrix; H: Matrix }
      const start = (_: unknown, initial: State) => ({ ...initial, W: fake(3, 1) })
      expect(refusal({ ...copy, start })).toEqual({
        _tag: 'InvalidOption',
        option: 'solver',
        message:
          "nmf: option 'solver': solver 'x': the W of the state its start returned is an " +
          'object that passes instanceof Matrix but is not one (a 3×1 shape without its 3 ' +
          'entries): make matrices with Matrix.fromArrays or Matrix.fromData',
      })
      const step = (state: State) => ({ state: { ...state, H: fake(1, 3) }, measure: 1 })
      expect(refusal({ ...copy, step }).message).toBe(
        "nmf: option 'solver': solver 'x': the H of the state its step at iteration 1 " +
          'returned is an object that passes instanceof Matrix but is not one (a 1×3 shape ' +
          'without its 3 entries): make matrices with Matrix.fromArrays or Matrix.fromData',
      )
      // Matrix.unsafeWrap (internal) over an array shorter or longer than the shape's.
      for (const [length, holds] of [
        [2, '2 entries'],
        [4, '4 entries'],
      ] as const) {
        const wrapped = (state: State) => ({
          state: { ...state, W: Matrix.unsafeWrap(3, 1, new Float64Array(length).fill(1)) },
          measure: 1,
        })
        expect(refusal({ ...copy, step: wrapped })).toEqual({
          _tag: 'InvalidOption',
          option: 'solver',
          message:
            "nmf: option 'solver': solver 'x': the W of the state its step at iteration 1 " +
            `returned is a 3×1 Matrix whose storage holds ${holds}, not 3: make matrices ` +
            'with Matrix.fromArrays or Matrix.fromData',
        })
      }
    },
  )

  it('penalties so large that the fit overflows are blamed, on their option, not X', () => {
    const error = failure(
      nmf(
        [
          [1, 2],
          [3, 5],
        ],
        { components: 2, alphaW: 1e308, alphaH: 0 },
      ),
    )
    expect(error._tag).toBe('NonFiniteInput')
    expect((error as { option?: string }).option).toBe('alphaW')
    expect(error.message).toMatch(
      /; solver 'cd' overflowed: its penalties \(l1W 0, l2W Infinity, l1H 0, l2H 0, from alphaW, /,
    )
    expect(error.message).toMatch(/use a smaller alphaW$/)
    // Both named when both are too large, the first on the error.
    const both = failure(
      nmf(
        [
          [1, 2],
          [3, 5],
        ],
        { components: 2, alphaW: 1e308 },
      ),
    )
    expect((both as { option?: string }).option).toBe('alphaW')
    expect(both.message).toMatch(/use a smaller alphaW and alphaH$/)
    // l1Ratio 0 is no L1 penalty at all, even when n·alpha overflows (it gave NaN).
    expect(penalties(Matrix.fill(2, 2, 1), 1e308, 'same', 0)).toEqual({
      l1W: 0,
      l2W: Infinity,
      l1H: 0,
      l2H: Infinity,
    })
  })

  it("transform's overflowing penalties are W's alone: H is fixed, alphaH blamed for nothing", () => {
    const fit = nmf(X, { components: 2 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    for (const solver of ['cd', 'mu'] as const) {
      // alphaH is 'same', so H's penalties overflow too; they act on nothing in a transform.
      const error = failure(transform(X, fit.right.H, { solver, alphaW: 1e308, l1Ratio: 0.5 }))
      expect((error as { option?: string }).option).toBe('alphaW')
      expect(error.message).toMatch(
        new RegExp(
          `; solver '${solver}' overflowed: its penalties \\(l1W [^,]+, l2W Infinity, from ` +
            "alphaW and l1Ratio\\) are too large for the fit's sums; use a smaller alphaW$",
        ),
      )
    }
  })

  it('a BigInt is shown with its n wherever an option names what it found', () => {
    const found = (options: object) =>
      failure(nmf(X, { components: 1, ...options } as never)).message.replace(/^.*found /, '')
    expect(found({ solver: 1n })).toBe('a BigInt (1n)')
    expect(found({ init: 1n })).toBe('a BigInt (1n)')
    expect(found({ tol: 1n })).toBe('1n (a BigInt)')
  })

  it('transform takes H as nested arrays too', () => {
    const fit = nmf(X, { components: 2 })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    const fromArrays = transform(X, fit.right.H.toArray())
    const fromMatrix = transform(X, fit.right.H)
    if (E.isLeft(fromArrays) || E.isLeft(fromMatrix)) throw new Error('transform failed')
    expect(fromArrays.right.W.toArray()).toEqual(fromMatrix.right.W.toArray())
    expect(failure(transform(X, undefined as never)).message).toBe(
      'transform: expected H as a Matrix or nested arrays, found undefined',
    )
  })
})

describe("a refusal of a matrix names the argument it is about ('input')", () => {
  const negative = [
    [1, -1],
    [2, 3],
  ]
  const good = Matrix.fill(2, 2, 1)
  const refused = (result: E.Either<NmfError, unknown>) => {
    const error = failure(result)
    return { tag: error._tag, input: error.input }
  }

  it('transform: X or H, whichever is at fault', () => {
    expect(refused(transform(negative, good))).toEqual({ tag: 'NegativeInput', input: 'X' })
    expect(refused(transform(good, negative))).toEqual({ tag: 'NegativeInput', input: 'H' })
    expect(refused(transform(good, Matrix.zeros(2, 2)))).toEqual({
      tag: 'InvalidMatrix',
      input: 'H',
    })
    expect(refused(transform(good, undefined as never))).toEqual({
      tag: 'InvalidMatrix',
      input: 'H',
    })
    // H is the model; the samples that do not match its features are X's fault.
    expect(refused(transform(good, Matrix.fill(2, 3, 1)))).toEqual({
      tag: 'ShapeMismatch',
      input: 'X',
    })
  })

  it('nmf and initialize: X, init.W or init.H', () => {
    expect(refused(nmf(negative, { components: 1 }))).toEqual({ tag: 'NegativeInput', input: 'X' })
    expect(refused(initialize(negative, 1))).toEqual({ tag: 'NegativeInput', input: 'X' })
    const W = Matrix.fill(2, 1, 1)
    const H = Matrix.fill(1, 2, 1)
    expect(refused(nmf(good, { components: 1, init: { W: Matrix.fill(2, 2, 1), H } }))).toEqual({
      tag: 'ShapeMismatch',
      input: 'init.W',
    })
    expect(refused(nmf(good, { components: 1, init: { W, H: Matrix.fill(1, 2, NaN) } }))).toEqual({
      tag: 'NonFiniteInput',
      input: 'init.H',
    })
  })

  it('inverseTransform and betaDivergence: each of their matrices', () => {
    expect(refused(inverseTransform(undefined as never, good))).toEqual({
      tag: 'InvalidMatrix',
      input: 'W',
    })
    expect(refused(inverseTransform(good, Matrix.fill(3, 2, 1) as never))).toEqual({
      tag: 'ShapeMismatch',
      input: 'H',
    })
    expect(refused(betaDivergence(negative, good, good, 'frobenius'))).toEqual({
      tag: 'NegativeInput',
      input: 'X',
    })
    expect(refused(betaDivergence(good, negative, good, 'frobenius'))).toEqual({
      tag: 'NegativeInput',
      input: 'W',
    })
    expect(refused(betaDivergence(good, good, Matrix.fill(2, 3, 1), 'frobenius'))).toEqual({
      tag: 'ShapeMismatch',
      input: 'H',
    })
  })

  it('is absent where no argument is at fault', () => {
    // An option, and a factor a solver made: neither is one of the call's matrices.
    expect(refused(nmf(good, { components: 0 }))).toEqual({
      tag: 'InvalidOption',
      input: undefined,
    })
    const nanStep: AnySolver = {
      ...cd,
      name: 'nan-step',
      step: (state: never) => ({
        state: { ...(state as object), W: Matrix.fill(2, 1, NaN) },
        measure: 1,
      }),
    } as unknown as AnySolver
    const made = failure(nmf(good, { components: 1, solver: nanStep, maxIter: 2 }))
    expect(made.message).toMatch(/^nmf: expected W after iteration 1/)
    expect(made.input).toBeUndefined()
  })
})

describe('factors that underflow to a zero W·H are refused, not a converged fit', () => {
  // A uniform 40×30 X scaled far below 1: the default start's factors underflow.
  const rng = createRng(3)
  const base = Float64Array.from({ length: 1200 }, () => rng.uniform())
  const scaled = (scale: number): Matrix => {
    const X = Matrix.fromData(
      40,
      30,
      base.map((v) => v * scale),
    )
    if (E.isLeft(X)) throw new Error(X.left.message)
    return X.right
  }

  it('for each built-in solver, naming X largest entry and what to do', () => {
    // The largest entry of the uniform draws is 0.998632 (to 6 digits, as messages show it).
    // The random start is named where it works: while mean(X)² is a normal double.
    const orRandom = "use init 'random', or scale X up"
    for (const [solver, scale, largest, iterations, advice] of [
      ['mu', 1e-110, '9.98632e-111', '10 iterations', orRandom],
      ['cd', 1e-200, '9.98632e-201', '1 iteration', 'scale X up'],
      ['moving-average', 1e-200, '9.98632e-201', '1 iteration', 'scale X up'],
    ] as const) {
      const error = failure(nmf(scaled(scale), { components: 4, solver }))
      expect(error._tag).toBe('Unsupported')
      expect(error.message).toBe(
        `nmf: the fit converged after ${iterations} to a W·H that is zero in ` +
          `every entry, though X is not (its largest entry is ${largest}): the factors ` +
          `underflowed, X's entries being too small for the products of the fit; ${advice}`,
      )
    }
    // With the random start already, only scaling X helps.
    const random = failure(nmf(scaled(1e-300), { components: 4, solver: 'mu', init: 'random' }))
    expect(random.message).toMatch(/products of the fit; scale X up$/)
  })

  it('says the products overflowed, and to scale X down, where X is large', () => {
    // nndsvda fills its start's zeros with mean(X), 2.5e129: at β = 0.5 the updates' powers
    // of W·H set W to zero. (The Frobenius loss is refused at its start: below.)
    for (const betaLoss of [0.5] as const) {
      const error = failure(
        nmf(
          [
            [1e130, 1],
            [1, 1],
          ],
          { components: 2, solver: 'mu', betaLoss },
        ),
      )
      expect(error._tag).toBe('Unsupported')
      expect(error.input).toBe('X')
      expect(error.message).toMatch(
        /\(its largest entry is 1e\+130\): the factors went to zero where the products of the fit overflowed at X's scale \(the updates divide by them, and x\/∞ is 0\); scale X down \(W and H scale by the square root of the factor\)$/,
      )
    }
    // Scaled down, as the message says, the same X fits.
    const fit = nmf(
      [
        [1e10, 1e-120],
        [1e-120, 1e-120],
      ],
      { components: 2, solver: 'mu' },
    )
    expect(E.isRight(fit)).toBe(true)
  })

  it("refuses mu's start (Frobenius) where the first update's denominators overflow", () => {
    // A uniform 40×30 X times `scale`: nndsvda fills its start's zeros with mean(X), and
    // W·(H·Hᵀ) passes the largest double from about 1e103. The update would divide by ∞
    // and set most of W to zero; before this check the fit converged, poor, in a Right.
    const rng = createRng(3)
    const base = Array.from({ length: 40 }, () => Array.from({ length: 30 }, rng.uniform))
    const scaled = (scale: number) => base.map((row) => row.map((x) => x * scale))
    const message =
      "nmf: expected the product W·(H·Hᵀ) of the start (mu's first update divides W by " +
      'it) to be finite, found Infinity; '
    for (const scale of [1e104, 1e130]) {
      const error = failure(nmf(scaled(scale), { components: 4, solver: 'mu' }))
      expect(error._tag).toBe('NonFiniteInput')
      expect(error.message).toMatch(
        new RegExp(
          `^${message.replace(/[()+.·ᵀ]/g, '\\$&')}X's entries \\(largest 9\\.\\d+e\\+\\d+\\) ` +
            "are too large for the fit's sums; scale X down \\(W and H scale by the square root " +
            'of the factor\\)$',
        ),
      )
    }
    // Where the products are finite, the same X fits as before, every entry of W positive;
    // other losses divide by other sums and are not refused at that scale.
    const below = nmf(scaled(1e100), { components: 4, solver: 'mu' })
    expect(E.isRight(below) && below.right.W.toFloat64Array().every((w) => w > 0)).toBe(true)
    const kl = nmf(scaled(1e104), { components: 4, solver: 'mu', betaLoss: 'kullback-leibler' })
    expect(E.isRight(kl)).toBe(true)
    // A custom start that large, X of ones: the start is named, not X.
    const ones = base.map((row) => row.map(() => 1))
    const custom = failure(
      nmf(ones, {
        components: 1,
        solver: 'mu',
        init: { W: Matrix.fill(40, 1, 1e104), H: Matrix.fill(1, 30, 1e104) },
      }),
    )
    expect(custom.message).toBe(
      `${message}the custom start's entries (largest 1e+104) are too large for the fit's ` +
        "sums, X's largest entry being 1; scale init.W and init.H toward X's scale (W·H ≈ X)",
    )
  })

  it('fits from a start whose W·(H·Hᵀ) is finite though its WᵀW overflows', () => {
    // mu updates W first, and H with the new W: the start's (WᵀW)·H is never formed. W of
    // 1e160 and H of 1e-10 (W·H 1e150, W·(H·Hᵀ) finite, WᵀW beyond the doubles): the W
    // update brings W to 1e10, and the fit is exact, as it was before the start check.
    const ones = Array.from({ length: 40 }, () => Array.from({ length: 30 }, () => 1))
    for (const k of [1, 3]) {
      const fit = nmf(ones, {
        components: k,
        solver: 'mu',
        init: { W: Matrix.fill(40, k, 1e160), H: Matrix.fill(k, 30, 1e-10) },
      })
      expect(E.isRight(fit) && fit.right.reconstructionError < 1e-12).toBe(true)
    }
  })

  it('names a custom start whose W·H was zero, which mu cannot leave, not underflow', () => {
    // Component 1 has a zero row of H, component 2 a zero column of W: W·H is zero.
    const init = {
      W: Matrix.fill(2, 2, 1).map((value, _i, j) => (j === 0 ? value : 0)),
      H: Matrix.fill(2, 2, 1).map((value, i) => (i === 1 ? value : 0)),
    }
    const X = [
      [1, 2],
      [3, 4],
    ]
    expect(failure(nmf(X, { components: 2, solver: 'mu', init })).message).toBe(
      'nmf: the fit converged after 10 iterations to a W·H that is zero in every entry, ' +
        'though X is not (its largest entry is 4), from a start whose W·H was zero too: each ' +
        'of its components has a zero column of W or a zero row of H; start from factors ' +
        'with a component whose column of W and row of H both have a non-zero entry',
    )
    // A start whose products underflow (entries of 1e-200) is named as such, not X.
    const tiny = { W: Matrix.fill(2, 2, 1e-200), H: Matrix.fill(2, 2, 1e-200) }
    expect(failure(nmf(X, { components: 2, solver: 'mu', init: tiny })).message).toMatch(
      /, from a start whose W·H was zero too: its factors' products underflow; start from factors whose product is of X's scale$/,
    )
    // A start whose W·H is not zero but far below X's scale (X of 1e100, W of 1, H of
    // 1e-100): the updates' products overflow on the way (W grows to 1e200, WᵀW passes the
    // doubles) and the fit goes to zero. The start is named, not X's entries as too small.
    const far = { W: Matrix.fill(2, 2, 1), H: Matrix.fill(2, 2, 1e-100) }
    const large = X.map((row) => row.map((x) => x * 1e100))
    expect(failure(nmf(large, { components: 2, solver: 'mu', init: far })).message).toMatch(
      /: the factors went to zero where the products of the fit overflowed or underflowed, the custom start being far from X's scale \(its largest entries 1 in W and 1e-100 in H\); scale init\.W and init\.H toward X's scale \(W·H ≈ X\)$/,
    )
    // cd leaves that start, and fits.
    const fit = nmf(X, { components: 2, solver: 'cd', init })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.reconstructionError).toBeLessThan(0.01)
  })

  it('not where a zero W·H is right, nor for a plugin', () => {
    // The same X at 1e-100 still fits; an all-zero X is fitted by zeros.
    expect(E.isRight(nmf(scaled(1e-100), { components: 4, solver: 'mu' }))).toBe(true)
    const zeros = nmf(Matrix.zeros(3, 3), { components: 1 })
    if (E.isLeft(zeros)) throw new Error(zeros.left.message)
    expect(zeros.right.W.max()).toBe(0)
    // A fit that runs out of iterations claims nothing: from this poor start (nndsvdar on a
    // rank-1 X), cd's first iteration zeroes W, which the next one mends.
    const rankOne = [
      [0, 1.2402343750000001e25, 0],
      [0, 6.4453125e25, 0],
    ]
    const start = { components: 2, tol: 0, seed: 1641, init: 'nndsvdar' } as const
    const once = nmf(rankOne, { ...start, maxIter: 1 })
    if (E.isLeft(once)) throw new Error(once.left.message)
    expect(once.right.W.max()).toBe(0)
    const twice = nmf(rankOne, { ...start, maxIter: 2 })
    if (E.isLeft(twice)) throw new Error(twice.left.message)
    expect(twice.right.reconstructionError).toBeLessThan(once.right.reconstructionError)
    // mu's check is off at tol 0: the underflowed fit runs to maxIter and says so.
    const atTolZero = nmf(scaled(1e-200), { components: 4, solver: 'mu', tol: 0, maxIter: 20 })
    if (E.isLeft(atTolZero)) throw new Error(atTolZero.left.message)
    expect(atTolZero.right.converged).toBe(false)
    expect(atTolZero.right.W.max() * atTolZero.right.H.max()).toBe(0)
    // Penalties may pull every factor to zero: that fit is theirs to make.
    const penalized = nmf(scaled(1e-200), { components: 4, alphaW: 1, alphaH: 1 })
    expect(E.isRight(penalized)).toBe(true)
    // A plugin's zero factors are its own business (it may hold a factor fixed at zero).
    const zeroing: AnySolver = {
      ...cd,
      name: 'zeroing',
      step: (state: never) => ({
        state: { ...(state as object), W: Matrix.zeros(40, 4) },
        measure: 0,
      }),
    } as unknown as AnySolver
    const own = nmf(scaled(1), { components: 4, solver: zeroing, maxIter: 1 })
    expect(E.isRight(own)).toBe(true)
  })
})
