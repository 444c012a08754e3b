/**
 * Options codecs for comparator plugins: what a user gives (an object, or
 * nothing) decoded into complete options with the defaults filled in, with
 * unknown keys rejected, and the first error turned into an option path and
 * a reason for `compare`'s `InvalidOption`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { errorParts } from '../core/codec.ts'
import { describeValue } from '../core/describe.ts'
import { attempt } from '../core/guarded.ts'

/**
 * What is wrong with the props or defaults an options codec was made of, after
 * `expected optionsCodec 'name' to have ` (as `nmf` words a solver plugin's), by codec.
 */
const defects = new WeakMap<object, { readonly codec: string; readonly defect: string }>()

/**
 * What is wrong with an options codec that `optionsCodec` made of props or defaults that do
 * not fit together, in a message about the comparator it is the options of: else nothing
 * (a codec of another kind included).
 *
 * @example
 * optionsDefect(optionsCodec('r', { tolerance: t.number }, { tolerance: 'x' }), 'mine')
 * // "expected the options codec of comparator 'mine' (optionsCodec 'r') to have
 * //  defaults.tolerance, number (as its props.tolerance decodes), found a string (x)"
 */
export const optionsDefect = (codec: unknown, comparator: string): string | undefined => {
  const found = typeof codec === 'object' && codec !== null ? defects.get(codec) : undefined
  return found === undefined
    ? undefined
    : `expected the options codec of comparator '${comparator}' (optionsCodec ` +
        `'${found.codec}') to have ${found.defect}`
}

/** The props and defaults of an options codec, each read once. */
interface Parts {
  readonly codecs: Readonly<Record<string, t.Mixed>>
  readonly defaults: Readonly<Record<string, unknown>>
}

/**
 * The props and defaults read once and checked as `nmf` checks a solver plugin's
 * optionProps and defaults: each prop an io-ts codec, a default only for a prop, and each
 * default a value of its prop's codec (by its `is`). Else what is wrong, after `to have `.
 * A getter or Proxy that throws when read is described; a codec's `is` runs unguarded.
 */
const readParts = (props: unknown, defaults: unknown): E.Either<string, Parts> => {
  const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null
  if (!isObject(props))
    return E.left(`props, an object of io-ts codecs, found ${describeValue(props)}`)
  if (!isObject(defaults)) {
    return E.left(`defaults, an object of option values, found ${describeValue(defaults)}`)
  }
  const entries = attempt(() => ({
    props: Object.entries(props),
    defaults: Object.fromEntries(Object.entries(defaults)),
  }))
  if (E.isLeft(entries)) {
    return E.left(
      `props and defaults that can be read, found one that threw ${entries.left} when read`,
    )
  }
  const codecs: Record<string, t.Mixed> = {}
  for (const [key, codec] of entries.right.props) {
    const member = `props.${key}, an io-ts codec`
    const ok = attempt(
      () =>
        isObject(codec) &&
        typeof codec.validate === 'function' &&
        typeof codec.decode === 'function' &&
        typeof codec.is === 'function',
    )
    if (E.isLeft(ok)) return E.left(`${member}, found one that threw ${ok.left} when read`)
    if (!ok.right) return E.left(`${member}, found ${describeValue(codec)}`)
    codecs[key] = codec as t.Mixed
  }
  const given = entries.right.defaults
  const stray = Object.keys(given).find((key) => !Object.hasOwn(codecs, key))
  if (stray !== undefined) {
    return E.left(`defaults only for its props, found defaults.${stray}, which props does not name`)
  }
  for (const [key, codec] of Object.entries(codecs)) {
    if (!Object.hasOwn(given, key) || codec.is(given[key])) continue
    const type = attempt(() => codec.name)
    const typeName = E.isRight(type) && typeof type.right === 'string' ? type.right : 'its type'
    return E.left(
      `defaults.${key}, ${typeName} (as its props.${key} decodes), ` +
        `found ${describeValue(given[key])}`,
    )
  }
  return E.right({ codecs, defaults: given })
}

/**
 * An io-ts codec for a comparator's options: it decodes `undefined` or an
 * object whose keys are all in `props` into `defaults` overridden by the given
 * values. An unknown key or a value its codec rejects fails with the key in
 * the error's context. Options whose keys cannot be listed, or a value that throws when
 * read (a getter or Proxy of the caller's), fail with a message that says what it threw:
 * the codec never throws.
 *
 * Its props and defaults are read once, here, and checked as `nmf` checks a solver
 * plugin's: each prop an io-ts codec, a default only for a prop, and each a value of its
 * prop's codec. A codec made of ones that are not fails every decode with what is wrong
 * (`compare` refuses its comparator: see `optionsDefect`). An option without a default is
 * required, unless its codec decodes `undefined`: options that leave it out fail on it.
 *
 * @example
 * const codec = optionsCodec('aligned options', { tolerance: NonNegative }, { tolerance: 1e-6 })
 * codec.decode({ tolerance: 0.01 }) // Right({ tolerance: 0.01 })
 */
export const optionsCodec = <O extends object>(
  name: string,
  props: t.Props,
  defaults: O,
): t.Type<O, O, unknown> => {
  const parts = readParts(props, defaults)
  const { codecs, defaults: given } = E.isRight(parts) ? parts.right : { codecs: {}, defaults: {} }
  const known = Object.keys(codecs)
  const isOptions = (u: unknown): u is Record<string, unknown> =>
    typeof u === 'object' && u !== null && !Array.isArray(u)
  const is = (u: unknown): u is O =>
    E.isRight(parts) &&
    isOptions(u) &&
    known.every((key) => codecs[key].is(Object.hasOwn(u, key) ? u[key] : undefined)) &&
    Object.keys(u).every((key) => known.includes(key))
  const codec = new t.Type<O, O, unknown>(
    name,
    (u): u is O => {
      const answer = attempt(() => is(u))
      return E.isRight(answer) && answer.right
    },
    (u, context) => {
      if (E.isLeft(parts)) {
        return t.failure(u, context, `expected optionsCodec '${name}' to have ${parts.left}`)
      }
      const expected = 'expected an object of options'
      // Its keys listed once, then each value read once: a Proxy or getter may throw.
      const keys = attempt(() => (u === undefined ? [] : isOptions(u) ? Object.keys(u) : undefined))
      if (E.isLeft(keys)) {
        return t.failure(
          u,
          context,
          `${expected}, found one that threw ${keys.left} when its keys were listed`,
        )
      }
      if (keys.right === undefined) return t.failure(u, context, expected)
      const decoded: Record<string, unknown> = { ...given }
      for (const key of keys.right) {
        // An own key only: `constructor` or `toString` are not options.
        if (!Object.hasOwn(codecs, key)) {
          const list =
            known.length === 0 ? 'it takes none' : `known options are ${known.join(', ')}`
          return t.failure(
            undefined,
            t.appendContext(context, key, t.unknown, undefined),
            `not a known option; ${list}`,
          )
        }
        const read = attempt(() => (u as Record<string, unknown>)[key])
        if (E.isLeft(read)) {
          return t.failure(
            undefined,
            t.appendContext(context, key, t.unknown, undefined),
            `expected a value that can be read, found one that threw ${read.left} when read`,
          )
        }
        const value = read.right
        if (value === undefined) continue
        const option = codecs[key]
        const result = option.validate(value, t.appendContext(context, key, option, value))
        if (E.isLeft(result)) return result
        decoded[key] = result.right
      }
      // An option with neither a value nor a default is required, as for a solver plugin,
      // unless its codec decodes undefined.
      for (const key of known) {
        // Own values only, as for a solver plugin: not Object.prototype's toString.
        if (Object.hasOwn(decoded, key) && decoded[key] !== undefined) continue
        const option = codecs[key]
        const result = option.validate(undefined, t.appendContext(context, key, option, undefined))
        if (E.isLeft(result)) {
          return t.failure(
            undefined,
            t.appendContext(context, key, option, undefined),
            `expected ${option.name}, found none (it is required: '${name}' has no default ` +
              'for it)',
          )
        }
        if (result.right !== undefined) decoded[key] = result.right
      }
      return t.success(decoded as O)
    },
    t.identity,
  )
  if (E.isLeft(parts)) defects.set(codec, { codec: name, defect: parts.left })
  return codec
}

/** The option path and what is wrong, from the first error of an options codec. */
export const describeOptionError = (errors: t.Errors): { path: string; detail: string } => {
  const parts = errorParts(errors)
  if (parts === undefined) return { path: '', detail: 'invalid value' }
  // A codec's own message (e.g. for an unknown key) says more than the generic one.
  const message = errors[0]?.message
  return { path: parts.path, detail: message ?? `expected ${parts.expected}, found ${parts.found}` }
}
