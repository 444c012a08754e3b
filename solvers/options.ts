/**
 * The options of `nmf`, decoded by one codec per option: a value out of range
 * is an `InvalidOption` that names the option, the value expected and the one
 * found; an unknown key is an error that lists the known ones.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { invalidOption, type NmfError, type Result } from '../core/errors.ts'
import { describeValue } from '../core/matrix.ts'
import { describeErrors } from '../core/codec.ts'
import { attempt } from '../core/guarded.ts'
import { BetaLossCodec, type BetaLoss } from '../core/beta-divergence.ts'

/** A number type with a predicate, named for messages (e.g. `an integer ≥ 1`). */
export const numberWhere = (name: string, ok: (value: number) => boolean): t.Type<number> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && ok(u),
    (u, c) => (typeof u === 'number' && ok(u) ? t.success(u) : t.failure(u, c)),
    (a) => a,
  )

export const PositiveInteger = numberWhere(
  'an integer ≥ 1',
  (v) => Number.isSafeInteger(v) && v >= 1,
)
export const NonNegative = numberWhere('a finite number ≥ 0', (v) => Number.isFinite(v) && v >= 0)
export const UnitInterval = numberWhere('a number in [0, 1]', (v) => v >= 0 && v <= 1)
export const Seed = numberWhere('an integer of at most 2^53 − 1 in size', Number.isSafeInteger)

/**
 * `aborted` of an object that may be an AbortSignal: its value, or what reading it threw
 * (a getter or a Proxy of the caller's).
 */
const readAborted = (u: object): E.Either<string, unknown> =>
  attempt(() => (u as { aborted?: unknown }).aborted)

/** An AbortSignal, or an object that looks like one (a boolean `aborted`, read without a throw). */
const isSignal = (u: unknown): u is AbortSignal => {
  if (typeof u !== 'object' || u === null) return false
  const aborted = readAborted(u)
  return E.isRight(aborted) && typeof aborted.right === 'boolean'
}

const Signal = new t.Type<AbortSignal, AbortSignal, unknown>(
  'an AbortSignal',
  isSignal,
  (u, c) => {
    if (typeof u !== 'object' || u === null) return t.failure(u, c)
    const aborted = readAborted(u)
    if (E.isLeft(aborted)) {
      return t.failure(
        u,
        c,
        `expected an AbortSignal, found an object whose aborted threw ${aborted.left} when read`,
      )
    }
    return typeof aborted.right === 'boolean' ? t.success(u as AbortSignal) : t.failure(u, c)
  },
  (a) => a,
)

/** A function (`onIteration`), named as the other options' codecs are. */
const Callback = new t.Type<(...args: never[]) => unknown, (...args: never[]) => unknown, unknown>(
  'a function',
  (u): u is (...args: never[]) => unknown => typeof u === 'function',
  (u, c) =>
    typeof u === 'function' ? t.success(u as (...args: never[]) => unknown) : t.failure(u, c),
  (a) => a,
)

/** The options every solver shares, with their codecs. */
export const commonProps = {
  components: PositiveInteger,
  solver: t.unknown,
  init: t.unknown,
  betaLoss: BetaLossCodec,
  maxIter: PositiveInteger,
  tol: NonNegative,
  alphaW: NonNegative,
  alphaH: t.union([NonNegative, t.literal('same')], "a finite number ≥ 0 or 'same'"),
  l1Ratio: UnitInterval,
  shuffle: t.boolean,
  seed: Seed,
  onIteration: Callback,
  signal: Signal,
} as const

/** The defaults of the shared options (scikit-learn's). */
export const commonDefaults = {
  betaLoss: 'frobenius' as BetaLoss,
  maxIter: 200,
  tol: 1e-4,
  alphaW: 0,
  alphaH: 'same' as number | 'same',
  l1Ratio: 0,
  shuffle: false,
  seed: 0,
}

/**
 * Decodes `options[key]` for each key of `props` that is present, and rejects
 * keys that neither `props` nor `extraKeys` know.
 */
export const decodeProps = (
  operation: string,
  options: Readonly<Record<string, unknown>>,
  props: t.Props,
  extraKeys: readonly string[] = [],
): Result<Record<string, unknown>> => {
  const known = [...Object.keys(props), ...extraKeys]
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      return E.left(
        invalidOption(operation, key, `not a known option; known options are ${known.join(', ')}`),
      )
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, codec] of Object.entries(props)) {
    const value = options[key]
    if (value === undefined) continue
    const decoded = codec.decode(value)
    if (E.isLeft(decoded)) {
      // A codec's own message (the signal's, when reading it threw) says more.
      const detail =
        decoded.left[0]?.message ?? describeErrors(decoded.left).replace(/^value: /, '')
      return E.left<NmfError>(invalidOption(operation, key, detail))
    }
    out[key] = decoded.right
  }
  return E.right(out)
}

/**
 * The options argument, read once into a plain object: its own enumerable keys (the keys
 * `decodeProps` checks against the known options), and each of `names` the object has by
 * name however it has it (inherited from a prototype, a class's getter, a property that is
 * not enumerable), as reading the options by name always did. It must be an object (a
 * JavaScript caller may pass nothing or a number), and a getter or Proxy trap that throws
 * when its keys are listed or a value is read is an `InvalidOption` on `options` or on that
 * key, not an exception. The operation reads nothing else of it.
 */
export const readOptions = (
  operation: string,
  options: unknown,
  example = '{ components: 2 }',
  names: readonly string[] = [],
): Result<Readonly<Record<string, unknown>>> => {
  const expected = `expected an object (e.g. ${example})`
  const keys =
    typeof options === 'object' && options !== null
      ? attempt(() => (Array.isArray(options) ? undefined : Object.keys(options)))
      : E.right(undefined)
  if (E.isLeft(keys)) {
    return E.left(
      invalidOption(
        operation,
        'options',
        `${expected}, found one that threw ${keys.left} when its keys were listed`,
      ),
    )
  }
  if (keys.right === undefined) {
    return E.left(
      invalidOption(operation, 'options', `${expected}, found ${describeValue(options)}`),
    )
  }
  return readNamed(operation, options as object, Object.create(null) as Record<string, unknown>, [
    ...keys.right,
    ...names,
  ])
}

/**
 * `read` with each of `names` that `options` has (`in`: own or inherited) read by name,
 * guarded as `readOptions` reads: for the options that become known later (a solver
 * plugin's own, once the solver is known).
 */
export const readNamed = (
  operation: string,
  options: object,
  read: Readonly<Record<string, unknown>>,
  names: readonly string[],
): Result<Readonly<Record<string, unknown>>> => {
  const out: Record<string, unknown> = Object.assign(Object.create(null) as object, read)
  for (const key of names) {
    if (Object.hasOwn(out, key)) continue
    // Present, own or inherited, and not merely a member every object has (a plugin's option
    // named valueOf is not given by every options object).
    const value = attempt(() =>
      key in options && (Object.hasOwn(options, key) || !(key in Object.prototype))
        ? { value: (options as Readonly<Record<string, unknown>>)[key] }
        : undefined,
    )
    if (E.isLeft(value)) {
      return E.left(
        invalidOption(
          operation,
          key,
          `expected a value that can be read, found one that threw ${value.left} when read`,
        ),
      )
    }
    if (value.right !== undefined) out[key] = value.right.value
  }
  return E.right(out)
}
