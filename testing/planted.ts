/**
 * Planted factorizations: X = W*·H* with W* (samples×k) and H* (k×features)
 * drawn first, so that the rank and an exact answer are known.
 *
 * A separable plant is unique up to the order and scale of its components:
 * W* holds k "pure" rows (one component each, a scaled identity once its rows
 * are permuted) and H* holds k pure columns. The k×k block of X where they
 * cross is then diagonal and positive, and any non-negative W·H = X with k
 * components must have a monomial (scaled permutation) W and H on that block,
 * which fixes W up to order and scale, and then H.
 */
import fc from 'fast-check'
import { Matrix } from 'nmfkit'
import { GRID, unwrap } from './arbitraries.ts'

/** A matrix with a known exact factorization. */
export interface Planted {
  /** W*·H*, samples×features. */
  readonly X: Matrix
  /** samples×k. */
  readonly W: Matrix
  /** k×features. */
  readonly H: Matrix
  readonly components: number
  /** Whether W* and H* hold k pure rows and columns (the plant is unique). */
  readonly separable: boolean
}

/** What a planted factorization may look like. */
export interface PlantedConstraints {
  /** @default 1 */
  readonly minComponents?: number
  /** @default 4 */
  readonly maxComponents?: number
  /**
   * The fewest samples (and features, minCols); a plant of k components has at least k
   * (separable: k + 1). @default 1
   */
  readonly minRows?: number
  /** @default 1 */
  readonly minCols?: number
  /**
   * The most samples (and features, maxCols): at least the fewest, and at least maxComponents
   * (separable: maxComponents + 1), or `planted` throws a RangeError that names the bound.
   * @default 10, or maxComponents (+ 1) where that is more
   */
  readonly maxRows?: number
  /** @default 10 */
  readonly maxCols?: number
  /** Plant pure rows of W* and pure columns of H*. @default false */
  readonly separable?: boolean
  /** The share of non-zero entries outside the pure rows and columns, in (0, 1]. @default 0.7 */
  readonly density?: number
  /** Non-zero entries of W* and H* are at least this, their largest being 1. @default 0 */
  readonly floor?: number
  /**
   * The plant's scale: X's entries are about 10^e for e in [minExponent, maxExponent].
   * @default 0
   */
  readonly minExponent?: number
  /** @default 0 */
  readonly maxExponent?: number
}

/** A random permutation of 0..n-1 as an arbitrary. */
const permutation = (n: number): fc.Arbitrary<number[]> =>
  fc
    .array(fc.nat(), { minLength: n, maxLength: n })
    .map((keys) => keys.map((key, index) => ({ key, index })))
    .map((keyed) => keyed.sort((a, b) => a.key - b.key || a.index - b.index).map((e) => e.index))

/**
 * A factor of `rows`×`cols` on the grid, values in [floor, 1] with a share
 * `density` non-zero; with `pure`, its first `k` lines (rows when `byRow`,
 * else columns) form a scaled identity, and the lines are then shuffled.
 */
const factor = (
  rows: number,
  cols: number,
  k: number,
  options: { density: number; floor: number; pure: boolean; byRow: boolean },
): fc.Arbitrary<Matrix> => {
  const lowest = Math.max(1, Math.ceil(options.floor * GRID))
  const value = fc.integer({ min: lowest, max: GRID })
  const entry = fc
    .integer({ min: 0, max: 999 })
    .chain((u) => (u < options.density * 1000 ? value : fc.constant(0)))
  const lines = options.byRow ? rows : cols
  return fc
    .record({
      grid: fc.array(entry, { minLength: rows * cols, maxLength: rows * cols }),
      diagonal: fc.array(value, { minLength: k, maxLength: k }),
      order: permutation(lines),
    })
    .map(({ grid, diagonal, order }) => {
      const data = new Float64Array(rows * cols)
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          // Line `line` of the result is line order[line] of the unshuffled factor.
          const [line, other] = options.byRow ? [i, j] : [j, i]
          const source = order[line]
          let q = grid[i * cols + j]
          if (options.pure && source < k) q = other === source ? diagonal[source] : 0
          data[i * cols + j] = q / GRID
        }
      }
      return unwrap(Matrix.fromData(rows, cols, data))
    })
}

/**
 * A planted factorization X = W*·H*, separable on request. Every component is
 * non-zero in W* and in H*, so the rank is exactly k for a separable plant.
 *
 * @example
 * fc.sample(planted({ separable: true, maxComponents: 3 }), 1)[0].components // 1, 2 or 3
 */
export const planted = (constraints: PlantedConstraints = {}): fc.Arbitrary<Planted> => {
  const separable = constraints.separable ?? false
  const extra = separable ? 1 : 0
  const minComponents = constraints.minComponents ?? 1
  const maxComponents = constraints.maxComponents ?? 4
  // The defaults make room for the most components; given bounds are kept, or refused.
  const maxRows = constraints.maxRows ?? Math.max(10, maxComponents + extra)
  const maxCols = constraints.maxCols ?? Math.max(10, maxComponents + extra)
  const minRows = constraints.minRows ?? 1
  const minCols = constraints.minCols ?? 1
  const atMost = (low: string, a: number, high: string, b: number) => {
    if (a > b) {
      throw new RangeError(
        `nmfkit/testing: planted: expected ${low} (${a}) to be at most ${high} (${b})`,
      )
    }
  }
  atMost('minComponents', minComponents, 'maxComponents', maxComponents)
  atMost('minRows', minRows, 'maxRows', maxRows)
  atMost('minCols', minCols, 'maxCols', maxCols)
  for (const [side, most] of [
    ['maxRows', maxRows],
    ['maxCols', maxCols],
  ] as const) {
    if (most < maxComponents + extra) {
      throw new RangeError(
        `nmfkit/testing: planted: expected ${side} (${most}) to be at least maxComponents ` +
          `(${maxComponents})${separable ? ' plus 1, for a separable plant' : ''}`,
      )
    }
  }
  const options = {
    density: constraints.density ?? 0.7,
    floor: constraints.floor ?? 0,
    pure: separable,
  }
  return fc
    .record({
      components: fc.integer({ min: minComponents, max: maxComponents }),
      exponent: fc.integer({
        min: constraints.minExponent ?? 0,
        max: constraints.maxExponent ?? 0,
      }),
    })
    .chain(({ components, exponent }) =>
      fc
        .record({
          rows: fc.integer({ min: Math.max(minRows, components + extra), max: maxRows }),
          cols: fc.integer({ min: Math.max(minCols, components + extra), max: maxCols }),
        })
        .chain(({ rows, cols }) =>
          fc.record({
            W: factor(rows, components, components, { ...options, byRow: true }),
            H: factor(components, cols, components, { ...options, byRow: false }),
          }),
        )
        .map(({ W, H }) => {
          // Half the scale on each factor keeps W* and H* balanced, as the solvers' fits are.
          const half = Math.sqrt(Number(`1e${exponent}`))
          const scaledW = W.scale(half)
          const scaledH = H.scale(half)
          const plant = {
            X: unwrap(scaledW.times(scaledH)),
            W: scaledW,
            H: scaledH,
            components,
            separable,
          }
          // fast-check's reports show the factors as nested arrays, not a Matrix's storage.
          const show = () =>
            `{ W: ${JSON.stringify(scaledW.toArray())}, H: ${JSON.stringify(scaledH.toArray())}, ` +
            `components: ${components}, separable: ${separable} }`
          return Object.defineProperty(plant, fc.toStringMethod, { value: show, enumerable: false })
        }),
    )
    .filter((plant) => everyComponentUsed(plant.W, plant.H))
}

/** Each column of W and each row of H has a non-zero entry. */
const everyComponentUsed = (W: Matrix, H: Matrix): boolean => {
  for (let t = 0; t < W.cols; t++) {
    if (W.column(t).every((value) => value === 0)) return false
    if (H.row(t).every((value) => value === 0)) return false
  }
  return true
}
