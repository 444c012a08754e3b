/**
 * Comparators: plugins that take two factorizations of the same X and report
 * how they differ. `compare(a, b)` runs them; `norms` is the notebook's set of
 * metrics, entry by entry, with no alignment of the components (`aligned.ts`
 * has the comparison up to permutation and scale).
 *
 * The contract: a comparator is a plain value with a name, an options codec
 * (io-ts, from what the user gives to complete options, defaults filled in)
 * and a function of two factorizations, the context (X when known) and the
 * decoded options to a report. A report is plain JSON-serializable data whose
 * `comparator` field names the comparator that made it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as t from 'io-ts'
import {
  concerning,
  invalidMatrix,
  invalidOption,
  overflow,
  shapeMismatch,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import { attempt } from '../core/guarded.ts'
import {
  describeValue,
  isArrayLike,
  largestOf,
  Matrix,
  meanOf,
  ownMatrix,
  showShape,
  valuesOf,
} from '../core/matrix.ts'
import { CsrMatrix, type AnyMatrix } from '../core/csr.ts'
import { euclideanNorm } from '../core/scaled.ts'
import { checkFinite, checkNonNegative } from '../core/validate.ts'
import { describeOptionError, optionsCodec } from './comparator-options.ts'
import { readOptions } from './options.ts'

export { optionsCodec }

/** The two factors a comparator reads; a `Factorization` is one. */
export interface FactorPair {
  readonly W: Matrix
  readonly H: Matrix
}

/** What a comparator may use besides the two factorizations. */
export interface CompareContext {
  /** The data both were fitted to, when known. */
  readonly X?: AnyMatrix
}

/**
 * A comparator plugin: a name, an options codec, and a function of two
 * factorizations (and the context, X when known) to a report. `Report` is the
 * type of its report, plain JSON-serializable data; `Options` the type of its
 * decoded options.
 *
 * @example
 * const identical: Comparator<{ comparator: 'identical'; same: boolean }, object> = {
 *   name: 'identical',
 *   options: optionsCodec('identical options', {}, {}),
 *   compare: (a, b) =>
 *     E.right({ comparator: 'identical', same: a.W === b.W && a.H === b.H }),
 * }
 */
export interface Comparator<Report = unknown, Options = unknown> {
  readonly name: string
  /**
   * Decodes the options a user gives (`undefined` when none) into complete
   * options, defaults filled in; `compare` turns a failure into an `InvalidOption`.
   */
  readonly options: t.Decoder<unknown, Options>
  // A method, not a function-valued field, so that a Comparator<R, O> is also a
  // Comparator<unknown, unknown>: one list can hold comparators with different options.
  /**
   * Compares a with b. Must not change them; returns a `Left` for inputs it
   * cannot compare (e.g. shapes that differ). Run by `compare`, it is given
   * factors of the same shapes whose entries are all finite, and a finite, non-negative X.
   */
  compare(a: FactorPair, b: FactorPair, context: CompareContext, options: Options): Result<Report>
}

/** A comparator with options of any type, as lists hold them. */
export type AnyComparator = Comparator<unknown, unknown>

/** A comparator with the options to run it with, as `compare` takes it. */
export interface ConfiguredComparator {
  readonly comparator: AnyComparator
  /** Decoded by the comparator's options codec when `compare` runs. */
  readonly options: unknown
}

/**
 * A comparator paired with options, type-checked against its options type.
 *
 * @example
 * compare(a, b, { comparators: [withOptions(aligned, { tolerance: 1e-3 })] })
 */
export const withOptions = <R, O>(
  comparator: Comparator<R, O>,
  options: Partial<O>,
): ConfiguredComparator => ({ comparator, options })

/** Max, min, mean and Frobenius norm of one factor. */
export interface FactorSummary {
  readonly max: number
  readonly min: number
  readonly mean: number
  readonly frobeniusNorm: number
}

/** The notebook's metrics for one factor of a and of b. */
export interface DifferenceMetrics {
  /** ‖A − B‖_F / (rows·cols), as the notebook scales it. */
  readonly frobeniusPerEntry: number
  /** max |A − B|. */
  readonly maxAbsDifference: number
  /** mean |A − B|. */
  readonly meanAbsDifference: number
  readonly a: FactorSummary
  readonly b: FactorSummary
}

/** The report of `norms`. */
export interface NormsReport {
  readonly comparator: 'norms'
  readonly W: DifferenceMetrics
  readonly H: DifferenceMetrics
}

// Means and norms are the plain formulas, bit for bit, wherever they neither overflow nor
// underflow, and scaled where they would (factors near 1e-160 or 1e155 and beyond).
const summarize = (matrix: Matrix): FactorSummary => ({
  max: matrix.max(),
  min: matrix.min(),
  mean: matrix.mean(),
  frobeniusNorm: matrix.frobeniusNorm(),
})

const differences = (a: Matrix, b: Matrix): DifferenceMetrics => {
  const y = valuesOf(b)
  const difference = valuesOf(a).map((x, q) => Math.abs(x - y[q]))
  // Finite entries whose difference is beyond the largest double (1e308 − (−1e308)): the
  // metrics from the halves' differences, doubled last, so that only a metric whose value
  // is out of range comes out infinite.
  const halved = !difference.every(Number.isFinite)
  const d = halved ? valuesOf(a).map((x, q) => Math.abs(x / 2 - y[q] / 2)) : difference
  const scale = halved ? 2 : 1
  return {
    frobeniusPerEntry: scale * (euclideanNorm(d) / d.length),
    maxAbsDifference: scale * largestOf(d, 0),
    meanAbsDifference: scale * meanOf(d, d.length),
    a: summarize(a),
    b: summarize(b),
  }
}

/** The path of the first number in `value` that is not finite, e.g. `W.a.frobeniusNorm`. */
export const firstNonFinite = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const found = firstNonFinite(inner, path === '' ? key : `${path}.${key}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** The report of `norms` for factors of the same shapes, all finite; no checks. */
export const normsReport = (a: FactorPair, b: FactorPair): NormsReport => ({
  comparator: 'norms',
  W: differences(a.W, b.W),
  H: differences(a.H, b.H),
})

/**
 * The report of `norms`, or the refusal of its first metric beyond the largest double,
 * which `named` names (a report of Infinity would not be JSON).
 */
export const finiteNormsReport = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  named: (metric: string) => string,
): Result<NormsReport> => {
  const report = normsReport(a, b)
  const beyond = firstNonFinite(report, '')
  return beyond === undefined
    ? E.right(report)
    : E.left(
        overflow(operation, named(beyond), Infinity, 'it is beyond the largest double (1.80e308)'),
      )
}

/**
 * Checks that a and b have factors of the same shapes; a factor of b that differs is the
 * error's `input` (`'b.W'`, `'b.H'`: a is the reference), unless a's own W and H do not fit
 * together: then a is no reference, and its H is named (`checkFits`). Factors that match
 * a's but do not fit together pass: `norms` compares them entry by entry.
 */
export const checkSameShapes = (operation: string, a: FactorPair, b: FactorPair): Result<void> => {
  for (const name of ['W', 'H'] as const) {
    if (a[name].rows !== b[name].rows || a[name].cols !== b[name].cols) {
      const fits = checkFits(operation, 'a', a)
      if (E.isLeft(fits)) return fits
      return E.left(
        concerning(`b.${name}`)(
          shapeMismatch(
            operation,
            `${name} of the second factorization`,
            `shape ${showShape(a[name].rows, a[name].cols)}`,
            showShape(b[name].rows, b[name].cols),
          ),
        ),
      )
    }
  }
  return E.right(undefined)
}

/**
 * Checks that every entry of the four factors, and of X when given, is finite: a NaN or
 * ±Infinity has no difference, norm, cosine or error a report could hold as JSON. X must
 * be non-negative too, as `nmf` takes it (the factors need not be: `moving-average` with
 * `nonnegative: false` makes negative ones). The error's `input` names the matrix: `'a.W'`,
 * `'a.H'`, `'b.W'`, `'b.H'` or `'X'`.
 */
export const checkFiniteFactors = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  X?: AnyMatrix,
): Result<void> => {
  for (const [side, which, pair] of [
    ['a', 'first', a],
    ['b', 'second', b],
  ] as const) {
    for (const name of ['W', 'H'] as const) {
      const finite = checkFinite(operation, `${name} of the ${which} factorization`, pair[name])
      if (E.isLeft(finite)) return E.left(concerning(`${side}.${name}`)(finite.left))
    }
  }
  return X === undefined
    ? E.right(undefined)
    : E.bimap(concerning('X'), () => undefined)(checkNonNegative(operation, 'X', X))
}

/** Checks that X, when given, is samples×features: the shape of W·H (`input` `'X'`). */
export const checkData = (
  operation: string,
  a: FactorPair,
  X: AnyMatrix | undefined,
): Result<void> =>
  X !== undefined && (X.rows !== a.W.rows || X.cols !== a.H.cols)
    ? E.left(
        concerning('X')(
          shapeMismatch(
            operation,
            'X',
            `shape ${showShape(a.W.rows, a.H.cols)} (rows of W × columns of H)`,
            showShape(X.rows, X.cols),
          ),
        ),
      )
    : E.right(undefined)

/**
 * Checks what a comparator that forms W·H needs, in this order: within each of a and b the
 * columns of W match the rows of H, a and b have factors of the same shapes, and X (when
 * given) has the shape of W·H. The error's `input` names the matrix that does not fit:
 * `'a.H'` or `'b.H'` (W is the basis), `'b.W'` or `'b.H'` (a is the reference), or `'X'`.
 */
export const checkComparable = (
  operation: string,
  a: FactorPair,
  b: FactorPair,
  X: AnyMatrix | undefined,
): Result<void> =>
  pipe(
    checkFits(operation, 'a', a),
    E.chain(() => checkFits(operation, 'b', b)),
    E.chain(() => checkSameShapes(operation, a, b)),
    E.chain(() => checkData(operation, a, X)),
  )

/**
 * Checks that one factorization's W and H fit together, the columns of W matching the rows
 * of H; else a `ShapeMismatch` on its H (`'a.H'`, `'b.H'`: W is the basis).
 */
export const checkFits = (operation: string, side: 'a' | 'b', pair: FactorPair): Result<void> =>
  pair.H.rows === pair.W.cols
    ? E.right(undefined)
    : E.left(
        concerning(`${side}.H`)(
          shapeMismatch(
            operation,
            `H of the ${side === 'a' ? 'first' : 'second'} factorization`,
            `${pair.W.cols} rows (as W has ${pair.W.cols} columns)`,
            showShape(pair.H.rows, pair.H.cols),
          ),
        ),
      )

/**
 * The notebook's comparison: norms and elementwise differences of W and of H.
 * It takes no options. Factors with an entry that is not finite are a `NonFiniteInput`,
 * and so is a metric beyond the largest double (a norm or a difference of entries near it).
 */
export const norms: Comparator<NormsReport, object> = {
  name: 'norms',
  options: optionsCodec('norms options', {}, {}),
  compare: (a, b) =>
    pipe(
      checkSameShapes('compare', a, b),
      E.chain(() => checkFiniteFactors('compare', a, b)),
      E.chain(() => finiteNormsReport('compare', a, b, (metric) => `the norms metric ${metric}`)),
    ),
}

/** True for a `NormsReport`, e.g. one of the `reports` of `compare`. */
export const isNormsReport = (report: unknown): report is NormsReport =>
  typeof report === 'object' &&
  report !== null &&
  (report as { comparator?: unknown }).comparator === 'norms'

/** Options of `compare`. */
export interface CompareOptions {
  /**
   * The comparators to run, in order: each a comparator (run with its default
   * options) or a comparator with options (see `withOptions`). @default [norms]
   */
  readonly comparators?: ReadonlyArray<AnyComparator | ConfiguredComparator>
  /** The data both were fitted to; comparators that use it say so in their reports. */
  readonly X?: AnyMatrix
}

/** The reports of the comparators, in the order they ran. */
export interface Report {
  readonly reports: readonly unknown[]
}

/**
 * What a value is, in the words of compare's messages: a string quoted (a comparator's name
 * where its value belongs), else as `describeValue` says (`a number (5)`, `an array`).
 */
const describe = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : describeValue(value)

/**
 * A value given as a Matrix, read once into one of nmfkit's own (`ownMatrix`), else what it
 * is instead. Its reads may throw: the caller guards them.
 */
const readMatrix = (value: unknown): E.Either<string, Matrix> =>
  value instanceof Matrix
    ? ownMatrix(value)
    : E.left(
        describe(value) +
          (isArrayLike(value) ? ' (Matrix.fromArrays makes one of nested arrays)' : ''),
      )

/**
 * A factorization's W and H, each read once into a Matrix of nmfkit's own (`ownMatrix`: a
 * Proxy of a Matrix passes instanceof, and may throw at any later read): else the refusal
 * of what is not one, naming it in `input`: the argument itself (`'a'`) when it is no
 * object or reading W or H from it throws, else its first factor that is not a Matrix
 * (`'a.W'`). `seen` maps each Matrix already read to its own copy, so that a factor given
 * twice (compare(fit, fit)) is one matrix to the comparators too.
 */
const readPair = (
  operation: string,
  side: 'a' | 'b',
  value: unknown,
  seen: Map<unknown, Matrix>,
): Result<FactorPair> => {
  const which = side === 'a' ? 'the first factorization' : 'the second factorization'
  const refuse = (found: string) =>
    E.left(
      concerning(side)(
        invalidMatrix(operation, `expected ${which} to have Matrix fields W and H, found ${found}`),
      ),
    )
  if (typeof value !== 'object' || value === null) return refuse(describe(value))
  // W and H by name (a class may have them as getters); the rest of the caller's object (a
  // Factorization's nIter, history, ...) goes to the comparators as it was given, with W and
  // H replaced by the copies read.
  const read = attempt(() => {
    const { W, H } = value as { W?: unknown; H?: unknown }
    return { W, H, rest: { ...value } }
  })
  if (E.isLeft(read)) return refuse(`an object that threw ${read.left} when read`)
  const factors: Matrix[] = []
  for (const name of ['W', 'H'] as const) {
    const given = read.right[name]
    const known = seen.get(given)
    if (known !== undefined) {
      factors.push(known)
      continue
    }
    const own = attempt(() => readMatrix(given))
    const found = E.isLeft(own) ? E.left(`one that threw ${own.left} when read`) : own.right
    if (E.isLeft(found)) {
      return E.left(
        concerning(`${side}.${name}`)(
          invalidMatrix(
            operation,
            `expected ${name} of ${which} to be a Matrix, found ${found.left}`,
          ),
        ),
      )
    }
    seen.set(given, found.right)
    factors.push(found.right)
  }
  return E.right({ ...read.right.rest, W: factors[0], H: factors[1] })
}

/** A comparator of the list, its members read once, with the options it is to run with. */
interface Entry {
  readonly comparator: AnyComparator
  readonly name: string
  readonly decode: (options: unknown) => unknown
  readonly codec: unknown
  readonly run: AnyComparator['compare']
  readonly given: unknown
}

/**
 * The entries of `comparators`, each a comparator (its default options) or
 * `withOptions(...)`, their members read once: else an error on `comparators` that names
 * the first entry that is not one, or that threw when read (a getter or Proxy).
 */
const readComparators = (operation: string, comparators: unknown): Result<readonly Entry[]> => {
  const refuse = (found: string) =>
    E.left(
      invalidOption(
        operation,
        'comparators',
        `expected comparator values (e.g. norms, aligned) or withOptions(...), found ${found}`,
      ),
    )
  if (comparators === undefined) return readComparators(operation, [norms])
  const list = attempt(() => (Array.isArray(comparators) ? Array.from(comparators) : undefined))
  if (E.isLeft(list)) return refuse(`a list that threw ${list.left} when read`)
  if (list.right === undefined) {
    return E.left(
      invalidOption(
        operation,
        'comparators',
        `expected an array of comparators (e.g. [norms, aligned]), found ${describe(comparators)}`,
      ),
    )
  }
  const entries: Entry[] = []
  for (const [index, entry] of list.right.entries()) {
    const read = attempt((): Entry | undefined => {
      if (typeof entry !== 'object' || entry === null) return undefined
      const [comparator, given] =
        'comparator' in entry
          ? [
              (entry as { comparator: unknown }).comparator,
              (entry as { options?: unknown }).options,
            ]
          : [entry, undefined]
      if (typeof comparator !== 'object' || comparator === null) return undefined
      const { name, options: codec, compare: run } = comparator as Partial<AnyComparator>
      const decode = (codec as { decode?: unknown } | undefined)?.decode
      if (typeof run !== 'function' || typeof decode !== 'function') return undefined
      return {
        comparator: comparator as AnyComparator,
        name: typeof name === 'string' ? name : describe(name),
        decode: decode as Entry['decode'],
        codec,
        run,
        given,
      }
    })
    if (E.isLeft(read)) return refuse(`one that threw ${read.left} when read at index ${index}`)
    if (read.right === undefined) return refuse(`${describe(entry)} at index ${index}`)
    entries.push(read.right)
  }
  return E.right(entries)
}

/**
 * A value a plugin's code returned where an `Either` belongs (its options codec's decode,
 * its compare), read once; else a description of what came.
 */
const readEither = (value: unknown): E.Either<string, E.Either<unknown, unknown>> => {
  const tag = attempt(() =>
    typeof value === 'object' && value !== null ? (value as { _tag?: unknown })._tag : undefined,
  )
  if (E.isLeft(tag)) return E.left(`an object that threw ${tag.left} when read`)
  const side = tag.right === 'Left' ? 'left' : tag.right === 'Right' ? 'right' : undefined
  if (side === undefined) return E.left(describe(value))
  const inner = attempt(() => (value as Record<string, unknown>)[side])
  if (E.isLeft(inner)) return E.left(`an object that threw ${inner.left} when read`)
  return E.right(side === 'left' ? E.left(inner.right) : E.right(inner.right))
}

/**
 * The option X, read once: nothing, a CsrMatrix, or a Matrix read into one of nmfkit's own;
 * else an `InvalidOption` on `X` whose `input` is `'X'` too.
 */
const readData = (operation: string, X: unknown): Result<AnyMatrix | undefined> => {
  const read = attempt((): E.Either<string, AnyMatrix | undefined> =>
    X === undefined || X instanceof CsrMatrix ? E.right(X) : readMatrix(X),
  )
  const found = E.isLeft(read) ? E.left(`an object that threw ${read.left} when read`) : read.right
  return E.isRight(found)
    ? found
    : E.left({
        ...invalidOption(operation, 'X', `expected a Matrix or CsrMatrix, found ${found.left}`),
        input: 'X',
      })
}

/**
 * Compares two factorizations of the same X with each comparator, in order.
 * Factorizations of different shapes (a's H named when a's own W and H do not fit
 * together, b's factor otherwise), or an X that is not the shape of W·H,
 * are a `ShapeMismatch` that names the shapes; a factor or an X with an entry
 * that is NaN or ±Infinity is a `NonFiniteInput` that names the matrix and the
 * entry, and an X with a negative entry a `NegativeInput` (as `nmf` refuses it), before
 * any comparator runs; options a comparator's codec rejects are an `InvalidOption` named
 * `<comparator>.<option>`. A refusal of a matrix names it in `input`, after compare's
 * parameters: `'a'` or `'b'` (not a factorization), `'a.W'`, `'a.H'`, `'b.W'`, `'b.H'`,
 * or `'X'` (the option).
 *
 * @example
 * const report = compare(fitA, fitB) // Right({ reports: [NormsReport] })
 * compare(fitA, fitB, { comparators: [norms, aligned], X }) // Right({ reports: [norms, aligned] })
 */
export const compare = (
  a: FactorPair,
  b: FactorPair,
  options: CompareOptions = {},
): Result<Report> => {
  const operation = 'compare'
  // The types ask for factorizations and plugins; a JavaScript caller may pass anything,
  // getters and Proxies that throw included: each is read once, and checked.
  const seen = new Map<unknown, Matrix>()
  const pairA = readPair(operation, 'a', a, seen)
  if (E.isLeft(pairA)) return pairA
  // compare(fit, fit): one object to the comparators, as the caller gave it twice.
  const pairB = b === a ? pairA : readPair(operation, 'b', b, seen)
  if (E.isLeft(pairB)) return pairB
  const known = ['comparators', 'X']
  const given = readOptions(operation, options, '{ comparators: [norms] }', known)
  if (E.isLeft(given)) return given
  const unknown = Object.keys(given.right).find((key) => !known.includes(key))
  if (unknown !== undefined) {
    return E.left(
      invalidOption(
        operation,
        unknown,
        `not a known option; known options are ${known.join(', ')}`,
      ),
    )
  }
  const entries = readComparators(operation, given.right.comparators)
  if (E.isLeft(entries)) return entries
  const data = readData(operation, given.right.X)
  if (E.isLeft(data)) return data
  const shapes = pipe(
    checkSameShapes(operation, pairA.right, pairB.right),
    E.chain(() => checkData(operation, pairA.right, data.right)),
  )
  if (E.isLeft(shapes)) return shapes
  // Before any comparator runs, so that every one, a plugin too, is given finite factors and
  // a finite, non-negative X.
  const finite = checkFiniteFactors(operation, pairA.right, pairB.right, data.right)
  if (E.isLeft(finite)) return finite
  const context: CompareContext = data.right === undefined ? {} : { X: data.right }
  const reports: unknown[] = []
  for (const { comparator, name, decode, codec, run, given: chosen } of entries.right) {
    // A plugin's own code runs unguarded; what it returns is read once, and checked.
    const notEither = (what: string, found: string) =>
      E.left(
        invalidOption(
          operation,
          'comparators',
          `comparator '${name}': ${what} returned ${found}, expected an Either ` +
            '(E.right(...) or E.left(...))',
        ),
      )
    const decoded = readEither(decode.call(codec, chosen))
    if (E.isLeft(decoded)) return notEither("its options codec's decode", decoded.left)
    if (E.isLeft(decoded.right)) {
      const errors = decoded.right.left as t.Errors
      const { path, detail } = E.getOrElse(() => ({ path: '', detail: 'invalid value' }))(
        attempt(() => describeOptionError(errors)),
      )
      const option = path === '' ? name : `${name}.${path}`
      return E.left(invalidOption(operation, option, detail))
    }
    const report = readEither(
      run.call(comparator, pairA.right, pairB.right, context, decoded.right.right),
    )
    if (E.isLeft(report)) return notEither('its compare', report.left)
    if (E.isLeft(report.right)) return E.left(report.right.left as NmfError)
    reports.push(report.right.right)
  }
  return E.right({ reports })
}
