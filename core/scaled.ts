/**
 * Numbers beyond float64's range, for the comparators: powers of two applied in
 * steps, positive numbers held as mantissa·2^exponent (for products and ratios
 * of norms that a double cannot hold), and Euclidean norms whose squares
 * neither overflow nor underflow. Multiplying by a power of two is exact while
 * the result is a normal double, which is what makes the scaling free of
 * rounding.
 */

/** The smallest positive normal double, 2^−1022. */
export const MIN_NORMAL = 2 ** -1022

/**
 * x·2^exponent for any integer exponent. The power is applied in steps that are
 * each a double, so the result is exact unless it is beyond the largest double
 * (Infinity) or below the smallest normal one (rounded, as any product is; with
 * an exponent below -1000, possibly twice).
 *
 * @example
 * timesPowerOfTwo(3, 2000) // Infinity
 * timesPowerOfTwo(timesPowerOfTwo(3, 1500), -1500) // 3, exactly
 */
export const timesPowerOfTwo = (x: number, exponent: number): number => {
  // An infinite or NaN exponent in one step (the loops below would never end).
  if (!Number.isFinite(exponent)) return x * 2 ** exponent
  let result = x
  let rest = exponent
  while (rest > 1000) {
    result *= 2 ** 1000
    rest -= 1000
  }
  while (rest < -1000) {
    result *= 2 ** -1000
    rest += 1000
  }
  return result * 2 ** rest
}

/**
 * The integer e with 2^e ≤ x < 2^(e+1), for a finite x > 0 (subnormals too).
 *
 * @example
 * exponentOf(1) // 0
 * exponentOf(0.75) // -1
 * exponentOf(Number.MIN_VALUE) // -1074
 */
export const exponentOf = (x: number): number => {
  // Math.log2 can be off by one next to a power of two; the mantissa tells.
  const guess = Math.floor(Math.log2(x))
  const mantissa = timesPowerOfTwo(x, -guess)
  return mantissa >= 2 ? guess + 1 : mantissa < 1 ? guess - 1 : guess
}

/**
 * A number ≥ 0 as mantissa·2^exponent: products and ratios of such numbers
 * stay exact to rounding however far they are beyond float64's range. Zero is
 * { mantissa: 0, exponent: 0 }.
 */
export interface Wide {
  readonly mantissa: number
  readonly exponent: number
}

/** A finite x ≥ 0 as a `Wide`, with a mantissa in [1, 2) (exact). */
export const wide = (x: number): Wide => {
  if (x === 0) return { mantissa: 0, exponent: 0 }
  const exponent = exponentOf(x)
  return { mantissa: timesPowerOfTwo(x, -exponent), exponent }
}

/** a·b. */
export const wideTimes = (a: Wide, b: Wide): Wide => ({
  mantissa: a.mantissa * b.mantissa,
  exponent: a.exponent + b.exponent,
})

/** a / b, for b > 0. */
export const wideOver = (a: Wide, b: Wide): Wide => ({
  mantissa: a.mantissa / b.mantissa,
  exponent: a.exponent - b.exponent,
})

/** a as a double: Infinity beyond the largest double, rounded below the smallest. */
export const wideValue = (a: Wide): number => timesPowerOfTwo(a.mantissa, a.exponent)

/**
 * a in decimal e-notation with 3 significant digits, also beyond float64's
 * range, for messages.
 *
 * @example
 * showWide(wideTimes(wide(1e200), wide(3e200))) // '3.00e400'
 */
export const showWide = (a: Wide): string => {
  if (a.mantissa === 0) return '0'
  const log10 = Math.log10(a.mantissa) + a.exponent * Math.log10(2)
  let power = Math.floor(log10)
  let lead = Number((10 ** (log10 - power)).toPrecision(3))
  // 9.996 rounds to 10.0: carry into the power.
  if (lead >= 10) {
    lead /= 10
    power += 1
  }
  return `${lead.toFixed(2)}e${power}`
}

/** max |xᵢ| over `count` entries of `values` from `start`, `stride` apart (NaN if one is). */
export const largestMagnitude = (
  values: ArrayLike<number>,
  start = 0,
  count = values.length,
  stride = 1,
): number => {
  let largest = 0
  for (let q = 0; q < count; q++) largest = Math.max(largest, Math.abs(values[start + q * stride]))
  return largest
}

/**
 * W (rows×k) and H (k×cols), row-major, with each component rescaled by powers of two:
 * for component t, s = `shift(largest |entry| of W's column t, of H's row t)`, W's column
 * times 2^(s − offset) and H's row times 2^−s, so that W·H becomes 2^−offset·W·H, exactly
 * where the results are normal doubles. A component whose shift is undefined is left as it
 * is, and so is one whose powers are both 2^0. The arrays are copied only once a component
 * changes: when none does, `w` and `h` themselves are returned (and allocate nothing).
 */
export const rescaledComponents = (
  w: Float64Array,
  h: Float64Array,
  rows: number,
  k: number,
  cols: number,
  shift: (largestW: number, largestH: number) => number | undefined,
  offset = 0,
): readonly [Float64Array, Float64Array] => {
  let copies: readonly [Float64Array, Float64Array] | undefined
  for (let t = 0; t < k; t++) {
    const s = shift(largestMagnitude(w, t, rows, k), largestMagnitude(h, t * cols, cols))
    if (s === undefined || (s === 0 && offset === 0)) continue
    copies ??= [w.slice(), h.slice()]
    const [wc, hc] = copies
    for (let i = 0; i < rows; i++) wc[i * k + t] = timesPowerOfTwo(w[i * k + t], s - offset)
    for (let j = 0; j < cols; j++) hc[t * cols + j] = timesPowerOfTwo(h[t * cols + j], -s)
  }
  return copies ?? [w, h]
}

/**
 * √(Σ xᵢ²) over `count` entries of `values` from `start`, `stride` apart, as a
 * `Wide`: the entries are scaled by the power of two of the largest magnitude
 * before they are squared, so that no square overflows or underflows unless it
 * is negligible next to the largest. The mantissa lies in [1, 2·√count); an
 * all-zero vector gives zero.
 */
export const wideNorm = (
  values: ArrayLike<number>,
  start = 0,
  count = values.length,
  stride = 1,
): Wide => {
  const largest = largestMagnitude(values, start, count, stride)
  if (largest === 0) return { mantissa: 0, exponent: 0 }
  // An infinite entry makes the norm infinite, a NaN makes it NaN (Math.max keeps NaN).
  if (!Number.isFinite(largest)) return { mantissa: largest, exponent: 0 }
  const { exponent, first, second } = scalingFor(largest)
  let sum = 0
  for (let q = 0; q < count; q++) {
    const value = values[start + q * stride]
    const scaled = second === 1 ? value * first : value * first * second
    sum += scaled * scaled
  }
  return { mantissa: Math.sqrt(sum), exponent }
}

/**
 * How `wideNorm` scales entries whose largest magnitude is `largest` (finite, above 0): by
 * 2^-exponent, in one factor where that is a double, else in two (exponent < -1023: the
 * entries are all subnormal then, and both products exact).
 */
const scalingFor = (
  largest: number,
): { readonly exponent: number; readonly first: number; readonly second: number } => {
  const exponent = exponentOf(largest)
  const unit = 2 ** -exponent
  return Number.isFinite(unit)
    ? { exponent, first: unit, second: 1 }
    : { exponent, first: 2 ** 1000, second: 2 ** (-exponent - 1000) }
}

/**
 * Whether a plain sum of squares is safely within float64's range: within these bounds no
 * square that matters has overflowed or underflowed, and its root is the norm. A NaN entry
 * gives NaN either way.
 */
const squaresInRange = (squares: number): boolean =>
  (squares > 1e-280 && squares < 1e280) || Number.isNaN(squares)

/**
 * √(Σ xᵢ²): the plain sum of squares where it is safely within float64's range (and
 * then the same number, bit for bit, as the plain formula), otherwise `wideNorm`'s
 * scaled sum. Infinity only when the norm itself is beyond the largest double.
 */
export const euclideanNorm = (values: ArrayLike<number>): number => {
  let squares = 0
  for (let q = 0; q < values.length; q++) squares += values[q] * values[q]
  // An infinite entry gives Infinity (wideNorm's largest entry).
  return squaresInRange(squares) ? Math.sqrt(squares) : wideValue(wideNorm(values))
}

/**
 * `euclideanNorm`, bit for bit, of entries known by what one pass over them gives: their
 * plain sum of squares `squares`, added in their order, and their largest magnitude
 * `largest` (0 for no entries; a NaN entry may be left out of it, as the sum is NaN then).
 * The norm is √squares where that is safely within range (NaN too), 0 when `largest` is,
 * and otherwise needs a second pass:
 * `scaledSquares(first, second)` must return Σ (xᵢ·first·second)², added in the same order
 * (the two factors are `wideNorm`'s scaling by the power of two of the largest magnitude).
 * A caller that computes the entries on the fly thus neither stores them nor passes over
 * them twice, except at the extremes.
 *
 * @example
 * euclideanNormOfSquares(25, 4, () => NaN) // 5: in range, no second pass
 * euclideanNormOfSquares(0, 0, () => NaN) // 0: all zero, no second pass
 */
export const euclideanNormOfSquares = (
  squares: number,
  largest: number,
  scaledSquares: (first: number, second: number) => number,
): number => {
  if (squaresInRange(squares)) return Math.sqrt(squares)
  if (largest <= 0) return 0
  // An infinite entry makes the norm infinite, as in wideNorm.
  if (!Number.isFinite(largest)) return largest
  const { exponent, first, second } = scalingFor(largest)
  return wideValue({ mantissa: Math.sqrt(scaledSquares(first, second)), exponent })
}
