/**
 * The evaluator: turns expressions into work and runs it. Chains of entrywise
 * operations, together with transposes, columns, rows and entries of
 * materialized values (read in place with strides), fuse into one loop per
 * output shape with no intermediate arrays; reductions accumulate in that same
 * loop. Products, Gram products and CSR products go to the kernels of
 * `core/kernels.ts`. A value used twice in one evaluation (the same node) is
 * computed once. `explain` prints the plan.
 *
 * Plans are cached by structure (dsl/structure.ts): a tree that differs from
 * one seen before only in its leaves' storage, its indices or its constants
 * runs the plan made then, after checking its indices against the plan's
 * ranges. So the k column updates of a sweep, and every iteration after the
 * first, are planned, shape-checked and compiled once; each evaluation walks
 * the tree once to read its numbers and then runs the steps.
 *
 * @example
 * explain(lift(W).mul(lift(X).timesTransposed(lift(H))).sum())
 * // inputs: A0 dense 6×3, A1 dense 6×4, A2 dense 3×4
 * // t0 = gemmNT(A1, A2) 6×3
 * // fused loop 6×3 (generated): sum = sum((A0 ∘ t0))
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import { describeOperand, Expr, exprOf, type Scalar } from './expr.ts'
import type { Node } from './node.ts'
import { plan } from './plan.ts'
import { fits, run, type Plan } from './run.ts'
import { shapeOf } from './shape.ts'
import { StructureCache, structureOf, type Bindings } from './structure.ts'

/** The matrix an expression evaluates to. */
export type MatrixOf<T> = T extends Expr<infer R, infer C> ? Matrix<R, C> : never

/** How to evaluate. */
export interface EvaluateOptions {
  /**
   * Generate code for fused loops (cached by tree shape); false runs the closures.
   * @default true
   */
  readonly codegen?: boolean
}

const plans = new StructureCache<Plan>()

/** Checks shapes and plans afresh, bypassing the cache (for `explain`). */
const planFresh = (roots: readonly Node[], codegen: boolean): Result<Plan> => {
  for (const root of roots) {
    const shape = shapeOf(root)
    if (E.isLeft(shape)) return shape
  }
  return plan(roots, structureOf(roots, codegen ? 1 : 0), codegen)
}

/** The plan for these roots (cached by structure) and the numbers it runs on. */
const planned = (
  roots: readonly Node[],
  options: EvaluateOptions,
): Result<{ readonly plan: Plan; readonly bindings: Bindings }> => {
  const codegen = options.codegen ?? true
  const structure = structureOf(roots, codegen ? 1 : 0)
  const cached = plans.get(structure)
  if (cached !== undefined && fits(cached, structure.bindings)) {
    return E.right({ plan: cached, bindings: structure.bindings })
  }
  // A new structure, or an index outside the range the plan was made for: the
  // shape check says where.
  for (const root of roots) {
    const shape = shapeOf(root)
    if (E.isLeft(shape)) return shape
  }
  const made = plan(roots, structure, codegen)
  if (cached === undefined && E.isRight(made)) plans.set(structure, made.right)
  return E.map((p: Plan) => ({ plan: p, bindings: structure.bindings }))(made)
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
  evaluateNodes(nodesOf('evaluateAll', exprs), options) as Result<{
    -readonly [I in keyof T]: MatrixOf<T[I]>
  }>

/** The values of `roots`, already checked to be expressions' nodes, planned together. */
const evaluateNodes = (roots: readonly Node[], options: EvaluateOptions): Result<Matrix[]> =>
  E.map(({ plan: p, bindings }: { readonly plan: Plan; readonly bindings: Bindings }) =>
    run(p, bindings).map((data, index) =>
      Matrix.unsafeWrap(p.results[index].rows, p.results[index].cols, data),
    ),
  )(planned(roots, options))

/** The value of one expression's node (see `evaluateNodes`). */
const evaluateNode = (root: Node, options: EvaluateOptions): Result<Matrix> =>
  E.map((all: Matrix[]) => all[0])(evaluateNodes([root], options))

/**
 * The nodes of `exprs`, an array of expressions; anything else (a caller without types) is
 * a TypeError that names the operation and what it found, where it read `.node` of it.
 */
const nodesOf = (operation: string, exprs: unknown): Node[] => {
  if (!Array.isArray(exprs)) {
    const found =
      exprs instanceof Expr ? 'one expression (evaluate takes one)' : describeOperand(exprs)
    throw new TypeError(`${operation}: expected an array of expressions, found ${found}`)
  }
  // By index, not map: map skips an array's holes, which then reached the planner.
  const nodes: Node[] = []
  for (let index = 0; index < exprs.length; index++) {
    nodes.push(exprOf(operation, `the entry at ${index}`, exprs[index] as unknown).node)
  }
  return nodes
}

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
  evaluateNode(exprOf('evaluate', 'its argument', expr).node, options) as Result<Matrix<R, C>>

/**
 * The value of a scalar expression. An expression of another shape (its types set aside) is
 * a `ShapeMismatch` that names its shape, not its first entry.
 *
 * @example
 * value(lift(W).sum()) // Right(Σ w_ij)
 */
export const value = (expr: Scalar, options: EvaluateOptions = {}): Result<number> =>
  E.flatMap(evaluateNode(exprOf('value', 'its argument', expr).node, options), (m: Matrix) =>
    m.rows === 1 && m.cols === 1
      ? E.right(valuesOf(m)[0])
      : E.left(
          shapeMismatch(
            'value',
            'the expression',
            'shape 1×1 (a number; evaluate gives a matrix)',
            showShape(m.rows, m.cols),
          ),
        ),
  )

/**
 * The plan as text: the inputs, then one line per step (kernel calls and fused
 * loops, with the temporaries they create), or the error planning met.
 *
 * @example
 * explain(lift(W).times(lift(H)).max(0))
 */
export const explain = (exprs: Expr | readonly Expr[], options: EvaluateOptions = {}): string => {
  const roots = Array.isArray(exprs)
    ? nodesOf('explain', exprs)
    : [exprOf('explain', 'its argument', exprs).node]
  const fresh = planFresh(roots, options.codegen ?? true)
  if (E.isLeft(fresh)) return `error: ${fresh.left.message}`
  const { leafLines, steps, results } = fresh.right
  return [
    `inputs: ${leafLines.join(', ') || 'none'}`,
    ...steps.map((step) => step.text),
    `results: ${results.map((ref) => `${ref.label} ${showShape(ref.rows, ref.cols)}`).join(', ')}`,
  ].join('\n')
}
