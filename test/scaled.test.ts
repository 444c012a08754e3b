/**
 * core/scaled.ts: powers of two in steps, exponents, numbers beyond float64's
 * range, and norms whose squares neither overflow nor underflow.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  euclideanNorm,
  euclideanNormOfSquares,
  exponentOf,
  rescaledComponents,
  showWide,
  timesPowerOfTwo,
  wide,
  wideNorm,
  wideOver,
  wideTimes,
  wideValue,
} from '../core/scaled.ts'

describe('powers of two and exponents', () => {
  it('applies any power of two, exactly where the result is a normal double', () => {
    expect(timesPowerOfTwo(3 * 2 ** -1000, 2000)).toBe(3 * 2 ** 1000)
    expect(timesPowerOfTwo(3 * 2 ** 1000, -2000)).toBe(3 * 2 ** -1000)
    expect(timesPowerOfTwo(3, 1500)).toBe(Infinity)
    expect(timesPowerOfTwo(3, -1500)).toBe(0)
    expect(timesPowerOfTwo(Number.MIN_VALUE, 2000)).toBe(2 ** 926)
    expect(timesPowerOfTwo(1, 1024)).toBe(Infinity)
    expect(timesPowerOfTwo(1, -1074)).toBe(Number.MIN_VALUE)
    expect(timesPowerOfTwo(0, 3000)).toBe(0)
  })

  it('finds the exponent of any positive double, next to powers of two too', () => {
    expect(exponentOf(1)).toBe(0)
    expect(exponentOf(0.75)).toBe(-1)
    expect(exponentOf(Number.MIN_VALUE)).toBe(-1074)
    expect(exponentOf(Number.MAX_VALUE)).toBe(1023)
    for (const e of [-1074, -1023, -1022, -500, -1, 1, 52, 500, 1023]) {
      expect(exponentOf(2 ** e)).toBe(e)
      if (e > -1022) expect(exponentOf(2 ** e * (1 - 2 ** -53))).toBe(e - 1)
      if (e < 1023) expect(exponentOf(2 ** e * (1 + 2 ** -52))).toBe(e)
    }
  })
})

describe('wide numbers', () => {
  it('hold products and ratios beyond float64 and say when a double cannot', () => {
    const product = wideTimes(wide(1e200), wide(3e200))
    expect(wideValue(product)).toBe(Infinity)
    expect(showWide(product)).toBe('3.00e400')
    expect(wideValue(wideOver(product, wide(1e300))) / 3e100).toBeCloseTo(1, 14)
    expect(showWide(wide(9.996e-5))).toBe('1.00e-4')
    expect(showWide(wide(0))).toBe('0')
    expect(wideValue(wide(0.1))).toBe(0.1)
  })
})

describe('norms', () => {
  test.prop(
    [
      fc.array(
        fc.integer({ min: 0, max: 10 ** 6 }).map((q) => q / 1000),
        { minLength: 1, maxLength: 20 },
      ),
      fc.integer({ min: -1000, max: 1000 }),
    ],
    { numRuns: 200 },
  )('wideNorm is the same at any power of two', (values, exponent) => {
    const plain = Math.hypot(...values)
    const norm = wideNorm(values.map((value) => timesPowerOfTwo(value, exponent)))
    if (plain === 0) {
      expect(norm.mantissa).toBe(0)
      return
    }
    const relative = timesPowerOfTwo(wideValue(wideOver(norm, wide(plain))), -exponent)
    expect(Math.abs(relative - 1)).toBeLessThan(1e-14)
  })

  test.prop([fc.array(fc.double({ min: -1e100, max: 1e100, noNaN: true }), { maxLength: 20 })], {
    numRuns: 200,
  })(
    'euclideanNorm is the plain formula, bit for bit, where its squares are in range',
    (values) => {
      const squares = values.reduce((sum, value) => sum + value * value, 0)
      fc.pre(squares > 1e-280 && squares < 1e280)
      expect(euclideanNorm(values)).toBe(Math.sqrt(squares))
    },
  )

  it('euclideanNorm is right where the squares underflow or overflow', () => {
    const norm = (values: number[]) => euclideanNorm(values)
    expect(norm([3e-200, 4e-200]) / 5e-200).toBeCloseTo(1, 15)
    expect(norm([3e200, -4e200]) / 5e200).toBeCloseTo(1, 15)
    expect(norm([Number.MIN_VALUE])).toBe(Number.MIN_VALUE)
    expect(norm([1.5e308, 1.5e308])).toBe(Infinity)
    expect(norm([])).toBe(0)
    // Entries that are not finite end, as the plain formula would (they had never ended).
    expect(norm([1, Infinity, 2])).toBe(Infinity)
    expect(norm([-Infinity, 1e-200])).toBe(Infinity)
    expect(norm([1, NaN])).toBeNaN()
    expect(norm([1e-200, NaN])).toBeNaN()
    expect(wideValue(wideNorm([3, Infinity]))).toBe(Infinity)
    expect(timesPowerOfTwo(3, -Infinity)).toBe(0)
    expect(timesPowerOfTwo(3, Infinity)).toBe(Infinity)
  })

  /** euclideanNormOfSquares as a fused loop feeds it: one pass, then a second if asked for. */
  const inOnePass = (values: readonly number[]): number => {
    let squares = 0
    let largest = 0
    for (const value of values) {
      squares += value * value
      largest = Math.max(largest, Math.abs(value))
    }
    return euclideanNormOfSquares(squares, largest, (first, second) => {
      let sum = 0
      for (const value of values) {
        const scaled = value * first * second
        sum += scaled * scaled
      }
      return sum
    })
  }

  it('euclideanNormOfSquares makes no second pass where it is not needed', () => {
    const never = (): number => {
      throw new Error('a second pass was asked for')
    }
    expect(euclideanNormOfSquares(25, 4, never)).toBe(5)
    expect(euclideanNormOfSquares(NaN, NaN, never)).toBeNaN()
    expect(euclideanNormOfSquares(Infinity, Infinity, never)).toBe(Infinity)
    // A NaN entry left out of the largest magnitude: the sum of squares decides first.
    expect(euclideanNormOfSquares(NaN, 0, never)).toBeNaN()
    // All zero, or no entries at all.
    expect(euclideanNormOfSquares(0, 0, never)).toBe(0)
  })

  it('euclideanNormOfSquares is euclideanNorm at the extremes, zeros and edges', () => {
    const cases = [
      [3e200, 4e200],
      [3e-200, -4e-200],
      [0, 0, -0],
      [Number.MIN_VALUE],
      [2 ** -1060, 3 * 2 ** -1070, 0],
      [2 ** -1023, 2 ** -1030],
      [Number.MAX_VALUE, 1],
      [1.5e308, 1.5e308],
      [1e-200, 1],
      [1, Infinity, 2],
      [1e-200, NaN],
    ]
    for (const values of cases) expect(inOnePass(values)).toBe(euclideanNorm(values))
  })

  test.prop(
    [
      fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: -1100, max: 1030 }),
    ],
    { numRuns: 300 },
  )('euclideanNormOfSquares is euclideanNorm, bit for bit, at any power of two', (values, e) => {
    const scaled = values.map((value) => timesPowerOfTwo(value, e))
    expect(inOnePass(scaled)).toBe(euclideanNorm(scaled))
  })
})

describe('rescaledComponents', () => {
  // W (2×2) and H (2×3), row-major: component 0 is W's column [1, -2] and H's row [4, 0, 8],
  // component 1 the column [3, 0] and the row [1, 2, 3].
  const w = Float64Array.from([1, 3, -2, 0])
  const h = Float64Array.from([4, 0, 8, 1, 2, 3])

  it("hands the shift each component's largest magnitudes and scales that component", () => {
    const seen: number[][] = []
    const [wc, hc] = rescaledComponents(w, h, 2, 2, 3, (largestW, largestH) => {
      seen.push([largestW, largestH])
      return largestW === 2 ? 3 : undefined
    })
    expect(seen).toEqual([
      [2, 8],
      [3, 3],
    ])
    expect(Array.from(wc)).toEqual([8, 3, -16, 0])
    expect(Array.from(hc)).toEqual([0.5, 0, 1, 1, 2, 3])
    // The inputs are not changed.
    expect(Array.from(w)).toEqual([1, 3, -2, 0])
    expect(Array.from(h)).toEqual([4, 0, 8, 1, 2, 3])
  })

  it('multiplies W by 2^(s − offset) and H by 2^−s, in steps beyond 2^±1000', () => {
    const [wc, hc] = rescaledComponents(w, h, 2, 2, 3, () => 1, 4)
    expect(Array.from(wc)).toEqual([1 / 8, 3 / 8, -2 / 8, 0])
    expect(Array.from(hc)).toEqual([2, 0, 4, 0.5, 1, 1.5])
    const [up, down] = rescaledComponents(
      Float64Array.from([2 ** -1000]),
      Float64Array.from([2 ** 1000]),
      1,
      1,
      1,
      () => 1500,
    )
    expect([up[0], down[0]]).toEqual([2 ** 500, 2 ** -500])
  })

  it('returns the arrays themselves when no component changes', () => {
    for (const shift of [() => 0, () => undefined]) {
      const [wc, hc] = rescaledComponents(w, h, 2, 2, 3, shift)
      expect(wc).toBe(w)
      expect(hc).toBe(h)
    }
    // An offset changes every component that has a shift, even a shift of 0.
    expect(rescaledComponents(w, h, 2, 2, 3, () => 0, 1)[0]).not.toBe(w)
  })
})
