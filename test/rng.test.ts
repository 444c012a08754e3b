/**
 * Tests of core/rng.ts: determinism, range, and the distributions of uniform,
 * normal and permutation draws.
 *
 * Tolerances, stated once. Each statistical check uses a fixed seed, so it is
 * deterministic; its bound is FIVE_SIGMA standard errors of the statistic for a
 * correct generator (a chance failure would have probability below 1e-6 for a
 * fresh seed), while the biases the checks target are many standard errors
 * wide:
 * - mean of N = 20000 uniforms: σ = sqrt(1/12/N) ≈ 0.0020 → bound 0.0102;
 * - decile counts of N uniforms: σ = sqrt(N·0.1·0.9) ≈ 42.4 → bound 212 around 2000;
 * - mean of N normals: σ = 1/sqrt(N) ≈ 0.0071 → bound 0.035;
 * - variance of N normals: σ ≈ sqrt(2/N) = 0.01 → bound 0.05;
 * - share of N normals in [-1, 1]: p = 0.6827, σ = sqrt(p(1−p)/N) ≈ 0.0033 →
 *   bound 0.0165 (rules out a rescaled uniform, whose share is 0.577);
 * - counts of each of the 6 orders over M = 60000 permutations of 3:
 *   σ = sqrt(M·(1/6)·(5/6)) ≈ 91 → bound 456 around 10000 (a naive
 *   swap-with-any shuffle is off by about 1100).
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { createRng, type Rng } from 'nmfkit'

const FIVE_SIGMA = 5
const N = 20_000
const RUNS = { numRuns: 100 }
const seed = fc.integer({ min: -1_000_000, max: 1_000_000 })

const draws = (rng: Rng, count: number, draw: (rng: Rng) => number): number[] =>
  Array.from({ length: count }, () => draw(rng))

/** A mixed sequence of every kind of draw, to compare two streams. */
const mixedStream = (rng: Rng): number[] => {
  const out: number[] = []
  for (let step = 0; step < 20; step++) {
    out.push(rng.uniform(), rng.normal(), rng.normal(), rng.normal())
    out.push(...rng.permutation(step % 6))
  }
  return out
}

describe('determinism', () => {
  test.prop([seed], RUNS)('the same seed gives the same stream', (s) => {
    const rng = createRng(s)
    expect(rng.seed).toBe(s)
    expect(mixedStream(rng)).toEqual(mixedStream(createRng(s)))
  })

  test.prop([seed, seed], RUNS)('different seeds give different streams', (s, t) => {
    fc.pre(s !== t)
    expect(draws(createRng(s), 8, (rng) => rng.uniform())).not.toEqual(
      draws(createRng(t), 8, (rng) => rng.uniform()),
    )
  })

  it('drawing advances the stream', () => {
    const rng = createRng(7)
    const first = draws(rng, 8, (r) => r.uniform())
    expect(draws(rng, 8, (r) => r.uniform())).not.toEqual(first)
  })
})

describe('uniform', () => {
  test.prop([seed], RUNS)('every draw lies in [0, 1)', (s) => {
    const outside = draws(createRng(s), 500, (rng) => rng.uniform()).filter(
      (x) => !(x >= 0 && x < 1),
    )
    expect(outside).toEqual([])
  })

  it('has more than 32 random bits', () => {
    // With only 32 bits every draw times 2³² would be an integer.
    const values = draws(createRng(3), 100, (rng) => rng.uniform())
    expect(values.some((value) => !Number.isInteger(value * 2 ** 32))).toBe(true)
  })

  it('has mean 1/2 and even deciles over 20000 draws', () => {
    const values = draws(createRng(2024), N, (rng) => rng.uniform())
    const mean = values.reduce((a, b) => a + b, 0) / N
    expect(Math.abs(mean - 0.5)).toBeLessThan(FIVE_SIGMA * Math.sqrt(1 / 12 / N))
    const counts = new Array<number>(10).fill(0)
    for (const value of values) counts[Math.floor(value * 10)]++
    const sigma = Math.sqrt(N * 0.1 * 0.9)
    for (const count of counts) expect(Math.abs(count - N / 10)).toBeLessThan(FIVE_SIGMA * sigma)
  })
})

describe('normal', () => {
  it('has mean 0, variance 1 and the normal share within one σ over 20000 draws', () => {
    const values = draws(createRng(42), N, (rng) => rng.normal())
    expect(values.every(Number.isFinite)).toBe(true)
    const mean = values.reduce((a, b) => a + b, 0) / N
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1)
    const withinOne = values.filter((value) => Math.abs(value) <= 1).length / N
    expect(Math.abs(mean)).toBeLessThan(FIVE_SIGMA / Math.sqrt(N))
    expect(Math.abs(variance - 1)).toBeLessThan(FIVE_SIGMA * Math.sqrt(2 / N))
    const p = 0.6827
    expect(Math.abs(withinOne - p)).toBeLessThan(FIVE_SIGMA * Math.sqrt((p * (1 - p)) / N))
  })
})

describe('permutation', () => {
  test.prop([seed, fc.integer({ min: 0, max: 60 })], RUNS)('is a permutation of 0..n-1', (s, n) => {
    const order = createRng(s).permutation(n)
    expect(order).toBeInstanceOf(Int32Array)
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
  })

  it('draws every order of 3 equally often', () => {
    const M = 60_000
    const rng = createRng(11)
    const counts = new Map<string, number>()
    for (let q = 0; q < M; q++) {
      const key = rng.permutation(3).join('')
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210'])
    const sigma = Math.sqrt(M * (1 / 6) * (5 / 6))
    for (const count of counts.values()) {
      expect(Math.abs(count - M / 6)).toBeLessThan(FIVE_SIGMA * sigma)
    }
  })
})

describe('seeds whose digits repeat', () => {
  it('give different streams (10, 1010 and 101010 are three seeds)', () => {
    const first = (seed: number) => Array.from({ length: 4 }, createRng(seed).uniform)
    expect(first(1010)).not.toEqual(first(10))
    expect(first(101010)).not.toEqual(first(10))
    expect(first(11)).not.toEqual(first(1))
  })
})
