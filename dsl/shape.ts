/**
 * Shapes of expression nodes, checked: a product of mismatched inner sizes, an
 * elementwise operation on shapes that do not broadcast, or an index outside
 * its matrix is a `Left` that names the operation. Results are remembered per
 * node, so each tree is checked once.
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { showShape } from '../core/matrix-shared.ts'
import type { BinaryOp, Node, Shape } from './node.ts'

const known = new WeakMap<Node, Result<Shape>>()

const shape = (rows: number, cols: number): Result<Shape> => E.right({ rows, cols })

const show = (s: Shape): string => showShape(s.rows, s.cols)

/**
 * The shape two operands broadcast to: equal shapes, or a 1×1, 1×c or r×1
 * operand stretched along its unit dimension(s). A mismatch names `b` as `what`, and `a`'s
 * shape as `whose` (e.g. "the mask's ") shape.
 */
export const broadcastShape = (
  operation: string,
  a: Shape,
  b: Shape,
  what = 'the right operand',
  whose = '',
): Result<Shape> => {
  const rows = a.rows === b.rows || b.rows === 1 ? a.rows : a.rows === 1 ? b.rows : -1
  const cols = a.cols === b.cols || b.cols === 1 ? a.cols : a.cols === 1 ? b.cols : -1
  if (rows < 0 || cols < 0) {
    return E.left(
      shapeMismatch(operation, what, `${whose}shape ${show(a)} or a broadcast of it`, show(b)),
    )
  }
  return shape(rows, cols)
}

/**
 * The shape of the factors of a dot (`operation`, as the caller named it): one shape for both,
 * never stretched, since Σ a_ij·b_ij over a stretched factor is another sum.
 */
const sameShape = (operation: string, a: Shape, b: Shape): Result<Shape> =>
  a.rows === b.rows && a.cols === b.cols
    ? E.right(a)
    : E.left(
        shapeMismatch(
          operation,
          'the other factor',
          `the first's shape ${show(a)} (dot does not broadcast)`,
          show(b),
        ),
      )

/** Checks that `index` lies in 0..size-1. */
export const checkIndex = (
  operation: string,
  what: string,
  index: number,
  size: number,
): Result<number> =>
  Number.isInteger(index) && index >= 0 && index < size
    ? E.right(index)
    : E.left(shapeMismatch(operation, `the ${what} index`, `a value in 0..${size - 1}`, `${index}`))

/** The `Expr` method that makes a binary node, as messages name it (`plus` makes `add`). */
export const methodOf = (op: BinaryOp): string =>
  op === 'add' ? 'plus' : op === 'sub' ? 'minus' : op

/** The `Expr` method that makes a product node with these transposes, as messages name it. */
export const productName = (transposeLeft: boolean, transposeRight: boolean): string =>
  transposeLeft ? 'Expr.transposeTimes' : transposeRight ? 'Expr.timesTransposed' : 'Expr.times'

const compute = (n: Node): Result<Shape> => {
  switch (n.kind) {
    case 'dense':
    case 'csr':
      return shape(n.matrix.rows, n.matrix.cols)
    case 'constant':
      return shape(1, 1)
    case 'unary':
    case 'reduce':
      return n.kind === 'reduce'
        ? E.map(() => ({ rows: 1, cols: 1 }))(shapeOf(n.arg))
        : shapeOf(n.arg)
    case 'binary':
      return E.flatMap(shapeOf(n.left), (a) =>
        E.flatMap(shapeOf(n.right), (b) =>
          n.dot !== undefined
            ? sameShape(n.dot, a, b)
            : n.operation === undefined || n.operation.startsWith('Expr.')
              ? broadcastShape(n.operation ?? `Expr.${methodOf(n.op)}`, a, b)
              : // A free function (`plus(A, B)`): its operands are the first and the second.
                broadcastShape(n.operation, a, b, 'the second operand'),
        ),
      )
    case 'where':
      return E.flatMap(shapeOf(n.mask), (m) =>
        E.flatMap(shapeOf(n.then), (a) =>
          E.flatMap(shapeOf(n.otherwise), (b) =>
            // Named as where's arguments are where it is called: then, otherwise.
            E.flatMap(broadcastShape('where', m, a, 'then', "the mask's "), (ma) =>
              broadcastShape('where', ma, b, 'otherwise', "the mask's and then's "),
            ),
          ),
        ),
      )
    case 'transpose':
      return E.map((s: Shape) => ({ rows: s.cols, cols: s.rows }))(shapeOf(n.arg))
    case 'column':
      return E.flatMap(shapeOf(n.arg), (s) =>
        E.map(() => ({ rows: s.rows, cols: 1 }))(
          checkIndex('Expr.column', 'column', n.index, s.cols),
        ),
      )
    case 'row':
      return E.flatMap(shapeOf(n.arg), (s) =>
        E.map(() => ({ rows: 1, cols: s.cols }))(checkIndex('Expr.row', 'row', n.index, s.rows)),
      )
    case 'entry':
      return E.flatMap(shapeOf(n.arg), (s) =>
        E.flatMap(checkIndex('Expr.entry', 'row', n.row, s.rows), () =>
          E.map(() => ({ rows: 1, cols: 1 }))(checkIndex('Expr.entry', 'column', n.col, s.cols)),
        ),
      )
    case 'product':
      return E.flatMap(shapeOf(n.left), (a) =>
        E.flatMap(shapeOf(n.right), (b) => {
          const [rows, inner] = n.transposeLeft ? [a.cols, a.rows] : [a.rows, a.cols]
          const [innerB, cols] = n.transposeRight ? [b.cols, b.rows] : [b.rows, b.cols]
          if (inner !== innerB) {
            // In the caller's terms: the factors as given, before the method transposes one.
            return E.left(
              shapeMismatch(
                n.operation ?? productName(n.transposeLeft, n.transposeRight),
                `the right factor of a ${show(a)} matrix`,
                `${inner} ${n.transposeRight ? 'columns' : 'rows'}`,
                show(b),
              ),
            )
          }
          return shape(rows, cols)
        }),
      )
    case 'gram':
      return E.map((s: Shape) =>
        n.side === 'rows' ? { rows: s.rows, cols: s.rows } : { rows: s.cols, cols: s.cols },
      )(shapeOf(n.arg))
    case 'axisSum':
      return E.map((s: Shape) =>
        n.axis === 'rows' ? { rows: s.rows, cols: 1 } : { rows: 1, cols: s.cols },
      )(shapeOf(n.arg))
    case 'update':
      return E.flatMap(shapeOf(n.arg), (s) =>
        E.flatMap(shapeOf(n.value), (v) =>
          n.row + v.rows <= s.rows && n.col + v.cols <= s.cols
            ? E.right(s)
            : E.left(
                shapeMismatch(
                  'Expr.at',
                  `a ${show(v)} value set at (${n.row}, ${n.col})`,
                  `a place inside the ${show(s)} matrix`,
                  `rows ${n.row}..${n.row + v.rows - 1}, columns ${n.col}..${n.col + v.cols - 1}`,
                ),
              ),
        ),
      )
  }
}

/** The shape of a node's value, or why it has none. */
export const shapeOf = (n: Node): Result<Shape> => {
  const cached = known.get(n)
  if (cached !== undefined) return cached
  const result = compute(n)
  known.set(n, result)
  return result
}
