/**
 * Shapes of expression nodes, checked: a product of mismatched inner sizes, an
 * elementwise operation on shapes that do not broadcast, or an index outside
 * its matrix is a `Left` that names the operation. Results are remembered per
 * node, so each tree is checked once.
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { showShape } from '../core/matrix-shared.ts'
import type { Node, Shape } from './node.ts'

const known = new WeakMap<Node, Result<Shape>>()

const shape = (rows: number, cols: number): Result<Shape> => E.right({ rows, cols })

const show = (s: Shape): string => showShape(s.rows, s.cols)

/**
 * Which dimensions of a node's value are unit dimensions by construction (`One` in its
 * type), and so may be stretched: a number's, a reduction's, an axis sum's, an extracted
 * row's or column's, and what elementwise work, transposes and products make of them. A
 * lifted matrix has none, whatever its size: `Matrix<'samples', 'features'>` with one row
 * is one sample, and stretching it over another matrix's samples would hide a mismatch
 * that its type cannot show. `lift(m).row(0)` makes a one-row matrix a row vector.
 */
interface UnitAxes {
  readonly rows: boolean
  readonly cols: boolean
}

const units = new WeakMap<Node, UnitAxes>()

const unitAxes = (n: Node): UnitAxes => {
  const cached = units.get(n)
  if (cached !== undefined) return cached
  const result = computeUnits(n)
  units.set(n, result)
  return result
}

const NONE: UnitAxes = { rows: false, cols: false }
const BOTH: UnitAxes = { rows: true, cols: true }

const computeUnits = (n: Node): UnitAxes => {
  switch (n.kind) {
    case 'dense':
    case 'csr':
      return NONE
    case 'constant':
    case 'reduce':
    case 'entry':
      return BOTH
    case 'unary':
    case 'update':
      return unitAxes(n.arg)
    case 'binary': {
      const [a, b] = [unitAxes(n.left), unitAxes(n.right)]
      return { rows: a.rows && b.rows, cols: a.cols && b.cols }
    }
    case 'where': {
      const [m, a, b] = [unitAxes(n.mask), unitAxes(n.then), unitAxes(n.otherwise)]
      return { rows: m.rows && a.rows && b.rows, cols: m.cols && a.cols && b.cols }
    }
    case 'transpose': {
      const a = unitAxes(n.arg)
      return { rows: a.cols, cols: a.rows }
    }
    case 'column':
      return { rows: unitAxes(n.arg).rows, cols: true }
    case 'row':
      return { rows: true, cols: unitAxes(n.arg).cols }
    case 'axisSum':
      return n.axis === 'rows'
        ? { rows: unitAxes(n.arg).rows, cols: true }
        : { rows: true, cols: unitAxes(n.arg).cols }
    case 'product': {
      const [a, b] = [unitAxes(n.left), unitAxes(n.right)]
      return {
        rows: n.transposeLeft ? a.cols : a.rows,
        cols: n.transposeRight ? b.rows : b.cols,
      }
    }
    case 'gram': {
      const a = unitAxes(n.arg)
      const side = n.side === 'rows' ? a.rows : a.cols
      return { rows: side, cols: side }
    }
  }
}

/**
 * The shape two operands broadcast to: equal shapes, or an operand stretched along its
 * unit dimension(s), those its type names `One` (see `UnitAxes`).
 */
const broadcastShape = (
  operation: string,
  a: Shape,
  b: Shape,
  unitsA: UnitAxes,
  unitsB: UnitAxes,
): Result<Shape> => {
  const size = (x: number, y: number, unitX: boolean, unitY: boolean): number =>
    x === y || (y === 1 && unitY) ? x : x === 1 && unitX ? y : -1
  const rows = size(a.rows, b.rows, unitsA.rows, unitsB.rows)
  const cols = size(a.cols, b.cols, unitsA.cols, unitsB.cols)
  if (rows >= 0 && cols >= 0) return shape(rows, cols)
  // Sizes that would stretch, but along a dimension that is not a unit one.
  const stretchable = size(a.rows, b.rows, true, true) >= 0 && size(a.cols, b.cols, true, true) >= 0
  const aIsSmaller = a.rows * a.cols < b.rows * b.cols
  const [whole, part, side] = aIsSmaller ? [b, a, 'left'] : [a, b, 'right']
  const vector =
    part.rows === 1 && part.cols === 1
      ? 'a number or an entry (x.entry(0, 0))'
      : part.rows === 1
        ? 'a row vector (lift(m).row(0), columnSums())'
        : 'a column vector (lift(m).column(0), rowSums())'
  return E.left(
    shapeMismatch(
      operation,
      `the ${side} operand`,
      `shape ${show(whole)} or a broadcast of it`,
      stretchable ? `a ${show(part)} matrix, which broadcasts only as ${vector}` : show(part),
    ),
  )
}

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
          broadcastShape(`Expr.${n.op}`, a, b, unitAxes(n.left), unitAxes(n.right)),
        ),
      )
    case 'where':
      return E.flatMap(shapeOf(n.mask), (m) =>
        E.flatMap(shapeOf(n.then), (a) =>
          E.flatMap(shapeOf(n.otherwise), (b) =>
            E.flatMap(broadcastShape('where', m, a, unitAxes(n.mask), unitAxes(n.then)), (ma) =>
              broadcastShape('where', ma, b, maskThenUnits(n), unitAxes(n.otherwise)),
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
            return E.left(
              shapeMismatch(
                'Expr.times',
                `the right factor of a ${showShape(rows, inner)} matrix`,
                `${inner} rows`,
                showShape(innerB, cols),
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

/** The unit dimensions of a `where`'s mask and its `then` branch together. */
const maskThenUnits = (n: Node & { readonly kind: 'where' }): UnitAxes => {
  const [m, a] = [unitAxes(n.mask), unitAxes(n.then)]
  return { rows: m.rows && a.rows, cols: m.cols && a.cols }
}

/** The shape of a node's value, or why it has none. */
export const shapeOf = (n: Node): Result<Shape> => {
  const cached = known.get(n)
  if (cached !== undefined) return cached
  const result = compute(n)
  known.set(n, result)
  return result
}
