/** The iteration driver: history, callbacks, cancellation, seeds, and untouched inputs. */
import * as E from 'fp-ts/lib/Either.js'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  CsrMatrix,
  Matrix,
  cd,
  createRng,
  frobeniusError,
  initialize,
  nmf,
  type AnySolver,
  type Factorization,
  type Factors,
  type HistoryEntry,
  type NmfError,
  type Problem,
  type StepResult,
} from 'nmfkit'
import { exactSquares } from './exact-error.ts'

/** Whether a is b or a neighbouring double of b's size (b > 0). */
const withinUlp = (a: number, b: number): boolean => Math.abs(a - b) <= Number.EPSILON * b

const randomData = (rows: number, cols: number, seed: number): Matrix => {
  const rng = createRng(seed)
  const data = Array.from({ length: rows * cols }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()))
  const matrix = Matrix.fromData(rows, cols, data)
  if (E.isLeft(matrix)) throw new Error(matrix.left.message)
  return matrix.right
}

const X = randomData(30, 12, 1)

/** cd under another name, whose start first shows `look` the problem and options it gets. */
const lookingAtStart = (
  look: (problem: Problem, options: Record<string, never>) => void,
): AnySolver =>
  ({
    ...cd,
    name: 'looking',
    start: (problem: Problem, initial: Factors, options: Record<string, never>) => {
      look(problem, options)
      return cd.start(problem, initial, options)
    },
  }) as AnySolver

describe('history and callbacks', () => {
  it('records one entry per iteration and calls onIteration with each', () => {
    const seen: HistoryEntry[] = []
    const fit = nmf(X, {
      components: 3,
      maxIter: 7,
      tol: 0,
      onIteration: (entry) => seen.push(entry),
    })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.nIter).toBe(7)
    expect(fit.right.converged).toBe(false)
    expect(fit.right.history.map((entry) => entry.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(seen).toEqual(fit.right.history)
  })

  it("onIteration cannot rewrite the result's history (it is handed the entry kept)", () => {
    const fit = nmf(X, {
      components: 3,
      maxIter: 3,
      tol: 0,
      solver: 'moving-average',
      onIteration: (entry) => {
        expect(() => {
          ;(entry as { measure: number }).measure = -1
        }).toThrow(TypeError)
        expect(() => {
          ;(entry.details as Record<string, number>).deltaW = -1
        }).toThrow(TypeError)
      },
    })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.history.every((entry) => entry.measure >= 0)).toBe(true)
    expect(fit.right.history.every((entry) => (entry.details?.deltaW ?? 0) >= 0)).toBe(true)
  })

  it("cd's objective never increases and matches ½‖X − WH‖² at the end", () => {
    const fit = nmf(X, { components: 3, maxIter: 50, tol: 0, init: 'random' })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    const objectives = fit.right.history.map((entry) => entry.objective ?? NaN)
    for (let i = 1; i < objectives.length; i++) {
      expect(objectives[i]).toBeLessThanOrEqual(objectives[i - 1] * (1 + 1e-12))
    }
    const last = objectives[objectives.length - 1]
    expect(last).toBeCloseTo(0.5 * fit.right.reconstructionError ** 2, 10)
  })

  it('records the resolved options and the seed', () => {
    const fit = nmf(X, { components: 2, seed: 11, init: 'random' })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.seed).toBe(11)
    expect(fit.right.options).toMatchObject({
      components: 2,
      solver: 'cd',
      init: 'random',
      maxIter: 200,
      tol: 1e-4,
      alphaW: 0,
      alphaH: 'same',
      l1Ratio: 0,
      shuffle: false,
      seed: 11,
    })
  })
})

describe('cancellation', () => {
  it('stops after the iteration in which the signal fires, with the partial result', () => {
    const controller = new AbortController()
    const fit = nmf(X, {
      components: 3,
      maxIter: 100,
      tol: 0,
      signal: controller.signal,
      onIteration: (entry) => {
        if (entry.iteration === 4) controller.abort()
      },
    })
    if (E.isRight(fit)) throw new Error('expected the fit to be aborted')
    expect(fit.left._tag).toBe('Aborted')
    expect(fit.left.message).toBe('nmf: aborted by its signal after 4 iterations')
    if (fit.left._tag !== 'Aborted') return
    expect(fit.left.iteration).toBe(4)
    expect(fit.left.partial).toMatchObject({ nIter: 4 })
  })

  it('counts one iteration in the singular', () => {
    const controller = new AbortController()
    const fit = nmf(X, {
      components: 3,
      maxIter: 100,
      tol: 0,
      signal: controller.signal,
      onIteration: () => controller.abort(),
    })
    if (E.isRight(fit)) throw new Error('expected the fit to be aborted')
    expect(fit.left.message).toBe('nmf: aborted by its signal after 1 iteration')
  })

  it('does not start when the signal has already fired; the partial result is the start', () => {
    const controller = new AbortController()
    controller.abort()
    const error = failure(nmf(X, { components: 3, signal: controller.signal }))
    expect(error._tag).toBe('Aborted')
    expect(error.message).toBe('nmf: aborted by its signal after 0 iterations')
    if (error._tag !== 'Aborted') return
    expect(error.iteration).toBe(0)
    const partial = error.partial as Factorization
    const start = initialize(X, 3)
    if (E.isLeft(start)) throw new Error(start.left.message)
    expect(partial).toMatchObject({ nIter: 0, converged: false, history: [] })
    expect(partial.W.toArray()).toEqual(start.right.W.toArray())
    expect(partial.H.toArray()).toEqual(start.right.H.toArray())
    expect(partial.reconstructionError).toBeCloseTo(
      frobeniusError(X, start.right.W, start.right.H),
      12,
    )
  })

  // The signal stops the iterations still to come: after the last one, the fit is complete.
  const small = [
    [1, 0, 2, 1],
    [0, 3, 1, 0],
    [2, 1, 0, 4],
    [1, 1, 1, 1],
    [0, 2, 3, 1],
  ]
  const abortingAt = (iteration: number, maxIter?: number) => {
    const controller = new AbortController()
    return nmf(small, {
      components: 2,
      ...(maxIter === undefined ? {} : { maxIter }),
      signal: controller.signal,
      onIteration: (entry) => {
        if (entry.iteration === iteration) controller.abort()
      },
    })
  }

  it('returns the fit when the signal fires in the iteration that meets the stopping rule', () => {
    const plain = nmf(small, { components: 2 })
    if (E.isLeft(plain)) throw new Error(plain.left.message)
    expect(plain.right).toMatchObject({ nIter: 21, converged: true })
    const fit = abortingAt(21)
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right).toMatchObject({ nIter: 21, converged: true })
    expect(fit.right.W.toArray()).toEqual(plain.right.W.toArray())
    // One iteration earlier, it is aborted.
    expect(failure(abortingAt(20)).message).toBe('nmf: aborted by its signal after 20 iterations')
  })

  it('returns the fit when the signal fires in the maxIter-th iteration', () => {
    const fit = abortingAt(5, 5)
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right).toMatchObject({ nIter: 5, converged: false })
    expect(failure(abortingAt(4, 5)).message).toBe('nmf: aborted by its signal after 4 iterations')
  })
})

describe('seeds', () => {
  it.each(['cd', 'moving-average'])('%s: the same seed gives the same factors', (solver) => {
    const options = { components: 3, solver, init: 'random' as const, shuffle: true, seed: 5 }
    const a = nmf(X, options)
    const b = nmf(X, options)
    const c = nmf(X, { ...options, seed: 6 })
    if (E.isLeft(a) || E.isLeft(b) || E.isLeft(c)) throw new Error('fit failed')
    expect(b.right.W.toArray()).toEqual(a.right.W.toArray())
    expect(b.right.H.toArray()).toEqual(a.right.H.toArray())
    expect(c.right.W.toArray()).not.toEqual(a.right.W.toArray())
  })
})

describe('inputs are never changed', () => {
  test.prop(
    [
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom('cd', 'moving-average'),
    ],
    { numRuns: 60 },
  )('nmf leaves X and a custom init as they were', (rows, cols, components, seed, solver) => {
    const data = randomData(rows, cols, seed)
    const W0 = Matrix.fill(rows, components, 0.5)
    const H0 = Matrix.fill(components, cols, 0.5)
    const before = [data.toArray(), W0.toArray(), H0.toArray()]
    nmf(data, { components, solver, init: { W: W0, H: H0 }, maxIter: 5 })
    expect([data.toArray(), W0.toArray(), H0.toArray()]).toEqual(before)
  })
})

describe('the problem and options a plugin is given are frozen', () => {
  /** cd, with a step that first does `write` to what it is given. */
  const writing = (write: (problem: Problem, options: Record<string, unknown>) => void) =>
    ({
      ...cd,
      name: 'writing',
      step: (state: Factors, problem: Problem, options: Record<string, never>) => {
        write(problem, options)
        return cd.step(state, problem, options)
      },
    }) as AnySolver

  it('start and step see a frozen problem, penalties and options object', () => {
    const seen: boolean[] = []
    const solver = lookingAtStart((problem, options) => {
      seen.push(Object.isFrozen(problem), Object.isFrozen(problem.penalties))
      seen.push(Object.isFrozen(options))
    })
    expect(E.isRight(nmf(X, { components: 3, maxIter: 2, solver }))).toBe(true)
    expect(seen).toEqual([true, true, true])
  })

  it('squaredNormX, computed at its first read, is ‖X‖² and cannot be assigned', () => {
    // nmf gives it as a getter (transform too, to its built-in solvers): a solver that
    // never reads it (mu) skips the pass over X.
    const seen: number[] = []
    const reading = lookingAtStart((problem) => {
      seen.push(problem.squaredNormX, problem.squaredNormX)
      expect(() => ((problem as { squaredNormX: number }).squaredNormX = 1)).toThrow(TypeError)
    })
    expect(E.isRight(nmf(X, { components: 3, maxIter: 2, solver: reading }))).toBe(true)
    // Summed in blocks whose sums are carried in double-double: within an ulp of the exact.
    expect(seen[1]).toBe(seen[0])
    expect(withinUlp(seen[0], exactSquares(X.toFloat64Array()))).toBe(true)
  })

  it('squaredNormX is computed once for fits of one X', () => {
    // nmf reads a caller's Matrix into one of its own, over the same storage, every call:
    // the norm is known by that storage (a cache by the object never found it again). A
    // write into that storage, which no Matrix allows, shows whether a later fit sums the
    // entries again: it does not; a copy of them is summed.
    const seen: number[] = []
    const reading = lookingAtStart((problem) => seen.push(problem.squaredNormX))
    const values = randomData(30, 12, 2).toFloat64Array()
    const fresh = Matrix.unsafeWrap(30, 12, values)
    const fit = () => nmf(fresh, { components: 3, maxIter: 2, solver: reading })
    expect(E.isRight(fit())).toBe(true)
    values[0] += 1
    expect(E.isRight(fit())).toBe(true)
    const copy = Matrix.unsafeWrap(30, 12, values.slice())
    expect(E.isRight(nmf(copy, { components: 3, maxIter: 2, solver: reading }))).toBe(true)
    expect(seen[1]).toBe(seen[0])
    expect(withinUlp(seen[2], exactSquares(values))).toBe(true)
    expect(seen[2]).not.toBe(seen[0])
  })

  it("squaredNormX of a CsrMatrix is computed every fit: a caller holds its parts' arrays", () => {
    const seen: number[] = []
    const reading = lookingAtStart((problem) => seen.push(problem.squaredNormX))
    const X = CsrMatrix.fromDense(randomData(30, 12, 2))
    expect(E.isRight(nmf(X, { components: 3, maxIter: 2, solver: reading }))).toBe(true)
    X.data[0] += 1
    expect(E.isRight(nmf(X, { components: 3, maxIter: 2, solver: reading }))).toBe(true)
    expect(withinUlp(seen[1], exactSquares(X.data))).toBe(true)
    expect(seen[1]).not.toBe(seen[0])
  })

  it.each([
    ['a penalty', (problem: Problem) => ((problem.penalties as { l1W: number }).l1W = 5), 'l1W'],
    ['the problem', (problem: Problem) => ((problem as { beta: number }).beta = 1), 'beta'],
    ['the options', (_: Problem, options: Record<string, unknown>) => (options.rate = 2), 'rate'],
  ])(
    'a step that assigns to %s throws a TypeError out of nmf, naming the field',
    (_, write, field) => {
      // Not caught, as nothing a plugin's step throws is: the fit stops at the write.
      const fit = () => nmf(X, { components: 3, maxIter: 2, solver: writing(write), alphaW: 0.1 })
      expect(fit).toThrow(TypeError)
      expect(fit).toThrow(field)
    },
  )
})

describe('the recorded options', () => {
  it('are data: no callback and no signal', () => {
    const controller = new AbortController()
    const fit = nmf(X, {
      components: 2,
      onIteration: () => undefined,
      signal: controller.signal,
    })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(Object.keys(fit.right.options)).not.toContain('onIteration')
    expect(Object.keys(fit.right.options)).not.toContain('signal')
    expect(JSON.parse(JSON.stringify(fit.right.options))).toEqual(fit.right.options)
  })
})

/** cd with its step's result passed through `change`: a plugin whose step goes wrong. */
const changedCd = (name: string, change: (result: StepResult<Factors>) => StepResult<Factors>) =>
  ({
    ...cd,
    name,
    step: (state, problem, options) =>
      change(cd.step(state, problem, options as Record<string, never>)),
  }) as AnySolver

/** A step's result with other factors, of whatever shapes. */
const withFactors = (result: StepResult<Factors>, W: Matrix, H: Matrix): StepResult<Factors> => ({
  ...result,
  state: { W, H } as Factors,
})

const failure = (result: E.Either<NmfError, unknown>): NmfError => {
  if (E.isRight(result)) throw new Error('expected a Left, found a Right')
  return result.left
}

describe("the shapes of a solver's factors", () => {
  const square = randomData(6, 6, 2)

  it.each([
    [
      'H transposed',
      (result: StepResult<Factors>) =>
        withFactors(result, result.state.W, result.state.H.transpose()),
      "nmf: expected H after iteration 1 of solver 'bad' to have shape 2×6 " +
        '(components×features), found 6×2',
    ],
    [
      'a W of 3 components',
      (result: StepResult<Factors>) => withFactors(result, Matrix.fill(6, 3, 1), result.state.H),
      "nmf: expected W after iteration 1 of solver 'bad' to have shape 6×2 " +
        '(samples×components), found 6×3',
    ],
    [
      'a W of 5 rows',
      (result: StepResult<Factors>) => withFactors(result, Matrix.fill(5, 2, 1), result.state.H),
      "nmf: expected W after iteration 1 of solver 'bad' to have shape 6×2 " +
        '(samples×components), found 5×2',
    ],
  ])('a step that returns %s is a ShapeMismatch naming the solver', (_, change, message) => {
    const error = failure(nmf(square, { components: 2, solver: changedCd('bad', change) }))
    expect(error._tag).toBe('ShapeMismatch')
    expect(error.message).toBe(message)
  })

  it('names the iteration in which the shape went wrong', () => {
    let steps = 0
    const late = changedCd('late', (result) =>
      ++steps < 3 ? result : withFactors(result, result.state.W, Matrix.fill(3, 6, 1)),
    )
    const error = failure(nmf(square, { components: 2, solver: late, tol: 0 }))
    expect(error.message).toBe(
      "nmf: expected H after iteration 3 of solver 'late' to have shape 2×6 " +
        '(components×features), found 3×6',
    )
  })

  it("checks the solver's start as well", () => {
    const solver = {
      ...cd,
      name: 'bad-start',
      start: (_problem, initial) => ({ W: initial.W, H: Matrix.fill(2, 5, 1) }) as Factors,
    } as AnySolver
    const error = failure(nmf(square, { components: 2, solver }))
    expect(error.message).toBe(
      "nmf: expected H from the start of solver 'bad-start' to have shape 2×6 " +
        '(components×features), found 2×5',
    )
  })
})

describe('numbers that are not finite after a step', () => {
  /** A plugin whose step keeps the factors or makes `factors`, and reports `numbers`. */
  const stub = (
    name: string,
    numbers: { measure: number; objective?: number },
    factors?: (state: Factors) => Factors,
  ) =>
    ({
      ...cd,
      name,
      step: (state: Factors) => ({ state: factors?.(state) ?? state, ...numbers }),
      converged: () => true,
    }) as AnySolver
  const square = randomData(6, 6, 2)

  it("blames the solver's step, not X, for a NaN measure or objective", () => {
    const measure = failure(
      nmf([[0]], { components: 1, init: 'random', solver: stub('nan-measure', { measure: NaN }) }),
    )
    expect(measure._tag).toBe('NonFiniteInput')
    expect(measure.message).toBe(
      'nmf: expected the projected-gradient violation after iteration 1 to be finite, ' +
        "found NaN; solver 'nan-measure' made it in its step",
    )
    const objective = failure(
      nmf(square, { components: 2, solver: stub('nan-objective', { measure: 0, objective: NaN }) }),
    )
    expect(objective.message).toBe(
      'nmf: expected the objective after iteration 1 to be finite, ' +
        "found NaN; solver 'nan-objective' made it in its step",
    )
  })

  it("blames the solver's step for factors that are not finite", () => {
    const solver = stub('nan-h', { measure: 0 }, (state) => ({
      W: state.W,
      H: state.H.map((value, i, j) => (i === 1 && j === 4 ? NaN : value)),
    }))
    const error = failure(nmf(square, { components: 2, solver }))
    expect(error._tag).toBe('NonFiniteInput')
    expect(error.message).toBe(
      'nmf: expected H after iteration 1 to be finite, found NaN at row 1, column 4; ' +
        "solver 'nan-h' made it in its step",
    )
  })

  it.each([true, false])(
    "blames the start, not the step, for factors the start made (nonnegative: %s); finite is not the capabilities' promise",
    (nonnegative) => {
      const starting = (name: string, start: (initial: Factors) => Factors) =>
        ({
          ...stub(name, { measure: 0 }),
          capabilities: { ...cd.capabilities, nonnegative },
          start: (_problem: Problem, initial: Factors) => start(initial),
        }) as AnySolver
      const nanH = starting('nan-start', (initial) => ({
        W: initial.W,
        H: initial.H.map((value, i, j) => (i === 1 && j === 4 ? NaN : value)),
      }))
      const error = failure(nmf(square, { components: 2, solver: nanH }))
      expect(error).toMatchObject({ _tag: 'NonFiniteInput', row: -1, col: -1 })
      expect(error.message).toBe(
        'nmf: expected H from the start to be finite, found NaN at row 1, column 4; ' +
          "solver 'nan-start' made it in its start",
      )
      const infiniteW = starting('infinite-start', (initial) => ({
        W: initial.W.map(() => Infinity),
        H: initial.H,
      }))
      expect(failure(nmf(square, { components: 2, solver: infiniteW })).message).toBe(
        'nmf: expected W from the start to be finite, found Infinity at row 0, column 0; ' +
          "solver 'infinite-start' made it in its start",
      )
      // After a step, the same: no word of the capabilities, which promise a sign.
      const infiniteStep = {
        ...stub('infinite-step', { measure: 0 }, (state) => ({
          W: state.W.map((value, i) => (i === 2 ? -Infinity : value)),
          H: state.H,
        })),
        capabilities: { ...cd.capabilities, nonnegative },
      }
      expect(failure(nmf(square, { components: 2, solver: infiniteStep })).message).toBe(
        'nmf: expected W after iteration 1 to be finite, found -Infinity at row 2, column 0; ' +
          "solver 'infinite-step' made it in its step",
      )
    },
  )

  it('blames the factors a solver returned for an error that overflows', () => {
    const solver = stub('huge', { measure: 0 }, (state) => ({
      W: state.W.map(() => 1e200),
      H: state.H.map(() => 1e200),
    }))
    const error = failure(nmf(square, { components: 2, solver }))
    expect(error.message).toBe(
      'nmf: expected the reconstruction error to be finite, found Infinity; ' +
        "solver 'huge' returned factors that give it",
    )
  })

  it('blames X when its entries are large enough to overflow, whatever the solver', () => {
    const error = failure(
      nmf(square.scale(1e200), { components: 2, solver: stub('nan', { measure: NaN }) }),
    )
    expect(error.message).toMatch(
      new RegExp(
        String.raw`found NaN; X's entries \(largest [\d.]+e\+199\) are too large for the ` +
          String.raw`fit's sums; scale X down$`,
      ),
    )
  })
})

describe('negative factors from a plugin that declares nonnegative', () => {
  const square = randomData(6, 6, 2)
  /** A plugin whose step makes `factors` from the state it is given, and stops. */
  const making = (
    name: string,
    factors: (state: Factors) => Factors,
    nonnegative = true,
    start?: AnySolver['start'],
  ) =>
    ({
      name,
      optionProps: {},
      defaults: {},
      capabilities: { losses: ['frobenius'], sparse: true, monotone: false, nonnegative },
      measure: 'm',
      start: start ?? ((_problem: Problem, initial: Factors) => initial),
      step: (state: Factors) => ({ state: factors(state), measure: 0 }),
      converged: () => true,
    }) as AnySolver
  const negated = (state: Factors): Factors => ({ W: state.W.map((value) => -value), H: state.H })

  it('is a NegativeInput that names the factor, the place, the value and the iteration', () => {
    const rows = [
      [1, 0, 2],
      [0, 3, 1],
      [2, 1, 0],
      [1, 1, 1],
    ]
    const error = failure(nmf(rows, { components: 2, solver: making('mine', negated) }))
    expect(error._tag).toBe('NegativeInput')
    if (error._tag !== 'NegativeInput') return
    // The place is W's, not an input's: it is in the message, and row and col are -1.
    expect([error.row, error.col]).toEqual([-1, -1])
    expect(error.value).toBeCloseTo(-0.695626, 6)
    // As docs/plugins.md quotes it.
    expect(error.message).toBe(
      'nmf: expected W after iteration 1 to be non-negative, found -0.695626 at row 0, ' +
        "column 0; solver 'mine' made it in its step, though its capabilities declare " +
        'nonnegative: true',
    )
  })

  it('finds the first negative entry of H at a later iteration', () => {
    let steps = 0
    const late = making('late', (state) =>
      ++steps < 3
        ? state
        : { W: state.W, H: state.H.map((value, i, j) => (i === 1 && j === 4 ? -0.5 : value)) },
    )
    const error = failure(
      nmf(square, { components: 2, solver: { ...late, converged: () => false } }),
    )
    expect(error.message).toBe(
      'nmf: expected H after iteration 3 to be non-negative, found -0.5 at row 1, column 4; ' +
        "solver 'late' made it in its step, though its capabilities declare nonnegative: true",
    )
  })

  it("checks the plugin's start as well", () => {
    const solver = making(
      'bad-start',
      (state) => state,
      true,
      (_problem, initial) => ({
        W: initial.W,
        H: initial.H.map((value, i, j) => (i === 0 && j === 2 ? -3 : value)),
      }),
    )
    const error = failure(nmf(square, { components: 2, solver }))
    expect(error._tag).toBe('NegativeInput')
    expect(error.message).toBe(
      'nmf: expected H from the start to be non-negative, found -3 at row 0, column 2; ' +
        "solver 'bad-start' made it in its start, though its capabilities declare " +
        'nonnegative: true',
    )
  })

  it('takes -0, and a NaN is still refused as not finite', () => {
    const zeros = (state: Factors): Factors => ({ W: state.W.map(() => -0), H: state.H })
    const fit = nmf(square, { components: 2, solver: making('minus-zero', zeros) })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(Object.is(fit.right.W.get(0, 0), -0)).toBe(true)
    const nan = (state: Factors): Factors => ({
      W: state.W.map((value, i) => (i === 0 ? -1 : i === 1 ? NaN : value)),
      H: state.H,
    })
    expect(failure(nmf(square, { components: 2, solver: making('nan', nan) }))._tag).toBe(
      'NonFiniteInput',
    )
  })

  it('returns the negative factors of a plugin that declares nonnegative: false', () => {
    const fit = nmf(square, { components: 2, solver: making('signed', negated, false) })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(fit.right.W.min()).toBeLessThan(0)
  })

  it("leaves nmfkit's own solvers unchecked: moving-average with nonnegative: false", () => {
    const fit = nmf(square, {
      components: 2,
      solver: 'moving-average',
      nonnegative: false,
      gamma: 1,
      init: 'random',
      maxIter: 50,
    })
    if (E.isLeft(fit)) throw new Error(fit.left.message)
    expect(Math.min(fit.right.W.min(), fit.right.H.min())).toBeLessThan(0)
  })
})
