/**
 * Reports as plain data, whatever a plugin put in them. `plainCopy` reads a value once,
 * each read guarded, into objects, arrays, strings, numbers, booleans and null, and marks
 * what JSON has no form for as `Shown` text; `showPlain` writes such a copy as indented
 * JSON, the marks unquoted. Neither throws, however deep, circular or large the value.
 */
import * as E from 'fp-ts/lib/Either.js'
import { attempt } from './guarded.ts'

/** A value JSON has no form for, as the text shows it: `5n`, `[circular reference]`. */
export class Shown {
  constructor(readonly text: string) {}
}

/** The levels of nesting a copy keeps; deeper values are one `Shown` mark. */
export const DEEPEST = 64

/**
 * About how many characters of text a copy may come to (strings, keys, numbers and their
 * indentation); beyond it the rest is left out, with marks that say how much. Far below
 * the longest string JavaScript can build, far above any report's size.
 */
const BUDGET = 10_000_000

/** `1 more key`, `3 more keys`. */
const more = (count: number, one: string, many = `${one}s`): string =>
  `${count} more ${count === 1 ? one : many}`

interface Walk {
  budget: number
  /** The objects being copied, from the outermost: a value among them closes a circle. */
  readonly enclosing: object[]
}

/**
 * A plain copy of `value`, as `JSON.stringify` would see it (own enumerable string keys,
 * `toJSON` applied, `undefined` left out of objects), except that what JSON has no form
 * for, or throws on, is a `Shown` mark: a BigInt as `5n`, a symbol as `Symbol(x)`, a
 * function as `[a function]`, `undefined` in an array as `undefined`, a circle as
 * `[circular reference]`, nesting beyond `DEEPEST` levels as `[nested deeper than 64
 * levels]`, and a getter, a Proxy trap or a `toJSON` that throws as `[unreadable: reading
 * it threw Error: …]`. NaN and ±Infinity stay numbers.
 * Objects of the copy have no prototype, so that a key `__proto__` is a key like others.
 */
export const plainCopy = (value: unknown): unknown =>
  copy(value, 0, '', true, { budget: BUDGET, enclosing: [] })

const unreadable = (what: string, thrown: string): Shown =>
  new Shown(`[unreadable: ${what} threw ${thrown}]`)

const copy = (
  value: unknown,
  depth: number,
  key: string,
  convert: boolean,
  walk: Walk,
): unknown => {
  walk.budget -= 8 + 2 * depth
  switch (typeof value) {
    case 'string':
      return clipped(value, walk)
    case 'number':
    case 'boolean':
    case 'undefined':
      return value
    case 'bigint':
      return new Shown(`${String(value)}n`)
    case 'symbol': {
      const text = clipped(String(value), walk)
      return text instanceof Shown ? text : new Shown(text)
    }
    case 'function':
      return new Shown('[a function]')
  }
  if (value === null) return null
  const object = value as object
  if (depth >= DEEPEST) return new Shown(`[nested deeper than ${DEEPEST} levels]`)
  if (walk.enclosing.includes(object)) return new Shown('[circular reference]')
  // JSON.stringify's conversion (a Date to its text, a Matrix to its JSON form), once.
  const toJSON = attempt(() => (convert ? (object as { toJSON?: unknown }).toJSON : undefined))
  if (E.isLeft(toJSON)) return unreadable('reading its toJSON', toJSON.left)
  const convertWith = toJSON.right
  if (typeof convertWith === 'function') {
    const converted = attempt((): unknown => convertWith.call(object, key))
    return E.isLeft(converted)
      ? unreadable('its toJSON', converted.left)
      : copy(converted.right, depth, key, false, walk)
  }
  const isArray = attempt(() => Array.isArray(object))
  if (E.isLeft(isArray)) return unreadable('reading it', isArray.left)
  walk.enclosing.push(object)
  const copied = isArray.right
    ? copyArray(object as readonly unknown[], depth, walk)
    : copyObject(object as Readonly<Record<string, unknown>>, depth, walk)
  walk.enclosing.pop()
  return copied
}

/** A string within the budget, or its start and a mark of how much is left out. */
const clipped = (text: string, walk: Walk): string | Shown => {
  walk.budget -= text.length
  if (walk.budget >= 0) return text
  const kept = Math.max(0, text.length + walk.budget)
  return new Shown(
    `${JSON.stringify(text.slice(0, kept))} [… ${more(text.length - kept, 'character')}]`,
  )
}

const copyArray = (array: readonly unknown[], depth: number, walk: Walk): unknown => {
  const length = attempt(() => array.length)
  if (E.isLeft(length)) return unreadable('reading its length', length.left)
  const out: unknown[] = []
  for (let q = 0; q < length.right; q++) {
    if (walk.budget <= 0) {
      out.push(new Shown(`[… ${more(length.right - q, 'entry', 'entries')}]`))
      break
    }
    const entry = attempt(() => array[q])
    const copied = E.isLeft(entry)
      ? unreadable(`reading entry ${q}`, entry.left)
      : copy(entry.right, depth + 1, String(q), true, walk)
    // JSON writes null here, which would read as a value the report holds.
    out.push(copied === undefined ? new Shown('undefined') : copied)
  }
  return out
}

const copyObject = (
  object: Readonly<Record<string, unknown>>,
  depth: number,
  walk: Walk,
): unknown => {
  const keys = attempt(() => Object.keys(object))
  if (E.isLeft(keys)) return unreadable('listing its keys', keys.left)
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [q, key] of keys.right.entries()) {
    if (walk.budget <= 0) {
      out['…'] = new Shown(`[${more(keys.right.length - q, 'key')}]`)
      break
    }
    walk.budget -= key.length
    const entry = attempt(() => object[key])
    const copied = E.isLeft(entry)
      ? unreadable('reading it', entry.left)
      : copy(entry.right, depth + 1, key, true, walk)
    if (copied !== undefined) out[key] = copied
  }
  return out
}

/**
 * A plain copy (`plainCopy`) as indented JSON, `JSON.stringify(value, null, 2)` where the
 * value is JSON; `Shown` marks unquoted, NaN and ±Infinity as themselves (JSON would write
 * null). Lines after the first start with `indent`.
 */
export const showPlain = (value: unknown, indent = ''): string => {
  if (value instanceof Shown) return value.text
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  // JSON's form of a finite number, and NaN, Infinity or -Infinity for the others.
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'object') return JSON.stringify(value)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const lines = value.map((entry) => `${inner}${showPlain(entry, inner)}`)
    return `[\n${lines.join(',\n')}\n${indent}]`
  }
  const entries = Object.entries(value)
  if (entries.length === 0) return '{}'
  const lines = entries.map(
    ([key, entry]) => `${inner}${JSON.stringify(key)}: ${showPlain(entry, inner)}`,
  )
  return `{\n${lines.join(',\n')}\n${indent}}`
}
