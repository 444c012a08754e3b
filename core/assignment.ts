/**
 * The linear assignment problem: given k×k weights, pick one column for each
 * row, no column twice, so that the total weight is as large as possible.
 *
 * Solved exactly in O(k³) by shortest augmenting paths with dual potentials
 * (the Hungarian method in the form of Jonker and Volgenant, "A shortest
 * augmenting path algorithm for dense and sparse linear assignment problems",
 * Computing 38, 1987). Rows join one at a time; each join grows a tree of
 * tight edges from the new row, raising the potentials by the smallest slack
 * until it reaches a free column, then flips the path. The potentials keep
 * every reduced cost non-negative, which is what makes each path shortest and
 * the final assignment optimal.
 */
import * as E from 'fp-ts/lib/Either.js'
import { nonFiniteInput, shapeMismatch, type Result } from './errors.ts'
import { Matrix, valuesOf } from './matrix.ts'
import { notAMatrix, showShape } from './matrix-shared.ts'

/** An optimal assignment of the rows of a k×k weight matrix to its columns. */
export interface Assignment {
  /** `columnOfRow[i]` is the column given to row i: a permutation of 0..k-1. */
  readonly columnOfRow: readonly number[]
  /** Σ_i weights[i][columnOfRow[i]], the largest total any permutation reaches. */
  readonly total: number
}

/**
 * The assignment of rows to columns with the largest total weight, for a
 * square matrix of finite weights (any sign). When several assignments reach
 * the largest total, one of them is returned, always the same one for the same
 * weights.
 *
 * @example
 * const weights = Matrix.fromArrays([[1, 9], [8, 2]]) // Right(2×2)
 * maximumAssignment(weights.right) // Right({ columnOfRow: [1, 0], total: 17 })
 */
export const maximumAssignment = (weights: Matrix): Result<Assignment> => {
  const operation = 'maximumAssignment'
  if (!(weights instanceof Matrix)) return notAMatrix(operation, 'the weights', weights)
  const k = weights.rows
  if (weights.cols !== k) {
    return E.left(
      shapeMismatch(operation, 'the weights', 'a square shape', showShape(k, weights.cols)),
    )
  }
  const w = valuesOf(weights)
  let largest = 0
  for (let q = 0; q < w.length; q++) {
    if (!Number.isFinite(w[q])) {
      return E.left(nonFiniteInput(operation, 'the weights', Math.floor(q / k), q % k, w[q]))
    }
    largest = Math.max(largest, Math.abs(w[q]))
  }
  // Scale large weights down to costs of magnitude at most 2^24, so that the
  // potentials, which grow by sums of costs, cannot overflow for weights near
  // the largest double. A power of two scales exactly and changes no
  // comparison; 2^-1000 is still a normal number. Small weights stay as they are.
  const unit = largest > 1 ? 2 ** -Math.min(Math.ceil(Math.log2(largest)), 1000) : 1

  // Index 0 is a virtual column that holds the row being added; rows are 1-based
  // in these arrays so that 0 can mean "no row".
  const rowPotential = new Float64Array(k + 1)
  const columnPotential = new Float64Array(k + 1)
  const rowOfColumn = new Int32Array(k + 1)
  const previousColumn = new Int32Array(k + 1)
  const slack = new Float64Array(k + 1)
  const inTree = new Uint8Array(k + 1)

  for (let row = 1; row <= k; row++) {
    rowOfColumn[0] = row
    slack.fill(Infinity)
    inTree.fill(0)
    let column = 0

    // Grow the tree until it reaches a column that no row holds yet.
    do {
      inTree[column] = 1
      const treeRow = rowOfColumn[column]
      const base = (treeRow - 1) * k
      let delta = Infinity
      let nearest = 0
      for (let j = 1; j <= k; j++) {
        if (inTree[j] === 1) continue
        // The cost is the negated weight: minimizing it maximizes the total.
        const reduced = -w[base + j - 1] * unit - rowPotential[treeRow] - columnPotential[j]
        if (reduced < slack[j]) {
          slack[j] = reduced
          previousColumn[j] = column
        }
        if (slack[j] < delta) {
          delta = slack[j]
          nearest = j
        }
      }
      for (let j = 0; j <= k; j++) {
        if (inTree[j] === 1) {
          rowPotential[rowOfColumn[j]] += delta
          columnPotential[j] -= delta
        } else {
          slack[j] -= delta
        }
      }
      column = nearest
    } while (rowOfColumn[column] !== 0)

    // Flip the path: every column on it passes to the row before it in the tree.
    do {
      const before = previousColumn[column]
      rowOfColumn[column] = rowOfColumn[before]
      column = before
    } while (column !== 0)
  }

  const columnOfRow = new Array<number>(k)
  for (let j = 1; j <= k; j++) columnOfRow[rowOfColumn[j] - 1] = j - 1
  let total = 0
  for (let i = 0; i < k; i++) total += w[i * k + columnOfRow[i]]
  return E.right({ columnOfRow, total })
}
