/**
 * The reference interpreter: evaluates an expression tree node by node, the
 * plainest way there is, with a fresh array for every node and textbook loops
 * for products. It is slow on purpose; the evaluator is tested against it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Result } from '../core/errors.ts'
import { Matrix } from '../core/matrix.ts'
import { euclideanNorm } from '../core/scaled.ts'
import { exprOf, type Expr } from './expr.ts'
import { binaryFunctions, reductions, unaryFunctions } from './fuse.ts'
import type { Node } from './node.ts'
import { shapeOf } from './shape.ts'

/** A value while interpreting: its entries as a function of the position. */
interface Value {
  readonly rows: number
  readonly cols: number
  readonly at: (i: number, j: number) => number
}

const tabulate = (
  rows: number,
  cols: number,
  f: (i: number, j: number) => number,
): Value & { readonly data: Float64Array } => {
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j)
  return { rows, cols, at: (i, j) => data[i * cols + j], data }
}

/** Reads a broadcast operand at a position of the result. */
const broadcast =
  (v: Value) =>
  (i: number, j: number): number =>
    v.at(v.rows === 1 ? 0 : i, v.cols === 1 ? 0 : j)

const interpretNode = (n: Node): Value => {
  switch (n.kind) {
    case 'dense':
    case 'csr': {
      const m = n.matrix
      return tabulate(m.rows, m.cols, (i, j) => m.get(i, j))
    }
    case 'constant':
      return { rows: 1, cols: 1, at: () => n.value }
    case 'unary': {
      const a = interpretNode(n.arg)
      const f = unaryFunctions[n.op]
      return tabulate(a.rows, a.cols, (i, j) => f(a.at(i, j)))
    }
    case 'binary': {
      const a = interpretNode(n.left)
      const b = interpretNode(n.right)
      const f = binaryFunctions[n.op]
      const [x, y] = [broadcast(a), broadcast(b)]
      return tabulate(Math.max(a.rows, b.rows), Math.max(a.cols, b.cols), (i, j) =>
        f(x(i, j), y(i, j)),
      )
    }
    case 'where': {
      const [m, a, b] = [interpretNode(n.mask), interpretNode(n.then), interpretNode(n.otherwise)]
      const rows = Math.max(m.rows, a.rows, b.rows)
      const cols = Math.max(m.cols, a.cols, b.cols)
      const [x, y, z] = [broadcast(m), broadcast(a), broadcast(b)]
      return tabulate(rows, cols, (i, j) => (x(i, j) !== 0 ? y(i, j) : z(i, j)))
    }
    case 'transpose': {
      const a = interpretNode(n.arg)
      return tabulate(a.cols, a.rows, (i, j) => a.at(j, i))
    }
    case 'column': {
      const a = interpretNode(n.arg)
      return tabulate(a.rows, 1, (i) => a.at(i, n.index))
    }
    case 'row': {
      const a = interpretNode(n.arg)
      return tabulate(1, a.cols, (_, j) => a.at(n.index, j))
    }
    case 'entry': {
      const a = interpretNode(n.arg)
      return tabulate(1, 1, () => a.at(n.row, n.col))
    }
    case 'product': {
      const left = interpretNode(n.left)
      const right = interpretNode(n.right)
      const a = n.transposeLeft ? (i: number, l: number) => left.at(l, i) : left.at
      const b = n.transposeRight ? (l: number, j: number) => right.at(j, l) : right.at
      const rows = n.transposeLeft ? left.cols : left.rows
      const inner = n.transposeLeft ? left.rows : left.cols
      const cols = n.transposeRight ? right.rows : right.cols
      return tabulate(rows, cols, (i, j) => {
        let sum = 0
        for (let l = 0; l < inner; l++) sum += a(i, l) * b(l, j)
        return sum
      })
    }
    case 'gram': {
      const a = interpretNode(n.arg)
      const size = n.side === 'rows' ? a.rows : a.cols
      const inner = n.side === 'rows' ? a.cols : a.rows
      return tabulate(size, size, (i, j) => {
        let sum = 0
        for (let l = 0; l < inner; l++)
          sum += n.side === 'rows' ? a.at(i, l) * a.at(j, l) : a.at(l, i) * a.at(l, j)
        return sum
      })
    }
    case 'axisSum': {
      const a = interpretNode(n.arg)
      const rows = n.axis === 'rows' ? a.rows : 1
      const cols = n.axis === 'rows' ? 1 : a.cols
      return tabulate(rows, cols, (i, j) => {
        let sum = 0
        if (n.axis === 'rows') for (let c = 0; c < a.cols; c++) sum += a.at(i, c)
        else for (let r = 0; r < a.rows; r++) sum += a.at(r, j)
        return sum
      })
    }
    case 'reduce': {
      const a = interpretNode(n.arg)
      if (n.op === 'norm') {
        const norm = euclideanNorm(tabulate(a.rows, a.cols, a.at).data)
        return { rows: 1, cols: 1, at: () => norm }
      }
      const { start, join } = reductions[n.op]
      let acc = start
      for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) acc = join(acc, a.at(i, j))
      return { rows: 1, cols: 1, at: () => acc }
    }
    case 'update': {
      const a = interpretNode(n.arg)
      const v = interpretNode(n.value)
      return tabulate(a.rows, a.cols, (i, j) => {
        const inside = i >= n.row && i < n.row + v.rows && j >= n.col && j < n.col + v.cols
        return inside ? v.at(i - n.row, j - n.col) : a.at(i, j)
      })
    }
  }
}

/**
 * The value of an expression, computed node by node. Shapes are checked as by
 * `evaluate`; a CSR leaf is read entry by entry (this is a reference, not a kernel).
 *
 * @example
 * interpret(lift(W).times(lift(H))) // Right(Matrix) equal to evaluate(...) up to rounding
 */
export const interpret = <R extends string, C extends string>(
  expr: Expr<R, C>,
): Result<Matrix<R, C>> => {
  const root = exprOf('interpret', 'its argument', expr).node
  return E.map(() => {
    const v = interpretNode(root)
    const data = new Float64Array(v.rows * v.cols)
    for (let i = 0; i < v.rows; i++)
      for (let j = 0; j < v.cols; j++) data[i * v.cols + j] = v.at(i, j)
    return Matrix.unsafeWrap<R, C>(v.rows, v.cols, data)
  })(shapeOf(root))
}
