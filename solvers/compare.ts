/**
 * `compare(a, b)`: runs comparators (their contract is in solvers/comparator.ts) on two
 * factorizations of the same X, `norms` (solvers/norms.ts) by default. Its arguments,
 * options and comparators are each read once and checked before any comparator runs.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as t from 'io-ts'
import {
  concerning,
  invalidMatrix,
  describeNotNmfError,
  invalidOption,
  isNmfError,
  type NmfError,
  type Result,
} from '../core/errors.ts'
import { attempt } from '../core/guarded.ts'
import { decodeMatrix, type MatrixInput } from '../core/input.ts'
import { describeValue, Matrix, ownMatrix } from '../core/matrix.ts'
import { isArrayLike } from '../core/matrix-shared.ts'
import { CsrMatrix, type AnyMatrix } from '../core/csr.ts'
import { describeOptionError, optionsDefect } from './comparator-options.ts'
import {
  checkData,
  checkFiniteFactors,
  checkSameShapes,
  type AnyComparator,
  type CompareContext,
  type ConfiguredComparator,
  type FactorPair,
} from './comparator.ts'
import { norms } from './norms.ts'
import { readOptions } from './options.ts'

/** Options of `compare`. */
export interface CompareOptions {
  /**
   * The comparators to run, in order: each a comparator (run with its default
   * options) or a comparator with options (see `withOptions`). @default [norms]
   */
  readonly comparators?: ReadonlyArray<AnyComparator | ConfiguredComparator>
  /**
   * The data both were fitted to, in any form `nmf` takes (a Matrix, a CsrMatrix, nested
   * arrays, JSON); comparators that use it say so in their reports.
   */
  readonly X?: AnyMatrix | MatrixInput
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
 * the first entry that is not one, or that threw when read (a getter or Proxy), or the
 * first comparator without a name (a non-empty string: its messages and reports go by it,
 * as `nmf`'s go by a solver plugin's), or with an options codec that `optionsCodec` made of
 * props and defaults that do not fit together.
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
    const read = attempt((): Entry | string | undefined => {
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
      if (typeof name !== 'string' || name === '') {
        return (
          `expected the comparator at index ${index} to have name, a non-empty string, ` +
          `found ${name === '' ? 'an empty string' : describe(name)}`
        )
      }
      const defect = optionsDefect(codec, name)
      if (defect !== undefined) return defect
      return {
        comparator: comparator as AnyComparator,
        name,
        decode: decode as Entry['decode'],
        codec,
        run,
        given,
      }
    })
    if (E.isLeft(read)) return refuse(`one that threw ${read.left} when read at index ${index}`)
    if (read.right === undefined) return refuse(`${describe(entry)} at index ${index}`)
    if (typeof read.right === 'string') {
      return E.left(invalidOption(operation, 'comparators', read.right))
    }
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
 * What is wrong with a comparator's report, or nothing: it must be an object (not an array)
 * whose `comparator` field is the comparator's name. Its reads may throw: the caller guards
 * them.
 */
const misreported = (name: string, report: unknown): string | undefined => {
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    return (
      `returned ${describe(report)} as its report, expected an object whose comparator ` +
      `field is '${name}'`
    )
  }
  const field = (report as { comparator?: unknown }).comparator
  return field === name
    ? undefined
    : `returned a report whose comparator field is ${describe(field)}, expected '${name}' ` +
        '(a report names the comparator that made it)'
}

/**
 * The option X, read once: nothing, a CsrMatrix, or a Matrix read into one of nmfkit's own;
 * else an `InvalidOption` on `X` whose `input` is `'X'` too.
 */
const readData = (operation: string, X: unknown): Result<AnyMatrix | undefined> => {
  const refused = (message: string): Result<never> =>
    E.left({ ...invalidOption(operation, 'X', message), input: 'X' })
  const kind = attempt(() =>
    X === undefined || X instanceof CsrMatrix ? 'as-is' : X instanceof Matrix ? 'matrix' : 'other',
  )
  if (E.isLeft(kind))
    return refused(`${EXPECTED_X}, found an object that threw ${kind.left} when read`)
  if (kind.right === 'as-is') return E.right(X as AnyMatrix | undefined)
  // Nested arrays and JSON as nmf reads its X (decodeMatrix guards its own reads): the
  // data of a fit made from nested arrays compares as it was given.
  if (kind.right === 'other' && typeof X === 'object' && X !== null) {
    const decoded = decodeMatrix(operation, X as MatrixInput)
    // Its message without its prefixes, in this option's words ('expected X as a …' is
    // 'expected a …' here).
    return E.isRight(decoded)
      ? decoded
      : refused(
          decoded.left.message
            .replace(`${operation}: `, '')
            .replace(/^X: /, '')
            .replace(/^expected X as a /, 'expected a '),
        )
  }
  // Anything else but a Matrix (a number, a string): what it is, as nmf says it.
  if (kind.right === 'other') return refused(`${EXPECTED_X}, found ${describeValue(X)}`)
  const read = attempt(() => readMatrix(X))
  if (E.isLeft(read))
    return refused(`${EXPECTED_X}, found an object that threw ${read.left} when read`)
  return E.isRight(read.right) ? read.right : refused(`${EXPECTED_X}, found ${read.right.left}`)
}

/** What compare's option X may be: what nmf takes as X. */
const EXPECTED_X = 'expected a Matrix, CsrMatrix, nested arrays or JSON'

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
 * or `'X'` (the option). A comparator's `Left` of an `NmfError` is compare's as it is; a
 * comparator that breaks its contract (no name, an `optionsCodec` whose props and defaults
 * do not fit together, a `compare` or codec that returns no `Either`, a `Left` that holds
 * no `NmfError`, a report that is no object or does not name the comparator in its
 * `comparator` field) is an `InvalidOption` on `comparators` that names it.
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
    const refuse = (found: string) =>
      E.left(invalidOption(operation, 'comparators', `comparator '${name}': its compare ${found}`))
    if (E.isLeft(report.right)) {
      // An NmfError passes through; anything else in its place is the plugin's error.
      const error = report.right.left
      const notError = attempt(() => (isNmfError(error) ? undefined : describeNotNmfError(error)))
      if (E.isRight(notError) && notError.right === undefined) return E.left(error as NmfError)
      const found = E.isLeft(notError)
        ? `an object that threw ${notError.left} when read`
        : notError.right
      return refuse(
        `returned a Left of ${found}, expected an NmfError in a Left (e.g. the Left of ` +
          'checkComparable)',
      )
    }
    const made = report.right.right
    const wrong = attempt(() => misreported(name, made))
    if (E.isLeft(wrong)) return refuse(`returned a report that threw ${wrong.left} when read`)
    if (wrong.right !== undefined) return refuse(wrong.right)
    reports.push(made)
  }
  return E.right({ reports })
}
