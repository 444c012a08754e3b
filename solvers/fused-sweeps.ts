/**
 * A whole iteration of alternating coordinate sweeps (the built-in `cd` and
 * `moving-average`) in the WebAssembly module, on a dense or a CSR X, in one layout of
 * the module's memory: the products X·Hᵀ, H·Hᵀ, Xᵀ·W and WᵀW, the penalties, both sweeps
 * and the objective's terms, with nothing allocated in between but the new factors.
 *
 * The DSL rules of solvers/cd.ts and solvers/moving-average.ts stay the reference: each
 * product here is the module's product that the DSL's planner runs for the same
 * expression (the same sums in the same order), and each sweep the kernel that
 * `sweepColumns` runs for the rule. What this removes is the work around them, which
 * on small problems costs more than the arithmetic (bench/README.md has the numbers).
 */
import {
  csrProductInModule,
  csrTransposeProductInModule,
  moduleProduct,
  sweepInModule,
  sweepScratch,
  type CsrAt,
  type SweepSettings,
} from '../core/kernels.ts'
import { Matrix, valuesOf } from '../core/matrix.ts'
import { factorArray } from '../core/small-arrays.ts'
import { foundFinite } from '../core/found-finite.ts'
import type { AnyMatrix } from '../core/csr.ts'
import {
  F64,
  fastModule,
  int32ViewOf,
  keepCopies,
  keptAt,
  layout,
  viewOf,
  writeTo,
  type KernelModule,
} from '../core/wasm.ts'
import { componentOrder, type Outcome, type PenaltyWeights, type Stats } from '../dsl/rules.ts'
import type { Batch } from './batch.ts'
import type { Factors, Problem, StepResult } from './contract.ts'

/** The penalties of each half: W's, then H's. */
export interface SweepPenalties {
  readonly W: PenaltyWeights
  readonly H: PenaltyWeights
}

/** X in the module's memory with the products a whole iteration takes of it. */
export interface XInModule {
  /** out (n×k) = X·B, B (m×k) at byte offset b. */
  readonly times: (b: number, out: number) => void
  /** out (m×k) = Xᵀ·B, B (n×k) at byte offset b. */
  readonly transposeTimes: (b: number, out: number) => void
  /** The offsets of the slots asked for, in order. */
  readonly at: readonly number[]
  /** Where X is, when it is dense (n×m float64s). */
  readonly dense?: number
  /** Where a CSR X's parts are. */
  readonly csr?: CsrAt
}

/**
 * W (n×k) and H (k×m) in their slots at `w` and `h` of the module's memory, and Hᵀ (m×k)
 * formed from H at `ht`: the start of a whole iteration. A factor the last iteration left
 * in its slot (`kept`, from `keptAt` before the layout) is not copied again: for the
 * digits' W, 144 KB, the copy was 5% of a `mu` iteration.
 */
export const factorsIn = (
  wasm: KernelModule,
  W: Float64Array,
  H: Float64Array,
  [k, m]: readonly [number, number],
  [w, h, ht]: readonly [number, number, number],
  kept: readonly [number | undefined, number | undefined],
): void => {
  if (kept[0] !== w) writeTo(wasm, w, W)
  if (kept[1] !== h) writeTo(wasm, h, H)
  wasm.transpose(h, k, m, ht)
}

/**
 * Where the last iteration left W and H in the module's memory (`keptAt`, asked before the
 * layout), H only when the solver made it (`ownH`; transform's H is the caller's, copied
 * in every time).
 */
export const keptFactors = (
  wasm: KernelModule,
  W: Float64Array,
  H: Float64Array,
  ownH = true,
): readonly [number | undefined, number | undefined] => [
  keptAt(wasm, W),
  ownH ? keptAt(wasm, H) : undefined,
]

/**
 * W's slot and the slot its update is made in, of two that swap roles each iteration:
 * the new W stays where it was made, and the next iteration finds it there.
 */
export const swappingSlots = (
  keptW: number | undefined,
  first: number,
  second: number,
): readonly [number, number] => (keptW === second ? [second, first] : [first, second])

/**
 * A new factor from `length` float64s at `at` (see `factorArray` for where it comes from),
 * scanned for entries that are not finite in the module, which tells the driver's check
 * (core/found-finite.ts).
 */
export const factorOut = (wasm: KernelModule, at: number, length: number): Float64Array => {
  const out = factorArray(length)
  out.set(viewOf(wasm, at, length))
  if (wasm.allFinite(at, length) === 1) foundFinite(out)
  return out
}

/**
 * One layout of the module's memory for a whole iteration: X (dense, or a CSR X's parts;
 * kept there during a fit) and `slots` (byte sizes), with X·B and Xᵀ·B as the DSL's
 * planner runs them (core/kernels.ts's products, on two threads when large). Undefined
 * when the memory cannot hold it.
 */
export const layoutWithX = (
  wasm: KernelModule,
  X: AnyMatrix,
  k: number,
  slots: readonly number[],
): XInModule | undefined => {
  const n = X.rows
  const m = X.cols
  if (X.format === 'dense') {
    const at = layout(wasm, [valuesOf(X)], slots)
    if (at === undefined) return undefined
    const x = at[0]
    return {
      times: (b, out) => moduleProduct(wasm, x, n, m, m, 1, b, k, out),
      transposeTimes: (b, out) => moduleProduct(wasm, x, m, n, 1, m, b, k, out),
      at: at.slice(1),
      dense: x,
    }
  }
  // Xᵀ·B on two threads sums one half into a slot of its own (`other`).
  const at = layout(wasm, [X.indptr, X.indices, X.data], [...slots, m * k * F64])
  if (at === undefined) return undefined
  const parts = { indptr: at[0], indices: at[1], data: at[2] }
  const other = at[at.length - 1]
  return {
    times: (b, out) => csrProductInModule(wasm, X, parts, b, k, out),
    transposeTimes: (b, out) => csrTransposeProductInModule(wasm, X, parts, b, k, out, other),
    at: at.slice(3, -1),
    csr: parts,
  }
}

/**
 * One iteration of `alternate(sweep on W, withObjective(sweep on Hᵀ))`, each sweep moving
 * its columns by `settings` after `penalties` were applied to its (G, C): the next
 * factors and the stats the DSL rule reports (`violationW`, `violationH`,
 * `squaredChangeW`, `squaredChangeH`, `objectiveH`). Undefined, having drawn nothing from
 * the problem's Rng, where it does not run: the reference kernel path, or a memory that
 * cannot hold the iteration; the rule runs then.
 */
export const alternatingSweeps = (
  state: Factors,
  problem: Problem,
  settings: SweepSettings,
  penalties: SweepPenalties,
): Outcome<Factors> | undefined => oneIteration(sweepsInModule(state, problem, settings, penalties))

/** One iteration of `run` (laid out for it, where the module runs it): its factors and stats. */
export const oneIteration = (run: InModule | undefined): Outcome<Factors> | undefined => {
  if (run === undefined) return undefined
  const stats = run.iterate()
  return { state: run.out(), stats }
}

/** Whole iterations in one layout of the module's memory, the factors kept there between them. */
export interface InModule {
  /** One iteration, the factors updated in the module: the stats its rule reports. */
  readonly iterate: () => Stats
  /** Whether the factors in the module are all finite. */
  readonly finite: () => boolean
  /** The factors as views of the module's memory, valid until the next call into it. */
  readonly current: () => Factors
  /** The factors copied out into arrays of their own, where the next iteration reads them. */
  readonly out: () => Factors
}

/**
 * alternatingSweeps' iteration, to be run any number of times in place (solvers/batch.ts):
 * X and the factors are laid out once. Undefined where the module does not run it.
 */
export const sweepsInModule = (
  state: Factors,
  problem: Problem,
  settings: SweepSettings,
  penalties: SweepPenalties,
): InModule | undefined => {
  const { X, components: k } = problem
  const n = X.rows
  const m = X.cols
  const wasm = fastModule(n * m * k, 0)
  if (wasm === undefined) return undefined
  const [nk, mk, kk] = [n * k * F64, m * k * F64, k * k * F64]
  const slots = [nk, mk, mk, nk, mk, kk, kk, kk, sweepScratch(k), 2 * k * 4]
  const [W, H] = [valuesOf(state.W), valuesOf(state.H)]
  const kept = keptFactors(wasm, W, H)
  const laid = layoutWithX(wasm, X, k, slots)
  if (laid === undefined) return undefined
  const { times, transposeTimes } = laid
  const [w, h, ht, crossW, crossH, gramH, gramW, gramNext, scratch, orders] = laid.at
  // The factors are updated in place, so they go into slots of their own (never onto X).
  factorsIn(wasm, W, H, [k, m], [w, h, ht], kept)

  // The components' order of each sweep, drawn as the rule draws it (W's sweep first).
  const orderOf = [int32ViewOf(wasm, orders, k), int32ViewOf(wasm, orders + k * 4, k)]
  const sweep = (a: number, rows: number, g: number, c: number, which: 0 | 1) => {
    writeOrder(problem, orderOf[which])
    return sweepInModule(wasm, a, rows, k, g, c, orders + which * k * 4, scratch, settings)
  }

  // W and H in their slots, which the iterations keep (nothing grows the memory meanwhile):
  // made at the first `current`. H is Hᵀ transposed into its slot, done only when read
  // (the solvers' reports and stopping rules read W or nothing; a sparse H is 100 000
  // entries an iteration).
  let views: Factors | undefined
  let hView: Matrix<'components', string> | undefined
  let transposed = false
  const currentH = (): Matrix<'components', string> => {
    if (!transposed) wasm.transpose(ht, m, k, h)
    transposed = true
    return (hView ??= Matrix.unsafeWrap<'components', string>(k, m, viewOf(wasm, h, k * m)))
  }

  const iterate = (): Stats => {
    transposed = false
    // W with H: C = X·Hᵀ, G = H·Hᵀ (as gramColumns of Hᵀ).
    times(ht, crossW)
    moduleProduct(wasm, ht, k, m, 1, k, ht, k, gramH)
    wasm.penalize(gramH, crossW, n, k, penalties.W.l1, penalties.W.l2)
    const onW = sweep(w, n, gramH, crossW, 0)

    // Hᵀ with the new W: C = Xᵀ·W, G = WᵀW.
    transposeTimes(w, crossH)
    moduleProduct(wasm, w, k, n, 1, k, w, k, gramW)
    wasm.penalize(gramW, crossH, m, k, penalties.H.l1, penalties.H.l2)
    const onH = sweep(ht, m, gramW, crossH, 1)

    // The objective with H's penalties, as withObjective forms it:
    // ½(‖X‖² − 2·Σ C∘Hᵀ + Σ G∘(H·Hᵀ)).
    moduleProduct(wasm, ht, k, m, 1, k, ht, k, gramNext)
    const cross = wasm.dot(crossH, ht, m * k)
    const quadratic = wasm.dot(gramW, gramNext, k * k)
    const objective = Math.max(0, 0.5 * (problem.squaredNormX - 2 * cross + quadratic))
    return {
      violationW: onW.violation,
      squaredChangeW: onW.squaredChange,
      violationH: onH.violation,
      squaredChangeH: onH.squaredChange,
      objectiveH: objective,
    }
  }

  return {
    iterate,
    finite: () => wasm.allFinite(w, n * k) === 1 && wasm.allFinite(ht, m * k) === 1,
    current: () => {
      views ??= {
        W: Matrix.unsafeWrap<string, 'components'>(n, k, viewOf(wasm, w, n * k)),
        get H() {
          return currentH()
        },
      }
      return views
    },
    out: () => {
      const nextW = factorOut(wasm, w, n * k)
      currentH()
      const nextH = factorOut(wasm, h, k * m)
      // Where the next iteration reads them.
      keepCopies(wasm, [nextW, nextH], [w, h])
      return {
        W: Matrix.unsafeWrap<string, 'components'>(n, k, nextW),
        H: Matrix.unsafeWrap<'components', string>(k, m, nextH),
      }
    },
  }
}

/**
 * A batch (solvers/batch.ts) of a solver whose native iteration is alternatingSweeps, its
 * settings and penalties from `sweepsOf`, its numbers from `report` (the solver's own).
 */
export const sweepsBatch = <O>(
  sweepsOf: (problem: Problem, options: O) => readonly [SweepSettings, SweepPenalties],
  report: (stats: Stats, state: Factors, problem: Problem, options: O) => Numbers,
): Batch<O, Factors> =>
  batchInModule(
    (state, problem, options) => sweepsInModule(state, problem, ...sweepsOf(problem, options)),
    report,
  )

/**
 * A batch (solvers/batch.ts) of iterations that `start` runs in the module, their numbers
 * from `report` (the solver's own).
 */
export const batchInModule =
  <O>(
    start: (state: Factors, problem: Problem, options: O) => InModule | undefined,
    report: (stats: Stats, state: Factors, problem: Problem, options: O) => Numbers,
  ): Batch<O, Factors> =>
  (state, problem, options, limit, proceed) => {
    const run = start(state, problem, options)
    if (run === undefined) return undefined
    for (let ran = 1; ; ran++) {
      const stats = run.iterate()
      const finite = run.finite()
      const current = run.current()
      const numbers = report(stats, current, problem, options)
      if (ran === limit || !finite || !proceed({ state: current, ...numbers })) {
        return { state: run.out(), ...numbers }
      }
    }
  }

/** What a step reports besides its state. */
type Numbers = Omit<StepResult<Factors>, 'state'>

/** The order of one sweep into `out` (k), drawing from the Rng as componentOrder does. */
export const writeOrder = (problem: Problem, out: Int32Array): void => {
  if (problem.shuffle) out.set(componentOrder(problem, out.length))
  else for (let t = 0; t < out.length; t++) out[t] = t
}
