/**
 * Values a JavaScript caller passed, as messages describe them: what a value is
 * (`describeValue`) and how a value found in place of a number reads (`showFound`). Neither
 * throws, whatever the value's getters or Proxy traps do.
 */

/**
 * What a value is, for a message about an argument of the wrong kind (a JavaScript
 * caller can pass anything): `null`, `undefined`, `nested arrays`, `a number`...
 */
export const describeValue = (value: unknown): string => {
  if (value === null || value === undefined) return String(value)
  // A function's source is no description, and converting it runs the caller's code.
  if (typeof value === 'function') return 'a function'
  // A BigInt with its n, as showFound writes it: 'a BigInt (5n)', not 'a bigint (5)'.
  if (typeof value === 'bigint') return `a BigInt (${String(value)}n)`
  if (typeof value !== 'object') return `a ${typeof value} (${String(value)})`
  try {
    if (Array.isArray(value)) return Array.isArray(value[0]) ? 'nested arrays' : 'an array'
    // A typed array, a Map, a Matrix... by its class; a plain object as such.
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name
    if (typeof name !== 'string' || name === 'Object') return 'an object'
    // 'an Error', 'an Int32Array'; 'a Uint8Array', 'a Matrix'.
    return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`
  } catch {
    // A getter or a proxy that throws: what it is, without looking inside.
    return 'an object'
  }
}

/**
 * A value found where a number or another plain value was expected, as a message shows it:
 * numbers as themselves (JSON would show NaN and ±Infinity as null), a BigInt with its `n`,
 * other values as JSON where they have one, and what they are where they do not (a symbol,
 * a function, a circular object). Never throws.
 *
 * @example
 * showFound(NaN) // 'NaN'
 * showFound('2') // '"2"'
 * showFound(2n) // '2n (a BigInt)'
 */
export const showFound = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'bigint') return `${String(value)}n (a BigInt)`
  if (typeof value === 'symbol' || typeof value === 'function') return describeValue(value)
  try {
    return boxed(value) ?? JSON.stringify(value) ?? describeValue(value)
  } catch {
    // A circular object, a BigInt inside one, or a toJSON or getter that throws.
    return describeValue(value)
  }
}

/**
 * A boxed primitive (`new Number(2)`) as what it is: JSON shows it as the primitive itself,
 * and a message would read "expected an integer ≥ 1, found 2". Its value is read with the
 * prototype's own valueOf, which throws for an object that only inherits from Number
 * (showFound then describes it); undefined for anything else.
 */
const boxed = (value: unknown): string | undefined => {
  if (value instanceof Number) {
    return `${String(Number.prototype.valueOf.call(value))} (a Number object)`
  }
  if (value instanceof String) {
    return `${JSON.stringify(String.prototype.valueOf.call(value))} (a String object)`
  }
  if (value instanceof Boolean) {
    return `${String(Boolean.prototype.valueOf.call(value))} (a Boolean object)`
  }
  return undefined
}
