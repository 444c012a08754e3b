/**
 * Plans as the planner (dsl/plan.ts) leaves them, and running them. A value in a
 * plan is a strided view (`Ref`) of a leaf's storage, a temporary or a constant,
 * whose offset may take indices read from the `Bindings` when the plan runs; a
 * step reads views and writes a temporary. `fits` checks the bindings' indices
 * against the plan's ranges, and `run` runs its steps.
 */
import type { Bindings } from './structure.ts'

/**
 * A value in the plan: a strided view of a leaf's storage, a temporary or a
 * constant. Its offset is `offset + Σ params[terms[2m]]·terms[2m+1]`: the
 * indices that select a column, row or entry are read at run time.
 */
export interface Ref {
  readonly store: 'leaf' | 'temp' | 'constant'
  readonly slot: number
  readonly offset: number
  readonly terms: readonly number[]
  readonly rowStride: number
  readonly colStride: number
  readonly rows: number
  readonly cols: number
  readonly label: string
}

/** What a running plan reads and writes. */
interface Frame {
  readonly temps: Float64Array[]
  readonly bindings: Bindings
}

export interface Step {
  readonly text: string
  readonly run: (frame: Frame) => void
}

/** An index the plan was made for, checked on every run: an integer in 0..limit-1. */
export interface Bound {
  readonly param: number
  readonly limit: number
}

/** A plan: its steps, its results, and the ranges its indices must lie in. */
export interface Plan {
  readonly steps: readonly Step[]
  readonly results: readonly Ref[]
  readonly bounds: readonly Bound[]
  readonly leafLines: readonly string[]
}

const atZero = (ref: Ref): boolean => ref.offset === 0 && ref.terms.length === 0

export const isContiguous = (ref: Ref): boolean =>
  atZero(ref) &&
  (ref.rows === 1 || ref.rowStride === ref.cols) &&
  (ref.cols === 1 || ref.colStride === 1)

export const isTransposedContiguous = (ref: Ref): boolean =>
  atZero(ref) &&
  (ref.rows === 1 || ref.rowStride === 1) &&
  (ref.cols === 1 || ref.colStride === ref.rows)

/** The storage a view reads. */
export const resolve = (ref: Ref, frame: Frame): Float64Array =>
  ref.store === 'temp'
    ? frame.temps[ref.slot]
    : ref.store === 'leaf'
      ? frame.bindings.leafValues[ref.slot]
      : Float64Array.of(frame.bindings.constants[ref.slot])

/** Where a view starts in its storage, with this run's indices. */
export const offsetOf = (ref: Ref, frame: Frame): number => {
  let offset = ref.offset
  const { terms } = ref
  for (let m = 0; m < terms.length; m += 2) offset += frame.bindings.params[terms[m]] * terms[m + 1]
  return offset
}

/** A contiguous copy of a strided view. */
export const copyOf = (a: Ref, frame: Frame): Float64Array => {
  const data = resolve(a, frame)
  const offset = offsetOf(a, frame)
  if (a.store !== 'constant' && isContiguous({ ...a, offset: 0, terms: [] })) {
    return data.slice(offset, offset + a.rows * a.cols)
  }
  const out = new Float64Array(a.rows * a.cols)
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++)
      out[i * a.cols + j] = data[offset + i * a.rowStride + j * a.colStride]
  }
  return out
}

export const flip = (a: Ref): Ref => ({
  ...a,
  rows: a.cols,
  cols: a.rows,
  rowStride: a.colStride,
  colStride: a.rowStride,
  label: a.label.endsWith('ᵀ') ? a.label.slice(0, -1) : `${a.label}ᵀ`,
})

/** Whether the bindings' indices lie where the plan needs them. */
export const fits = (p: Plan, bindings: Bindings): boolean => {
  for (const { param, limit } of p.bounds) {
    const index = bindings.params[param]
    if (!(Number.isInteger(index) && index >= 0 && index < limit)) return false
  }
  return true
}

/** Runs a plan on bindings; each result is a fresh array that nobody else holds. */
export const run = (p: Plan, bindings: Bindings): Float64Array[] => {
  const frame: Frame = { temps: [], bindings }
  for (const step of p.steps) step.run(frame)
  return p.results.map((ref) =>
    ref.store === 'temp' && isContiguous(ref) ? frame.temps[ref.slot] : copyOf(ref, frame),
  )
}
