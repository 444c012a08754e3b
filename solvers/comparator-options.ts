/**
 * Options codecs for comparator plugins: what a user gives (an object, or
 * nothing) decoded into complete options with the defaults filled in, with
 * unknown keys rejected, and the first error turned into an option path and
 * a reason for `compare`'s `InvalidOption`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { errorParts } from '../core/codec.ts'
import { attempt } from '../core/guarded.ts'

/**
 * An io-ts codec for a comparator's options: it decodes `undefined` or an
 * object whose keys are all in `props` into `defaults` overridden by the given
 * values. An unknown key or a value its codec rejects fails with the key in
 * the error's context. Options whose keys cannot be listed, or a value that throws when
 * read (a getter or Proxy of the caller's), fail with a message that says what it threw:
 * the codec never throws.
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
  const known = Object.keys(props)
  const isOptions = (u: unknown): u is Record<string, unknown> =>
    typeof u === 'object' && u !== null && !Array.isArray(u)
  const is = (u: unknown): u is O =>
    isOptions(u) &&
    known.every((key) => Object.hasOwn(u, key) && props[key].is(u[key])) &&
    Object.keys(u).every((key) => known.includes(key))
  return new t.Type<O, O, unknown>(
    name,
    (u): u is O => {
      const answer = attempt(() => is(u))
      return E.isRight(answer) && answer.right
    },
    (u, context) => {
      if (u === undefined) return t.success(defaults)
      const expected = 'expected an object of options'
      // Its keys listed once, then each value read once: a Proxy or getter may throw.
      const keys = attempt(() => (isOptions(u) ? Object.keys(u) : undefined))
      if (E.isLeft(keys)) {
        return t.failure(
          u,
          context,
          `${expected}, found one that threw ${keys.left} when its keys were listed`,
        )
      }
      if (keys.right === undefined) return t.failure(u, context, expected)
      const decoded: Record<string, unknown> = { ...(defaults as Record<string, unknown>) }
      for (const key of keys.right) {
        // An own key only: `constructor` or `toString` are not options.
        if (!Object.hasOwn(props, key)) {
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
        const codec = props[key]
        const result = codec.validate(value, t.appendContext(context, key, codec, value))
        if (E.isLeft(result)) return result
        decoded[key] = result.right
      }
      return t.success(decoded as O)
    },
    t.identity,
  )
}

/** The option path and what is wrong, from the first error of an options codec. */
export const describeOptionError = (errors: t.Errors): { path: string; detail: string } => {
  const parts = errorParts(errors)
  if (parts === undefined) return { path: '', detail: 'invalid value' }
  // A codec's own message (e.g. for an unknown key) says more than the generic one.
  const message = errors[0]?.message
  return { path: parts.path, detail: message ?? `expected ${parts.expected}, found ${parts.found}` }
}
