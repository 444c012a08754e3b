/**
 * Typed, immutable matrix expressions. An `Expr<R, C>` is a description of an
 * R×C value: building one computes nothing, and `evaluate` (dsl/evaluate.ts)
 * turns a whole tree into fused loops and kernel calls. Dimension names flow
 * through every operation, so a product whose inner names differ, or a sum of
 * samples×components and components×features, does not compile.
 *
 * Vectors are matrices with a unit dimension named `One`: a column of W is an
 * `Expr<'samples', One>`, a number an `Expr<One, One>` (`Scalar`). Elementwise
 * operations broadcast such operands along their unit dimensions. The names
 * are types only: at run time, evaluation stretches any operand along a
 * dimension of size 1, so a lifted `Matrix<'samples', 'features'>` that holds
 * one sample is stretched over a matrix of many. Where one sample against many
 * would be a mistake, compare the sizes before evaluating. `dot` is not
 * elementwise: its factors must have one shape at run time as well.
 *
 * @example
 * const next = lift(W).mul(lift(X).timesTransposed(lift(H))).div(lift(W).times(lift(H).gramRows()))
 * evaluate(next) // Right(Matrix<'samples', 'components'>)
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { CsrMatrix } from '../core/csr.ts'
import { DIMENSIONS } from '../core/dimensions.ts'
import { describeValue, Matrix, matrixFlaw, showFound } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import { node, type BinaryOp, type Node, type ReduceOp, type Shape, type UnaryOp } from './node.ts'
import { checkIndex, methodOf, productName, shapeOf } from './shape.ts'

/** The name of a unit dimension: a vector is `Expr<R, One>` or `Expr<One, C>`. */
export type One = '1'

/** A number as an expression. */
export type Scalar = Expr<One, One>

/** What an elementwise operation accepts beside an `Expr<R, C>`: the same shape or a broadcast. */
export type Operand<R extends string, C extends string> =
  Expr<R, C> | Expr<R, One> | Expr<One, C> | Scalar | number

/** An immutable update of one place: `x.at(i, j).set(v)` returns a new expression. */
export interface At<R extends string, C extends string, V> {
  /**
   * The expression with `value` at this place. The value has exactly the place's shape (1×1
   * for an entry, R×1 for a column, 1×C for a row); a value of another shape, or a place
   * outside the matrix, is a `Left`.
   */
  set(value: V): Result<Expr<R, C>>
  /** The expression with the place's entries plus `value`, checked as `set` checks it. */
  add(value: V): Result<Expr<R, C>>
}

/**
 * What a value given where an expression belongs is, for a TypeError: a matrix with the
 * way to make an expression of it, a string quoted, other values as `describeValue` says.
 */
export const describeOperand = (value: unknown): string => {
  if (value instanceof Matrix || value instanceof CsrMatrix) {
    return `${describeValue(value)} (lift makes an expression of a matrix)`
  }
  if (Array.isArray(value)) {
    return `${describeValue(value)} (Matrix.fromArrays makes a matrix of them, lift an expression)`
  }
  return typeof value === 'object' && value !== null ? describeValue(value) : showFound(value)
}

/**
 * `value` as an expression, or a TypeError that names the operation and the operand: the
 * types rule out anything else, but a caller without them (JavaScript, `as any`) would
 * otherwise meet an error far from the mistake, or none and a wrong number.
 */
export const exprOf = (operation: string, what: string, value: unknown): Expr => {
  if (value instanceof Expr) return value
  throw new TypeError(
    `${operation}: expected ${what} to be an expression, found ${describeOperand(value)}`,
  )
}

/**
 * An index as given, when it is a number; anything else is a TypeError. (A number outside
 * the matrix, or not an integer, is a `Left` when the expression is evaluated.)
 */
const indexOf = (operation: string, what: string, value: unknown): number => {
  if (typeof value === 'number') return value
  throw new TypeError(
    `${operation}: expected the ${what} index to be a number, found ${describeOperand(value)}`,
  )
}

/** The node of an operand: an expression's, or a number's as a constant (else a TypeError). */
const nodeOf = (operation: string, operand: unknown, what = 'the operand'): Node => {
  if (typeof operand === 'number') return node({ kind: 'constant', value: operand })
  if (operand instanceof Expr) return operand.node
  throw new TypeError(
    `${operation}: expected ${what} to be an expression or a number, ` +
      `found ${describeOperand(operand)}`,
  )
}

/**
 * An R×C matrix expression.
 *
 * @example
 * const residual = lift(X).minus(lift(W).times(lift(H))) // Expr<'samples', 'features'>
 */
export class Expr<R extends string = string, C extends string = string> {
  /** A phantom field that carries the dimension names (covariant); nothing at run time. */
  declare readonly [DIMENSIONS]: readonly [R, C]

  private constructor(readonly node: Node) {
    Object.freeze(this)
  }

  /** Internal: an expression over a node whose names the caller vouches for. */
  static ofNode<R extends string, C extends string>(n: Node): Expr<R, C> {
    return new Expr<R, C>(n)
  }

  private unary(op: UnaryOp): Expr<R, C> {
    return new Expr<R, C>(node({ kind: 'unary', op, arg: this.node }))
  }

  private binary(op: BinaryOp, other: Operand<R, C>): Expr<R, C> {
    return binaryOf(`Expr.${methodOf(op)}`, op, this, other)
  }

  /** A + B, entry by entry (B may broadcast). */
  plus(other: Operand<R, C>): Expr<R, C> {
    return this.binary('add', other)
  }
  /** A − B. */
  minus(other: Operand<R, C>): Expr<R, C> {
    return this.binary('sub', other)
  }
  /** A ∘ B, the entrywise (Hadamard) product. */
  mul(other: Operand<R, C>): Expr<R, C> {
    return this.binary('mul', other)
  }
  /** A / B, entry by entry. */
  div(other: Operand<R, C>): Expr<R, C> {
    return this.binary('div', other)
  }
  /** a_ij ^ b_ij. */
  pow(other: Operand<R, C>): Expr<R, C> {
    return this.binary('pow', other)
  }
  /** max(a_ij, b_ij). */
  max(other: Operand<R, C>): Expr<R, C> {
    return this.binary('max', other)
  }
  /** min(a_ij, b_ij). */
  min(other: Operand<R, C>): Expr<R, C> {
    return this.binary('min', other)
  }
  /** 1 where a_ij = b_ij, else 0 (a mask). */
  eq(other: Operand<R, C>): Expr<R, C> {
    return this.binary('eq', other)
  }
  /** 1 where a_ij > b_ij, else 0. */
  gt(other: Operand<R, C>): Expr<R, C> {
    return this.binary('gt', other)
  }
  /** 1 where a_ij < b_ij, else 0. */
  lt(other: Operand<R, C>): Expr<R, C> {
    return this.binary('lt', other)
  }
  /** −A. */
  neg(): Expr<R, C> {
    return this.unary('neg')
  }
  /** |a_ij|. */
  abs(): Expr<R, C> {
    return this.unary('abs')
  }
  /** √a_ij. */
  sqrt(): Expr<R, C> {
    return this.unary('sqrt')
  }
  /** a_ij². */
  square(): Expr<R, C> {
    return this.unary('square')
  }
  /** e^a_ij. */
  exp(): Expr<R, C> {
    return this.unary('exp')
  }
  /** ln a_ij. */
  log(): Expr<R, C> {
    return this.unary('log')
  }

  /** Aᵀ (a strided read inside fused loops; folded into products). */
  t(): Expr<C, R> {
    return new Expr<C, R>(node({ kind: 'transpose', arg: this.node }))
  }

  private product<A extends string, B extends string>(
    other: Expr<string, string>,
    transposeLeft: boolean,
    transposeRight: boolean,
  ): Expr<A, B> {
    return productOf(productName(transposeLeft, transposeRight), this, other, [
      transposeLeft,
      transposeRight,
    ])
  }

  /** A·B (R×K) for B of C×K. */
  times<K extends string>(other: Expr<C, K>): Expr<R, K> {
    return this.product<R, K>(other, false, false)
  }
  /** A·Bᵀ (R×K) for B of K×C. */
  timesTransposed<K extends string>(other: Expr<K, C>): Expr<R, K> {
    return this.product<R, K>(other, false, true)
  }
  /** Aᵀ·B (C×K) for B of R×K. */
  transposeTimes<K extends string>(other: Expr<R, K>): Expr<C, K> {
    return this.product<C, K>(other, true, false)
  }
  /** A·Aᵀ (R×R), the Gram matrix of the rows. */
  gramRows(): Expr<R, R> {
    return new Expr<R, R>(node({ kind: 'gram', side: 'rows', arg: this.node }))
  }
  /** Aᵀ·A (C×C), the Gram matrix of the columns. */
  gramColumns(): Expr<C, C> {
    return new Expr<C, C>(node({ kind: 'gram', side: 'columns', arg: this.node }))
  }

  /** Σ_j a_ij for each row: an R×1 vector. */
  rowSums(): Expr<R, One> {
    return new Expr<R, One>(node({ kind: 'axisSum', axis: 'rows', arg: this.node }))
  }
  /** Σ_i a_ij for each column: a 1×C vector. */
  columnSums(): Expr<One, C> {
    return new Expr<One, C>(node({ kind: 'axisSum', axis: 'columns', arg: this.node }))
  }

  private reduce(op: ReduceOp): Scalar {
    return new Expr<One, One>(node({ kind: 'reduce', op, arg: this.node }))
  }
  /** Σ a_ij. */
  sum(): Scalar {
    return this.reduce('sum')
  }
  /** Σ a_ij². */
  sumSquares(): Scalar {
    return this.reduce('sumSquares')
  }
  /**
   * ‖A‖_F, as `Matrix.frobeniusNorm` computes it: the plain √Σ a_ij² where the sum of
   * squares is safely within float64's range, else the entries scaled by a power of two
   * before they are squared, so that it is Infinity or 0 only when the norm itself is beyond
   * float64's range (`sumSquares().sqrt()` is the plain formula alone).
   */
  norm(): Scalar {
    return this.reduce('norm')
  }
  /** The largest entry. */
  maxEntry(): Scalar {
    return this.reduce('max')
  }
  /** The smallest entry. */
  minEntry(): Scalar {
    return this.reduce('min')
  }
  /**
   * Σ a_ij·b_ij (one fused loop, no temporary): the plain sum, not scaled as `norm` is. A
   * product or partial sum beyond float64's range is ±Infinity (NaN where the two meet), and
   * a product below the smallest double is lost. When all the products have one sign (non-
   * negative factors, say), the result is Infinity or 0 only when it is itself out of range;
   * when they cancel, it can be Infinity or NaN though the exact sum is a double:
   * `[1e200, 1e200]·[1e200, −1e200]` gives NaN, not 0.
   *
   * The factors have one shape: nothing is stretched, and factors whose sizes differ when
   * evaluated (a one-row matrix against many rows, say) are a `ShapeMismatch` that names
   * `Expr.dot`.
   */
  dot(other: Expr<R, C>): Scalar {
    return dotOf('Expr.dot', this, other)
  }

  /** Column j as an R×1 vector; an index outside the matrix is a `Left` when evaluated. */
  column(j: number): Expr<R, One> {
    const index = indexOf('Expr.column', 'column', j)
    return new Expr<R, One>(node({ kind: 'column', index, arg: this.node }))
  }
  /** Row i as a 1×C vector; an index outside the matrix is a `Left` when evaluated. */
  row(i: number): Expr<One, C> {
    const index = indexOf('Expr.row', 'row', i)
    return new Expr<One, C>(node({ kind: 'row', index, arg: this.node }))
  }
  /** The entry a_ij as a scalar; outside the matrix is a `Left` when evaluated. */
  entry(i: number, j: number): Scalar {
    const [row, col] = [indexOf('Expr.entry', 'row', i), indexOf('Expr.entry', 'column', j)]
    return new Expr<One, One>(node({ kind: 'entry', row, col, arg: this.node }))
  }

  /**
   * The updates of one place (`label`, for messages): `place` turns a value into its node,
   * `current` is the place's node in this expression (for `add`), and `size` the value's
   * shape in a matrix of shape s: the value must have exactly that shape (a shorter one
   * would leave part of the place as it was, a longer one write outside it).
   */
  private updater<V extends Operand<string, string>>(
    operation: string,
    label: string,
    row: number,
    col: number,
    place: (value: V) => Node,
    current: () => Node,
    size: (s: Shape) => Shape,
  ): At<R, C, V> {
    const put = (value: Node, adding: boolean): Result<Expr<R, C>> =>
      E.flatMap(shapeOf(this.node), (s) =>
        E.flatMap(checkIndex(operation, 'row', row, s.rows), () =>
          E.flatMap(checkIndex(operation, 'column', col, s.cols), () =>
            E.flatMap(shapeOf(value), (v) => {
              const wanted = size(s)
              if (v.rows !== wanted.rows || v.cols !== wanted.cols) {
                const where = `${label} of a ${showShape(s.rows, s.cols)} matrix`
                return E.left(
                  shapeMismatch(
                    operation,
                    `the value for ${where}`,
                    `shape ${showShape(wanted.rows, wanted.cols)}`,
                    showShape(v.rows, v.cols),
                  ),
                )
              }
              const sum = adding
                ? node({ kind: 'binary', op: 'add', left: current(), right: value })
                : value
              const updated = node({ kind: 'update', row, col, value: sum, arg: this.node })
              return E.map(() => new Expr<R, C>(updated))(shapeOf(updated))
            }),
          ),
        ),
      )
    return {
      set: (value) => put(place(value), false),
      add: (value) => put(place(value), true),
    }
  }

  /**
   * An immutable update of entry (i, j): `x.at(1, 2).set(0)` is a new
   * expression; a position outside the matrix is a `Left`, never clamped.
   */
  at(i: number, j: number): At<R, C, Scalar | number> {
    const [row, col] = [indexOf('Expr.at', 'row', i), indexOf('Expr.at', 'column', j)]
    return this.updater(
      'Expr.at',
      `entry (${row}, ${col})`,
      row,
      col,
      (value) => nodeOf('Expr.at', value, 'the value'),
      () => this.entry(i, j).node,
      () => ({ rows: 1, cols: 1 }),
    )
  }
  /** An immutable update of column j with an R×1 vector. */
  atColumn(j: number): At<R, C, Expr<R, One>> {
    const col = indexOf('Expr.atColumn', 'column', j)
    return this.updater(
      'Expr.atColumn',
      `column ${col}`,
      0,
      col,
      (value) => exprOf('Expr.atColumn', 'the value', value).node,
      () => this.column(j).node,
      (s) => ({ rows: s.rows, cols: 1 }),
    )
  }
  /** An immutable update of row i with a 1×C vector. */
  atRow(i: number): At<R, C, Expr<One, C>> {
    const row = indexOf('Expr.atRow', 'row', i)
    return this.updater(
      'Expr.atRow',
      `row ${row}`,
      row,
      0,
      (value) => exprOf('Expr.atRow', 'the value', value).node,
      () => this.row(i).node,
      (s) => ({ rows: 1, cols: s.cols }),
    )
  }
}

/**
 * A matrix as an expression leaf. A `CsrMatrix` leaf may be multiplied (never
 * densified); elementwise use of it is an `Unsupported` error when evaluated.
 */
export const lift = <R extends string, C extends string>(
  matrix: Matrix<R, C> | CsrMatrix<R, C>,
): Expr<R, C> => {
  if (matrix instanceof CsrMatrix) {
    return Expr.ofNode<R, C>(node({ kind: 'csr', matrix: matrix as CsrMatrix }))
  }
  // Anything else is a TypeError here, where the mistake is: nested arrays would evaluate
  // to an empty Right, an object posing as a Matrix to wrong numbers.
  const flaw = matrix instanceof Matrix ? matrixFlaw(matrix) : `${describeOperand(matrix)}`
  if (flaw !== undefined) {
    throw new TypeError(`lift: expected a Matrix or CsrMatrix, found ${flaw}`)
  }
  return Expr.ofNode<R, C>(node({ kind: 'dense', matrix: matrix as Matrix }))
}

/** A number as a 1×1 expression; anything else is a TypeError. */
export const scalar = (value: number): Scalar => {
  if (typeof value !== 'number') {
    throw new TypeError(`scalar: expected a number, found ${describeOperand(value)}`)
  }
  return Expr.ofNode<One, One>(node({ kind: 'constant', value }))
}

// Free functions. The second operand's names are `NoInfer`: they are read from
// the first, so a mismatch is an error instead of a widened union of names.

/** The first operand of a free function, checked as the methods check the second. */
const first = <T extends Expr<string, string>>(operation: string, a: T): T =>
  exprOf(operation, 'the first operand', a) as T

/**
 * A ∘ B and the other binary nodes, for the methods and the free functions alike, `other`
 * checked where it is given under `operation`, the name the caller knows (`Expr.plus`,
 * `plus`).
 */
const binaryOf = <R extends string, C extends string>(
  operation: string,
  op: BinaryOp,
  a: Expr<R, C>,
  other: unknown,
  what = 'the operand',
): Expr<R, C> =>
  Expr.ofNode<R, C>(
    node({ kind: 'binary', op, left: a.node, right: nodeOf(operation, other, what), operation }),
  )

/** A product node, as `binaryOf` makes a binary one; `other` must be an expression. */
const productOf = <A extends string, B extends string>(
  operation: string,
  a: Expr<string, string>,
  other: unknown,
  [transposeLeft, transposeRight]: readonly [boolean, boolean],
): Expr<A, B> => {
  const right = exprOf(operation, 'the right factor', other).node
  return Expr.ofNode<A, B>(
    node({ kind: 'product', left: a.node, right, transposeLeft, transposeRight, operation }),
  )
}

/**
 * Σ a_ij·b_ij, the sum of an entrywise product whose node keeps `operation`: its factors must
 * have one shape when evaluated, or the `ShapeMismatch` names the dot the caller called. Only
 * an expression is taken: a number would be stretched over A, giving c·Σ a_ij, and so would a
 * row or a column, which is why the product does not broadcast.
 */
const dotOf = <R extends string, C extends string>(
  operation: string,
  a: Expr<R, C>,
  other: unknown,
): Scalar => {
  const right = exprOf(operation, 'the other factor', other).node
  const product = node({ kind: 'binary', op: 'mul', left: a.node, right, dot: operation })
  return Expr.ofNode<One, One>(node({ kind: 'reduce', op: 'sum', arg: product }))
}

/** A + B. */
export const plus = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('plus', 'add', first('plus', a), b, 'the second operand')
/** A − B. */
export const minus = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('minus', 'sub', first('minus', a), b, 'the second operand')
/** A ∘ B. */
export const mul = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('mul', 'mul', first('mul', a), b, 'the second operand')
/** A / B. */
export const div = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('div', 'div', first('div', a), b, 'the second operand')
/** max(A, B) entry by entry. */
export const max = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('max', 'max', first('max', a), b, 'the second operand')
/** min(A, B) entry by entry. */
export const min = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C> => binaryOf('min', 'min', first('min', a), b, 'the second operand')

/**
 * `then` where the mask is non-zero, `otherwise` elsewhere. `then` and
 * `otherwise` may broadcast against the mask (a number, a row, a column); a
 * scalar mask chooses between two whole values. The types take any other mask
 * whole, as the left operand of `plus` and the others is (at run time a mask
 * with a dimension of size 1 is stretched as any operand is).
 */
export function where<R extends string, C extends string>(
  mask: Expr<R, C>,
  then: Operand<NoInfer<R>, NoInfer<C>>,
  otherwise: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C>
export function where<R extends string, C extends string>(
  mask: Scalar,
  then: Expr<R, C>,
  otherwise: Operand<NoInfer<R>, NoInfer<C>>,
): Expr<R, C>
export function where(
  mask: Expr,
  then: Operand<string, string>,
  otherwise: Operand<string, string>,
): Expr {
  return Expr.ofNode(
    node({
      kind: 'where',
      mask: exprOf('where', 'the mask', mask).node,
      then: nodeOf('where', then, 'then'),
      otherwise: nodeOf('where', otherwise, 'otherwise'),
    }),
  )
}

/** A·B for A of R×K and B of K×C. */
export const times = <R extends string, K extends string, C extends string>(
  a: Expr<R, K>,
  b: Expr<NoInfer<K>, C>,
): Expr<R, C> => productOf('times', first('times', a), b, [false, false])
/** A·Bᵀ for A of R×K and B of C×K. */
export const timesTransposed = <R extends string, K extends string, C extends string>(
  a: Expr<R, K>,
  b: Expr<C, NoInfer<K>>,
): Expr<R, C> => productOf('timesTransposed', first('timesTransposed', a), b, [false, true])
/** Aᵀ·B for A of K×R and B of K×C. */
export const transposeTimes = <R extends string, K extends string, C extends string>(
  a: Expr<K, R>,
  b: Expr<NoInfer<K>, C>,
): Expr<R, C> => productOf('transposeTimes', first('transposeTimes', a), b, [true, false])
/**
 * Σ a_ij·b_ij, as `Expr.dot` computes it (the plain sum: see there for its extremes); factors
 * whose sizes differ are a `ShapeMismatch` that names `dot`.
 */
export const dot = <R extends string, C extends string>(
  a: Expr<R, C>,
  b: Expr<NoInfer<R>, NoInfer<C>>,
): Scalar => dotOf('dot', first('dot', a), b)
