/** `optionsCodec`: defaults, overrides, unknown keys and bad values. */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { describeOptionError, optionsCodec } from '../solvers/comparator-options.ts'

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
