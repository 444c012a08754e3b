/**
 * fast-check arbitraries for non-negative matrices: dense and CSR, shapes from
 * 1×1 up, a density, whole rows and columns of zeros, and one magnitude per
 * matrix from tiny to large.
 *
 * Every entry is `scale · q / 1024` with q an integer in 1..1024 and `scale` a
 * power of ten: values on a grid keep shrinking readable, and a power-of-two
 * denominator makes halving an entry (as `csrOf` does) exact.
 */
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { CsrMatrix, Matrix, type Result } from 'nmfkit'

/** What a generated matrix may look like; every field has a default. */
export interface MatrixConstraints {
  /** @default 1 */
  readonly minRows?: number
  /** @default 8 */
  readonly maxRows?: number
  /** @default 1 */
  readonly minCols?: number
  /** @default 8 */
  readonly maxCols?: number
  /**
   * The share of entries that are non-zero, in (0, 1]. @default one of 1, 0.6, 0.3
   * and 0.1, drawn per matrix
   */
  readonly density?: number
  /** Sometimes make whole rows and columns zero. @default true */
  readonly zeroLines?: boolean
  /**
   * The matrix's scale is 10^e with e an integer in [minExponent, maxExponent].
   * @default 0
   */
  readonly minExponent?: number
  /** @default 0 */
  readonly maxExponent?: number
  /** Every entry strictly positive (overrides density and zeroLines). @default false */
  readonly positive?: boolean
}

/** The largest grid numerator: entries are scale·q/GRID with q in 1..GRID. */
export const GRID = 1024

/** Unwraps a Right that cannot be a Left by construction. */
export const unwrap = <A>(result: Result<A>): A => {
  if (E.isLeft(result)) throw new Error(`nmfkit/testing: ${result.left.message}`)
  return result.right
}

/** The most rows, and the most columns, of a matrix whose constraints say none. */
export const DEFAULT_MAX_SIDE = 8

/** A shape within the constraints. */
export const shapes = (
  constraints: MatrixConstraints = {},
): fc.Arbitrary<{ readonly rows: number; readonly cols: number }> =>
  fc.record({
    rows: fc.integer({
      min: constraints.minRows ?? 1,
      max: constraints.maxRows ?? DEFAULT_MAX_SIDE,
    }),
    cols: fc.integer({
      min: constraints.minCols ?? 1,
      max: constraints.maxCols ?? DEFAULT_MAX_SIDE,
    }),
  })

/** A power of ten, 10^e with e in [minExponent, maxExponent]. */
export const magnitudes = (minExponent = 0, maxExponent = 0): fc.Arbitrary<number> =>
  fc.integer({ min: minExponent, max: maxExponent }).map((e) => Number(`1e${e}`))

/** Entries on the grid, a share `density` of them non-zero. */
const entries = (count: number, density: number, positive: boolean): fc.Arbitrary<number[]> => {
  const nonZero = fc.integer({ min: 1, max: GRID })
  const entry = positive
    ? nonZero
    : fc.integer({ min: 0, max: 999 }).chain((u) => (u < density * 1000 ? nonZero : fc.constant(0)))
  return fc.array(entry, { minLength: count, maxLength: count })
}

/** Masks that zero out roughly one line in ten, when asked for. */
const lineMask = (length: number, enabled: boolean): fc.Arbitrary<boolean[]> =>
  enabled
    ? fc.array(
        fc.integer({ min: 0, max: 9 }).map((u) => u === 0),
        { minLength: length, maxLength: length },
      )
    : fc.constant(new Array<boolean>(length).fill(false))

/**
 * A non-negative dense matrix.
 *
 * @example
 * fc.sample(denseMatrix({ maxRows: 3, maxCols: 3 }), 1)[0].shape // e.g. [2, 3]
 */
export const denseMatrix = (constraints: MatrixConstraints = {}): fc.Arbitrary<Matrix> => {
  const positive = constraints.positive ?? false
  const zeroLines = !positive && (constraints.zeroLines ?? true)
  const density =
    constraints.density === undefined
      ? fc.constantFrom(1, 0.6, 0.3, 0.1)
      : fc.constant(constraints.density)
  return fc
    .record({
      shape: shapes(constraints),
      density,
      scale: magnitudes(constraints.minExponent, constraints.maxExponent),
    })
    .chain(({ shape, density: share, scale }) =>
      fc
        .record({
          grid: entries(shape.rows * shape.cols, share, positive),
          zeroRows: lineMask(shape.rows, zeroLines),
          zeroCols: lineMask(shape.cols, zeroLines),
        })
        .map(({ grid, zeroRows, zeroCols }) => {
          const data = grid.map((q, index) => {
            const row = Math.floor(index / shape.cols)
            const col = index % shape.cols
            return zeroRows[row] || zeroCols[col] ? 0 : (scale * q) / GRID
          })
          return unwrap(Matrix.fromData(shape.rows, shape.cols, data))
        }),
    )
}

/**
 * The parts of a CSR form of `matrix` as a user might hand them over: rows
 * with their entries in any order, some entries split into two equal halves
 * stored as duplicates, and some explicit zeros. `CsrMatrix.fromParts` sorts
 * and sums them back to exactly `matrix` (halving a grid value is exact).
 */
export const csrPartsOf = (
  matrix: Matrix,
): fc.Arbitrary<{
  readonly indptr: number[]
  readonly indices: number[]
  readonly data: number[]
}> => {
  const rows = matrix.toArray()
  return fc
    .tuple(
      ...rows.map((row) =>
        fc.record({
          split: fc.array(fc.boolean(), { minLength: row.length, maxLength: row.length }),
          explicitZero: fc.array(
            fc.integer({ min: 0, max: 4 }).map((u) => u === 0),
            { minLength: row.length, maxLength: row.length },
          ),
          order: fc.array(fc.nat(), { minLength: 2 * row.length, maxLength: 2 * row.length }),
        }),
      ),
    )
    .map((choices) => {
      const indptr = [0]
      const indices: number[] = []
      const data: number[] = []
      rows.forEach((row, i) => {
        const { split, explicitZero, order } = choices[i]
        const stored: Array<[number, number]> = []
        row.forEach((value, j) => {
          if (value === 0) {
            if (explicitZero[j]) stored.push([j, 0])
          } else if (split[j] && value / 2 + value / 2 === value) {
            stored.push([j, value / 2], [j, value / 2])
          } else stored.push([j, value])
        })
        // A permutation of the row's entries from the drawn keys (ties keep their order).
        const keyed = stored.map((entry, q) => ({ entry, key: order[q] }))
        keyed.sort((a, b) => a.key - b.key)
        for (const { entry } of keyed) {
          indices.push(entry[0])
          data.push(entry[1])
        }
        indptr.push(indices.length)
      })
      return { indptr, indices, data }
    })
}

/** A CSR matrix with exactly the entries of `matrix`, built from untidy parts. */
export const csrOf = (matrix: Matrix): fc.Arbitrary<CsrMatrix> =>
  csrPartsOf(matrix).map((parts) =>
    unwrap(CsrMatrix.fromParts(matrix.rows, matrix.cols, parts.indptr, parts.indices, parts.data)),
  )

/** A non-negative CSR matrix. */
export const csrMatrix = (constraints: MatrixConstraints = {}): fc.Arbitrary<CsrMatrix> =>
  denseMatrix(constraints).chain(csrOf)

/** The same non-negative matrix in both forms, for laws that compare them. */
export const densePlusCsr = (
  constraints: MatrixConstraints = {},
): fc.Arbitrary<{ readonly dense: Matrix; readonly csr: CsrMatrix }> =>
  denseMatrix(constraints).chain((dense) => csrOf(dense).map((csr) => ({ dense, csr })))
