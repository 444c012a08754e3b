/**
 * The WebAssembly fast path of core/kernels.ts, solvers/mu-module.ts and
 * solvers/mu-kl-module.ts, the column sweeps of cd and moving-average and the
 * divergences: the module compiled
 * from wasm/kernels.ts (embedded in core/wasm-binary.ts, so nothing is read
 * from disk), its linear memory, and which path runs.
 *
 * Memory. Every call copies its operands into the module's memory and its
 * result out into a `Float64Array` of the caller's (a new one, or for a fit's next
 * factors and temporaries one that nothing reads any more, handed back earlier in the
 * fit or by the fit before, see core/small-arrays.ts); nothing the caller holds is
 * written.
 * Copying an operand costs one pass over it, a product k passes. Two exceptions:
 * the X of a fit, read every iteration: inside
 * `withResidentScope` (nmf and transform run in one), arrays given to
 * `keepResident` stay in the module's memory while consecutive calls use them,
 * and are copied again when another kept array needs the room or a later scope
 * uses them. They must not change within the scope. And the W and H a whole
 * iteration leaves in the memory, which the next iteration reads where they are
 * (`keepCopies` and `keptAt`) if nothing has laid the memory out since. The
 * memory grows to the largest call's needs (a fit of a dense X: about the size of X again) and
 * keeps that size; `releaseKernelMemory` gives it back. A call the memory
 * cannot hold (wasm32 stops at 4 GiB) runs the TypeScript loops.
 *
 * Which path. `'auto'` (the default) uses the module where it loads (Node 20,
 * browsers with WebAssembly SIMD) for calls of at least `FAST_PATH_MIN_WORK`
 * multiply-adds (the sweeps and mu's row pass: every call), and the TypeScript
 * loops below that, where copying would cost more than it saves; `'reference'` always uses the
 * TypeScript loops; `'wasm'` uses the module for every call (for tests).
 * `setKernelPath` chooses; the environment variable `NMFKIT_KERNELS` sets the
 * starting value, and any other value than those three is an error when the
 * library loads. The module is compiled synchronously on first use; a host
 * that refuses that (a browser's main thread refuses modules over 4 KiB; this
 * one is about 15 KB) or lacks SIMD runs the TypeScript loops. Both paths
 * compute the same sums, in places in another order (and logarithms and powers
 * from the module's own implementation): the fixtures agree to 1e-12
 * (test/kernel-paths.test.ts), not bit for bit. The module's exports are typed in
 * core/wasm-exports.ts.
 */
import { showFound } from './describe.ts'
import { inTwoParts, sharedMemoryWanted, stopWorker, type WorkerKernel } from './threads.ts'
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHARED_BASE64 } from './wasm-binary.ts'
import { isKernelPath, pathOfVariable, variableRefusal, type KernelPath } from './kernel-paths.ts'
import type { Exports } from './wasm-exports.ts'

export type { KernelPath } from './kernel-paths.ts'

/**
 * Calls with fewer multiply-adds than this run the TypeScript loops even on `'auto'`. Low:
 * within a fit the module wins even on 100×20 products (measured; bench/README.md).
 */
export const FAST_PATH_MIN_WORK = 1_024

/** Bytes per float64 in the module's memory, for offsets and sizes. */
export const F64 = 8

const pathFromEnvironment = (): KernelPath => {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.NMFKIT_KERNELS
  const named = pathOfVariable(value)
  if (named === undefined) throw new Error(variableRefusal(JSON.stringify(value)))
  return named
}

let path: KernelPath = pathFromEnvironment()

/** Chooses the kernels' implementation for every later call; returns the previous choice. */
export const setKernelPath = (next: KernelPath): KernelPath => {
  if (!isKernelPath(next)) {
    throw new TypeError(
      `setKernelPath: expected 'auto', 'reference' or 'wasm', found ${showFound(next)}`,
    )
  }
  const previous = path
  path = next
  return previous
}

/** The current choice of `setKernelPath` (or `NMFKIT_KERNELS`). */
export const kernelPath = (): KernelPath => path

// undefined: not tried yet; null: tried, and the module cannot run here.
let module: Exports | null | undefined

const decode = (base64: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

const instantiate = (): Exports | null => {
  try {
    return (sharedMemoryWanted() ? instantiateShared() : null) ?? instantiateOwn()
  } catch {
    // No WebAssembly, no SIMD, or a host that refuses synchronous compilation: the
    // TypeScript loops run instead.
    return null
  }
}

/** The module with its own memory. */
const instantiateOwn = (): Exports => {
  const compiled = new WebAssembly.Module(decode(KERNELS_WASM_BASE64))
  const instance = new WebAssembly.Instance(compiled, {})
  return started(instance.exports as unknown as Exports)
}

/**
 * The module on a shared memory that a worker thread can join (core/threads.ts); null
 * when the host refuses shared memory.
 */
const instantiateShared = (): Exports | null => {
  try {
    const compiled = new WebAssembly.Module(decode(KERNELS_WASM_SHARED_BASE64))
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65_536, shared: true })
    const instance = new WebAssembly.Instance(compiled, { env: { memory } })
    sharedModule = compiled
    return started({ ...(instance.exports as unknown as Exports), memory })
  } catch {
    return null
  }
}

/** The shared-memory module, for a worker to instantiate; undefined with the other one. */
let sharedModule: WebAssembly.Module | undefined

/** A new module's exports, with allocation set to start above its static data. */
const started = (exports: Exports): Exports => {
  BASE = align(Math.max(64, exports.heapBase()))
  resident = { arrays: [], offsets: [], end: BASE }
  top = BASE
  return exports
}

/** The shared-memory module when it is the one in use (threads can join it). */
export const sharedModuleInUse = (): WebAssembly.Module | undefined =>
  module ? sharedModule : undefined

/** Whether the WebAssembly module loads on this host (it is loaded on the first call). */
export const fastPathAvailable = (): boolean => {
  if (module === undefined) module = instantiate()
  return module !== null
}

export type { Exports as KernelModule }

/**
 * `kernel` of `wasm` over rows 0..rows−1, split between the two threads where they run
 * (see `inTwoParts` in core/threads.ts): `part(first, count, onWorker)` gives the
 * kernel's arguments for those rows; the result says whether two threads ran and what
 * each part returned.
 */
export const rowsInTwoParts = (
  wasm: Exports,
  work: number,
  kernel: WorkerKernel,
  rows: number,
  split: number,
  part: (first: number, count: number, onWorker: boolean) => readonly number[],
  apart = false,
): ReturnType<typeof inTwoParts> =>
  inTwoParts(
    sharedModuleInUse(),
    wasm.memory,
    work,
    kernel,
    rows,
    split,
    part,
    callOf(wasm[kernel] as (...values: readonly number[]) => unknown),
    apart,
  )

/**
 * A call of `kernel` with an argument list: up to eight arguments passed one by one, as
 * the products take them (a spread call costs more in the notebook's small products), the
 * longer lists spread. A WebAssembly function ignores arguments past its own.
 */
const callOf =
  (kernel: (...values: readonly number[]) => unknown) =>
  (args: readonly number[]): unknown =>
    args.length <= 8
      ? kernel(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7])
      : kernel(...args)

/**
 * The module when the fast path should run a call of `work` multiply-adds; `minWork` is
 * the size below which `'auto'` keeps to TypeScript (0 for calls whose TypeScript
 * alternative has a larger fixed cost than the copies).
 */
export const fastModule = (
  work: number,
  minWork: number = FAST_PATH_MIN_WORK,
): Exports | undefined => {
  if (path === 'reference' || (path === 'auto' && work < minWork)) return undefined
  if (module === undefined) module = instantiate()
  return module ?? undefined
}

// ---------------------------------------------------------------------------------------
// Linear memory: [resident arrays][this call's operands and results], 16-byte aligned.

type Operand = Float64Array | Int32Array

/**
 * Where allocation starts: above the module's static data, and never at 0, which means
 * "absent" to the kernels. Set when the module loads.
 */
let BASE = 64
const PAGE = 65_536
let resident: { readonly arrays: Operand[]; readonly offsets: number[]; end: number } = {
  arrays: [],
  offsets: [],
  end: BASE,
}
let top = BASE

/** How many open scopes registered each array (see `withResidentScope`). */
const residentArrays = new Map<Operand, number>()
/** The arrays each open scope registered, innermost last. */
const scopes: Operand[][] = []

/**
 * Runs `run` in a scope in which `keepResident` may keep arrays in the module's memory
 * across calls; when the scope ends they are no longer kept (nor trusted: a later scope
 * copies them afresh). nmf and transform run in one, so that X is copied once per fit
 * and a change to X between fits is always seen.
 */
export const withResidentScope = <A>(run: () => A): A => {
  const scope: Operand[] = []
  scopes.push(scope)
  try {
    return run()
  } finally {
    scopes.pop()
    // The fit's last factors: not read again, nor held.
    kept = NOTHING_KEPT
    for (const array of scope) {
      const count = (residentArrays.get(array) ?? 1) - 1
      if (count > 0) residentArrays.set(array, count)
      else {
        residentArrays.delete(array)
        if (resident.arrays.includes(array)) resident = { arrays: [], offsets: [], end: BASE }
      }
    }
  }
}

/**
 * Keeps arrays that the current scope will not change in the module's memory across
 * calls (a fit's X, of any size: on the notebook's 100×20 the copy cost 1–2 µs an iteration).
 * Outside a scope it does nothing.
 */
export const keepResident = (...arrays: readonly Operand[]): void => {
  const scope = scopes[scopes.length - 1]
  if (scope === undefined) return
  for (const array of arrays) {
    if (scope.includes(array)) continue
    scope.push(array)
    residentArrays.set(array, (residentArrays.get(array) ?? 0) + 1)
  }
}

/** The bytes of the module's memory now (0 before the module has loaded). */
export const kernelMemoryBytes = (): number => (module ? heapOf(module.memory).bytes : 0)

/** Frees the module's memory (and stops the worker thread); the next call starts anew. */
export const releaseKernelMemory = (): void => {
  stopWorker()
  module = undefined
  // The views of the whole memory would keep it alive.
  heap = undefined
  kept = NOTHING_KEPT
  resident = { arrays: [], offsets: [], end: BASE }
  top = BASE
}

// Not `& ~15`: bitwise operators work on 32 bits, and sizes reach 4 GiB.
const align = (bytes: number): number => Math.ceil(bytes / 16) * 16

/**
 * Views of the whole of a memory, made again only after it grows (it grows only in
 * `ensure`; a new module has a new memory). Reading `memory.buffer` and making a view for
 * every copy had cost about a microsecond an iteration on the notebook's problem.
 */
let heap:
  | {
      readonly memory: WebAssembly.Memory
      readonly bytes: number
      readonly f64: Float64Array
      readonly i32: Int32Array
    }
  | undefined

const heapOf = (memory: WebAssembly.Memory): NonNullable<typeof heap> => {
  if (heap === undefined || heap.memory !== memory) {
    const buffer = memory.buffer
    heap = {
      memory,
      bytes: buffer.byteLength,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
    }
  }
  return heap
}

/** Grows the memory to hold `end` bytes; false when it cannot (4 GiB, or the host refuses). */
const ensure = (memory: WebAssembly.Memory, end: number): boolean => {
  const have = heapOf(memory).bytes
  if (end <= have) return true
  try {
    memory.grow(Math.ceil((end - have) / PAGE))
    return true
  } catch {
    return false
  } finally {
    heap = undefined
  }
}

// Offsets are multiples of 16 (`align`), so of 8 and 4.
const copyIn = (memory: WebAssembly.Memory, array: Operand, offset: number): void => {
  if (array instanceof Float64Array) heapOf(memory).f64.set(array, offset / F64)
  else heapOf(memory).i32.set(array, offset / 4)
}

/**
 * One call's memory: places `operands` (resident ones where they already are)
 * and `outputs` (byte sizes) after them. Returns their offsets in that order,
 * or undefined when the memory cannot grow that far.
 */
export const layout = (
  exports: Exports,
  operands: readonly Operand[],
  outputs: readonly number[],
): number[] | undefined => {
  const { memory } = exports
  kept = NOTHING_KEPT
  // Cached: every operand a scope keeps is where the last call put it (each iteration of a
  // fit, for X), and then nothing is allocated to find that out.
  let cached = true
  for (const a of operands) {
    if (residentArrays.has(a) && !resident.arrays.includes(a)) cached = false
  }
  if (!cached) {
    const keep = [...new Set(operands.filter((a) => residentArrays.has(a)))]
    // Rebuild the resident region with this call's resident operands only.
    const offsets: number[] = []
    let end = BASE
    for (const array of keep) {
      offsets.push(end)
      end += align(array.byteLength)
    }
    resident = { arrays: [], offsets: [], end: BASE }
    if (!ensure(memory, end)) return undefined
    keep.forEach((array, index) => copyIn(memory, array, offsets[index]))
    resident = { arrays: [...keep], offsets, end }
  }
  top = resident.end
  const placed: number[] = []
  const copies: [Operand, number][] = []
  for (const array of operands) {
    const at = resident.arrays.indexOf(array)
    if (at >= 0) placed.push(resident.offsets[at])
    else {
      const earlier = operands.indexOf(array)
      if (earlier < placed.length) placed.push(placed[earlier])
      else {
        placed.push(top)
        copies.push([array, top])
        top += align(array.byteLength)
      }
    }
  }
  for (const bytes of outputs) {
    placed.push(top)
    top += align(bytes)
  }
  if (!ensure(memory, top)) return undefined
  for (const [array, offset] of copies) copyIn(memory, array, offset)
  return placed
}

/** Factors whose entries the last call left in the module's memory (see `keptAt`). */
interface KeptCopies {
  readonly memory: WebAssembly.Memory | undefined
  readonly arrays: readonly Float64Array[]
  readonly offsets: readonly number[]
}

const NOTHING_KEPT: KeptCopies = { memory: undefined, arrays: [], offsets: [] }

/**
 * Cleared by every layout: every call that writes the module's memory lays it out first,
 * so until the next layout the memory is as the call that recorded these left it. (And
 * the arrays are not held past it.)
 */
let kept = NOTHING_KEPT

/**
 * Records that the module's memory holds each of `arrays` at the offset given for it,
 * entry for entry, as the call that just made them left it (a fit's new W and H): the
 * next iteration need not copy them in again if nothing lays the memory out before it.
 */
export const keepCopies = (
  exports: Exports,
  arrays: readonly Float64Array[],
  offsets: readonly number[],
): void => {
  kept = { memory: exports.memory, arrays, offsets }
}

/**
 * Where the module's memory still holds `array`'s entries as `keepCopies` recorded them;
 * undefined when it may not. Ask before laying out the call that reads them: the layout
 * forgets them, as does the end of the fit (`withResidentScope`). The array is the same
 * object: nmfkit writes a factor's array again only when `factorArray` hands it out anew,
 * which forgets it too (`forgetKept`); a first, middle or last entry that differs from the
 * copy is caught all the same.
 */
export const keptAt = (exports: Exports, array: Float64Array): number | undefined => {
  if (kept.memory !== exports.memory) return undefined
  const index = kept.arrays.indexOf(array)
  if (index < 0) return undefined
  const offset = kept.offsets[index]
  const copy = heapOf(exports.memory).f64
  const at = offset / F64
  const last = array.length - 1
  for (const q of [0, last >> 1, last]) {
    if (q >= 0 && !Object.is(copy[at + q], array[q])) return undefined
  }
  keptCopiesFound++
  return offset
}

let keptCopiesFound = 0

/** Forgets the copy of `array`, if one is recorded: its entries are about to change. */
export const forgetKept = (array: Float64Array): void => {
  if (kept.arrays.includes(array)) kept = NOTHING_KEPT
}

/** How many times `keptAt` has found a copy so far (for tests). */
export const keptCopiesUsed = (): number => keptCopiesFound

/** A copy of `length` float64s at `offset` of the module's memory. */
export const copyOut = (exports: Exports, offset: number, length: number): Float64Array =>
  heapOf(exports.memory).f64.slice(offset / F64, offset / F64 + length)

/** Copies `values` into the module's memory at `offset` (as `layout` copies operands). */
export const writeTo = (exports: Exports, offset: number, values: Float64Array): void =>
  copyIn(exports.memory, values, offset)

/** A live view of `length` float64s at `offset` (valid until the memory grows). */
export const viewOf = (exports: Exports, offset: number, length: number): Float64Array =>
  heapOf(exports.memory).f64.subarray(offset / F64, offset / F64 + length)

/** A live view of `length` int32s at `offset` (valid until the memory grows). */
export const int32ViewOf = (exports: Exports, offset: number, length: number): Int32Array =>
  heapOf(exports.memory).i32.subarray(offset / 4, offset / 4 + length)
