/**
 * Sums carried in double-double arithmetic: a value held as hi + lo, two doubles, about 106
 * bits (Dekker's exact product, Knuth's exact sum). For differences of large sums that
 * nearly cancel, where doubles keep only rounding noise: the CSR error of a close fit
 * (core/divergence.ts).
 */

/** 2^27 + 1: splits a double into two halves whose products are exact. */
const SPLIT = 134_217_729

/** A running sum hi + lo. */
export class DoubleDouble {
  hi = 0
  lo = 0

  /** Adds the double-double a + b (|b| at most an ulp of a, or any double with b = 0). */
  add(a: number, b = 0): void {
    // Knuth's two-sum of the high parts, then the low parts, then renormalized.
    const sum = a + this.hi
    const virtual = sum - a
    const error = a - (sum - virtual) + (this.hi - virtual) + b + this.lo
    this.hi = sum + error
    this.lo = error - (this.hi - sum)
  }

  /** Adds a·b, the product exact (Dekker). Neither factor may be beyond about 1e300. */
  addProduct(a: number, b: number): void {
    const product = a * b
    const splitA = SPLIT * a
    const aHigh = splitA - (splitA - a)
    const aLow = a - aHigh
    const splitB = SPLIT * b
    const bHigh = splitB - (splitB - b)
    const bLow = b - bHigh
    const error = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow
    this.add(product, error)
  }

  /** Adds (a.hi + a.lo)·(b.hi + b.lo), to double-double precision. */
  addProductOf(a: DoubleDouble, b: DoubleDouble): void {
    this.addProduct(a.hi, b.hi)
    this.add(a.hi * b.lo + a.lo * b.hi)
  }

  /** Adds c times (a.hi + a.lo), for a double c. */
  addScaled(c: number, a: DoubleDouble): void {
    this.addProduct(c, a.hi)
    this.add(c * a.lo)
  }

  /** The sum, rounded to a double. */
  value(): number {
    return this.hi + this.lo
  }
}
