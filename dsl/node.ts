/**
 * The untyped expression tree behind `Expr`. Nodes are frozen plain objects;
 * building one computes nothing. The evaluator, the reference interpreter and
 * `explain` all read this one tree.
 */
import type { CsrMatrix } from '../core/csr.ts'
import type { Matrix } from '../core/matrix.ts'

/** Functions of one entry. */
export type UnaryOp = 'neg' | 'abs' | 'sqrt' | 'square' | 'exp' | 'log'

/** Functions of two entries; comparisons give 1 or 0. */
export type BinaryOp =
  'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'

/**
 * Reductions of all entries to one number. `norm` is √Σ a_ij², scaled where the squares
 * would overflow or underflow, as `Matrix.frobeniusNorm` is.
 */
export type ReduceOp = 'sum' | 'sumSquares' | 'norm' | 'max' | 'min'

export type Node =
  | { readonly kind: 'dense'; readonly matrix: Matrix }
  | { readonly kind: 'csr'; readonly matrix: CsrMatrix }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Node }
  | {
      readonly kind: 'binary'
      readonly op: BinaryOp
      readonly left: Node
      readonly right: Node
      /**
       * The operation the caller called (`Expr.plus`, `plus`), as a size mismatch names it;
       * unset on nodes nmfkit makes itself (named as the method then).
       */
      readonly operation?: string
      /**
       * Set on the product inside a dot, to the operation the caller called (`Expr.dot`,
       * `dot`): its factors must have one shape (a dot does not broadcast), and a mismatch
       * names that operation.
       */
      readonly dot?: string
    }
  | { readonly kind: 'where'; readonly mask: Node; readonly then: Node; readonly otherwise: Node }
  | { readonly kind: 'transpose'; readonly arg: Node }
  | { readonly kind: 'column'; readonly index: number; readonly arg: Node }
  | { readonly kind: 'row'; readonly index: number; readonly arg: Node }
  | { readonly kind: 'entry'; readonly row: number; readonly col: number; readonly arg: Node }
  | {
      readonly kind: 'product'
      readonly left: Node
      readonly right: Node
      readonly transposeLeft: boolean
      readonly transposeRight: boolean
      /** The operation the caller called (`Expr.times`, `times`), as for a binary node. */
      readonly operation?: string
    }
  | { readonly kind: 'gram'; readonly side: 'rows' | 'columns'; readonly arg: Node }
  | { readonly kind: 'axisSum'; readonly axis: 'rows' | 'columns'; readonly arg: Node }
  | { readonly kind: 'reduce'; readonly op: ReduceOp; readonly arg: Node }
  | {
      readonly kind: 'update'
      readonly row: number
      readonly col: number
      readonly value: Node
      readonly arg: Node
    }

/** Freezes a node; every node is built through here. */
export const node = <N extends Node>(fields: N): N => Object.freeze(fields)

/** The number of rows and columns of a node's value. */
export interface Shape {
  readonly rows: number
  readonly cols: number
}

const symbols: Readonly<Record<BinaryOp, string>> = {
  add: '+',
  sub: '−',
  mul: '∘',
  div: '/',
  pow: '^',
  max: 'max',
  min: 'min',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '≤',
  gt: '>',
  ge: '≥',
}

/** A node as formula text, with leaves named by `leafName`. */
export const showNode = (n: Node, leafName: (leaf: Node) => string): string => {
  const go = (m: Node): string => {
    switch (m.kind) {
      case 'dense':
      case 'csr':
        return leafName(m)
      case 'constant':
        return String(m.value)
      case 'unary':
        return `${m.op}(${go(m.arg)})`
      case 'binary':
        return m.op === 'max' || m.op === 'min' || m.op === 'pow'
          ? `${symbols[m.op]}(${go(m.left)}, ${go(m.right)})`
          : `(${go(m.left)} ${symbols[m.op]} ${go(m.right)})`
      case 'where':
        return `where(${go(m.mask)}, ${go(m.then)}, ${go(m.otherwise)})`
      case 'transpose':
        return `${go(m.arg)}ᵀ`
      case 'column':
        return `${go(m.arg)}[:, ${m.index}]`
      case 'row':
        return `${go(m.arg)}[${m.index}, :]`
      case 'entry':
        return `${go(m.arg)}[${m.row}, ${m.col}]`
      case 'product':
        return (
          `(${go(m.left)}${m.transposeLeft ? 'ᵀ' : ''}·` +
          `${go(m.right)}${m.transposeRight ? 'ᵀ' : ''})`
        )
      case 'gram':
        if (m.side === 'rows') return `(${go(m.arg)}·${go(m.arg)}ᵀ)`
        return `(${go(m.arg)}ᵀ·${go(m.arg)})`
      case 'axisSum':
        return `${m.axis === 'rows' ? 'rowSums' : 'columnSums'}(${go(m.arg)})`
      case 'reduce':
        return `${m.op}(${go(m.arg)})`
      case 'update':
        return `${go(m.arg)}.at(${m.row}, ${m.col}).set(${go(m.value)})`
    }
  }
  return go(n)
}
