/**
 * The structure of an expression tree, apart from its numbers: which
 * operations, in which arrangement (shared subtrees included), over leaves of
 * which kinds and shapes. Two trees with the same structure have the same
 * plan, so the evaluator plans a structure once and caches the plan; what
 * differs between such trees is read at run time from the `Bindings`:
 *
 * - the leaves' storage (a new W every iteration, the same plan);
 * - the indices of columns, rows, entries and updates (`A.column(t)` for every
 *   t of a sweep, the same plan);
 * - the values of constants.
 *
 * The structure is a flat list of small integers built in one walk of the tree
 * (no strings), compared entry by entry on a cache hit.
 */
import type { CsrMatrix } from '../core/csr.ts'
import { valuesOf, type Matrix } from '../core/matrix.ts'
import type { BinaryOp, Node, ReduceOp, UnaryOp } from './node.ts'

const unaryOps: readonly UnaryOp[] = ['neg', 'abs', 'sqrt', 'square', 'exp', 'log']
const binaryOps: readonly BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'max',
  'min',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]
const reduceOps: readonly ReduceOp[] = ['sum', 'sumSquares', 'max', 'min', 'norm']

const kindCodes: Readonly<Record<Node['kind'], number>> = {
  dense: 1,
  csr: 2,
  constant: 3,
  unary: 4,
  binary: 5,
  where: 6,
  transpose: 7,
  column: 8,
  row: 9,
  entry: 10,
  product: 11,
  gram: 12,
  axisSum: 13,
  reduce: 14,
  update: 15,
}
/** A node met again: the same value, computed once. */
const SHARED = 16

/** What a plan reads at run time, in the order the walk met it. */
export interface Bindings {
  /** The leaves' matrices by slot; a matrix used twice has one slot. */
  readonly leaves: readonly (Matrix | CsrMatrix)[]
  /** The dense leaves' storage by slot (empty for a CSR leaf). */
  readonly leafValues: readonly Float64Array[]
  /** Indices of columns, rows, entries (row, column) and updates (row, column). */
  readonly params: readonly number[]
  /** The values of constants. */
  readonly constants: readonly number[]
}

/** A tree's structure, its hash, and where each node's numbers are in the bindings. */
export interface Structure {
  readonly key: readonly number[]
  readonly hash: number
  readonly bindings: Bindings
  /** The leaf slot of each leaf matrix. */
  readonly leafSlot: ReadonlyMap<object, number>
  /** The first param (or constant) slot of each node that has one. */
  readonly slotOf: ReadonlyMap<Node, number>
}

/**
 * Walks the roots once, in a fixed order, and returns their structure and
 * bindings. `flags` (evaluation options) join the key.
 */
export const structureOf = (roots: readonly Node[], flags: number): Structure => {
  const key: number[] = [flags, roots.length]
  const visits = new Map<Node, number>()
  const slotOf = new Map<Node, number>()
  const leafSlot = new Map<object, number>()
  const leaves: (Matrix | CsrMatrix)[] = []
  const leafValues: Float64Array[] = []
  const params: number[] = []
  const constants: number[] = []
  const empty = new Float64Array(0)

  const walk = (n: Node): void => {
    const seen = visits.get(n)
    if (seen !== undefined) {
      key.push(SHARED, seen)
      return
    }
    visits.set(n, visits.size)
    key.push(kindCodes[n.kind])
    switch (n.kind) {
      case 'dense':
      case 'csr': {
        let slot = leafSlot.get(n.matrix)
        if (slot === undefined) {
          slot = leaves.push(n.matrix) - 1
          leafValues.push(n.kind === 'dense' ? valuesOf(n.matrix) : empty)
          leafSlot.set(n.matrix, slot)
        }
        key.push(slot, n.matrix.rows, n.matrix.cols)
        return
      }
      case 'constant':
        slotOf.set(n, constants.push(n.value) - 1)
        return
      case 'unary':
        key.push(unaryOps.indexOf(n.op))
        return walk(n.arg)
      case 'binary':
        // A dot's product apart from a plain one: a plan cached for a ∘ that broadcasts
        // would otherwise run a dot of the same leaves without its shape check.
        key.push(binaryOps.indexOf(n.op) + (n.dot === undefined ? 0 : binaryOps.length))
        walk(n.left)
        return walk(n.right)
      case 'where':
        walk(n.mask)
        walk(n.then)
        return walk(n.otherwise)
      case 'transpose':
        return walk(n.arg)
      case 'column':
      case 'row':
        slotOf.set(n, params.push(n.index) - 1)
        return walk(n.arg)
      case 'entry':
        slotOf.set(n, params.push(n.row, n.col) - 2)
        return walk(n.arg)
      case 'update':
        slotOf.set(n, params.push(n.row, n.col) - 2)
        walk(n.arg)
        return walk(n.value)
      case 'product':
        key.push((n.transposeLeft ? 2 : 0) + (n.transposeRight ? 1 : 0))
        walk(n.left)
        return walk(n.right)
      case 'gram':
        key.push(n.side === 'rows' ? 0 : 1)
        return walk(n.arg)
      case 'axisSum':
        key.push(n.axis === 'rows' ? 0 : 1)
        return walk(n.arg)
      case 'reduce':
        key.push(reduceOps.indexOf(n.op))
        return walk(n.arg)
    }
  }
  for (const root of roots) walk(root)

  // FNV-1a over the integers.
  let hash = 0x811c9dc5
  for (const part of key) hash = Math.imul(hash ^ part, 0x01000193)
  return { key, hash, bindings: { leaves, leafValues, params, constants }, leafSlot, slotOf }
}

const sameKey = (a: readonly number[], b: readonly number[]): boolean => {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/** The most structures a cache keeps; past it the cache starts again empty. */
const CAPACITY = 512

/**
 * Plans by structure. A program that builds ever new structures (new shapes
 * every call) only refills the cache; it never grows past `CAPACITY` entries.
 */
export class StructureCache<P> {
  private readonly entries = new Map<number, { key: readonly number[]; plan: P }[]>()
  private size = 0

  get(structure: Structure): P | undefined {
    const bucket = this.entries.get(structure.hash)
    if (bucket === undefined) return undefined
    for (const entry of bucket) if (sameKey(entry.key, structure.key)) return entry.plan
    return undefined
  }

  set(structure: Structure, plan: P): void {
    if (this.size >= CAPACITY) {
      this.entries.clear()
      this.size = 0
    }
    const bucket = this.entries.get(structure.hash)
    if (bucket === undefined) this.entries.set(structure.hash, [{ key: structure.key, plan }])
    else bucket.push({ key: structure.key, plan })
    this.size++
  }
}
