/**
 * Numbers for reports and tables, where people read them: short, and in
 * e-notation when they are very small or very large.
 */

/**
 * A count with its noun, singular for one; `show` writes the number.
 *
 * @example
 * counted(1, 'row', 'rows') // '1 row'
 * counted(3, 'entry', 'entries') // '3 entries'
 * counted(1200, 'entry', 'entries', (n) => n.toLocaleString('en-US')) // '1,200 entries'
 */
export const counted = (
  n: number,
  one: string,
  many: string,
  show: (n: number) => string = String,
): string => `${show(n)} ${n === 1 ? one : many}`

/**
 * A number with 4 significant digits, in e-notation below 1e-3 and from 1e6 on.
 *
 * @example
 * showCompact(0.123456) // '0.1235'
 * showCompact(1e-6) // '1e-6'
 * showCompact(2.5e-16) // '2.5e-16'
 */
export const showCompact = (value: number): string => {
  if (value === 0 || !Number.isFinite(value)) return String(value)
  const rounded = Number(value.toPrecision(4))
  const magnitude = Math.abs(rounded)
  return magnitude < 1e-3 || magnitude >= 1e6
    ? rounded.toExponential().replace('e+', 'e')
    : String(rounded)
}

/**
 * A number as `showCompact` shows it where that is the number itself, else all its
 * digits: a setting such as a tolerance of 0.9999999, which 4 digits would show as 1.
 *
 * @example
 * showSetting(1e-6) // '1e-6'
 * showSetting(0.9999999) // '0.9999999'
 * showSetting(1.2345678e-6) // '1.2345678e-6'
 */
export const showSetting = (value: number): string => {
  const compact = showCompact(value)
  if (Number(compact) === value) return compact
  // All the digits, in showCompact's notation (e-notation below 1e-3 and from 1e6 on).
  const magnitude = Math.abs(value)
  return magnitude < 1e-3 || magnitude >= 1e6
    ? value.toExponential().replace('e+', 'e')
    : String(value)
}

/**
 * A cosine similarity: exactly 1 as `1`, anything else with 6 decimals, so that
 * a near miss such as 0.9999996 reads `1.000000`, visibly not 1.
 *
 * @example
 * showCosine(0.99999237) // '0.999992'
 */
export const showCosine = (value: number): string => (value === 1 ? '1' : value.toFixed(6))
