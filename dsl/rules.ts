/**
 * Update rules as values, and combinators that build rules from rules.
 *
 * A `Rule<S, O>` maps a state to the next one and reports named numbers
 * (`stats`) on the way. NMF updates work on one factor at a time in "sweep
 * orientation": the factor A (rows×components) minimizes
 *
 *   ½ tr(A·G·Aᵀ) − tr(Cᵀ·A)      with G = the Gram matrix of the other factor
 *                                 and C = X times the other factor,
 *
 * which is W for (G, C) = (H·Hᵀ, X·Hᵀ) and Hᵀ for (WᵀW, XᵀW). A `Half` holds
 * (A, G, C); `alternate` forms them for W, then for H with the new W.
 * `sweepColumns` updates A one column at a time, each column seeing the ones
 * updated before it (Gauss–Seidel); `damp`, `projectNonnegative` and
 * `penalize` change a column rule or a half rule.
 */
import * as E from 'fp-ts/lib/Either.js'
import { shapeMismatch, type Result } from '../core/errors.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import { showShape } from '../core/matrix-shared.ts'
import type { Factors, Problem } from '../solvers/contract.ts'
import { evaluate, evaluateAll } from './evaluate.ts'
import { lift, type Expr, type One, type Scalar } from './expr.ts'

/** Named numbers a rule reports; combinators add them up. */
export type Stats = Readonly<Record<string, number>>

/** What a rule sees besides the state: the problem and the solver's options. */
export interface RuleContext<O> {
  readonly problem: Problem
  readonly options: O
}

/** The next state and what the rule measured on the way. */
export interface Outcome<S> {
  readonly state: S
  readonly stats: Stats
}

/** An update rule: a value that maps a state to the next one. */
export interface Rule<S, O = unknown> {
  readonly name: string
  readonly apply: (state: S, context: RuleContext<O>) => Result<Outcome<S>>
}

/** The name of the component dimension. */
export type K = 'components'

/** One factor's subproblem in sweep orientation (see the module comment). */
export interface Half<Rows extends string = string> {
  readonly factor: Matrix<Rows, K>
  readonly gram: Matrix<K, K>
  readonly cross: Matrix<Rows, K>
}

/**
 * A rule on one factor's subproblem. Its outcome's state is the subproblem its new factor
 * was fitted to: the half it was given with `factor` replaced, except that `penalize`
 * returns the `gram` and `cross` with its penalties in them (what `withObjective` reads).
 */
export type HalfRule<O = unknown> = Rule<Half, O>

/** What a column rule sees: A with the columns before t already updated, G, C and t. */
export interface ColumnView<Rows extends string = string> {
  readonly A: Expr<Rows, K>
  readonly G: Expr<K, K>
  readonly C: Expr<Rows, K>
  readonly t: number
}

/** A column's new value and the numbers to report about it. */
export interface ColumnStep<Rows extends string = string> {
  readonly next: Expr<Rows, One>
  readonly stats?: Readonly<Record<string, Scalar>>
}

/** The update of column t of A. */
export type ColumnRule<O = unknown> = <Rows extends string>(
  view: ColumnView<Rows>,
  options: O,
) => ColumnStep<Rows>

/** A rule from a name and a function. */
export const rule = <S, O = unknown>(name: string, apply: Rule<S, O>['apply']): Rule<S, O> => ({
  name,
  apply,
})

/** Adds stats by name; a name in both is summed. */
export const mergeStats = (a: Stats, b: Stats, suffix = ''): Stats => {
  const out: Record<string, number> = { ...a }
  for (const [key, value] of Object.entries(b)) out[key + suffix] = (out[key + suffix] ?? 0) + value
  return out
}

/** Runs rules one after the other, adding their stats. */
export const sequence = <S, O>(...rules: readonly Rule<S, O>[]): Rule<S, O> =>
  rule(rules.map((r) => r.name).join(' then '), (state, context) => {
    let outcome: Outcome<S> = { state, stats: {} }
    for (const r of rules) {
      const next = r.apply(outcome.state, context)
      if (E.isLeft(next)) return next
      outcome = { state: next.right.state, stats: mergeStats(outcome.stats, next.right.stats) }
    }
    return E.right(outcome)
  })

/** The order of the components in one sweep: 0..k-1, or a fresh permutation when shuffling. */
export const componentOrder = (problem: Problem, k: number): ArrayLike<number> =>
  problem.shuffle ? problem.rng.permutation(k) : Int32Array.from({ length: k }, (_, t) => t)

/**
 * Gauss–Seidel over the components: column t is replaced by the rule's `next`
 * before column t+1 is computed, so each update sees the previous ones. The
 * stats of the columns are summed. A `next` that is not rows×1, or a stat that is not
 * 1×1, is a `ShapeMismatch`.
 *
 * The columns are written into one working copy of A that nobody else can see
 * until the sweep returns it (the DESIGN's buffer reuse); a column rule must
 * not keep the `A` it is given beyond its own call.
 */
export const sweepColumns = <O>(columnRule: ColumnRule<O>): HalfRule<O> =>
  rule('sweepColumns', (half, { problem, options }) => {
    const { rows, cols: k } = half.factor
    const order = componentOrder(problem, k)
    const native = (columnRule as { [NATIVE]?: NativeSweep<O> })[NATIVE]?.(
      valuesOf(half.factor),
      rows,
      k,
      valuesOf(half.gram),
      valuesOf(half.cross),
      order,
      options,
    )
    if (native !== undefined) {
      const factor = Matrix.unsafeWrap<string, K>(rows, k, native.A)
      return E.right({ state: { ...half, factor }, stats: native.stats })
    }
    const work = valuesOf(half.factor).slice()
    const A = Matrix.unsafeWrap<string, K>(rows, k, work)
    const view = { A: lift(A), G: lift(half.gram), C: lift(half.cross) }
    const totals: Record<string, number> = {}
    for (let s = 0; s < k; s++) {
      const t = order[s]
      const step = columnRule({ ...view, t }, options)
      const names = Object.keys(step.stats ?? {})
      const values = evaluateAll([step.next, ...names.map((name) => (step.stats ?? {})[name])])
      if (E.isLeft(values)) return values
      // A rule whose types were set aside can give another shape (a scalar, a row, all of A).
      const column = values.right[0]
      if (column.rows !== rows || column.cols !== 1) {
        return E.left(
          shapeMismatch(
            'sweepColumns',
            `the column rule's next for column ${t}`,
            `shape ${showShape(rows, 1)} (rows×1, a column of A)`,
            showShape(column.rows, column.cols),
          ),
        )
      }
      const next = valuesOf(column)
      for (let i = 0; i < rows; i++) work[i * k + t] = next[i]
      for (let index = 0; index < names.length; index++) {
        const stat = values.right[index + 1]
        // Likewise a stat that is not a number: its first entry alone would be summed.
        if (stat.rows !== 1 || stat.cols !== 1) {
          return E.left(
            shapeMismatch(
              'sweepColumns',
              `the column rule's stat '${names[index]}' for column ${t}`,
              'shape 1×1 (a number)',
              showShape(stat.rows, stat.cols),
            ),
          )
        }
        totals[names[index]] = (totals[names[index]] ?? 0) + valuesOf(stat)[0]
      }
    }
    return E.right({ state: { ...half, factor: A }, stats: totals })
  })

const NATIVE = Symbol('native sweep')

/**
 * A whole sweep of one column rule as a tuned kernel: the new A (rows×k, a new array) and
 * the summed stats, the same as `sweepColumns` computes from the rule's expressions, or
 * undefined to let the expressions run (the kernel path, the size).
 */
export type NativeSweep<O = unknown> = (
  A: Float64Array,
  rows: number,
  k: number,
  G: Float64Array,
  C: Float64Array,
  order: ArrayLike<number>,
  options: O,
) => { readonly A: Float64Array; readonly stats: Stats } | undefined

/**
 * The column rule with a kernel that `sweepColumns` runs in place of the rule's
 * expressions when it can; the rule itself is unchanged and stays the reference. A rule
 * built on top of it (damped, projected) is a new rule without the kernel.
 */
export const withNativeSweep = <O>(
  columnRule: ColumnRule<O>,
  sweep: NativeSweep<O>,
): ColumnRule<O> =>
  Object.assign(((view, options) => columnRule(view, options)) as ColumnRule<O>, {
    [NATIVE]: sweep,
  })

/** A number, or one read from the options. */
export type Setting<O> = number | ((options: O) => number)

const read = <O>(setting: Setting<O>, options: O): number =>
  typeof setting === 'number' ? setting : setting(options)

/** Moves a fraction γ of the way to the rule's value: a + γ·(next − a). */
export const damp =
  <O>(gamma: Setting<O>) =>
  (columnRule: ColumnRule<O>): ColumnRule<O> =>
  (view, options) => {
    const step = columnRule(view, options)
    const a = view.A.column(view.t)
    return { ...step, next: a.plus(step.next.minus(a).mul(read(gamma, options))) }
  }

/** Clips the rule's value at 0 (when `enabled` says so for the options). */
export const projectNonnegative =
  <O>(columnRule: ColumnRule<O>, enabled: (options: O) => boolean = () => true): ColumnRule<O> =>
  (view, options) => {
    const step = columnRule(view, options)
    return enabled(options) ? { ...step, next: step.next.max(0) } : step
  }

/** Reports `squaredChange`, Σ (next − a)², of the rule's final value. */
export const measureChange =
  <O>(columnRule: ColumnRule<O>): ColumnRule<O> =>
  (view, options) => {
    const step = columnRule(view, options)
    const change = step.next.minus(view.A.column(view.t)).sumSquares()
    return { ...step, stats: { ...step.stats, squaredChange: change } }
  }

/** L1 and L2 penalty weights for one factor. */
export interface PenaltyWeights {
  readonly l1: number
  readonly l2: number
}

/**
 * Adds penalties l1·Σa + ½·l2·‖A‖² to a half's objective: l2 joins G's
 * diagonal and l1 is subtracted from C, so any rule on the half minimizes the
 * penalized objective. Its outcome keeps the penalized G and C, so that a
 * `withObjective` around it counts the penalties as one inside it does.
 */
export const penalize =
  <O>(weights: (context: RuleContext<O>) => PenaltyWeights) =>
  (inner: HalfRule<O>): HalfRule<O> =>
    rule(`penalize(${inner.name})`, (half, context) => {
      const { l1, l2 } = weights(context)
      if (l1 === 0 && l2 === 0) return inner.apply(half, context)
      const k = half.gram.rows
      const identity = Matrix.unsafeWrap<K, K>(
        k,
        k,
        Float64Array.from({ length: k * k }, (_, q) => (q % (k + 1) === 0 ? 1 : 0)),
      )
      const G =
        l2 === 0 ? E.right(half.gram) : evaluate(lift(half.gram).plus(lift(identity).mul(l2)))
      const C = l1 === 0 ? E.right(half.cross) : evaluate(lift(half.cross).minus(l1))
      if (E.isLeft(G)) return G
      if (E.isLeft(C)) return C
      return inner.apply({ ...half, gram: G.right, cross: C.right }, context)
    })

/**
 * Reports `objective`, ½‖X − W·H‖² plus this half's penalties, from the
 * products at hand after the inner rule: ½(‖X‖² − 2·Σ C∘A + Σ G∘(AᵀA)),
 * clamped at 0 against rounding. G and C are those of the inner rule's outcome,
 * the subproblem its new factor was fitted to: the penalties of a `penalize`
 * inside it are in them as much as those of one around it, so
 * `withObjective(penalize(w)(r))` and `penalize(w)(withObjective(r))` report
 * the same objective. The other factor's penalties are not in it.
 */
export const withObjective = <O>(inner: HalfRule<O>): HalfRule<O> =>
  rule(`withObjective(${inner.name})`, (half, context) => {
    const outcome = inner.apply(half, context)
    if (E.isLeft(outcome)) return outcome
    const fitted = outcome.right.state
    const A = lift(fitted.factor)
    const terms = evaluateAll([lift(fitted.cross).dot(A), lift(fitted.gram).dot(A.gramColumns())])
    if (E.isLeft(terms)) return terms
    const [cross, quadratic] = terms.right.map((m) => valuesOf(m)[0])
    const objective = Math.max(0, 0.5 * (context.problem.squaredNormX - 2 * cross + quadratic))
    return E.right({ ...outcome.right, stats: { ...outcome.right.stats, objective } })
  })

/**
 * W, then H with the new W: each half rule gets its (A, G, C), and its stats
 * come back with the factor's name appended (`violation` → `violationW`).
 */
export const alternate = <O>(onW: HalfRule<O>, onH: HalfRule<O>): Rule<Factors, O> =>
  rule(`alternate(${onW.name}, ${onH.name})`, (state, context) => {
    const X = lift(context.problem.X)
    const H = lift(state.H)
    const forW = evaluateAll([X.timesTransposed(H), H.gramRows()])
    if (E.isLeft(forW)) return forW
    const [crossW, gramH] = forW.right
    const w = onW.apply({ factor: state.W, gram: gramH, cross: crossW }, context)
    if (E.isLeft(w)) return w

    const W = lift(w.right.state.factor)
    const forH = evaluateAll([X.transposeTimes(W), W.gramColumns(), H.t()])
    if (E.isLeft(forH)) return forH
    const [crossH, gramW, Ht] = forH.right
    const h = onH.apply({ factor: Ht, gram: gramW, cross: crossH }, context)
    if (E.isLeft(h)) return h
    const nextH = evaluate(lift(h.right.state.factor).t())
    if (E.isLeft(nextH)) return nextH

    return E.right({
      state: { W: w.right.state.factor as Matrix<string, K>, H: nextH.right as Matrix<K, string> },
      stats: mergeStats(mergeStats({}, w.right.stats, 'W'), h.right.stats, 'H'),
    })
  })

/**
 * W alone, H as it is: the half rule gets W's (A, G, C) as in `alternate`, and
 * its stats come back with `W` appended. `transform` fits new samples' W on
 * fixed components this way.
 */
export const withHFixed = <O>(onW: HalfRule<O>): Rule<Factors, O> =>
  rule(`withHFixed(${onW.name})`, (state, context) => {
    const H = lift(state.H)
    const products = evaluateAll([lift(context.problem.X).timesTransposed(H), H.gramRows()])
    if (E.isLeft(products)) return products
    const [cross, gram] = products.right
    const w = onW.apply({ factor: state.W, gram, cross }, context)
    if (E.isLeft(w)) return w
    return E.right({
      state: { W: w.right.state.factor as Matrix<string, K>, H: state.H },
      stats: mergeStats({}, w.right.stats, 'W'),
    })
  })
