/** `optionsCodec`: defaults, overrides, unknown keys and bad values. */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { describeOptionError, optionsCodec, optionsDefect } from '../solvers/comparator-options.ts'

const codec = optionsCodec(
  'example options',
  { tolerance: t.number, label: t.string },
  { tolerance: 1e-6, label: 'k' },
)

const failure = (value: unknown): { path: string; detail: string } => {
  const decoded = codec.decode(value)
  if (E.isRight(decoded)) throw new Error('expected a failure')
  return describeOptionError(decoded.left)
}

describe('optionsCodec', () => {
  it('fills in the defaults for what is not given', () => {
    expect(codec.decode(undefined)).toEqual(E.right({ tolerance: 1e-6, label: 'k' }))
    expect(codec.decode({})).toEqual(E.right({ tolerance: 1e-6, label: 'k' }))
    expect(codec.decode({ tolerance: 0.01 })).toEqual(E.right({ tolerance: 0.01, label: 'k' }))
    expect(codec.decode({ label: undefined })).toEqual(E.right({ tolerance: 1e-6, label: 'k' }))
  })

  it('names an unknown key and lists the known ones', () => {
    expect(failure({ tol: 1 })).toEqual({
      path: 'tol',
      detail: 'not a known option; known options are tolerance, label',
    })
    expect(failure({ toString: 1 }).path).toBe('toString')
  })

  it('names a value its codec rejects', () => {
    expect(failure({ label: 3 })).toEqual({ path: 'label', detail: 'expected string, found 3' })
  })

  it('rejects options that are not an object', () => {
    expect(failure([1])).toEqual({ path: '', detail: 'expected an object of options' })
    expect(failure(null)).toEqual({ path: '', detail: 'expected an object of options' })
  })

  it('is: complete options with known keys only', () => {
    expect(codec.is({ tolerance: 1, label: 'x' })).toBe(true)
    expect(codec.is({ tolerance: 1 })).toBe(false)
    expect(codec.is({ tolerance: 1, label: 'x', other: 0 })).toBe(false)
  })
})

describe('optionsCodec checks its props and defaults, as nmf checks a solver plugin', () => {
  const defect = (props: unknown, defaults: unknown): string => {
    const made = optionsCodec('r', props as t.Props, defaults as object)
    const decoded = made.decode({})
    if (E.isRight(decoded)) throw new Error('expected a failure')
    const message = describeOptionError(decoded.left)
    // No options at all fail too: the defaults cannot be trusted.
    const none = made.decode(undefined)
    expect(E.isLeft(none) && describeOptionError(none.left)).toEqual(message)
    expect(made.is({})).toBe(false)
    expect(message.path).toBe('')
    expect(optionsDefect(made, 'mine')).toBe(
      `expected the options codec of comparator 'mine' (optionsCodec 'r') to have ` +
        message.detail.slice("expected optionsCodec 'r' to have ".length),
    )
    return message.detail
  }

  it('a default its prop refuses, or of no prop', () => {
    expect(defect({ tolerance: t.number }, { tolerance: 'x' })).toBe(
      "expected optionsCodec 'r' to have defaults.tolerance, number (as its props.tolerance " +
        'decodes), found a string (x)',
    )
    expect(defect({ tolerance: t.number }, { tolerance: 1, extra: 2 })).toBe(
      "expected optionsCodec 'r' to have defaults only for its props, found defaults.extra, " +
        'which props does not name',
    )
  })

  it('a prop that is no io-ts codec, and props or defaults that are no object', () => {
    expect(defect({ tolerance: 5 }, { tolerance: 0.1 })).toBe(
      "expected optionsCodec 'r' to have props.tolerance, an io-ts codec, found a number (5)",
    )
    expect(defect({ tolerance: { decode: t.number.decode } }, {})).toBe(
      "expected optionsCodec 'r' to have props.tolerance, an io-ts codec, found an object",
    )
    expect(defect(undefined, {})).toBe(
      "expected optionsCodec 'r' to have props, an object of io-ts codecs, found undefined",
    )
    expect(defect({}, null)).toBe(
      "expected optionsCodec 'r' to have defaults, an object of option values, found null",
    )
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom')
        },
      },
    )
    expect(defect(trap, {})).toBe(
      "expected optionsCodec 'r' to have props and defaults that can be read, found one that " +
        'threw Error: boom when read',
    )
  })

  it('an option without a default is required, unless its codec decodes undefined', () => {
    const required = optionsCodec('r', { tolerance: t.number }, {})
    expect(optionsDefect(required, 'mine')).toBeUndefined()
    for (const options of [undefined, {}, { tolerance: undefined }]) {
      const decoded = required.decode(options)
      if (E.isRight(decoded)) throw new Error('expected a failure')
      expect(describeOptionError(decoded.left)).toEqual({
        path: 'tolerance',
        detail: "expected number, found none (it is required: 'r' has no default for it)",
      })
    }
    expect(required.decode({ tolerance: 2 })).toEqual(E.right({ tolerance: 2 }))
    // Named as a member of every object, it is required all the same, not Object.prototype's.
    for (const name of ['valueOf', 'toString', 'constructor']) {
      const inherited = optionsCodec('r', { [name]: t.number }, {})
      for (const options of [undefined, {}]) {
        const decoded = inherited.decode(options)
        if (E.isRight(decoded)) throw new Error(`expected a failure for ${name}`)
        expect(describeOptionError(decoded.left)).toEqual({
          path: name,
          detail: "expected number, found none (it is required: 'r' has no default for it)",
        })
      }
    }
    const optional = optionsCodec('r', { tolerance: t.union([t.number, t.undefined]) }, {})
    expect(optional.decode(undefined)).toEqual(E.right({}))
    expect(optional.is({})).toBe(true)
  })

  it('a codec of its own, or one whose parts fit, has no defect to name', () => {
    expect(optionsDefect(codec, 'mine')).toBeUndefined()
    expect(optionsDefect(t.number, 'mine')).toBeUndefined()
    expect(optionsDefect(undefined, 'mine')).toBeUndefined()
  })
})
