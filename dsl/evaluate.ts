/**
 * The evaluator: turns expressions into a plan of steps and runs it. Chains of
 * entrywise operations, together with transposes, columns, rows and entries of
 * materialized values (read in place with strides), fuse into one loop per
 * output shape with no intermediate arrays; reductions accumulate in that same
 * loop. Products, Gram products and CSR products go to the kernels of
 * `core/kernels.ts`. A value used twice in one evaluation (the same node) is
 * computed once. `explain` prints the plan.
 *
 * @example
 * explain(lift(W).mul(lift(X).timesTransposed(lift(H))).sum())
 * // inputs: A0 dense 6×3, A1 dense 6×4, A2 dense 3×4
 * // t0 = gemmNT(A1, A2) 6×3
 * // fused loop 6×3 (generated): sum = sum((A0 ∘ t0))
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
import { Matrix, showShape, valuesOf } from '../core/matrix.ts'
import type { Expr, Scalar } from './expr.ts'
import { regionRunner, type Ir, type Output, type Read } from './fuse.ts'
import { showNode, type Node, type ReduceOp } from './node.ts'
import { shapeOf } from './shape.ts'

/** The matrix an expression evaluates to. */
export type MatrixOf<T> = T extends Expr<infer R, infer C> ? Matrix<R, C> : never

/** How to evaluate. */
export interface EvaluateOptions {
  /** Generate code for fused loops (cached by tree shape); false runs the closures. @default true */
  readonly codegen?: boolean
}

/** A value in the plan: a strided view of a leaf's storage or of a temporary. */
interface Ref {
  /** A leaf's storage, or the slot of a temporary. */
  readonly source: Float64Array | number
  readonly offset: number
  readonly rowStride: number
  readonly colStride: number
  readonly rows: number
  readonly cols: number
  readonly label: string
}

interface Step {
  readonly text: string
  readonly run: (temps: Float64Array[]) => void
}

/** Thrown inside the planner only; the public functions return it as a `Left`. */
class PlanFailure {
  constructor(readonly error: NmfError) {}
}

const isContiguous = (ref: Ref): boolean =>
  ref.offset === 0 &&
  (ref.rows === 1 || ref.rowStride === ref.cols) &&
  (ref.cols === 1 || ref.colStride === 1)

const isTransposedContiguous = (ref: Ref): boolean =>
  ref.offset === 0 &&
  (ref.rows === 1 || ref.rowStride === 1) &&
  (ref.cols === 1 || ref.colStride === ref.rows)

const fusable = (n: Node): boolean =>
  n.kind === 'unary' || n.kind === 'binary' || n.kind === 'where' || n.kind === 'constant'

class Planner {
  readonly steps: Step[] = []
  readonly leafLines: string[] = []
  private readonly leafNames = new Map<object, string>()
  private readonly memo = new Map<Node, Ref>()
  private slots = 0

  constructor(private readonly codegen: boolean) {}

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

  /** A fresh contiguous temporary. */
  private temp(rows: number, cols: number): Ref {
    const slot = this.slots++
    return { source: slot, offset: 0, rowStride: cols, colStride: 1, rows, cols, label: `t${slot}` }
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

  private make(n: Node): Ref {
    switch (n.kind) {
      case 'dense': {
        const { rows, cols } = n.matrix
        const label = this.leafName(n.matrix)
        return {
          source: valuesOf(n.matrix),
          offset: 0,
          rowStride: cols,
          colStride: 1,
          rows,
          cols,
          label,
        }
      }
      case 'csr':
        throw new PlanFailure(
          unsupported(
            'evaluate',
            `a CSR matrix (${this.leafName(n.matrix)}) can only be multiplied, never used entry by entry; ` +
              'it is never densified',
          ),
        )
      case 'transpose': {
        const a = this.ref(n.arg)
        return {
          ...a,
          rows: a.cols,
          cols: a.rows,
          rowStride: a.colStride,
          colStride: a.rowStride,
          label: a.label.endsWith('ᵀ') ? a.label.slice(0, -1) : `${a.label}ᵀ`,
        }
      }
      case 'column': {
        const a = this.ref(n.arg)
        return {
          ...a,
          offset: a.offset + n.index * a.colStride,
          cols: 1,
          label: `${a.label}[:, ${n.index}]`,
        }
      }
      case 'row': {
        const a = this.ref(n.arg)
        return {
          ...a,
          offset: a.offset + n.index * a.rowStride,
          rows: 1,
          label: `${a.label}[${n.index}, :]`,
        }
      }
      case 'entry': {
        const a = this.ref(n.arg)
        return {
          ...a,
          offset: a.offset + n.row * a.rowStride + n.col * a.colStride,
          rows: 1,
          cols: 1,
          label: `${a.label}[${n.row}, ${n.col}]`,
        }
      }
      case 'product':
        return this.product(n)
      case 'gram': {
        const a = this.contiguous(this.ref(n.arg))
        const out = this.temp(
          n.side === 'rows' ? a.rows : a.cols,
          n.side === 'rows' ? a.rows : a.cols,
        )
        const name = n.side === 'rows' ? 'gramRows' : 'gramColumns'
        this.steps.push({
          text: `${out.label} = ${name}(${a.label}) ${showShape(out.rows, out.cols)}`,
          run: (temps) => {
            const data = resolve(a, temps)
            temps[out.source as number] =
              n.side === 'rows' ? gramRows(data, a.rows, a.cols) : gramColumns(data, a.rows, a.cols)
          },
        })
        return out
      }
      case 'axisSum': {
        const a = this.ref(n.arg)
        const out = n.axis === 'rows' ? this.temp(a.rows, 1) : this.temp(1, a.cols)
        this.steps.push({
          text: `${out.label} = ${n.axis === 'rows' ? 'rowSums' : 'columnSums'}(${a.label}) ${showShape(out.rows, out.cols)}`,
          run: (temps) => {
            const data = resolve(a, temps)
            const sums = new Float64Array(out.rows * out.cols)
            for (let i = 0; i < a.rows; i++) {
              for (let j = 0; j < a.cols; j++) {
                sums[n.axis === 'rows' ? i : j] +=
                  data[a.offset + i * a.rowStride + j * a.colStride]
              }
            }
            temps[out.source as number] = sums
          },
        })
        return out
      }
      case 'update': {
        const a = this.ref(n.arg)
        const value = this.ref(n.value)
        const out = this.temp(a.rows, a.cols)
        this.steps.push({
          text: `${out.label} = copy of ${a.label} with ${value.label} at (${n.row}, ${n.col}) ${showShape(out.rows, out.cols)}`,
          run: (temps) => {
            const copy = copyOf(a, temps)
            const data = resolve(value, temps)
            for (let i = 0; i < value.rows; i++) {
              for (let j = 0; j < value.cols; j++) {
                copy[(n.row + i) * a.cols + n.col + j] =
                  data[value.offset + i * value.rowStride + j * value.colStride]
              }
            }
            temps[out.source as number] = copy
          },
        })
        return out
      }
      case 'reduce': {
        const [out] = this.fuse([{ node: n.arg, reduce: n.op }])
        return out
      }
      case 'constant': {
        const label = String(n.value)
        return {
          source: Float64Array.of(n.value),
          offset: 0,
          rowStride: 1,
          colStride: 1,
          rows: 1,
          cols: 1,
          label,
        }
      }
      case 'unary':
      case 'binary':
      case 'where': {
        const [out] = this.fuse([{ node: n }])
        return out
      }
    }
  }

  /** A contiguous copy of a view (the view itself when it already is one). */
  contiguous(a: Ref): Ref {
    if (isContiguous(a)) return a
    if (isContiguous({ ...a, offset: 0 })) {
      // A run of storage at an offset: a read-only window, no copy.
      const out = this.temp(a.rows, a.cols)
      this.steps.push({
        text: `${out.label} = window of ${a.label} ${showShape(out.rows, out.cols)}`,
        run: (temps) => {
          temps[out.source as number] = resolve(a, temps).subarray(
            a.offset,
            a.offset + a.rows * a.cols,
          )
        },
      })
      return out
    }
    const out = this.temp(a.rows, a.cols)
    const transposed = isTransposedContiguous(a)
    this.steps.push({
      text: `${out.label} = ${transposed ? 'transpose' : 'copy'}(${a.label}) ${showShape(out.rows, out.cols)}`,
      run: (temps) => {
        temps[out.source as number] = transposed
          ? transpose(resolve(a, temps), a.cols, a.rows)
          : copyOf(a, temps)
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
      const x = leftNode.matrix
      const name = this.leafName(x)
      const rows = transposeLeft ? x.cols : x.rows
      const k = transposeRight ? right.rows : right.cols
      const out = this.temp(rows, k)
      const kernel = transposeLeft
        ? 'csrTransposeTimesDense'
        : transposeRight
          ? 'csrTimesDenseT'
          : 'csrTimesDense'
      this.steps.push({
        text: `${out.label} = ${kernel}(${name}, ${right.label}) ${showShape(out.rows, out.cols)}`,
        run: (temps) => {
          const b = resolve(right, temps)
          temps[out.source as number] = transposeLeft
            ? csrTransposeTimesDense(x, b, k)
            : transposeRight
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
    this.steps.push({
      text: `${out.label} = ${kernel}(${left.label}, ${right.label}) ${showShape(rows, cols)}`,
      run: (temps) => {
        const a = resolve(left, temps)
        const b = resolve(right, temps)
        temps[out.source as number] =
          kernel === 'gemmTN'
            ? gemmTN(a, left.rows, left.cols, b, cols)
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
    const constants: number[] = []
    const irs = new Map<Node, Ir>()
    const inputIndex = new Map<Ref, number>()
    const lower = (n: Node): Ir => {
      const known = irs.get(n)
      if (known !== undefined) return known
      let ir: Ir
      if (n.kind === 'constant') {
        ir = { k: 'constant', index: constants.push(n.value) - 1 }
      } else if (n.kind === 'unary') {
        ir = { k: 'unary', op: n.op, a: lower(n.arg) }
      } else if (n.kind === 'binary') {
        ir = { k: 'binary', op: n.op, a: lower(n.left), b: lower(n.right) }
      } else if (n.kind === 'where') {
        ir = { k: 'where', m: lower(n.mask), a: lower(n.then), b: lower(n.otherwise) }
      } else {
        const ref = this.ref(n)
        let index = inputIndex.get(ref)
        if (index === undefined) {
          index = reads.push(ref) - 1
          inputIndex.set(ref, index)
        }
        ir = { k: 'input', index, scalar: ref.rows === 1 && ref.cols === 1 }
      }
      irs.set(n, ir)
      return ir
    }
    const lowered: Output[] = outputs.map((output) =>
      output.reduce === undefined
        ? { ir: lower(output.node) }
        : { ir: lower(output.node), reduce: output.reduce },
    )
    const { runner, generated } = regionRunner(lowered, reads.length, this.codegen)
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
    this.steps.push({
      text: `fused loop ${showShape(shape.rows, shape.cols)} (${generated ? 'generated' : 'closures'}): ${formulas.join('; ')}`,
      run: (temps) => {
        const bound: Read[] = reads.map((ref) => ({
          data: resolve(ref, temps),
          offset: ref.offset,
          // A unit dimension broadcasts: its stride is 0 in the loop.
          rowStride: ref.rows === 1 ? 0 : ref.rowStride,
          colStride: ref.cols === 1 ? 0 : ref.colStride,
          scalar: ref.rows === 1 && ref.cols === 1,
        }))
        const outs = outputs.map((output) =>
          output.reduce === undefined ? new Float64Array(shape.rows * shape.cols) : undefined,
        )
        const values = runner(bound, constants, shape.rows, shape.cols, outs)
        results.forEach((result, index) => {
          temps[result.source as number] = outs[index] ?? Float64Array.of(values[index])
        })
      },
    })
    return results
  }

  /** A fused formula with inputs named by their views. */
  private showFused(n: Node): string {
    if (fusable(n) || n.kind === 'reduce') {
      switch (n.kind) {
        case 'constant':
          return String(n.value)
        case 'unary':
          return `${n.op}(${this.showFused(n.arg)})`
        case 'binary':
          return `${n.op}(${this.showFused(n.left)}, ${this.showFused(n.right)})`
        case 'where':
          return `where(${this.showFused(n.mask)}, ${this.showFused(n.then)}, ${this.showFused(n.otherwise)})`
        default:
          break
      }
    }
    return this.memo.get(n)?.label ?? this.show(n)
  }
}

const flip = (a: Ref): Ref => ({
  ...a,
  rows: a.cols,
  cols: a.rows,
  rowStride: a.colStride,
  colStride: a.rowStride,
  label: a.label.endsWith('ᵀ') ? a.label.slice(0, -1) : `${a.label}ᵀ`,
})

const resolve = (ref: Ref, temps: readonly Float64Array[]): Float64Array =>
  typeof ref.source === 'number' ? temps[ref.source] : ref.source

/** A contiguous copy of a strided view. */
const copyOf = (a: Ref, temps: readonly Float64Array[]): Float64Array => {
  const data = resolve(a, temps)
  if (isContiguous(a)) return data.slice(a.offset, a.offset + a.rows * a.cols)
  const out = new Float64Array(a.rows * a.cols)
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++)
      out[i * a.cols + j] = data[a.offset + i * a.rowStride + j * a.colStride]
  }
  return out
}

const unwrapShape = (n: Node): { rows: number; cols: number } => {
  const shape = shapeOf(n)
  if (E.isLeft(shape)) throw new PlanFailure(shape.left)
  return shape.right
}

interface Plan {
  readonly planner: Planner
  readonly results: readonly Ref[]
}

/**
 * Plans several outputs at once: a node shared between them is computed once,
 * and fusable outputs of one shape share one loop.
 */
const plan = (roots: readonly Node[], options: EvaluateOptions): Result<Plan> => {
  for (const root of roots) {
    const shape = shapeOf(root)
    if (E.isLeft(shape)) return shape
  }
  const planner = new Planner(options.codegen ?? true)
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
    return E.right({ planner, results })
  } catch (failure) {
    if (failure instanceof PlanFailure) return E.left(failure.error)
    throw failure
  }
}

/** Runs a plan; each result is a fresh array that nobody else holds. */
const run = ({ planner, results }: Plan): Float64Array[] => {
  const temps: Float64Array[] = []
  for (const step of planner.steps) step.run(temps)
  return results.map((ref) =>
    typeof ref.source === 'number' && isContiguous(ref) && ref.offset === 0
      ? temps[ref.source]
      : copyOf(ref, temps),
  )
}

/**
 * Evaluates several expressions together, sharing common subexpressions.
 *
 * @example
 * evaluateAll([next, violation]) // Right([Matrix, Matrix 1×1])
 */
export const evaluateAll = <const T extends readonly Expr<string, string>[]>(
  exprs: T,
  options: EvaluateOptions = {},
): Result<{ -readonly [I in keyof T]: MatrixOf<T[I]> }> =>
  E.map(
    (p: Plan) =>
      run(p).map((data, index) =>
        Matrix.unsafeWrap(p.results[index].rows, p.results[index].cols, data),
      ) as { -readonly [I in keyof T]: MatrixOf<T[I]> },
  )(
    plan(
      exprs.map((e) => e.node),
      options,
    ),
  )

/**
 * The value of an expression as a new `Matrix`; shapes that do not fit are a `Left`.
 *
 * @example
 * evaluate(lift(W).times(lift(H))) // Right(Matrix<'samples', 'features'>)
 */
export const evaluate = <R extends string, C extends string>(
  expr: Expr<R, C>,
  options: EvaluateOptions = {},
): Result<Matrix<R, C>> =>
  E.map((all: Matrix[]) => all[0] as Matrix<R, C>)(evaluateAll([expr as Expr], options))

/** The value of a scalar expression. */
export const value = (expr: Scalar, options: EvaluateOptions = {}): Result<number> =>
  E.map((m: Matrix) => valuesOf(m)[0])(evaluate(expr, options))

/**
 * The plan as text: the inputs, then one line per step (kernel calls and fused
 * loops, with the temporaries they create), or the error planning met.
 *
 * @example
 * explain(lift(W).times(lift(H)).max(0))
 */
export const explain = (exprs: Expr | readonly Expr[], options: EvaluateOptions = {}): string => {
  const roots = Array.isArray(exprs) ? (exprs as readonly Expr[]) : [exprs as Expr]
  const planned = plan(
    roots.map((e) => e.node),
    options,
  )
  if (E.isLeft(planned)) return `error: ${planned.left.message}`
  const { planner, results } = planned.right
  return [
    `inputs: ${planner.leafLines.join(', ') || 'none'}`,
    ...planner.steps.map((step) => step.text),
    `results: ${results.map((ref) => `${ref.label} ${showShape(ref.rows, ref.cols)}`).join(', ')}`,
  ].join('\n')
}
