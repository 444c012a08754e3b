/**
 * core/plain-data.ts: a plain copy of any value, read once, and its text. JSON data comes
 * out as JSON.stringify writes it; anything else as what it is, never as a throw.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { plainCopy, showPlain } from '../core/plain-data.ts'

const shown = (value: unknown): string => showPlain(plainCopy(value))

describe('plainCopy and showPlain', () => {
  test.prop([fc.jsonValue()], { numRuns: 300 })(
    'write JSON data as JSON.stringify(value, null, 2) does',
    (value) => {
      expect(shown(value)).toBe(JSON.stringify(value, null, 2))
    },
  )

  it("apply toJSON once, as JSON does, and keep a key '__proto__' as a key", () => {
    const date = new Date(0)
    expect(shown({ date })).toBe(JSON.stringify({ date }, null, 2))
    const selfish = { toJSON: () => ({ toJSON: () => 'twice' }) }
    expect(shown(selfish)).toBe('{\n  "toJSON": [a function]\n}')
    const proto = JSON.parse('{"__proto__": {"polluted": 1}}') as object
    expect(shown(proto)).toBe('{\n  "__proto__": {\n    "polluted": 1\n  }\n}')
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('read each property once, and change nothing', () => {
    let reads = 0
    const counted = Object.freeze(
      Object.defineProperty({}, 'x', {
        get: () => ++reads,
        enumerable: true,
      }),
    )
    expect(shown(counted)).toBe('{\n  "x": 1\n}')
    expect(reads).toBe(1)
  })
})
