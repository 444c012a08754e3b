/**
 * The planner: turns expression trees into a `Plan`, a list of steps (kernel
 * calls and fused loops) over slots for temporaries. A plan depends only on
 * the trees' structure (dsl/structure.ts): the leaves' storage, the indices of
 * columns, rows, entries and updates, and the constants' values are read from
 * the `Bindings` when the plan runs, so one plan serves every column of a
 * sweep and every iteration of a fit.
 *
 * Chains of entrywise operations, together with transposes, columns, rows and
 * entries of materialized values (read in place with strides), fuse into one
 * loop per output shape; products go to the kernels of `core/kernels.ts`.
 * What a plan holds, and how it runs, is in dsl/run.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import { unsupported, type NmfError, type Result } from '../core/errors.ts'
import type { CsrMatrix } from '../core/csr.ts'
import {
  csrTimesDense,
  csrTimesDenseT,
  csrTransposeTimesDense,
  gemm,
  gemmNT,
  gemmTN,
  gramColumns,
  gramRows,
  transpose,
} from '../core/kernels.ts'
import type { Matrix } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import { euclideanNormOfSquares } from '../core/scaled.ts'
import {
  normParts,
  regionRunner,
  scaledSquares,
  type Ir,
  type Output,
  type Read,
  type RegionRunner,
} from './fuse.ts'
import { showNode, type Node, type ReduceOp, type Shape } from './node.ts'
import {
  copyOf,
  flip,
  isContiguous,
  isTransposedContiguous,
  offsetOf,
  resolve,
  type Bound,
  type Plan,
  type Ref,
  type Step,
} from './run.ts'
import { shapeOf } from './shape.ts'
import type { Structure } from './structure.ts'

/** Thrown inside the planner only; `plan` returns it as a `Left`. */
class PlanFailure {
  constructor(readonly error: NmfError) {}
}

const isCsr = (n: Node): boolean =>
  n.kind === 'csr' || (n.kind === 'transpose' && n.arg.kind === 'csr')

/**
 * Whether a product is a dense matrix times a vector (inner size and rows at
 * least 2) whose entries are exactly the entries of a column region of shape
 * `region`: then each entry is one dot product in the fused loop.
 */
const isMatrixVector = (n: Extract<Node, { kind: 'product' }>, region: Shape): boolean => {
  if (region.cols !== 1 || region.rows < 2 || isCsr(n.left) || isCsr(n.right)) return false
  const shape = shapeOf(n)
  const left = shapeOf(n.left)
  if (E.isLeft(shape) || E.isLeft(left)) return false
  const inner = n.transposeLeft ? left.right.rows : left.right.cols
  return shape.right.rows === region.rows && shape.right.cols === 1 && inner >= 2
}

const fusable = (n: Node): boolean =>
  n.kind === 'unary' || n.kind === 'binary' || n.kind === 'where' || n.kind === 'constant'

const unwrapShape = (n: Node): Shape => {
  const shape = shapeOf(n)
  if (E.isLeft(shape)) throw new PlanFailure(shape.left)
  return shape.right
}

class Planner {
  readonly steps: Step[] = []
  readonly leafLines: string[] = []
  readonly bounds: Bound[] = []
  private readonly leafNames = new Map<object, string>()
  private readonly memo = new Map<Node, Ref>()
  private slots = 0

  constructor(
    private readonly codegen: boolean,
    private readonly structure: Structure,
  ) {}

  /** Names the leaves A0, A1, ... in the order they are written, left to right. */
  nameLeaves(n: Node): void {
    if (n.kind === 'dense' || n.kind === 'csr') this.leafName(n.matrix)
    else if (n.kind === 'binary' || n.kind === 'product') {
      this.nameLeaves(n.left)
      this.nameLeaves(n.right)
    } else if (n.kind === 'where') {
      this.nameLeaves(n.mask)
      this.nameLeaves(n.then)
      this.nameLeaves(n.otherwise)
    } else if (n.kind === 'update') {
      this.nameLeaves(n.arg)
      this.nameLeaves(n.value)
    } else if (n.kind !== 'constant') this.nameLeaves(n.arg)
  }

  private leafName(matrix: Matrix | CsrMatrix): string {
    const known = this.leafNames.get(matrix)
    if (known !== undefined) return known
    const name = `A${this.leafNames.size}`
    this.leafNames.set(matrix, name)
    this.leafLines.push(
      matrix.format === 'csr'
        ? `${name} csr ${showShape(matrix.rows, matrix.cols)} (${matrix.nnz} stored)`
        : `${name} dense ${showShape(matrix.rows, matrix.cols)}`,
    )
    return name
  }

  private slotOf(n: Node): number {
    return this.structure.slotOf.get(n) as number
  }

  /** A fresh contiguous temporary. */
  private temp(rows: number, cols: number): Ref {
    const slot = this.slots++
    return {
      store: 'temp',
      slot,
      offset: 0,
      terms: [],
      rowStride: cols,
      colStride: 1,
      rows,
      cols,
      label: `t${slot}`,
    }
  }

  private show(n: Node): string {
    return showNode(n, (leaf) =>
      leaf.kind === 'dense' || leaf.kind === 'csr' ? this.leafName(leaf.matrix) : '?',
    )
  }

  /** The value of `n` as a strided view, emitting the steps that compute it. */
  ref(n: Node): Ref {
    const known = this.memo.get(n)
    if (known !== undefined) return known
    const made = this.make(n)
    this.memo.set(n, made)
    return made
  }

  /** A view of `a` moved by `index` (a param) times `stride`; the index must be below `limit`. */
  private shifted(a: Ref, param: number, stride: number, limit: number): Ref {
    this.bounds.push({ param, limit })
    return { ...a, terms: [...a.terms, param, stride] }
  }

  private make(n: Node): Ref {
    switch (n.kind) {
      case 'dense': {
        const { rows, cols } = n.matrix
        return {
          store: 'leaf',
          slot: this.structure.leafSlot.get(n.matrix) as number,
          offset: 0,
          terms: [],
          rowStride: cols,
          colStride: 1,
          rows,
          cols,
          label: this.leafName(n.matrix),
        }
      }
      case 'csr':
        throw new PlanFailure(
          unsupported(
            'evaluate',
            `a CSR matrix (${this.leafName(n.matrix)}) can only be multiplied, ` +
              'never used entry by entry; ' +
              'it is never densified',
          ),
        )
      case 'transpose':
        return flip(this.ref(n.arg))
      case 'column': {
        const a = this.ref(n.arg)
        const moved = this.shifted(a, this.slotOf(n), a.colStride, a.cols)
        return { ...moved, cols: 1, label: `${a.label}[:, ${n.index}]` }
      }
      case 'row': {
        const a = this.ref(n.arg)
        const moved = this.shifted(a, this.slotOf(n), a.rowStride, a.rows)
        return { ...moved, rows: 1, label: `${a.label}[${n.index}, :]` }
      }
      case 'entry': {
        const a = this.ref(n.arg)
        const slot = this.slotOf(n)
        const moved = this.shifted(
          this.shifted(a, slot, a.rowStride, a.rows),
          slot + 1,
          a.colStride,
          a.cols,
        )
        return { ...moved, rows: 1, cols: 1, label: `${a.label}[${n.row}, ${n.col}]` }
      }
      case 'product':
        return this.product(n)
      case 'gram': {
        const a = this.contiguous(this.ref(n.arg))
        const size = n.side === 'rows' ? a.rows : a.cols
        const out = this.temp(size, size)
        const name = n.side === 'rows' ? 'gramRows' : 'gramColumns'
        this.steps.push({
          text: `${out.label} = ${name}(${a.label}) ${showShape(size, size)}`,
          run: (frame) => {
            const data = resolve(a, frame)
            frame.temps[out.slot] =
              n.side === 'rows' ? gramRows(data, a.rows, a.cols) : gramColumns(data, a.rows, a.cols)
          },
        })
        return out
      }
      case 'axisSum': {
        const a = this.ref(n.arg)
        const byRow = n.axis === 'rows'
        const out = byRow ? this.temp(a.rows, 1) : this.temp(1, a.cols)
        this.steps.push({
          text:
            `${out.label} = ${byRow ? 'rowSums' : 'columnSums'}(${a.label}) ` +
            `${showShape(out.rows, out.cols)}`,
          run: (frame) => {
            const data = resolve(a, frame)
            const offset = offsetOf(a, frame)
            const sums = new Float64Array(out.rows * out.cols)
            for (let i = 0; i < a.rows; i++) {
              for (let j = 0; j < a.cols; j++) {
                sums[byRow ? i : j] += data[offset + i * a.rowStride + j * a.colStride]
              }
            }
            frame.temps[out.slot] = sums
          },
        })
        return out
      }
      case 'update': {
        const a = this.ref(n.arg)
        const value = this.ref(n.value)
        const slot = this.slotOf(n)
        // The value must fit inside the matrix from (row, col) on.
        this.bounds.push(
          { param: slot, limit: a.rows - value.rows + 1 },
          { param: slot + 1, limit: a.cols - value.cols + 1 },
        )
        const out = this.temp(a.rows, a.cols)
        this.steps.push({
          text:
            `${out.label} = copy of ${a.label} with ${value.label} at (${n.row}, ${n.col}) ` +
            `${showShape(out.rows, out.cols)}`,
          run: (frame) => {
            const copy = copyOf(a, frame)
            const data = resolve(value, frame)
            const offset = offsetOf(value, frame)
            const row = frame.bindings.params[slot]
            const col = frame.bindings.params[slot + 1]
            for (let i = 0; i < value.rows; i++) {
              for (let j = 0; j < value.cols; j++) {
                copy[(row + i) * a.cols + col + j] =
                  data[offset + i * value.rowStride + j * value.colStride]
              }
            }
            frame.temps[out.slot] = copy
          },
        })
        return out
      }
      case 'reduce':
        return this.fuse([{ node: n.arg, reduce: n.op }])[0]
      case 'constant':
        return {
          store: 'constant',
          slot: this.slotOf(n),
          offset: 0,
          terms: [],
          rowStride: 1,
          colStride: 1,
          rows: 1,
          cols: 1,
          label: String(n.value),
        }
      case 'unary':
      case 'binary':
      case 'where':
        return this.fuse([{ node: n }])[0]
    }
  }

  /** A contiguous view of `a`: itself, a window on its storage, or a copy. */
  contiguous(a: Ref): Ref {
    if (isContiguous(a)) return a
    const out = this.temp(a.rows, a.cols)
    if (a.store !== 'constant' && isContiguous({ ...a, offset: 0, terms: [] })) {
      // A run of storage at an offset: a read-only window, no copy.
      this.steps.push({
        text: `${out.label} = window of ${a.label} ${showShape(out.rows, out.cols)}`,
        run: (frame) => {
          const offset = offsetOf(a, frame)
          frame.temps[out.slot] = resolve(a, frame).subarray(offset, offset + a.rows * a.cols)
        },
      })
      return out
    }
    const transposed = isTransposedContiguous(a)
    this.steps.push({
      text:
        `${out.label} = ${transposed ? 'transpose' : 'copy'}(${a.label}) ` +
        `${showShape(out.rows, out.cols)}`,
      run: (frame) => {
        frame.temps[out.slot] = transposed
          ? transpose(resolve(a, frame), a.cols, a.rows)
          : copyOf(a, frame)
      },
    })
    return out
  }

  private product(n: Extract<Node, { kind: 'product' }>): Ref {
    let { transposeLeft, transposeRight } = n
    let leftNode = n.left
    if (leftNode.kind === 'transpose' && leftNode.arg.kind === 'csr') {
      leftNode = leftNode.arg
      transposeLeft = !transposeLeft
    }
    if (n.right.kind === 'csr' || (n.right.kind === 'transpose' && n.right.arg.kind === 'csr')) {
      throw new PlanFailure(
        unsupported('evaluate', 'a CSR matrix must be the left factor of a product'),
      )
    }
    // A transposed view is read as its untransposed storage with the flag flipped.
    let right = this.ref(n.right)
    if (!isContiguous(right) && isTransposedContiguous(right)) {
      right = flip(right)
      transposeRight = !transposeRight
    }
    right = this.contiguous(right)
    // Aᵀ·Bᵀ has no kernel: Bᵀ is formed first.
    if (transposeRight && transposeLeft) {
      right = this.contiguous(flip(right))
      transposeRight = false
    }

    if (leftNode.kind === 'csr') {
      const slot = this.structure.leafSlot.get(leftNode.matrix) as number
      const name = this.leafName(leftNode.matrix)
      const rows = transposeLeft ? leftNode.matrix.cols : leftNode.matrix.rows
      const k = transposeRight ? right.rows : right.cols
      const out = this.temp(rows, k)
      const [tl, tr] = [transposeLeft, transposeRight]
      const kernel = tl ? 'csrTransposeTimesDense' : tr ? 'csrTimesDenseT' : 'csrTimesDense'
      this.steps.push({
        text: `${out.label} = ${kernel}(${name}, ${right.label}) ${showShape(out.rows, out.cols)}`,
        run: (frame) => {
          const x = frame.bindings.leaves[slot] as CsrMatrix
          const b = resolve(right, frame)
          frame.temps[out.slot] = tl
            ? csrTransposeTimesDense(x, b, k)
            : tr
              ? csrTimesDenseT(x, b, k)
              : csrTimesDense(x, b, k)
        },
      })
      return out
    }

    let left = this.ref(leftNode)
    if (!isContiguous(left) && isTransposedContiguous(left)) {
      left = flip(left)
      transposeLeft = !transposeLeft
      if (transposeRight && transposeLeft) {
        right = this.contiguous(flip(right))
        transposeRight = false
      }
    }
    left = this.contiguous(left)
    const rows = transposeLeft ? left.cols : left.rows
    const inner = transposeLeft ? left.rows : left.cols
    const cols = transposeRight ? right.rows : right.cols
    const out = this.temp(rows, cols)
    // A p×1 right factor is stored as a 1×p row: A·b is then the dot-product loop of gemmNT.
    const kernel = transposeLeft ? 'gemmTN' : transposeRight || cols === 1 ? 'gemmNT' : 'gemm'
    const [leftRef, rightRef] = [left, right]
    this.steps.push({
      text: `${out.label} = ${kernel}(${left.label}, ${right.label}) ${showShape(rows, cols)}`,
      run: (frame) => {
        const a = resolve(leftRef, frame)
        const b = resolve(rightRef, frame)
        frame.temps[out.slot] =
          kernel === 'gemmTN'
            ? gemmTN(a, leftRef.rows, leftRef.cols, b, cols)
            : kernel === 'gemmNT'
              ? gemmNT(a, rows, inner, b, cols)
              : gemm(a, rows, inner, b, cols)
      },
    })
    return out
  }

  /**
   * One fused loop computing every output (all of one shape: the shape of the
   * first). Array outputs become temporaries, reductions 1×1 temporaries.
   */
  fuse(outputs: readonly { readonly node: Node; readonly reduce?: ReduceOp }[]): Ref[] {
    const shape = unwrapShape(outputs[0].node)
    const reads: Ref[] = []
    // The constants of the region, as slots of the bindings' constants.
    const constantSlots: number[] = []
    const irs = new Map<Node, Ir>()
    const inputIndex = new Map<Ref, number>()
    const input = (ref: Ref): number => {
      let index = inputIndex.get(ref)
      if (index === undefined) {
        index = reads.push(ref) - 1
        inputIndex.set(ref, index)
      }
      return index
    }
    const lower = (n: Node): Ir => {
      const known = irs.get(n)
      if (known !== undefined) return known
      let ir: Ir
      if (n.kind === 'constant') {
        ir = { k: 'constant', index: constantSlots.push(this.slotOf(n)) - 1 }
      } else if (n.kind === 'unary') {
        ir = { k: 'unary', op: n.op, a: lower(n.arg) }
      } else if (n.kind === 'binary') {
        ir = { k: 'binary', op: n.op, a: lower(n.left), b: lower(n.right) }
      } else if (n.kind === 'where') {
        ir = { k: 'where', m: lower(n.mask), a: lower(n.then), b: lower(n.otherwise) }
      } else if (n.kind === 'product' && isMatrixVector(n, shape)) {
        // M·v with one entry per entry of the region: a dot product in the loop.
        const matrix = this.ref(n.left)
        const vector = this.ref(n.right)
        ir = {
          k: 'dot',
          matrix: input(n.transposeLeft ? flip(matrix) : matrix),
          vector: input(n.transposeRight ? flip(vector) : vector),
          length: n.transposeLeft ? matrix.rows : matrix.cols,
        }
      } else {
        const ref = this.ref(n)
        ir = { k: 'input', index: input(ref), scalar: ref.rows === 1 && ref.cols === 1 }
      }
      irs.set(n, ir)
      return ir
    }
    // The region's outputs: one per output, two for a norm (its sum of squares and largest
    // magnitude, at `at` and `at + 1`).
    const lowered: Output[] = []
    const at = outputs.map((output) => {
      const ir = lower(output.node)
      const position = lowered.length
      if (output.reduce === undefined) lowered.push({ ir })
      else if (output.reduce === 'norm') lowered.push(...normParts(ir))
      else lowered.push({ ir, reduce: output.reduce })
      return position
    })
    const { runner, generated } = regionRunner(lowered, reads.length, this.codegen)
    // A norm whose sum of squares is out of range sums its scaled squares in a second pass
    // (two constants after the region's); it is built when first needed, as it rarely is.
    const scaledPasses = new Map<number, RegionRunner>()
    const scaledPass = (index: number): RegionRunner => {
      let pass = scaledPasses.get(index)
      if (pass === undefined) {
        const output = scaledSquares(lowered[at[index]].ir, constantSlots.length)
        pass = regionRunner([output], reads.length, this.codegen).runner
        scaledPasses.set(index, pass)
      }
      return pass
    }
    const results = outputs.map((output) =>
      output.reduce === undefined ? this.temp(shape.rows, shape.cols) : this.temp(1, 1),
    )
    const formulas = outputs.map((output, index) => {
      const formula = this.showFused(output.node)
      const label = results[index].label
      return output.reduce === undefined
        ? `${label} = ${formula}`
        : `${label} = ${output.reduce}(${formula})`
    })
    const { rows, cols } = shape
    this.steps.push({
      text:
        `fused loop ${showShape(rows, cols)} (${generated ? 'generated' : 'closures'}): ` +
        `${formulas.join('; ')}`,
      run: (frame) => {
        const bound: Read[] = reads.map((ref) => ({
          data: resolve(ref, frame),
          offset: offsetOf(ref, frame),
          // A unit dimension broadcasts: its stride is 0 in the loop.
          rowStride: ref.rows === 1 ? 0 : ref.rowStride,
          colStride: ref.cols === 1 ? 0 : ref.colStride,
          scalar: ref.rows === 1 && ref.cols === 1,
        }))
        const constants = constantSlots.map((slot) => frame.bindings.constants[slot])
        const outs = lowered.map((output) =>
          output.reduce === undefined ? new Float64Array(rows * cols) : undefined,
        )
        const values = runner(bound, constants, rows, cols, outs)
        results.forEach((result, index) => {
          const position = at[index]
          const reduced =
            outputs[index].reduce === 'norm'
              ? euclideanNormOfSquares(
                  values[position],
                  values[position + 1],
                  (first, second) =>
                    scaledPass(index)(bound, [...constants, first, second], rows, cols, [])[0],
                )
              : values[position]
          frame.temps[result.slot] = outs[position] ?? Float64Array.of(reduced)
        })
      },
    })
    return results
  }

  /** A fused formula with inputs named by their views. */
  private showFused(n: Node): string {
    switch (n.kind) {
      case 'constant':
        return String(n.value)
      case 'unary':
        return `${n.op}(${this.showFused(n.arg)})`
      case 'binary':
        return `${n.op}(${this.showFused(n.left)}, ${this.showFused(n.right)})`
      case 'where':
        return (
          `where(${this.showFused(n.mask)}, ${this.showFused(n.then)}, ` +
          `${this.showFused(n.otherwise)})`
        )
      default:
        return this.memo.get(n)?.label ?? this.show(n)
    }
  }
}

/**
 * Plans several outputs at once: a node shared between them is computed once,
 * and fusable outputs of one shape share one loop. The roots' shapes must
 * have been checked.
 */
export const plan = (
  roots: readonly Node[],
  structure: Structure,
  codegen: boolean,
): Result<Plan> => {
  const planner = new Planner(codegen, structure)
  for (const root of roots) planner.nameLeaves(root)
  try {
    const results: Ref[] = new Array<Ref>(roots.length)
    const groups = new Map<string, number[]>()
    roots.forEach((root, index) => {
      const inner = root.kind === 'reduce' ? root.arg : root
      if (!fusable(inner)) return
      const shape = unwrapShape(inner)
      const key = showShape(shape.rows, shape.cols)
      groups.set(key, [...(groups.get(key) ?? []), index])
    })
    for (const members of groups.values()) {
      const refs = planner.fuse(
        members.map((index) => {
          const root = roots[index]
          return root.kind === 'reduce' ? { node: root.arg, reduce: root.op } : { node: root }
        }),
      )
      members.forEach((index, position) => (results[index] = refs[position]))
    }
    roots.forEach((root, index) => {
      results[index] ??= planner.ref(root)
    })
    const { steps, bounds, leafLines } = planner
    return E.right({ steps, results, bounds, leafLines })
  } catch (failure) {
    if (failure instanceof PlanFailure) return E.left(failure.error)
    throw failure
  }
}
