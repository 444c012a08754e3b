/**
 * Float64Arrays for the factors of small problems, carved from shared 64 KiB blocks.
 *
 * A `new Float64Array(n)` of more than a few entries gets a buffer of its own outside
 * V8's heap, which costs about a microsecond (0.6 µs for 80 entries, 1.2 µs for 400,
 * measured on Node 20): on the notebook's 100×20 problem more than the arithmetic of a
 * whole iteration. `float64Array` hands out zeroed views into a block instead; a block
 * is never reused, only dropped when it is full, and the garbage collector frees it
 * once no view into it is left. Arrays over 4 KiB get a buffer of their own.
 *
 * A view keeps its whole block alive, so what outlives a fit (the factors in its result)
 * is copied into arrays of its own size first (`ownArray`).
 *
 * The factors of whole iterations in the WebAssembly module are recycled as well. Such
 * an iteration makes a new W and H each time (`factorArray`): on a large problem
 * megabytes of garbage an iteration, which the collector lets pile up by the tens before
 * it runs, and on a small one a view to make. The driver hands back (`recycle`) the
 * arrays of a state it will never read again, and the next `factorArray` of that length
 * takes one of them. Only arrays that `factorArray` made are taken back, and a fit's
 * result leaves the scheme (`keepArray`; a view is first copied by `ownArray`).
 *
 * `mu`'s general update hands back its own temporaries the same way.
 *
 * When a fit ends, a W and an H still waiting pass to the next fit, but only until the
 * current task ends (a zero-delay timer then lets them go): fits run one after another
 * in a loop would otherwise each leave a W and an H of garbage besides their result (on
 * the bench's sparse problem 4 MB a fit, which piled up for several fits before the
 * collector ran). Only the last fit's are kept, so a loop over many sizes holds a W and
 * an H of one fit at most, and after the loop nothing. (A WeakRef would not do: it keeps
 * its target alive until the task ends too, and every fit's, not only the last one's.)
 */

import { takeFoundFinite } from './found-finite.ts'
import { forgetKept } from './wasm.ts'

const BLOCK_BYTES = 65_536
const LARGEST_BYTES = 4_096

let block = new ArrayBuffer(BLOCK_BYTES)
let used = 0

/** A zeroed Float64Array of `length` entries, from a shared block when it is small. */
const float64Array = (length: number): Float64Array => {
  const bytes = length * 8
  if (bytes > LARGEST_BYTES) return new Float64Array(length)
  if (used + bytes > BLOCK_BYTES) {
    block = new ArrayBuffer(BLOCK_BYTES)
    used = 0
  }
  const array = new Float64Array(block, used, length)
  used += bytes
  return array
}

/** `array` itself when it owns its buffer, else a copy that does. */
export const ownArray = (array: Float64Array): Float64Array =>
  array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice()

/** Arrays `factorArray` made that may be handed back. */
const recyclable = new WeakSet<Float64Array>()
/** Arrays handed back during a fit, by length; emptied at the end of every fit. */
const spares = new Map<number, Float64Array[]>()
/**
 * How many arrays of one length wait at most. An iteration of `mu` outside its fused paths
 * (a CSR X with β ≠ 2, for one) takes five m×k arrays: Hᵀ, H's numerator and denominator,
 * the new Hᵀ and the new H; W can have H's length too.
 */
export const SPARES_PER_LENGTH = 6

/**
 * A Float64Array of `length` entries for a factor that the caller fills completely: one
 * handed back by `recycle` if there is one (its old entries still in it), else a new one
 * (from a shared block when small, zeroed).
 */
export const factorArray = (length: number): Float64Array => {
  const spare = spares.get(length)?.pop() ?? leftover(length)
  if (spare !== undefined) {
    // Its entries are about to change: a scan of the old ones says nothing of them, and a
    // copy of them in the module's memory is a copy no more.
    takeFoundFinite(spare)
    forgetKept(spare)
    return spare
  }
  const array = float64Array(length)
  recyclable.add(array)
  return array
}

/**
 * Hands `array` back for reuse during a fit: the caller promises that nothing reads it any
 * more. Arrays that `factorArray` did not make, or that `keepArray` took out, are left
 * alone, as is everything outside a fit (`duringFit`).
 */
export const recycle = (array: Float64Array): void => {
  // Outside a fit nothing would end the wait: an array handed back then is left alone.
  if (fits === 0 || !recyclable.has(array)) return
  const waiting = spares.get(array.length)
  if (waiting === undefined) spares.set(array.length, [array])
  else if (
    waiting.length < SPARES_PER_LENGTH &&
    !waiting.includes(array) &&
    leftovers.get(array.length)?.includes(array) !== true
  ) {
    waiting.push(array)
  }
}

/** Takes `array` out of recycling for good (a fit's result, which its caller owns). */
export const keepArray = (array: Float64Array): void => {
  recyclable.delete(array)
}

/** How many fits are running: a solver's step may run a fit of its own. */
let fits = 0

/** Runs a fit (`run`): arrays handed back during it wait for reuse (see `dropSpares`). */
export const duringFit = <A>(run: () => A): A => {
  fits++
  try {
    return run()
  } finally {
    fits--
    dropSpares()
  }
}

/**
 * What waited for reuse when the last fit ended, by length, for the fits that follow in
 * the same task, held strongly (see above).
 */
let leftovers = new Map<number, Float64Array[]>()
let release: unknown

/** An array of `length` left over from the last fit, if one is. */
const leftover = (length: number): Float64Array | undefined => leftovers.get(length)?.pop()

/** Lets the leftovers go once the current task ends (where timers exist). */
const releaseLater = (): boolean => {
  if (release !== undefined) return true
  if (typeof setTimeout !== 'function') return false
  const timer: unknown = setTimeout(() => {
    release = undefined
    leftovers = new Map()
  }, 0)
  // Node: the timer does not keep the process alive.
  ;(timer as { unref?: () => void }).unref?.()
  release = timer
  return true
}

/**
 * How many arrays of one length pass to the next fit: a W and an H, the two a fit of
 * `cd` or `mu` leaves besides its result (a fit's other temporaries are let go: on a large
 * problem they can be several times the factors' size).
 */
export const LEFTOVERS_PER_LENGTH = 2

/**
 * Ends a fit's reuse (`duringFit` calls it at the end of every fit, nested ones too): up
 * to LEFTOVERS_PER_LENGTH of the arrays waiting for it of each length replace the
 * leftovers of the fit before, until the current task ends.
 */
export const dropSpares = (): void => {
  const next = new Map<number, Float64Array[]>()
  if (spares.size > 0 && releaseLater()) {
    for (const [length, waiting] of spares) next.set(length, waiting.slice(0, LEFTOVERS_PER_LENGTH))
  }
  leftovers = next
  spares.clear()
}
