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
 */

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
/** Arrays handed back, by length; the driver empties this at the end of every fit. */
const spares = new Map<number, Float64Array[]>()
/** A fit needs at most a W and an H of each length in waiting. */
const SPARES_PER_LENGTH = 2

/**
 * A Float64Array of `length` entries for a factor that the caller fills completely: one
 * handed back by `recycle` if there is one (its old entries still in it), else a new one
 * (from a shared block when small, zeroed).
 */
export const factorArray = (length: number): Float64Array => {
  const spare = spares.get(length)?.pop()
  if (spare !== undefined) return spare
  const array = float64Array(length)
  recyclable.add(array)
  return array
}

/**
 * Hands `array` back for reuse: the caller promises that nothing reads it any more. Arrays
 * that `factorArray` did not make, or that `keepArray` took out, are left alone.
 */
export const recycle = (array: Float64Array): void => {
  if (!recyclable.has(array)) return
  const waiting = spares.get(array.length)
  if (waiting === undefined) spares.set(array.length, [array])
  else if (waiting.length < SPARES_PER_LENGTH && !waiting.includes(array)) waiting.push(array)
}

/** Takes `array` out of recycling for good (a fit's result, which its caller owns). */
export const keepArray = (array: Float64Array): void => {
  recyclable.delete(array)
}

/** Drops every array waiting for reuse, so that none outlives the fit that handed it back. */
export const dropSpares = (): void => {
  spares.clear()
}
